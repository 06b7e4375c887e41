"""Reading a libcst tree without rebuilding it.

``CSTNode.visit`` and ``CSTNode.children`` go through ``_visit_and_replace_children``, which
constructs (and validates) a copy of every node visited: on a large module that costs more than
parsing. Reading the dataclass fields directly costs almost nothing; the field order is the
source order except for the few node types reordered here.
"""

from __future__ import annotations

import dataclasses
from typing import Iterator

import libcst as cst

_SKIP = frozenset({cst.BaseParenthesizableWhitespace, cst.LeftParen, cst.RightParen, cst.Comma,
                   cst.Dot, cst.Colon, cst.AssignEqual, cst.Semicolon, cst.EmptyLine,
                   cst.TrailingWhitespace, cst.Newline, cst.Comment})

# Node types whose fields are not declared in source order.
_ORDER: dict[type, tuple[str, ...]] = {
    cst.IfExp: ("body", "test", "orelse"),
    cst.FunctionDef: ("decorators", "params", "returns", "body"),
    cst.ClassDef: ("decorators", "bases", "keywords", "body"),
}
_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _ORDER.get(cls) or tuple(
            f.name for f in dataclasses.fields(cls)
            if not f.name.startswith(("whitespace", "lpar", "rpar", "leading_lines"))
        )
        _FIELDS[cls] = names
    return names


_CHILD: dict[type, bool] = {}
"""Node type → whether its instances are children that carry meaning (not whitespace,
parentheses or punctuation, and not a non-node value). The answer never changes for a type.
It is read from the type's MRO: ``issubclass`` against libcst's abstract bases walks each
base's subclasses recursively the first time it meets a type (about 2,700 calls for one small
file), and libcst registers no virtual subclasses."""


def _child(cls: type) -> bool:
    mro = cls.__mro__
    found = _CHILD[cls] = cst.CSTNode in mro and _SKIP.isdisjoint(mro)
    return found


def iter_children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The child nodes that carry meaning (no whitespace, parentheses or punctuation), in
    source order."""
    names = _FIELDS.get(type(node))
    for name in _field_names(type(node)) if names is None else names:
        value = getattr(node, name)
        cls = type(value)
        if cls is list or cls is tuple:
            for item in value:
                child = _CHILD.get(type(item))
                if child is None:
                    child = _child(type(item))
                if child:
                    yield item
        else:
            child = _CHILD.get(cls)
            if child is None:
                child = _child(cls)
            if child:
                yield value


_EXPRESSION: dict[type, bool] = {}


def _is_expression(cls: type) -> bool:
    found = _EXPRESSION.get(cls)
    if found is None:
        found = _EXPRESSION[cls] = cst.BaseExpression in cls.__mro__  # see _CHILD
    return found


def iter_subexpressions(node: cst.CSTNode) -> Iterator[cst.BaseExpression]:
    """The nearest expressions below ``node`` (through arguments, elements, slices…)."""
    for child in iter_children(node):
        if _is_expression(type(child)):
            yield child
        else:
            yield from iter_subexpressions(child)
