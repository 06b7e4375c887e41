"""Reads of a field at the root of a value whose fields the runtime fixes: the workflow event
(docs/python-api.md §2.7) and what ``wait_for_event`` returns (§2.4). Both reach Python as a
``JsDict``, a dict whose keys can also be read as attributes, so ``x["k"]``, ``x.get("k")`` and
``x.k`` all read the field ``k`` (WF036, WF037).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import libcst as cst

from ..diagnostics import Diagnostic
from ..records import record
from .function_body import Function
from .step_args import literal

if TYPE_CHECKING:
    from .rule import RuleContext

DICT_ATTRIBUTES = frozenset(dir(dict))
"""Attributes a ``JsDict`` answers as a dict (``get``, ``items``…), not as a field."""


@record(frozen=True)
class FieldRead:
    """``root[key]`` (``subscript``), ``root.get(key)`` (``get``) or ``root.key`` (``attribute``)."""

    node: cst.CSTNode
    root: str
    key: str
    form: str
    default: cst.BaseExpression | None = None
    """The default of a ``get``."""

    def consequence(self) -> str:
        """What the read gives at run time: ``KeyError``, ``AttributeError``, ``None`` or the
        default."""
        if self.form == "get":
            return "None" if self.default is None else "the default"
        return {"subscript": "KeyError", "attribute": "AttributeError"}[self.form]

    def under_payload(self, module: cst.Module) -> str:
        """The same read one level down, under ``payload``."""
        key = json.dumps(self.key, ensure_ascii=False)
        if self.form == "get":
            default = "" if self.default is None else ", " + module.code_for_node(self.default)
            return f'{self.root}["payload"].get({key}{default})'
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
        if type(node) is cst.Subscript:
            key = _subscript_key(node, function)
            if key is not None:
                yield FieldRead(node, root, key, "subscript")
        elif node.attr.value not in DICT_ATTRIBUTES:
            yield FieldRead(node, root, node.attr.value, "attribute")
    for call in function.calls:
        func = call.func
        if not (type(func) is cst.Attribute and func.attr.value == "get" and call.args
                and call.args[0].keyword is None and not call.args[0].star):
            continue
        root = _root(func.value, roots)
        key = literal(call.args[0].value, function.consts) if root is not None else None
        if isinstance(key, str):
            default = call.args[1].value if len(call.args) > 1 else None
            yield FieldRead(call, root, key, "get", default)  # type: ignore[arg-type]


def _root(expr: cst.BaseExpression, roots: set[str]) -> str | None:
    """``event``, or ``event`` in ``(event or {})`` (a guard that never applies: the runtime
    always passes a non-empty event)."""
    if (type(expr) is cst.BooleanOperation and type(expr.operator) is cst.Or
            and _empty_dict(expr.right)):
        expr = expr.left
    return expr.value if type(expr) is cst.Name and expr.value in roots else None


def _empty_dict(expr: cst.BaseExpression) -> bool:
    if type(expr) is cst.Dict:
        return not expr.elements
    return (type(expr) is cst.Call and type(expr.func) is cst.Name
            and expr.func.value == "dict" and not expr.args)


def _subscript_key(node: cst.Subscript, function: Function) -> str | None:
    if len(node.slice) != 1 or type(node.slice[0].slice) is not cst.Index:
        return None
    key = literal(node.slice[0].slice.value, function.consts)
    return key if isinstance(key, str) else None


@record(frozen=True)
class FixedFields:
    """A value whose fields the runtime fixes, as a rule describes it: ``roots`` picks the names
    that hold it in a function; ``subject`` names it in a message; ``data`` says what lives under
    its payload; ``when`` is when a wrong read fails."""

    fields: tuple[str, ...]
    roots: Callable[[Function], set[str]]
    subject: str
    data: str
    when: str


def misplaced_reads(ctx: "RuleContext", value: FixedFields) -> Iterator[Diagnostic]:
    """A finding for each read of a field ``value`` does not have, with the likely fix."""
    for function in ctx.code.functions:
        for read in field_reads(function, value.roots(function)):
            if read.key in value.fields:
                continue
            meant = _close_field(read.key, value.fields)
            if meant is not None:
                note = f"did you mean `{meant}`?"
            else:
                note = f"{value.data} under payload: `{read.under_payload(ctx.module)}`"
            yield ctx.report(read.node, f"{value.subject} has no field {read.key!r} "
                             f"({read.consequence()} {value.when})",
                             notes=(note, f"{value.subject} has " + ", ".join(value.fields)))


def _close_field(key: str, fields: tuple[str, ...]) -> str | None:
    """The field ``key`` was probably meant as (``instance_id`` → ``instanceId``)."""
    folded = key.replace("_", "").lower()
    return next((f for f in fields if f.lower() == folded and f != key), None)
