"""Reads of a field at the root of a value whose fields the runtime fixes: the workflow event
(reference/python-sdk.md §2.7) and what ``wait_for_event`` returns (§2.4). Both reach Python as a
``JsDict``, a dict whose keys can also be read as attributes, so ``x["k"]``, ``x.get("k")`` and
``x.k`` all read the field ``k`` (WF036, WF037).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from .function_body import Function
from .step_args import literal

DICT_ATTRIBUTES = frozenset(dir(dict))
"""Attributes a ``JsDict`` answers as a dict (``get``, ``items``…), not as a field."""


@dataclass(frozen=True)
class FieldRead:
    """``root[key]`` (``subscript``), ``root.get(key)`` (``get``) or ``root.key`` (``attribute``)."""

    node: cst.CSTNode
    root: str
    key: str
    form: str

    def consequence(self) -> str:
        """What the read gives at run time: ``KeyError``, ``AttributeError`` or ``None``."""
        return {"subscript": "KeyError", "attribute": "AttributeError", "get": "None"}[self.form]

    def under_payload(self) -> str:
        """The same read one level down, under ``payload``."""
        key = json.dumps(self.key, ensure_ascii=False)
        if self.form == "get":
            return f'{self.root}["payload"].get({key})'
        if self.form == "attribute":
            return f"{self.root}.payload.{self.key}"
        return f'{self.root}["payload"][{key}]'


def field_reads(function: Function, roots: set[str]) -> Iterator[FieldRead]:
    """Reads of a literal field directly on one of ``roots`` in ``function``'s body, in source
    order of each form; writes (WF032's) and dict methods are not reads of a field."""
    if not roots:
        return
    written = {id(store.target) for store in function.stores}
    for node in function.name_reads:
        root = node.value.value  # type: ignore[attr-defined]
        if root not in roots or id(node) in written:
            continue
        if isinstance(node, cst.Subscript):
            key = _subscript_key(node, function)
            if key is not None:
                yield FieldRead(node, root, key, "subscript")
        elif node.attr.value not in DICT_ATTRIBUTES:
            yield FieldRead(node, root, node.attr.value, "attribute")
    for call in function.calls:
        func = call.func
        if (isinstance(func, cst.Attribute) and func.attr.value == "get"
                and isinstance(func.value, cst.Name) and func.value.value in roots
                and call.args and call.args[0].keyword is None and not call.args[0].star):
            key = literal(call.args[0].value, function.consts)
            if isinstance(key, str):
                yield FieldRead(call, func.value.value, key, "get")


def _subscript_key(node: cst.Subscript, function: Function) -> str | None:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    key = literal(node.slice[0].slice.value, function.consts)
    return key if isinstance(key, str) else None


def close_field(key: str, fields: tuple[str, ...]) -> str | None:
    """The field ``key`` was probably meant as (``instance_id`` → ``instanceId``)."""
    folded = key.replace("_", "").lower()
    return next((f for f in fields if f.lower() == folded and f != key), None)
