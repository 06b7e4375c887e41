"""A workflow's code as the lint rules see it: which function bodies run as workflow code (``run``,
the helpers it calls, closures) and which run inside a step; what the step object, the event and
``self`` are called in each; every call of the step API and every ``@step.do`` declaration.

Code outside steps runs again on every replay, code inside a step runs once per attempt
(docs/python-api.md §2.6): that distinction is what most rules turn on, so it is computed
once per workflow here and shared.

The walker already followed the step object into helpers (SEMANTICS §2.3); its ``functions``
record says which helpers contain steps, and its ``function_call`` nodes say where they are
called from, so helper parameters that receive the step object or the event are read from those
call sites. Each body is scanned once with a small libcst visitor that stops at nested functions
and classes; nested functions become functions of their own, in the same region as where they are
defined unless a ``@<step>.do`` decorator makes them a step body.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from ..python.cst_walk import iter_children
from ..python.functions import iter_nodes
from ..python.literals import call_args
from ..python.module_index import ScopeConstants, compound_bodies, suite_statements
from .imports import ImportMap

STEP_API = ("do", "sleep", "sleep_until", "wait_for_event")
IMPLICIT_DO = ("name",)
LEGACY_DO = ("name", "depends", "concurrent", "config")
API_PARAMS = {
    "sleep": ("name", "duration"),
    "sleep_until": ("name", "timestamp"),
    "wait_for_event": ("name", "event_type", "timeout"),
}
MUTATING_METHODS = frozenset({
    "append", "extend", "insert", "remove", "pop", "clear", "update", "setdefault", "add",
    "discard", "popitem", "sort", "reverse", "appendleft", "extendleft", "popleft",
    "difference_update", "intersection_update", "symmetric_difference_update",
    "__setitem__", "__delitem__",
})


# --- one file --------------------------------------------------------------------------------------


class FileCode:
    """What every workflow of a file shares: imports, module constants, where each def sits."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.imports = ImportMap(module)
        self.consts = ScopeConstants(list(module.body))
        self.enclosing: dict[int, cst.FunctionDef | None] = {}
        self.in_class: dict[int, cst.ClassDef] = {}
        self._index(list(module.body), None, None)

    def _index(self, body: list[cst.BaseStatement], fn: cst.FunctionDef | None, cls: cst.ClassDef | None) -> None:
        for stmt in body:
            if isinstance(stmt, cst.FunctionDef):
                self.enclosing[id(stmt)] = fn
                if cls is not None:
                    self.in_class[id(stmt)] = cls
                self._index(suite_statements(stmt.body), stmt, None)
            elif isinstance(stmt, cst.ClassDef):
                self._index(suite_statements(stmt.body), fn, stmt)
            else:
                for suite in compound_bodies(stmt):
                    self._index(suite_statements(suite), fn, cls)


# --- one function body ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Store:
    """A write: ``kind`` is assign, annassign, augassign or del; ``value`` is None for del."""

    target: cst.BaseExpression
    value: cst.BaseExpression | None
    node: cst.CSTNode
    kind: str


@dataclass(eq=False)
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

    def is_env(self, expr: cst.BaseExpression) -> bool:
        """``self.env``, ``self.env.DB``, ``env.DB`` after ``env = self.env``…"""
        chain = attribute_chain(expr)
        if not chain:
            return False
        if chain[0] in self.env_names:
            return True
        return self.self_name is not None and chain[:2] == [self.self_name, "env"]

    def binding_name(self, expr: cst.BaseExpression) -> str | None:
        """``DB`` for ``self.env.DB.put``, ``env.DB.put`` (``env = self.env``) and ``db.put``
        (``db = self.env.DB``): the binding a call goes through."""
        chain = attribute_chain(expr)
        if not chain:
            return None
        if self.self_name is not None and chain[:2] == [self.self_name, "env"]:
            return chain[2] if len(chain) > 2 else None
        if chain[0] in self.env_roots:
            return chain[1] if len(chain) > 1 else None
        return chain[0] if chain[0] in self.env_names else None


def attribute_chain(expr: cst.BaseExpression) -> list[str]:
    """``a.b.c`` → ``["a", "b", "c"]``; ``[]`` when the chain does not start at a name."""
    parts: list[str] = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if not isinstance(expr, cst.Name):
        return []
    parts.append(expr.value)
    return parts[::-1]


