"""What a name refers to while a function body is walked, in source order.

Bindings are flow-sensitive: ``s = step`` makes ``s`` the step object from that statement on, and
``step = other`` (shadowing) makes ``step`` an ordinary value again (SEMANTICS §2.3).
"""

from __future__ import annotations

from dataclasses import field
from itertools import compress
from operator import is_not
from typing import Any

import libcst as cst

from wfgraph.schema import StepConfig

from ..records import record
from .module_index import ScopeConstants


@record(eq=False)
class StepDecl:
    """A function decorated with ``@step.do(...)``: a declaration, run where awaited (§3.1)."""

    var: str
    name: str
    registry_name: str | None
    config: StepConfig
    fn: cst.FunctionDef
    decorator: cst.Decorator
    concurrent: bool
    depends: list[cst.BaseExpression] | None
    scope: "Scope"
    name_src: str | None = None
    """The name as written when it is not a literal (schema ``StepDo._name_src``)."""
    index: int = 0
    """Its position among the walk's declarations (schema ``StepDo._decl``)."""
    body_nodes: list[Any] | None = None
    awaited: bool = False
    config_keys: frozenset[str] = frozenset()
    """The config fields written out in the source (labels show them, SEMANTICS §9)."""
    body_seq: Any = None
    """The walked body (``concurrency.Seq``): its exit and guards, for diagrams."""

    @property
    def params(self) -> list[cst.Param]:
        p = self.fn.params
        return [*p.posonly_params, *p.params, *p.kwonly_params]


@record(eq=False)
class Task:
    """Work that has started and not been awaited yet (SEMANTICS §4.1, §4.2)."""

    nodes: list[Any]
    source: cst.CSTNode
    resolved: bool = False


@record(eq=False)
class Deferred:
    """A coroutine created but not started: a step wrapper call, ``wait_for_event``, or a call to
    an async helper (SEMANTICS §4.1). ``kind`` is ``step``, ``wait`` or ``call``."""

    kind: str
    call: cst.Call
    scope: "Scope"
    decl: StepDecl | None = None
    target: Any = None
    consumed: bool = False


@record(frozen=True)
class Value:
    """What an expression evaluates to, as far as the graph cares."""

    kind: str  # step | event | wrapper | lazy | task | wait_result | taskgroup | func | other
    data: Any = None


OTHER = Value("other")
STEP = Value("step")
EVENT = Value("event")


@record(eq=False)
class Scope:
    """One function body's names; ``parent`` is the enclosing function (closures)."""

    parent: "Scope | None"
    constants: ScopeConstants
    fn: cst.FunctionDef | None = None
    names: dict[str, Value] = field(default_factory=dict)
    self_name: str | None = None
    linked: Any = None
    """On a module's scope: the ``LinkedModule`` whose names it holds (SEMANTICS §2.4)."""

    def home(self) -> Any:
        """The module this scope's code is written in."""
        scope: Scope | None = self
        while scope is not None:
            if scope.linked is not None:
                return scope.linked
            scope = scope.parent
        raise LookupError("a scope outside any module")

    def lookup(self, name: str) -> Value:
        found = self.find(name)
        return OTHER if found is None else found

    def find(self, name: str) -> Value | None:
        """What ``name`` is bound to in this scope or an enclosing one; None when unbound."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None

    def bind(self, name: str, value: Value) -> None:
        self.names[name] = value

    def find_self(self) -> str | None:
        scope: Scope | None = self
        while scope is not None:
            if scope.self_name:
                return scope.self_name
            scope = scope.parent
        return None

    def method_fn(self) -> cst.FunctionDef | None:
        """The method whose body (or a closure in it) this scope is."""
        scope: Scope | None = self
        while scope is not None:
            if scope.self_name:
                return scope.fn
            scope = scope.parent
        return None

    def has_step(self) -> bool:
        scope: Scope | None = self
        while scope is not None:
            if any(v.kind in ("step", "wrapper") for v in scope.names.values()):
                return True
            scope = scope.parent
        return False


def join_names(before: dict[str, Value], outcomes: list[dict[str, Value]]) -> dict[str, Value]:
    """The names after paths that started from ``before`` (SEMANTICS §4.7, §7.2): a name bound
    to started tasks on several paths holds all of them, a wait result bound on several paths
    any of them; otherwise the binding of the last path that made one stands."""
    rebound: dict[str, None] = {}  # names some path bound anew, in the order first seen
    for outcome in outcomes:
        if outcome is not before:  # a path that skipped the statement changed nothing
            # Scopes hold hundreds of names (every step declared in run): compared in C.
            fresh = map(is_not, outcome.values(), map(before.get, outcome))
            rebound.update(dict.fromkeys(compress(outcome, fresh)))
    merged = dict(before)
    for name in rebound:
        values = [o[name] for o in outcomes if name in o]
        changed = [v for v in values if v is not before.get(name)]
        merged[name] = _union(values) or changed[-1]
    return merged


def _union(values: list[Value]) -> Value | None:
    if len(values) < 2:
        return None
    if all(v.kind in ("task", "tasks") for v in values):
        tasks: list[Task] = []
        for v in values:
            for task in (v.data if v.kind == "tasks" else [v.data]):
                if all(task is not t for t in tasks):
                    tasks.append(task)
        return Value("tasks", tasks)
    if all(v.kind == "wait_result" for v in values):
        nodes: list[Any] = []
        for v in values:
            nodes.extend(n for n in v.data if all(n is not m for m in nodes))
        return Value("wait_result", nodes)
    return None


def tasks_of(value: Value) -> list[Task]:
    """The started tasks a ``task`` or ``tasks`` value holds."""
    if value.kind == "task":
        return [value.data]
    return list(value.data) if value.kind == "tasks" else []
