"""The walker: one workflow class's ``run`` (and what it reaches) → schema nodes.

Statements are walked in source order with a flow-sensitive ``Scope`` (what each name is) and a
``Body`` (the numbering state of SEMANTICS §4.2). The concerns live in mixins: steps
(steps.py), helper calls and asyncio concurrency (calls.py), control flow (control_flow.py).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import libcst as cst

from wfgraph.schema import If, Branch

from . import facts as F
from .calls import CallsMixin
from .concurrency import Body, Seq
from .control_flow import ControlFlowMixin
from .dispatch import DispatchMixin
from .cst_walk import iter_subexpressions
from .diagram_info import exit_of
from .facts import Fact
from .functions import FunctionRegistry
from .literals import dotted_name, source_text
from .classes import Classes, ClassRef
from .linker import LinkedModule, imported_constant
from .module_index import ModuleIndex, ScopeConstants, suite_statements
from .names import param_names, positional_params
from .scope import EVENT, OTHER, STEP, Deferred, Scope, StepDecl, Task, Value, tasks_of
from .steps import StepsMixin

MAX_DEPTH = 50
"""Nesting beyond this is reported (ANALYSIS_LIMIT) instead of walked. Each level can add two
levels of graph models (an ``if`` and its branch), and pydantic refuses to serialise more than
128, so the graph of whatever is walked can always be written."""


class Walker(StepsMixin, CallsMixin, DispatchMixin, ControlFlowMixin):
    def __init__(self, classes: Classes, cls: ClassRef, implicit: bool | None) -> None:
        self.classes = classes
        self.linker = classes.linker
        self.cls = cls
        self.implicit = implicit
        self.module_scopes: dict[int, Scope] = {}
        self.facts: list[Fact] = []
        self.functions = FunctionRegistry(self)
        self.step_registry: dict[str, StepDecl] = {}
        self.declared: list[StepDecl] = []
        self.deferreds: list[Deferred] = []
        self.tasks: list[Task] = []
        self.wait_results: dict[int, list[Any]] = {}
        self.step_depth = 0
        self.depth = 0
        self.body = Body()
        self.module_scope = self.scope_of(cls.module)
        self.scope: Scope = self.module_scope
        self.body_fn: cst.FunctionDef | None = None
        """The function whose body is being walked: a helper expanded inline (§4.5) runs in its
        caller's body, where its ``return`` is no exit (SEMANTICS §9)."""
        self.run_seq: Seq | None = None

    @property
    def index(self) -> ModuleIndex:
        """The index of the module whose code is being walked (helpers of other modules too)."""
        return self.scope.home().index

    @property
    def module(self) -> cst.Module:
        return self.scope.home().module

    def scope_of(self, linked: LinkedModule) -> Scope:
        """A module's scope: its top-level names, with constants imported from the project's
        other modules followed (SEMANTICS §2.4, §3.6)."""
        scope = self.module_scopes.get(id(linked))
        if scope is None:
            constants = ScopeConstants(list(linked.module.body),
                                       imported=lambda name: imported_constant(self.linker, linked, name))
            scope = self.module_scopes[id(linked)] = Scope(parent=None, constants=constants,
                                                           linked=linked)
        return scope

    # --- entry points ----------------------------------------------------------------------

    def walk_run(self, run: cst.FunctionDef, module_scope: Scope) -> list[Any]:
        params = positional_params(run)
        scope = self.new_scope(run, module_scope, method=True)
        if len(params) > 1:
            scope.bind(params[1], EVENT)
        if len(params) > 2:
            scope.bind(params[2], STEP)
        self.run_seq = self.walk_body(run, scope)
        return self.run_seq.nodes

    def new_scope(self, fn: cst.FunctionDef, parent: Scope, method: bool = False) -> Scope:
        scope = Scope(
            parent=parent,
            constants=ScopeConstants(suite_statements(fn.body), parent=parent.constants,
                                     imported=parent.constants.imported),
            fn=fn,
        )
        params = positional_params(fn)
        if method and params:
            scope.self_name = params[0]
        for name in param_names(fn):
            scope.bind(name, OTHER)
        return scope

    def walk_function_body(self, fn: cst.FunctionDef, scope: Scope) -> list[Any]:
        return self.walk_body(fn, scope).nodes

    def walk_body(self, fn: cst.FunctionDef, scope: Scope) -> Seq:
        """A function body as a sequence: its nodes, and for diagrams its exit and guards."""
        saved = self.body_fn
        self.body_fn = fn
        try:
            with self.frame(Body(), scope):
                seq = Seq([], is_top=True)
                self.walk_block(suite_statements(fn.body), seq)
                self.finish_body(seq)
                return seq
        finally:
            self.body_fn = saved

    @contextmanager
    def frame(self, body: Body, scope: Scope) -> Iterator[None]:
        saved = self.body, self.scope
        self.body, self.scope = body, scope
        try:
            yield
        finally:
            self.body, self.scope = saved

    def finish_body(self, seq: Seq) -> None:
        for task in self.body.pending:
            self.fact(F.UNAWAITED_TASK, task.source, "started work is never awaited")

    def report_leftovers(self) -> None:
        for deferred in self.deferreds:
            if not deferred.consumed and self.runs_steps(deferred):
                self.fact(F.UNAWAITED_COROUTINE, deferred.call,
                          "coroutine is created but never awaited, so it never runs")
        for decl in self.declared:
            if not decl.awaited:
                self.fact(F.STEP_NEVER_RUN, decl.fn.name, f"step {decl.name!r} is declared "
                          "but never awaited", step=decl.name)

    def runs_steps(self, deferred: Deferred) -> bool:
        """A coroutine of a helper matters only when the helper runs steps."""
        if deferred.kind != "call":
            return True
        target = deferred.target
        if not target.parent.has_step() and not any(
            v.kind in ("step", "wrapper") for v in target.binding.values()
        ):
            return False
        entry = self.functions.analyze(target)
        return entry.direct or bool(entry.targets)

    def fact(self, kind: str, node: cst.CSTNode, message: str, **data: Any) -> None:
        self.facts.append(Fact(kind, node, message, data))

    # --- statements ------------------------------------------------------------------------

    def too_deep(self, node: cst.CSTNode | None) -> bool:
        """Past MAX_DEPTH: say so once at ``node`` and walk no further."""
        if self.depth <= MAX_DEPTH:
            return False
        if node is not None:
            self.fact(F.ANALYSIS_LIMIT, node, f"nesting deeper than {MAX_DEPTH} levels is not "
                      "analysed: the graph stops here")
        return True

    def walk_block(self, stmts: list[cst.BaseStatement], seq: Seq) -> None:
        if self.too_deep(stmts[0] if stmts else None):
            return
        self.depth += 1
        try:
            for i, stmt in enumerate(stmts):
                if self.is_early_exit_if(stmt):
                    self.walk_if(stmt, seq, rest=stmts[i + 1:])  # type: ignore[arg-type]
                    return
                self.walk_stmt(stmt, seq)
        finally:
            self.depth -= 1

    def walk_stmt(self, stmt: cst.BaseStatement, seq: Seq) -> None:
        if type(stmt) is cst.SimpleStatementLine:
            for small in stmt.body:
                self.walk_small(small, seq)
        elif type(stmt) is cst.If:
            self.walk_if(stmt, seq)
        elif type(stmt) in (cst.For, cst.While):
            self.walk_loop(stmt, seq)
        elif type(stmt) in (cst.Try, cst.TryStar):
            self.walk_try(stmt, seq)
        elif type(stmt) is cst.With:
            self.walk_with(stmt, seq)
        elif type(stmt) is cst.Match:
            self.walk_match(stmt, seq)
        elif type(stmt) is cst.FunctionDef:
            self.walk_def(stmt)

    def walk_def(self, fn: cst.FunctionDef) -> None:
        found = self.step_decorator(fn)
        if found is not None:
            decl = self.declare_step(fn, *found)
            self.scope.bind(fn.name.value, Value("wrapper", decl))
        elif self.step_method_bare(fn):
            self.scope.bind(fn.name.value, OTHER)
        else:
            self.scope.bind(fn.name.value, Value("func", (fn, self.scope)))

    def step_method_bare(self, fn: cst.FunctionDef) -> bool:
        return any(self.step_method(d.decorator) == "do" for d in fn.decorators)

    def walk_small(self, small: cst.BaseSmallStatement, seq: Seq) -> None:
        if type(small) is cst.Expr:
            self.walk_expr(small.value, seq)
        elif type(small) is cst.Assign:
            if self.walk_unpacking(small, seq):
                return
            value = self.walk_expr(small.value, seq)
            for target in small.targets:
                self.bind_target(target.target, value, small)
        elif type(small) is cst.AnnAssign:
            value = self.walk_expr(small.value, seq) if small.value is not None else OTHER
            if small.value is not None:
                self.bind_target(small.target, value, small)
        elif type(small) is cst.AugAssign:
            self.walk_expr(small.value, seq)
            self.bind_target(small.target, OTHER, small)
        elif type(small) is cst.Return and small.value is not None:
            self.walk_expr(small.value, seq)
        elif type(small) is cst.Raise and small.exc is not None:
            self.walk_expr(small.exc, seq)
        elif type(small) is cst.Assert:
            self.walk_expr(small.test, seq)
        elif type(small) in (cst.Import, cst.ImportFrom):
            self.bind_imports(small)
        self.note_exit(small, seq)

    def note_exit(self, small: cst.BaseSmallStatement, seq: Seq) -> None:
        """Where the sequence's paths end, for diagrams (SEMANTICS §9); the first exit wins (what
        follows it is dead code)."""
        if seq.exit is not None:
            return
        found = exit_of(self.module, small)
        if found is None:
            return
        if found.kind == "return" and self.scope.fn is not self.body_fn:
            return  # a helper expanded inline returns to its call site
        seq.exit = found

    def walk_unpacking(self, small: cst.Assign, seq: Seq) -> bool:
        """``a, b = x(), y()``: each name gets its own value."""
        target, value = small.targets[0].target, small.value
        if (
            len(small.targets) != 1
            or type(target) not in (cst.Tuple, cst.List)
            or type(value) not in (cst.Tuple, cst.List)
            or len(target.elements) != len(value.elements)
            or any(type(e) is cst.StarredElement for e in (*target.elements, *value.elements))
        ):
            return False
        values = [self.walk_expr(e.value, seq) for e in value.elements]
        for el, val in zip(target.elements, values):
            self.bind_target(el.value, val, small)
        return True

    def bind_imports(self, node: cst.Import | cst.ImportFrom) -> None:
        """Names imported in a function shadow outer ones, and mean what the import resolves to
        in the project (SEMANTICS §2.4)."""
        if type(node.names) is cst.ImportStar:
            return
        home = self.scope.home()
        for alias in node.names:
            name = alias.asname.name if alias.asname else alias.name
            while type(name) is cst.Attribute:
                name = name.value
            if type(name) is not cst.Name:
                continue
            imported = dotted_name(alias.name) or ""
            if type(node) is cst.ImportFrom:
                module = dotted_name(node.module) if node.module is not None else None
                symbol = self.linker.imported(home, len(node.relative), module, imported)
            else:
                symbol = self.linker.module_symbol(home, imported if alias.asname else name.value)
            self.scope.bind(name.value, Value("imported", symbol) if symbol is not None else OTHER)

    def bind_target(self, target: cst.BaseExpression, value: Value, stmt: cst.CSTNode) -> None:
        if type(target) is cst.Name:
            self.scope.bind(target.value, value)
            if value.kind == "wait_result":
                self.wait_results.setdefault(id(stmt), []).extend(value.data)
        elif type(target) in (cst.Tuple, cst.List):
            for el in target.elements:
                self.bind_target(el.value, OTHER, stmt)
        elif type(target) is cst.StarredElement:
            self.bind_target(target.value, OTHER, stmt)

    # --- expressions -----------------------------------------------------------------------

    def walk_expr(self, expr: cst.BaseExpression | None, seq: Seq) -> Value:
        """Emit what evaluating ``expr`` runs, in evaluation order; return what it yields."""
        if expr is None:
            return OTHER
        if type(expr) is cst.Await:
            return self.walk_await(expr, seq)
        if type(expr) is cst.Name:
            return self.scope.lookup(expr.value)
        if type(expr) is cst.Call:
            return self.walk_call(expr, seq, awaited=False)
        if type(expr) is cst.BooleanOperation:
            return self.walk_boolean(expr, seq)
        if type(expr) is cst.IfExp:
            return self.walk_ifexp(expr, seq)
        if type(expr) in (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp):
            return self.walk_comprehension(expr, seq)
        if type(expr) is cst.Lambda:
            return OTHER
        if type(expr) is cst.NamedExpr:
            value = self.walk_expr(expr.value, seq)
            self.bind_target(expr.target, value, expr)
            return value
        for child in iter_subexpressions(expr):
            self.walk_expr(child, seq)
        if type(expr) is cst.Dict:
            return self.table_value(expr)
        if type(expr) in (cst.List, cst.Tuple):
            return self.task_list(expr)
        if type(expr) is cst.Subscript:
            dispatch = self.dispatch_of(expr)
            return Value("dispatch", dispatch) if dispatch is not None else OTHER
        return OTHER

    def walk_await(self, expr: cst.Await, seq: Seq) -> Value:
        inner = expr.expression
        while type(inner) is cst.Await:  # `await await f()`: the inner await does the work
            inner = inner.expression
        if type(inner) is cst.Call:
            return self.walk_call(inner, seq, awaited=True)
        if type(inner) is cst.IfExp:
            return self.walk_ifexp(inner, seq, awaited=True)
        value = self.walk_expr(inner, seq)
        return self.await_value(value, seq, inner)

    def await_value(self, value: Value, seq: Seq, site: cst.CSTNode) -> Value:
        """``await x`` where ``x`` evaluated to ``value``."""
        if value.kind == "lazy":
            node = self.materialize(value.data, seq)
            if node is not None:
                self.body.awaited(seq, node)
            return self.result_of(value.data, node)
        if value.kind in ("task", "tasks"):
            self.body.resolve(tasks_of(value))
            return OTHER
        return OTHER

    def task_list(self, expr: cst.List | cst.Tuple) -> Value:
        """A list of started tasks is pending like a task's name (SEMANTICS §4.7); an empty
        list may become one (``tasks.append(create_task(...))``)."""
        values = [self.scope.lookup(e.value.value) if type(e.value) is cst.Name else OTHER
                  for e in expr.elements]
        if type(expr) is cst.List and not values:
            return Value("tasks", [])
        if values and all(v.kind in ("task", "tasks") for v in values):
            return Value("tasks", [t for v in values for t in tasks_of(v)])
        return OTHER

    def result_of(self, deferred: Deferred, node: Any) -> Value:
        if deferred.kind == "wait" and node is not None:
            return Value("wait_result", [node])
        return OTHER

    def walk_boolean(self, expr: cst.BooleanOperation, seq: Seq) -> Value:
        """``x or await s()`` → an ``if`` on ``"x is falsy"`` with an empty else (SEMANTICS §5)."""
        self.walk_expr(expr.left, seq)
        right = Seq([])
        if self.too_deep(expr):
            return OTHER
        self.depth += 1
        try:
            self.walk_expr(expr.right, right)
        finally:
            self.depth -= 1
        if right.nodes:
            word = "falsy" if type(expr.operator) is cst.Or else "truthy"
            cond = f"{source_text(self.module, expr.left)} is {word}"
            node = If(branches=[Branch(condition=cond, nodes=right.nodes), Branch(condition=None, nodes=[])])
            node._src = expr
            self.body.close_group(seq)
            seq.nodes.append(node)
        return OTHER

    def walk_ifexp(self, expr: cst.IfExp, seq: Seq, awaited: bool = False) -> Value:
        """``A if c else B``; under ``await`` each side is awaited (SEMANTICS §5)."""
        self.walk_expr(expr.test, seq)
        body, orelse = Seq([]), Seq([])
        if self.too_deep(expr):
            return OTHER
        self.depth += 1
        try:
            for side, out in ((expr.body, body), (expr.orelse, orelse)):
                if awaited:
                    self.walk_await(cst.Await(expression=side), out)
                else:
                    self.walk_expr(side, out)
        finally:
            self.depth -= 1
        if body.nodes or orelse.nodes:
            node = If(branches=[
                Branch(condition=source_text(self.module, expr.test), nodes=body.nodes),
                Branch(condition=None, nodes=orelse.nodes),
            ])
            node._src = expr
            self.body.close_group(seq)
            seq.nodes.append(node)
        return OTHER
