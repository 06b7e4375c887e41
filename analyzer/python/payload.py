"""Payload shapes: what the code reads of ``event["payload"]`` and of ``wait_for_event``
results (SEMANTICS §7).

A chain is a root followed by string-literal subscripts, ``.get("k")`` calls and attribute reads;
each segment is a field, merged in order of first appearance. A method call ends a chain (it is
not a field); so does any other subscript.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from wfgraph.schema import ObjectShape, UnknownShape

from .cst_walk import iter_children
from .literals import string_value

PAYLOAD = "payload"


class Shape:
    """A growing tree of field names, in order of first appearance in the source."""

    def __init__(self, read: cst.CSTNode | None = None) -> None:
        self.fields: dict[str, Shape] = {}
        self.ranks: dict[str, int] = {}
        self.read = read
        """Where this field was first read (the models' ``_src``)."""

    def add(self, path: tuple[str, ...], rank: int = 0, read: cst.CSTNode | None = None) -> None:
        node = self
        for segment in path:
            child = node.fields.get(segment)
            if child is None:
                child = node.fields[segment] = Shape(read)
                node.ranks[segment] = rank
            elif rank < node.ranks[segment]:
                node.ranks[segment], child.read = rank, read
            node = child

    def model(self) -> Any:
        if not self.fields:
            shape: Any = UnknownShape()
        else:
            order = sorted(self.fields, key=lambda k: self.ranks[k])
            shape = ObjectShape(fields={k: self.fields[k].model() for k in order})
        shape._src = self.read
        return shape


Root = tuple[str, Any]  # ("event", None) for the event; ("wait", [nodes]) for a wait result


class PayloadReads:
    """Walks one function (nested functions included) in source order, recording reads.

    A hand-written walk over ``iter_children`` rather than a ``CSTVisitor``: visiting rebuilds
    every node and costs more than parsing on large modules.
    """

    def __init__(self, roots: dict[str, Root], wait_assigns: dict[int, list[Any]],
                 event_shape: Shape, wait_shapes: dict[int, Shape],
                 ranks: dict[int, int] | None = None) -> None:
        self.scopes: list[dict[str, Any]] = [{name: (root, None) for name, root in roots.items()}]
        self.wait_assigns = wait_assigns
        self.event_shape = event_shape
        self.wait_shapes = wait_shapes
        self.closures: list[cst.FunctionDef] | None = None
        self.ranks = {} if ranks is None else ranks
        """Each node's place in the walk, shared by the walks of one workflow: fields are
        ordered by where they are read, whichever pass finds them."""

    def lookup(self, name: str) -> Any:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    # --- the walk ----------------------------------------------------------------------------

    def walk(self, node: cst.CSTNode, method: bool = False) -> None:
        self.ranks.setdefault(id(node), len(self.ranks))
        handler = getattr(self, "_" + type(node).__name__, None)
        if handler is not None:
            handler(node)
            return
        if type(node) in (cst.Attribute, cst.Subscript) and not method:
            self.record(node)
        self.walk_children(node)

    def walk_children(self, node: cst.CSTNode) -> None:
        for child in iter_children(node):
            self.walk(child)

    def walk_function(self, body: cst.CSTNode) -> None:
        """A function's body, then again each function defined in it: a closure (a step body
        declared before the wait, say) reads the names of its function as they are when it
        runs, bound later in the source too (SEMANTICS §7.2)."""
        self.closures = []
        self.walk(body)
        closures, self.closures = self.closures, None
        for fn in closures:
            self._FunctionDef(fn, decorators=False)

    def _FunctionDef(self, node: cst.FunctionDef, decorators: bool = True) -> None:
        if decorators:
            for deco in node.decorators:
                self.walk(deco)
        if self.closures is not None and len(self.scopes) == 1:
            self.closures.append(node)
        p = node.params
        self.scopes.append({x.name.value: None for x in (*p.posonly_params, *p.params, *p.kwonly_params)})
        self.walk(node.body)
        self.scopes.pop()

    def _Lambda(self, node: cst.Lambda) -> None:
        self.scopes.append({p.name.value: None for p in node.params.params})
        self.walk(node.body)
        self.scopes.pop()

    def _Call(self, node: cst.Call) -> None:
        self.record(node)
        # `x.get("k")` is read by the call; `x.items()` is a method, not a field.
        self.walk(node.func, method=type(node.func) is cst.Attribute)
        for arg in node.args:
            self.walk(arg)

    def _Assign(self, node: cst.Assign) -> None:
        self.walk(node.value)
        for target in node.targets:
            self.walk(target)
        waits = self.wait_assigns.get(id(node))
        chain = None if waits else self.chain(node.value)
        for target in node.targets:
            if type(target.target) is not cst.Name:
                continue
            name = target.target.value
            if waits:
                self.scopes[-1][name] = (("wait", waits), None)
            elif chain is not None:
                self.scopes[-1][name] = chain
            elif self.lookup(name) is not None:
                self.scopes[-1][name] = None

    # --- branches: a name bound differently on two paths may hold either value after them ---

    def _If(self, node: cst.If) -> None:
        self.walk(node.test)
        self._join([[node.body], [node.orelse] if node.orelse is not None else []])

    def _Try(self, node: cst.Try | cst.TryStar) -> None:
        completed = [node.body] + ([node.orelse] if node.orelse is not None else [])
        self._join([completed, *[[h] for h in node.handlers]])
        if node.finalbody is not None:
            self.walk(node.finalbody)

    _TryStar = _Try

    def _For(self, node: cst.For) -> None:
        self.walk(node.iter)
        self._loop(node)

    def _While(self, node: cst.While) -> None:
        self.walk(node.test)
        self._loop(node)

    def _loop(self, node: cst.For | cst.While) -> None:
        self._join([[node.body], []])  # the body may not run
        if node.orelse is not None:
            self.walk(node.orelse)

    def _Match(self, node: cst.Match) -> None:
        self.walk(node.subject)
        self._join([*[[c] for c in node.cases], []])

    def _join(self, paths: list[list[cst.CSTNode]]) -> None:
        """Walk each path from the same bindings; afterwards a name holds what it held on any
        path (an empty path is the one that skips the block)."""
        before = self.scopes[-1]
        outcomes = []
        for path in paths:
            self.scopes[-1] = dict(before)
            for node in path:
                self.walk(node)
            outcomes.append(self.scopes[-1])
        merged: dict[str, Any] = {}
        for outcome in outcomes:
            for name, bound in outcome.items():
                merged[name] = _union(merged[name], bound) if name in merged else bound
        self.scopes[-1] = merged

    # --- reads -------------------------------------------------------------------------------

    def record(self, node: cst.BaseExpression) -> None:
        found = self.chain(node)
        if found is None:
            return
        (kind, data), path = found
        if path is None:
            return
        rank = self.ranks[id(node)]
        if kind == "event":
            if path:
                self.event_shape.add(path, rank, node)
        elif path:
            for wait_node in data:
                self.wait_shapes.setdefault(id(wait_node), Shape()).add(path, rank, node)

    def chain(self, node: cst.BaseExpression) -> Any:
        """The root and the payload path read by ``node``, following aliases; None if it is not
        a read of a payload."""
        segments: list[str] = []
        while True:
            if type(node) is cst.Name:
                bound = self.lookup(node.value)
                if bound is None:
                    return None
                root, prefix = bound
                return _payload_path(root, prefix, segments[::-1])
            key = _segment(node)
            if key is None:
                return None
            segments.append(key[0])
            node = key[1]


def _union(a: Any, b: Any) -> Any:
    """Two bindings of one name on different paths: wait results combine; otherwise the later
    path's binding stands (payload aliases rarely differ by path)."""
    if a is not None and b is not None and a[0][0] == "wait" and b[0][0] == "wait":
        nodes = list(a[0][1]) + [n for n in b[0][1] if all(n is not m for m in a[0][1])]
        return (("wait", nodes), None)
    return b if b is not None else a


def _payload_path(root: Root, prefix: tuple[str, ...] | None,
                  path: list[str]) -> tuple[Root, tuple[str, ...] | None] | None:
    """``prefix`` None stands for the event (or wait result) itself, whose first segment must be
    ``payload``; otherwise the name is an alias of (a part of) the payload."""
    if prefix is None:
        if not path:
            return root, None
        if path[0] != PAYLOAD:
            return None
        return root, tuple(path[1:])
    return root, prefix + tuple(path)


def _segment(node: cst.BaseExpression) -> tuple[str, cst.BaseExpression] | None:
    if type(node) is cst.Attribute:
        return node.attr.value, node.value
    if type(node) is cst.Subscript and len(node.slice) == 1:
        index = node.slice[0].slice
        if type(index) is cst.Index:
            key = string_value(index.value)
            if key is not None:
                return key, node.value
        return None
    if (
        type(node) is cst.Call
        and type(node.func) is cst.Attribute
        and node.func.attr.value == "get"
        and node.args
        and node.args[0].keyword is None
    ):
        key = string_value(node.args[0].value)
        if key is not None:
            return key, node.func.value
    return None
