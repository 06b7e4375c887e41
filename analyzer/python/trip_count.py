"""Static trip counts of loops: how many times a loop runs when its source says so (SEMANTICS §8.1).

``range(N)``, ``range(a, b[, s])`` with literal or constant ints (§3.6), literal lists, tuples,
sets, dicts and strings, through ``enumerate`` / ``reversed`` / ``sorted`` / ``zip``…; nested
comprehension clauses multiply. Anything else (``while`` loops, iteration over data) has no static
count. The step budget multiplies loop bodies by it; diagrams show it on loop labels.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from .literals import is_literal, literal_value

_ITER_WRAPPERS = ("enumerate", "reversed", "sorted", "list", "tuple", "set", "frozenset")


def static_trip_count(src: cst.CSTNode, consts: Any = None) -> int | None:
    """The number of iterations of a loop when its source states it (SEMANTICS §8.1)."""
    if type(src) is cst.For:
        return iterable_length(src.iter, consts)
    if type(src) in (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp):
        total = 1
        clause: cst.CompFor | None = src.for_in
        while clause is not None:
            count = iterable_length(clause.iter, consts)
            if count is None:
                return None
            total *= count
            clause = clause.inner_for_in
        return total
    return None  # while loops, and anything else


def iterable_length(expr: cst.BaseExpression, consts: Any = None) -> int | None:
    if type(expr) is cst.Call and type(expr.func) is cst.Name:
        func = expr.func.value
        args = [a.value for a in expr.args if a.keyword is None and not a.star]
        if any(a.star for a in expr.args):
            return None
        if func == "range":
            values = [_int(a, consts) for a in args]
            if not 1 <= len(values) <= 3 or any(v is None for v in values):
                return None
            try:
                return len(range(*values))  # type: ignore[arg-type]
            except ValueError:
                return None
        if func in _ITER_WRAPPERS and len(args) >= 1:
            return iterable_length(args[0], consts)
        if func == "zip" and args:
            lengths = [iterable_length(a, consts) for a in args]
            return None if any(n is None for n in lengths) else min(lengths)  # type: ignore[type-var]
        return None
    if type(expr) in (cst.List, cst.Tuple, cst.Set):
        if any(type(e) is cst.StarredElement for e in expr.elements):
            return None
        return len(expr.elements)
    if type(expr) is cst.Dict:
        if any(type(e) is cst.StarredDictElement for e in expr.elements):
            return None
        return len(expr.elements)
    value = literal_value(expr, consts)
    if is_literal(value) and isinstance(value, (str, list, tuple, dict)):
        return len(value)
    return None


def _int(expr: cst.BaseExpression, consts: Any) -> int | None:
    value = literal_value(expr, consts)
    if is_literal(value) and isinstance(value, int) and not isinstance(value, bool):
        return value
    return None
