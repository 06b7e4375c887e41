"""One function body as the lint rules see it (``Function``): its calls, writes, loops, nested
functions, and which of its names hold the step object, the event, ``self`` and ``self.env``.

Each body is scanned once, in source order, by ``collect``; nested functions and classes are
recorded, not entered (they become functions of their own, see workflow_code.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import field
from typing import Any

import libcst as cst

from ..python.cst_walk import iter_children
from ..python.module_index import ScopeConstants
from ..python.names import target_names
from ..records import record
from .expressions import attribute_chain, getattr_parts


@record(frozen=True)
class Store:
    """A write: ``kind`` is assign, annassign, augassign or del; ``value`` is None for del."""

    target: cst.BaseExpression
    value: cst.BaseExpression | None
    node: cst.CSTNode
    kind: str


@record(eq=False)
class Function:
    """One function body. ``kind``: ``run``, ``helper`` (workflow code outside ``run``) or
    ``step`` (a ``@step.do`` body, or code nested in one)."""

    fn: cst.FunctionDef
    kind: str
    parent: "Function | None"
    step_names: set[str]
    event_names: set[str]
    self_name: str | None
    consts: ScopeConstants
    decorator: cst.Decorator | None = None
    params: set[str] = field(default_factory=set)
    locals: set[str] = field(default_factory=set)
    calls: list[cst.Call] = field(default_factory=list)
    stores: list[Store] = field(default_factory=list)
    scope_decls: list[cst.Global | cst.Nonlocal] = field(default_factory=list)
    loops: list[cst.CSTNode] = field(default_factory=list)
    nested: list[cst.FunctionDef] = field(default_factory=list)
    env_names: set[str] = field(default_factory=set)
    """Names bound to ``self.env`` or to something in it (``db = self.env.DB``)."""
    env_roots: set[str] = field(default_factory=set)
    """The subset bound to ``self.env`` itself (``env = self.env``)."""
    env_bindings: dict[str, str] = field(default_factory=dict)
    """Names bound to one binding → its name in the wrangler file (``queue =
    getattr(self.env, "NOTIFY")`` → ``NOTIFY``), so findings name the binding, not the alias."""
    event_roots: set[str] = field(default_factory=set)
    """Names bound to the event object itself (``run``'s parameter, ``e = event``), not to
    something read from it, which ``event_names`` also holds."""
    wait_roots: set[str] = field(default_factory=set)
    """Names bound to what an awaited ``step.wait_for_event(...)`` returns."""
    reached_from: cst.Call | None = None
    """For a helper: the first call that makes it run as workflow code."""
    module: Any = None
    """The module of the project it is written in, when not the analysed file
    (``python.linker.LinkedModule``, SEMANTICS §2.4)."""
    bound: dict[str, int] = field(default_factory=dict)
    """How many times the body binds each name (parameters not counted; lambdas and
    comprehensions counted too, though they have scopes of their own): a name bound more than
    the rules can follow holds something else at some point."""
    name_reads: list[cst.Subscript | cst.Attribute] = field(default_factory=list)
    """``x[...]`` and ``x.attr`` on a plain name, reads and writes alike, in source order."""

    @property
    def in_step(self) -> bool:
        return self.kind == "step"

    def ancestors(self) -> Iterator["Function"]:
        scope = self.parent
        while scope is not None:
            yield scope
            scope = scope.parent

    def captured_from(self, name: str) -> "Function | None":
        """The enclosing function whose local ``name`` refers to, when it is not local here."""
        if name in self.locals:
            return None
        return next((f for f in self.ancestors() if name in f.locals), None)

    def helper(self) -> "Function | None":
        """The helper this body is (or is nested in), when it was reached through a call."""
        return next((f for f in (self, *self.ancestors()) if f.reached_from is not None), None)

    def is_env(self, expr: cst.BaseExpression) -> bool:
        """``self.env``, ``self.env.DB``, ``env.DB`` after ``env = self.env`` (or in a helper
        given ``self.env``), ``getattr(self.env, "DB")``…"""
        found = getattr_parts(expr)
        if found is not None:
            return self.is_env_root(found[0])
        chain = attribute_chain(expr)
        if not chain:
            return False
        if chain[0] in self.env_names:
            return True
        return self.self_name is not None and chain[:2] == [self.self_name, "env"]

    def is_env_root(self, expr: cst.BaseExpression) -> bool:
        """``self.env`` itself, or a name bound to it."""
        chain = attribute_chain(expr)
        return chain == [self.self_name, "env"] or (len(chain) == 1 and chain[0] in self.env_roots)

    def binding_name(self, expr: cst.BaseExpression) -> str | None:
        """``DB`` for ``self.env.DB.put``, ``env.DB.put`` (``env = self.env``),
        ``getattr(self.env, "DB").put`` and ``db.put`` (``db = self.env.DB``): the binding a call
        goes through."""
        found = getattr_parts(expr)
        if found is not None:
            value = found[1].evaluated_value if type(found[1]) is cst.SimpleString else None
            return value if isinstance(value, str) else None
        chain = attribute_chain(expr)
        if not chain:
            return None
        if self.self_name is not None and chain[:2] == [self.self_name, "env"]:
            return chain[2] if len(chain) > 2 else None
        if chain[0] in self.env_roots:
            return chain[1] if len(chain) > 1 else None
        if chain[0] not in self.env_names:
            return None
        return self.env_bindings.get(chain[0], chain[0])


def collect(out: Function, body: cst.CSTNode) -> None:
    """One pass over a body in source order, reading the tree through its fields (cst_walk): a
    libcst visitor rebuilds every node it passes, which costs more than parsing. Nested defs and
    classes are recorded, not entered; their decorators and defaults belong to this body."""
    stack = list(iter_children(body))[::-1]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is cst.FunctionDef:
            out.nested.append(node)
            _bind(out, [node.name.value])
            p = node.params
            pending = [d.decorator for d in node.decorators]
            pending += [x.default for x in (*p.posonly_params, *p.params, *p.kwonly_params)
                        if x.default is not None]
            stack.extend(pending[::-1])
            continue
        if kind is cst.ClassDef:
            _bind(out, [node.name.value])
            continue
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(out, node)
        stack.extend(list(iter_children(node))[::-1])


def _bind(out: Function, names: Iterable[str], local: bool = True) -> None:
    for name in names:
        out.bound[name] = out.bound.get(name, 0) + 1
        if local:
            out.locals.add(name)


def _call(out: Function, node: cst.Call) -> None:
    out.calls.append(node)


def _name_read(out: Function, node: cst.Subscript | cst.Attribute) -> None:
    if type(node.value) is cst.Name:
        out.name_reads.append(node)


def _assign(out: Function, node: cst.Assign) -> None:
    for target in node.targets:
        out.stores.append(Store(target.target, node.value, node, "assign"))
        _bind(out, target_names(target.target))


def _annassign(out: Function, node: cst.AnnAssign) -> None:
    if node.value is not None:
        out.stores.append(Store(node.target, node.value, node, "annassign"))
        _bind(out, target_names(node.target))


def _augassign(out: Function, node: cst.AugAssign) -> None:
    out.stores.append(Store(node.target, node.value, node, "augassign"))
    _bind(out, target_names(node.target))


def _del(out: Function, node: cst.Del) -> None:
    targets = node.target.elements if type(node.target) is cst.Tuple else [node.target]
    for target in targets:
        expr = target.value if isinstance(target, cst.BaseElement) else target
        out.stores.append(Store(expr, None, node, "del"))


def _scope_decl(out: Function, node: cst.Global | cst.Nonlocal) -> None:
    out.scope_decls.append(node)


def _for(out: Function, node: cst.For) -> None:
    _bind(out, target_names(node.target))
    out.loops.append(node)


def _loop(out: Function, node: cst.CSTNode) -> None:
    out.loops.append(node)


def _comp_for(out: Function, node: cst.CompFor) -> None:
    _bind(out, target_names(node.target), local=False)


def _lambda(out: Function, node: cst.Lambda) -> None:
    p = node.params
    _bind(out, (x.name.value for x in (*p.posonly_params, *p.params, *p.kwonly_params)), local=False)


def _with_item(out: Function, node: cst.WithItem) -> None:
    if node.asname is not None:
        _bind(out, target_names(node.asname.name))


def _handler(out: Function, node: cst.ExceptHandler | cst.ExceptStarHandler) -> None:
    if node.name is not None and type(node.name.name) is cst.Name:
        _bind(out, [node.name.name.value])


def _named_expr(out: Function, node: cst.NamedExpr) -> None:
    _bind(out, target_names(node.target))


def _match_as(out: Function, node: cst.MatchAs) -> None:
    if node.name is not None:
        _bind(out, [node.name.value])


def _import(out: Function, node: cst.Import) -> None:
    for alias in node.names:
        if alias.asname is not None and type(alias.asname.name) is cst.Name:
            _bind(out, [alias.asname.name.value])
        else:
            name = alias.name
            while type(name) is cst.Attribute:
                name = name.value
            if type(name) is cst.Name:
                _bind(out, [name.value])


def _import_from(out: Function, node: cst.ImportFrom) -> None:
    if type(node.names) is cst.ImportStar:
        return
    for alias in node.names:
        if alias.asname is not None and type(alias.asname.name) is cst.Name:
            _bind(out, [alias.asname.name.value])
        elif type(alias.name) is cst.Name:
            _bind(out, [alias.name.value])


_HANDLERS: dict[type, Any] = {
    cst.Call: _call, cst.Assign: _assign, cst.AnnAssign: _annassign, cst.AugAssign: _augassign,
    cst.Del: _del, cst.Global: _scope_decl, cst.Nonlocal: _scope_decl, cst.For: _for,
    cst.While: _loop, cst.ListComp: _loop, cst.SetComp: _loop, cst.DictComp: _loop,
    cst.GeneratorExp: _loop, cst.WithItem: _with_item, cst.ExceptHandler: _handler,
    cst.ExceptStarHandler: _handler, cst.NamedExpr: _named_expr, cst.MatchAs: _match_as,
    cst.Import: _import, cst.ImportFrom: _import_from, cst.Subscript: _name_read,
    cst.Attribute: _name_read, cst.CompFor: _comp_for, cst.Lambda: _lambda,
}