def read_root(expr: cst.BaseExpression) -> cst.BaseExpression:
    """The object a read chain starts from: ``event["payload"].get("x").y`` → ``event``."""
    while True:
        if isinstance(expr, (cst.Subscript, cst.Attribute)):
            expr = expr.value
        elif (isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute)
              and expr.func.attr.value == "get"):
            expr = expr.func.value
        else:
            return expr


def store_root(expr: cst.BaseExpression) -> cst.BaseExpression:
    """The object a subscript/attribute target writes into: ``a.b[k].c`` → ``a``."""
    while isinstance(expr, (cst.Subscript, cst.Attribute)):
        expr = expr.value
    return expr


def param_names(fn: cst.FunctionDef) -> list[str]:
    p = fn.params
    names = [x.name.value for x in (*p.posonly_params, *p.params, *p.kwonly_params)]
    for star in (p.star_arg, p.star_kwarg):
        if isinstance(star, cst.Param):
            names.append(star.name.value)
    return names


def positional_params(fn: cst.FunctionDef) -> list[str]:
    return [p.name.value for p in (*fn.params.posonly_params, *fn.params.params)]


def target_names(target: cst.BaseExpression) -> Iterator[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for el in target.elements:
            yield from target_names(el.value)
    elif isinstance(target, cst.StarredElement):
        yield from target_names(target.value)


def _collect(out: Function, body: cst.CSTNode) -> None:
    """One pass over a body in source order, reading the tree through its fields (cst_walk): a
    libcst visitor rebuilds every node it passes, which costs more than parsing. Nested defs and
    classes are recorded, not entered; their decorators and defaults belong to this body."""
    stack = list(iter_children(body))[::-1]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is cst.FunctionDef:
            out.nested.append(node)
            out.locals.add(node.name.value)
            p = node.params
            pending = [d.decorator for d in node.decorators]
            pending += [x.default for x in (*p.posonly_params, *p.params, *p.kwonly_params)
                        if x.default is not None]
            stack.extend(pending[::-1])
            continue
        if kind is cst.ClassDef:
            out.locals.add(node.name.value)
            continue
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(out, node)
        stack.extend(list(iter_children(node))[::-1])


def _call(out: Function, node: cst.Call) -> None:
    out.calls.append(node)


def _assign(out: Function, node: cst.Assign) -> None:
    for target in node.targets:
        out.stores.append(Store(target.target, node.value, node, "assign"))
        out.locals.update(target_names(target.target))


def _annassign(out: Function, node: cst.AnnAssign) -> None:
    if node.value is not None:
        out.stores.append(Store(node.target, node.value, node, "annassign"))
        out.locals.update(target_names(node.target))


def _augassign(out: Function, node: cst.AugAssign) -> None:
    out.stores.append(Store(node.target, node.value, node, "augassign"))
    out.locals.update(target_names(node.target))


def _del(out: Function, node: cst.Del) -> None:
    targets = node.target.elements if isinstance(node.target, cst.Tuple) else [node.target]
    for target in targets:
        expr = target.value if isinstance(target, cst.BaseElement) else target
        out.stores.append(Store(expr, None, node, "del"))


def _scope_decl(out: Function, node: cst.Global | cst.Nonlocal) -> None:
    out.scope_decls.append(node)


def _for(out: Function, node: cst.For) -> None:
    out.locals.update(target_names(node.target))
    out.loops.append(node)


def _loop(out: Function, node: cst.CSTNode) -> None:
    out.loops.append(node)


def _with_item(out: Function, node: cst.WithItem) -> None:
    if node.asname is not None:
        out.locals.update(target_names(node.asname.name))


def _handler(out: Function, node: cst.ExceptHandler | cst.ExceptStarHandler) -> None:
    if node.name is not None and isinstance(node.name.name, cst.Name):
        out.locals.add(node.name.name.value)


def _named_expr(out: Function, node: cst.NamedExpr) -> None:
    out.locals.update(target_names(node.target))


def _match_as(out: Function, node: cst.MatchAs) -> None:
    if node.name is not None:
        out.locals.add(node.name.value)


def _import(out: Function, node: cst.Import) -> None:
    for alias in node.names:
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            out.locals.add(alias.asname.name.value)
        else:
            name = alias.name
            while isinstance(name, cst.Attribute):
                name = name.value
            if isinstance(name, cst.Name):
                out.locals.add(name.value)


def _import_from(out: Function, node: cst.ImportFrom) -> None:
    if isinstance(node.names, cst.ImportStar):
        return
    for alias in node.names:
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            out.locals.add(alias.asname.name.value)
        elif isinstance(alias.name, cst.Name):
            out.locals.add(alias.name.value)


_HANDLERS: dict[type, Any] = {
    cst.Call: _call, cst.Assign: _assign, cst.AnnAssign: _annassign, cst.AugAssign: _augassign,
    cst.Del: _del, cst.Global: _scope_decl, cst.Nonlocal: _scope_decl, cst.For: _for,
    cst.While: _loop, cst.ListComp: _loop, cst.SetComp: _loop, cst.DictComp: _loop,
    cst.GeneratorExp: _loop, cst.WithItem: _with_item, cst.ExceptHandler: _handler,
    cst.ExceptStarHandler: _handler, cst.NamedExpr: _named_expr, cst.MatchAs: _match_as,
    cst.Import: _import, cst.ImportFrom: _import_from,
}


# --- step API calls -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class StepCall:
    """``<step>.<method>(...)`` written in ``function``; ``decl`` is the decorated function when
    the call is a ``@step.do(...)`` decorator."""

    method: str
    call: cst.Call
    function: Function
    decl: cst.FunctionDef | None = None

    def is_legacy_do(self, implicit: bool | None) -> bool:
        """``step.do``'s positions (docs/python-api.md §2.0): legacy when the mode says so, or, with
        no mode known, when the call passes a second positional argument or ``depends=``."""
        if implicit is not None:
            return not implicit
        positional = [a for a in self.call.args if a.keyword is None and not a.star]
        return len(positional) > 1 or any(a.keyword and a.keyword.value == "depends" for a in self.call.args)

    def args(self, implicit: bool | None = None) -> dict[str, cst.BaseExpression]:
        if self.method == "do":
            names = LEGACY_DO if self.is_legacy_do(implicit) else IMPLICIT_DO
            bound, _ = call_args(self.call, names)
            return bound
        bound, _ = call_args(self.call, API_PARAMS.get(self.method, ()))
        return bound


# --- one workflow ---------------------------------------------------------------------------------


class WorkflowCode:
    def __init__(self, file: FileCode, workflow: Any) -> None:
        """``workflow`` is an analysis.WorkflowAnalysis."""
        self.file = file
        self.functions: list[Function] = []
        self.by_fn: dict[int, Function] = {}
        self.call_owner: dict[int, Function] = {}
        self.decorated: dict[int, cst.FunctionDef] = {}
        self.step_calls: list[StepCall] = []
        run = workflow.run
        if run is None:
            return
        params = positional_params(run)
        self._add(
            run, "run", None,
            step_names={params[2]} if len(params) > 2 else set(),
            event_names={params[1]} if len(params) > 1 else set(),
            self_name=params[0] if params else None,
        )
        if workflow.graph is not None:
            self._add_helpers(workflow.graph.workflow, params)
        for function in self.functions:
            for call in function.calls:
                func = call.func
                if (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
                        and func.value.value in function.step_names):
                    self.step_calls.append(StepCall(func.attr.value, call, function,
                                                    self.decorated.get(id(call))))

    # --- building -------------------------------------------------------------------------

    def _add(self, fn: cst.FunctionDef, kind: str, parent: Function | None, step_names: set[str],
             event_names: set[str], self_name: str | None, decorator: cst.Decorator | None = None) -> Function:
        consts = ScopeConstants(suite_statements(fn.body),
                                parent=parent.consts if parent else self.file.consts)
        params = set(param_names(fn))
        shadowed = params if parent is not None else set()  # a closure's parameters hide outer names
        function = Function(fn=fn, kind=kind, parent=parent, step_names=set(step_names) - shadowed,
                            event_names=set(event_names) - shadowed,
                            self_name=None if self_name in shadowed else self_name,
                            consts=consts, decorator=decorator, params=params, locals=set(params))
        if parent is not None:
            function.env_names = set(parent.env_names) - params
            function.env_roots = set(parent.env_roots) - params
        _collect(function, fn.body)
        self._aliases(function)
        self.functions.append(function)
        self.by_fn[id(fn)] = function
        for call in function.calls:
            self.call_owner.setdefault(id(call), function)
        for nested in function.nested:
            if id(nested) in self.by_fn:
                continue
            deco = self._step_decorator(nested, function.step_names)
            nested_kind = "step" if deco is not None or kind == "step" else kind
            self._add(nested, nested_kind, function, function.step_names, function.event_names,
                      function.self_name, deco)
        return function

    def _step_decorator(self, fn: cst.FunctionDef, step_names: set[str]) -> cst.Decorator | None:
        for deco in fn.decorators:
            expr = deco.decorator
            call = expr if isinstance(expr, cst.Call) else None
            target = call.func if call is not None else expr
            if (isinstance(target, cst.Attribute) and target.attr.value == "do"
                    and isinstance(target.value, cst.Name) and target.value.value in step_names):
                if call is not None:
                    self.decorated[id(call)] = fn
                return deco
        return None

    def _aliases(self, function: Function) -> None:
        """``s = step``, ``payload = event["payload"]``, ``db = self.env.DB``, in source order."""
        for store in function.stores:
            if store.kind not in ("assign", "annassign") or not isinstance(store.target, cst.Name):
                continue
            name, value = store.target.value, store.value
            if isinstance(value, cst.Name) and value.value in function.step_names:
                function.step_names.add(name)
            elif value is not None and _named(read_root(value), function.event_names):
                function.event_names.add(name)
            elif value is not None and function.is_env(value):
                function.env_names.add(name)
                chain = attribute_chain(value)
                if chain == [function.self_name, "env"] or (len(chain) == 1 and chain[0] in function.env_roots):
                    function.env_roots.add(name)
        for loop in function.loops:  # `for item in event["payload"]["items"]`: items of the event
            if isinstance(loop, cst.For) and _named(read_root(loop.iter), function.event_names):
                function.event_names.update(target_names(loop.target))

    def _add_helpers(self, workflow: Any, run_params: list[str]) -> None:
        """Helpers with steps (SEMANTICS §6), callers first, their step and event parameters
        read from the call sites (SEMANTICS §2.3)."""
        defs = {name: fdef._src for name, fdef in workflow.functions.items()
                if isinstance(fdef._src, cst.FunctionDef)}
        sites: dict[int, list[cst.Call]] = {}
        order: list[cst.FunctionDef] = []
        queue = [workflow.nodes]
        seen_lists: set[str] = set()
        while queue:
            for node in iter_nodes(queue.pop(0)):
                if getattr(node, "type", None) != "function_call" or node.name not in defs:
                    continue
                fn = defs[node.name]
                if isinstance(node._src, cst.Call):
                    sites.setdefault(id(fn), []).append(node._src)
                if node.name not in seen_lists:
                    seen_lists.add(node.name)
                    order.append(fn)
                    queue.append(workflow.functions[node.name].nodes)
        order.extend(fn for fn in defs.values() if all(fn is not o for o in order))
        default_step = {"step", *run_params[2:3]}
        default_event = {"event", *run_params[1:2]}
        for fn in order:
            if id(fn) in self.by_fn or self.file.enclosing.get(id(fn)) is not None:
                continue  # a closure: reached through the function that defines it
            is_method = id(fn) in self.file.in_class
            positional = positional_params(fn)
            offset = 1 if is_method else 0
            step_names = {p for p in param_names(fn) if p in default_step}
            event_names = {p for p in param_names(fn) if p in default_event}
            for call in sites.get(id(fn), []):
                caller = self.call_owner.get(id(call))
                if caller is None:
                    continue
                for param, value in _bind(call, positional[offset:], param_names(fn)):
                    if isinstance(value, cst.Name) and value.value in caller.step_names:
                        step_names.add(param)
                    elif _named(read_root(value), caller.event_names):
                        event_names.add(param)
            self._add(fn, "helper", None, step_names, event_names,
                      positional[0] if is_method and positional else None)

    # --- queries --------------------------------------------------------------------------

    def outside_steps(self) -> list[Function]:
        """Bodies that run as workflow code: replayed from the top on every resume."""
        return [f for f in self.functions if not f.in_step]

    def step_bodies(self) -> list[Function]:
        return [f for f in self.functions if f.in_step]

    def declarations(self) -> list[StepCall]:
        """``@step.do(...)`` decorators, in source order of the functions that hold them."""
        return [c for c in self.step_calls if c.method == "do" and c.decl is not None]


def _named(expr: cst.BaseExpression, names: set[str]) -> bool:
    return isinstance(expr, cst.Name) and expr.value in names


def _bind(call: cst.Call, positional: list[str], names: list[str]) -> Iterator[tuple[str, cst.BaseExpression]]:
    index = 0
    for arg in call.args:
        if arg.star:
            continue
        if arg.keyword is not None:
            if arg.keyword.value in names:
                yield arg.keyword.value, arg.value
        elif index < len(positional):
            yield positional[index], arg.value
            index += 1


def subnodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """``node`` and everything inside it that carries meaning (no whitespace or punctuation), in
    source order, lambdas and comprehensions included."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(list(iter_children(current))[::-1])
