"""Dispatch tables: helpers chosen by key from a dict display (SEMANTICS §6.3).

``handlers = {"a": self.a, "b": helper}`` then ``await handlers[kind](event, step)`` (or
``h = handlers.get(kind)`` then ``await h(...)``) runs one of the helpers: a ``switch`` on the
key's source text with one branch per entry, in order, each calling its helper. ``.get(k, d)``
with a helper default adds a ``null`` branch; without one a missing key raises, so there is no
default branch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import libcst as cst

from wfgraph.schema import Branch, Switch

from ..records import record
from .concurrency import Seq
from .control_flow import Paths
from .literals import source_text, string_value
from .scope import OTHER, Value

if TYPE_CHECKING:
    from .walker import Walker


@record(frozen=True, eq=False)
class Table:
    entries: tuple[tuple[cst.BaseExpression, cst.BaseExpression], ...]


@record(frozen=True, eq=False)
class Dispatch:
    """A helper chosen from ``table`` by ``key`` (``default`` for ``.get(key, default)``)."""

    table: Table
    key: cst.BaseExpression
    default: cst.BaseExpression | None = None


class DispatchMixin:
    def table_value(self: "Walker", expr: cst.Dict) -> Value:
        """A dict display whose values include helpers is a dispatch table."""
        entries = []
        for el in expr.elements:
            if type(el) is not cst.DictElement:
                return OTHER
            entries.append((el.key, el.value))
        if not any(self.functions.lookup(value) is not None for _, value in entries):
            return OTHER
        return Value("table", Table(tuple(entries)))

    def dispatch_of(self: "Walker", expr: cst.BaseExpression) -> Dispatch | None:
        """``table[key]`` or ``table.get(key[, default])`` where ``table`` names a table."""
        if type(expr) is cst.Subscript and len(expr.slice) == 1 \
                and type(expr.slice[0].slice) is cst.Index:
            table = self._table(expr.value)
            return Dispatch(table, expr.slice[0].slice.value) if table is not None else None
        if type(expr) is cst.Call and type(expr.func) is cst.Attribute \
                and expr.func.attr.value == "get" and 1 <= len(expr.args) <= 2:
            table = self._table(expr.func.value)
            if table is not None:
                default = expr.args[1].value if len(expr.args) == 2 else None
                return Dispatch(table, expr.args[0].value, default)
        if type(expr) is cst.Name:
            value = self.scope.lookup(expr.value)
            return value.data if value.kind == "dispatch" else None
        return None

    def _table(self: "Walker", expr: cst.BaseExpression) -> Table | None:
        if type(expr) is cst.Name:
            value = self.scope.lookup(expr.value)
            return value.data if value.kind == "table" else None
        return None

    def walk_dispatch_call(self: "Walker", dispatch: Dispatch, call: cst.Call, seq: Seq,
                           awaited: bool) -> Value:
        values = [self.walk_expr(arg.value, seq) for arg in call.args]
        choices = [(key, func) for key, func in dispatch.table.entries]
        if dispatch.default is not None:
            choices.append((None, dispatch.default))
        paths = Paths(self)
        branches = []
        for key, func in choices:
            paths.start()
            branch = Seq([])
            self._dispatch_branch(func, call, values, branch, awaited)
            condition = None if key is None else (string_value(key) or source_text(self.module, key))
            branches.append(Branch(condition=condition, nodes=branch.nodes))
            paths.end()
        paths.join()
        if any(b.nodes for b in branches):
            node = Switch(discriminant=source_text(self.module, dispatch.key), branches=branches)
            node._src = call
            self.place_control(seq, node)
        return OTHER

    def _dispatch_branch(self: "Walker", func: cst.BaseExpression, call: cst.Call,
                         values: list[Value], branch: Seq, awaited: bool) -> None:
        target = self.functions.target(call, branch, func=func, values=values)
        if target is None:
            self.unresolved(call, values)
            return
        if target.is_async and not awaited:
            return  # a coroutine made and dropped: nothing runs
        node: Any = self.call_helper(target, branch, call)
        if node is not None:
            self.body.awaited(branch, node)
