"""Shapes of expressions the lint rules match: dotted chains, the object a read or a write starts
from, and every node of a subtree (parameter and target names are ``python/names.py``'s).
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from ..python.cst_walk import iter_children

MUTATING_METHODS = frozenset({
    "append", "extend", "insert", "remove", "pop", "clear", "update", "setdefault", "add",
    "discard", "popitem", "sort", "reverse", "appendleft", "extendleft", "popleft",
    "difference_update", "intersection_update", "symmetric_difference_update",
    "__setitem__", "__delitem__",
})



def attribute_chain(expr: cst.BaseExpression) -> list[str]:
    """``a.b.c`` → ``["a", "b", "c"]``; ``[]`` when the chain does not start at a name."""
    parts: list[str] = []
    while type(expr) is cst.Attribute:
        parts.append(expr.attr.value)
        expr = expr.value
    if type(expr) is not cst.Name:
        return []
    parts.append(expr.value)
    return parts[::-1]


def getattr_parts(expr: cst.BaseExpression) -> tuple[cst.BaseExpression, cst.BaseExpression] | None:
    """``(obj, name)`` for ``getattr(obj, name)`` and ``getattr(obj, name, default)``."""
    if not (type(expr) is cst.Call and type(expr.func) is cst.Name
            and expr.func.value == "getattr"):
        return None
    args = expr.args
    if len(args) not in (2, 3) or any(a.star or a.keyword is not None for a in args):
        return None
    return args[0].value, args[1].value


def read_root(expr: cst.BaseExpression) -> cst.BaseExpression:
    """The object a read chain starts from: ``event["payload"].get("x").y`` → ``event``."""
    while True:
        if type(expr) in (cst.Subscript, cst.Attribute):
            expr = expr.value
        elif (type(expr) is cst.Call and type(expr.func) is cst.Attribute
              and expr.func.attr.value == "get"):
            expr = expr.func.value
        else:
            return expr


def store_root(expr: cst.BaseExpression) -> cst.BaseExpression:
    """The object a subscript/attribute target writes into: ``a.b[k].c`` → ``a``."""
    while type(expr) in (cst.Subscript, cst.Attribute):
        expr = expr.value
    return expr


def subnodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """``node`` and everything inside it that carries meaning (no whitespace or punctuation), in
    source order, lambdas and comprehensions included."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(list(iter_children(current))[::-1])
