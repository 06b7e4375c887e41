"""A workflow's code as the lint rules see it: which function bodies run as workflow code (``run``,
the helpers it calls, closures) and which run inside a step; what the step object, the event and
``self`` are called in each; every call of the step API and every ``@step.do`` declaration.

Code outside steps runs again on every replay, code inside a step runs once per attempt
(docs/python-api.md §2.6): that distinction is what most rules turn on, so it is computed
once per workflow here and shared.

The walker already followed the step object into helpers (SEMANTICS §2.3); its ``functions``
record says which helpers contain steps, and its ``function_call`` nodes say where they are
called from, so helper parameters that receive the step object or the event are read from those
call sites. Every other function reachable from workflow code is added after them
(call_graph.py), so a step-less helper that reads the clock is checked like ``run``. Each body
is scanned once (function_body.py); nested functions become functions of their own, in the same
region as where they are defined unless a ``@<step>.<method>`` decorator makes them a step body.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from ..python.functions import iter_nodes
from ..python.module_index import ScopeConstants, compound_bodies, suite_statements
from .call_graph import CallResolver, Callee, Received, is_static, local_classes
from ..python.names import param_names, positional_params, target_names
from .expressions import read_root
from .function_body import Function, collect
from .imports import ImportMap
from .step_calls import StepCall

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
            if type(stmt) is cst.FunctionDef:
                self.enclosing[id(stmt)] = fn
                if cls is not None:
                    self.in_class[id(stmt)] = cls
                self._index(suite_statements(stmt.body), stmt, None)
            elif type(stmt) is cst.ClassDef:
                self._index(suite_statements(stmt.body), fn, stmt)
            else:
                for suite in compound_bodies(stmt):
                    self._index(suite_statements(suite), fn, cls)


# --- one workflow ---------------------------------------------------------------------------------


class WorkflowCode:
    def __init__(self, file: FileCode, workflow: Any, resolver: CallResolver | None = None) -> None:
        """``workflow`` is an analysis.WorkflowAnalysis; ``resolver`` maps calls to functions
        (this module's, by default)."""
        self.file = file
        self.resolver = resolver or CallResolver(local_classes(file.module), workflow.cls)
        self.functions: list[Function] = []
        self.by_fn: dict[int, Function] = {}
        self.call_owner: dict[int, Function] = {}
        self.decorated: dict[int, cst.FunctionDef] = {}
        self.step_calls: list[StepCall] = []
        self.shared: dict[tuple[Any, ...], Any] = {}
        """Views of this code that several rules read (``step_args.duration_sites``), made once."""
        run = workflow.run
        if run is None:
            return
        params = positional_params(run)
        received = Received(step=set(params[2:3]), event=set(params[1:2]),
                            event_roots=set(params[1:2]), self_name=params[0] if params else None)
        self._add(run, "run", None, received)
        if workflow.graph is not None:
            self._add_helpers(workflow.graph.workflow, params)
        self._add_reachable()
        for function in self.functions:
            for call in function.calls:
                func = call.func
                if (type(func) is cst.Attribute and type(func.value) is cst.Name
                        and func.value.value in function.step_names):
                    self.step_calls.append(StepCall(func.attr.value, call, function,
                                                    self.decorated.get(id(call))))

    # --- building -------------------------------------------------------------------------

    def _add(self, fn: cst.FunctionDef, kind: str, parent: Function | None, received: Received,
             decorator: cst.Decorator | None = None, reached_from: cst.Call | None = None,
             module: Any = None) -> Function:
        module = parent.module if parent is not None else module
        outer = parent.consts if parent else (module.index.constants if module else self.file.consts)
        consts = ScopeConstants(suite_statements(fn.body), parent=outer)
        params = set(param_names(fn))
        shadowed = params if parent is not None else set()  # a closure's parameters hide outer names
        self_name = received.self_name
        function = Function(fn=fn, kind=kind, parent=parent, step_names=received.step - shadowed,
                            event_names=received.event - shadowed,
                            self_name=None if self_name in shadowed else self_name,
                            consts=consts, decorator=decorator, params=params, locals=set(params),
                            env_names=received.env - shadowed, env_roots=received.env_roots - shadowed,
                            event_roots=received.event_roots - shadowed,
                            wait_roots=received.wait_roots - shadowed, reached_from=reached_from,
                            module=module)
        collect(function, fn.body)
        self._aliases(function)
        self.functions.append(function)
        self.by_fn[id(fn)] = function
        for call in function.calls:
            self.call_owner.setdefault(id(call), function)
        inherited = Received(function.step_names, function.event_names, function.event_roots,
                             function.env_names, function.env_roots, function.self_name,
                             function.wait_roots)
        for nested in function.nested:
            if id(nested) in self.by_fn:
                continue
            deco = self._step_decorator(nested, function.step_names)
            nested_kind = "step" if deco is not None or kind == "step" else kind
            self._add(nested, nested_kind, function, inherited, deco)
        return function

    def _step_decorator(self, fn: cst.FunctionDef, step_names: set[str]) -> cst.Decorator | None:
        """The ``@<step>.<method>`` decorator that makes ``fn`` a step body. Any step method
        counts: ``@step.with_rollback(...)`` (WF022) is meant as one, and its body is not also
        reported as workflow code."""
        for deco in fn.decorators:
            expr = deco.decorator
            call = expr if type(expr) is cst.Call else None
            target = call.func if call is not None else expr
            if (type(target) is cst.Attribute and type(target.value) is cst.Name
                    and target.value.value in step_names):
                if call is not None and target.attr.value == "do":
                    self.decorated[id(call)] = fn
                return deco
        return None

    def _aliases(self, function: Function) -> None:
        """``s = step``, ``e = event``, ``payload = event["payload"]``, ``db = self.env.DB``,
        ``reply = await step.wait_for_event(...)``, in source order. The event and wait roots
        keep only names that hold nothing else anywhere in the body."""
        roots: dict[str, int] = {}
        waits: dict[str, int] = {}
        for store in function.stores:
            if store.kind not in ("assign", "annassign") or type(store.target) is not cst.Name:
                continue
            name, value = store.target.value, store.value
            if type(value) is cst.Name and value.value in function.step_names:
                function.step_names.add(name)
            elif _is_wait(value, function):
                waits[name] = waits.get(name, 0) + 1
            elif value is not None and _named(read_root(value), function.event_names):
                function.event_names.add(name)
                if _named(value, function.event_roots):
                    function.event_roots.add(name)
                    roots[name] = roots.get(name, 0) + 1
            elif value is not None and function.is_env(value):
                function.env_names.add(name)
                if function.is_env_root(value):
                    function.env_roots.add(name)
                elif (binding := function.binding_name(value)) is not None:
                    function.env_bindings[name] = binding
        for loop in function.loops:  # `for item in event["payload"]["items"]`: items of the event
            if type(loop) is cst.For and _named(read_root(loop.iter), function.event_names):
                function.event_names.update(target_names(loop.target))
        bound, params = function.bound, function.params
        function.event_roots = {n for n in function.event_roots if bound.get(n, 0) == roots.get(n, 0)
                                and not (roots.get(n) and n in params)}
        function.wait_roots = {n for n in function.wait_roots if bound.get(n, 0) == 0}
        function.wait_roots |= {n for n, count in waits.items()
                                if bound.get(n, 0) == count and n not in params}

    def _add_helpers(self, workflow: Any, run_params: list[str]) -> None:
        """Helpers with steps (SEMANTICS §6), callers first, their step and event parameters
        read from the call sites (SEMANTICS §2.3)."""
        defs = {name: fdef._src for name, fdef in workflow.functions.items()
                if type(fdef._src) is cst.FunctionDef}
        sites: dict[int, list[cst.Call]] = {}
        order: list[cst.FunctionDef] = []
        queue = [workflow.nodes]
        seen_lists: set[str] = set()
        while queue:
            for node in iter_nodes(queue.pop(0)):
                if getattr(node, "type", None) != "function_call" or node.name not in defs:
                    continue
                fn = defs[node.name]
                if type(node._src) is cst.Call:
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
            module = self.resolver.module_of(fn)
            method = id(fn) in self.file.in_class or self.resolver.is_method(fn)
            callee = Callee(fn, method and not is_static(fn), module)
            positional = positional_params(fn)
            received = Received(step={p for p in param_names(fn) if p in default_step},
                                event={p for p in param_names(fn) if p in default_event},
                                self_name=positional[0] if callee.bound_first and positional else None)
            calls = sites.get(id(fn), [])
            for call in calls:
                caller = self.call_owner.get(id(call))
                if caller is not None:
                    received.add_site(call, callee, caller)
            self._add(fn, "helper", None, received, reached_from=calls[0] if calls else None,
                      module=module)

    def _add_reachable(self) -> None:
        """Every other function that workflow code calls, transitively, as workflow code too,
        callers before callees; what its parameters receive is read from the calls found in the
        functions known when it is first reached."""
        frontier = [f for f in self.functions if not f.in_step]
        while frontier:
            found: dict[int, tuple[Callee, Received, cst.Call]] = {}
            for caller in frontier:
                for call in caller.calls:
                    callee = self.resolver.target(call, caller)
                    if callee is None or id(callee.fn) in self.by_fn:
                        continue
                    if id(callee.fn) not in found:
                        positional = positional_params(callee.fn)
                        first = positional[0] if callee.bound_first and positional else None
                        found[id(callee.fn)] = (callee, Received(self_name=first), call)
                    found[id(callee.fn)][1].add_site(call, callee, caller)
            before = len(self.functions)
            for callee, received, first_call in found.values():
                if id(callee.fn) not in self.by_fn:
                    self._add(callee.fn, "helper", None, received, reached_from=first_call,
                              module=callee.module)
            frontier = [f for f in self.functions[before:] if not f.in_step]

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
    return type(expr) is cst.Name and expr.value in names


def _is_wait(value: cst.BaseExpression | None, function: Function) -> bool:
    """``await <step>.wait_for_event(...)`` (SEMANTICS §7.2)."""
    if type(value) is not cst.Await or type(value.expression) is not cst.Call:
        return False
    func = value.expression.func
    return (type(func) is cst.Attribute and func.attr.value == "wait_for_event"
            and _named(func.value, function.step_names))
