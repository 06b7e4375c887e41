"""What a name refers to while a function body is walked, in source order.

Bindings are flow-sensitive: ``s = step`` makes ``s`` the step object from that statement on, and
``step = other`` (shadowing) makes ``step`` an ordinary value again (SEMANTICS §2.3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from wfgraph.schema import StepConfig

from .module_index import ScopeConstants


@dataclass(eq=False)
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
    body_nodes: list[Any] | None = None
    awaited: bool = False
    name_src: str | None = None
    """The f-string the name came from, as written (for diagram labels, SEMANTICS §9)."""
    config_keys: frozenset[str] = frozenset()
    """The config fields written out in the source (labels show them, SEMANTICS §9)."""
    body_seq: Any = None
    """The walked body (``concurrency.Seq``): its exit and guards, for diagrams."""

    @property
    def params(self) -> list[cst.Param]:
        p = self.fn.params
        return [*p.posonly_params, *p.params, *p.kwonly_params]


@dataclass(eq=False)
class Task:
    """Work that has started and not been awaited yet (SEMANTICS §4.1, §4.2)."""

    nodes: list[Any]
    source: cst.CSTNode
    resolved: bool = False


@dataclass(eq=False)
class Deferred:
    """A coroutine created but not started: a step wrapper call, ``wait_for_event``, or a call to
    an async helper (SEMANTICS §4.1). ``kind`` is ``step``, ``wait`` or ``call``."""

    kind: str
    call: cst.Call
    scope: "Scope"
    decl: StepDecl | None = None
    target: Any = None
    consumed: bool = False


@dataclass(frozen=True)
class Value:
    """What an expression evaluates to, as far as the graph cares."""

    kind: str  # step | event | wrapper | lazy | task | wait_result | taskgroup | func | other
    data: Any = None


OTHER = Value("other")
STEP = Value("step")
EVENT = Value("event")


@dataclass(eq=False)
class Scope:
    """One function body's names; ``parent`` is the enclosing function (closures)."""

    parent: "Scope | None"
    constants: ScopeConstants
    fn: cst.FunctionDef | None = None
    names: dict[str, Value] = field(default_factory=dict)
    self_name: str | None = None

    def lookup(self, name: str) -> Value:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return OTHER

    def bind(self, name: str, value: Value) -> None:
        self.names[name] = value

    def find_self(self) -> str | None:
        scope: Scope | None = self
        while scope is not None:
            if scope.self_name:
                return scope.self_name
            scope = scope.parent
        return None

    def has_step(self) -> bool:
        scope: Scope | None = self
        while scope is not None:
            if any(v.kind in ("step", "wrapper") for v in scope.names.values()):
                return True
            scope = scope.parent
        return False
