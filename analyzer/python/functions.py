"""Helpers: the ``functions`` record and ``function_call`` nodes (SEMANTICS §6, §4.5).

A helper is analysed once per way it is called (which parameters receive the step object, the
event, or step wrappers). Whether it contains steps can depend on helpers still being analysed
(recursion), so calls into such a cycle are provisional until the end, when a fixed point decides
and calls to helpers without steps are pruned.
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Any, Iterator

import libcst as cst

from wfgraph.schema import STEP_TYPES, FunctionCall, FunctionDef

from ..records import record
from .callees import SKIPPED_METHODS, Callees
from .concurrency import Seq
from .diagram_info import attach_sequence
from .module_index import suite_statements
from .scope import Scope, Value

if TYPE_CHECKING:
    from .walker import Walker



@record(eq=False)
class Target:
    """A resolved call: the function, where it was defined, and how its parameters are bound."""

    fn: cst.FunctionDef
    parent: Scope
    is_method: bool
    binding: dict[str, Value]

    @property
    def is_async(self) -> bool:
        return self.fn.asynchronous is not None

    @property
    def expands(self) -> bool:
        """It was given step wrappers or coroutines: expand at the call site (§4.5)."""
        return any(v.kind in ("wrapper", "lazy") for v in self.binding.values())

    def key(self) -> tuple[Any, ...]:
        bound = tuple(sorted((k, v.kind) for k, v in self.binding.items() if v.kind != "other"))
        return (self.fn, bound, id(self.parent))


@record(eq=False)
class Entry:
    fn: cst.FunctionDef
    serial: int
    nodes: list[Any] = field(default_factory=list)
    done: bool = False
    direct: bool = False
    targets: set["Entry"] = field(default_factory=set)
    calls: list[FunctionCall] = field(default_factory=list)
    seq: Any = None  # the walked body (its exit and guards, for diagrams)

    def __hash__(self) -> int:
        return self.serial


class FunctionRegistry:
    def __init__(self, walker: "Walker") -> None:
        self.w = walker
        self.entries: dict[tuple[Any, ...], Entry] = {}
        self.stack: list[Entry] = []
        self.provisional: dict[int, Entry] = {}
        self.expanding: list[cst.FunctionDef] = []
        self.event_helpers: list[tuple[cst.FunctionDef, tuple[str, ...]]] = []
        self.wait_helpers: list[tuple[cst.FunctionDef, dict[str, list[Any]]]] = []
        """Helpers given a wait_for_event result, by parameter (SEMANTICS §7.2)."""
        self.bindings: list[tuple[cst.FunctionDef, dict[str, Value]]] = []
        self._def_order: dict[int, int] | None = None
        self.callees = Callees(walker)

    # --- resolving a call ------------------------------------------------------------------

    def target(self, call: cst.Call, seq: Seq, func: cst.BaseExpression | None = None,
               values: list[Value] | None = None) -> Target | None:
        """The helper ``call`` runs (``func`` instead of the call's own, as a dispatch table's
        entry; ``values``: its arguments, already evaluated), with its parameters bound."""
        found = self.lookup(call.func if func is None else func)
        if found is None:
            return None
        fn, parent, is_method = found
        if values is None:
            values = [self.w.walk_expr(arg.value, seq) for arg in call.args]
        binding = self.bind(fn, is_method, call, values)
        events = tuple(k for k, v in binding.items() if v.kind == "event")
        if events:
            self.event_helpers.append((fn, events))
        waits = {k: v.data for k, v in binding.items() if v.kind == "wait_result"}
        if waits:
            self.wait_helpers.append((fn, waits))
        return Target(fn, parent, is_method, binding)

    def lookup(self, func: cst.BaseExpression) -> tuple[cst.FunctionDef, Scope, bool] | None:
        found = self.callees.resolve(func)
        return found if isinstance(found, tuple) else None

    def bind(self, fn: cst.FunctionDef, is_method: bool, call: cst.Call,
             values: list[Value]) -> dict[str, Value]:
        params = fn.params
        positional = [p.name.value for p in (*params.posonly_params, *params.params)]
        if is_method:
            positional = positional[1:]
        names = set(positional) | {p.name.value for p in params.kwonly_params}
        binding: dict[str, Value] = {}
        index = 0
        for arg, value in zip(call.args, values):
            if arg.star:
                continue
            if arg.keyword is not None:
                if arg.keyword.value in names:
                    binding[arg.keyword.value] = value
            elif index < len(positional):
                binding[positional[index]] = value
                index += 1
        return binding

    # --- analysing a helper ----------------------------------------------------------------

    def analyze(self, target: Target) -> Entry:
        key = target.key()
        entry = self.entries.get(key)
        if entry is not None:
            return entry
        entry = Entry(fn=target.fn, serial=len(self.entries))
        self.entries[key] = entry
        self.bindings.append((target.fn, target.binding))
        scope = self.w.new_scope(target.fn, target.parent, method=target.is_method)
        for name, value in target.binding.items():
            scope.bind(name, value)
        self.stack.append(entry)
        try:
            entry.seq = self.w.walk_body(target.fn, scope)
            entry.nodes = entry.seq.nodes
        finally:
            self.stack.pop()
        entry.done = True
        entry.direct = self.has_real_steps(entry.nodes)
        return entry

    def call_node(self, target: Target, call: cst.Call) -> FunctionCall | None:
        if not target.parent.has_step() and not any(
            v.kind in ("step", "wrapper") for v in target.binding.values()
        ):
            return None  # no step object reaches it: it cannot contain steps
        entry = self.analyze(target)
        settled = entry.done and not entry.targets
        if settled and not entry.direct:
            return None
        node = FunctionCall(name=target.fn.name.value)
        node._src = call
        entry.calls.append(node)
        if not settled:
            self.provisional[id(node)] = entry
            if self.stack:
                self.stack[-1].targets.add(entry)
        return node

    def expand_inline(self, target: Target, seq: Seq) -> None:
        if any(fn is target.fn for fn in self.expanding):
            return  # a helper that passes its wrapper to itself: expanded once
        scope = self.w.new_scope(target.fn, target.parent, method=target.is_method)
        for name, value in target.binding.items():
            scope.bind(name, value)
        self.expanding.append(target.fn)
        try:
            with self.w.frame(self.w.body, scope):
                self.w.walk_block(suite_statements(target.fn.body), seq)
        finally:
            self.expanding.pop()

    def has_real_steps(self, nodes: list[Any]) -> bool:
        return any(
            isinstance(n, STEP_TYPES) or (isinstance(n, FunctionCall) and id(n) not in self.provisional)
            for n in iter_nodes(nodes)
        )

    def analyze_uncalled_methods(self, event_name: str | None, step_name: str | None) -> None:
        """Methods with steps are listed even when never called (SEMANTICS §6.1)."""
        analysed = {id(e.fn) for e in self.entries.values()}
        for method in self.w.classes.methods(self.w.cls):
            if method.name in SKIPPED_METHODS or id(method.fn) in analysed:
                continue
            bound = method.kind != "static"
            binding: dict[str, Value] = {}
            params = [p.name.value for p in (*method.fn.params.posonly_params, *method.fn.params.params)]
            for param in params[1:] if bound else params:
                if param in ("step", step_name):
                    binding[param] = Value("step")
                elif param in ("event", event_name):
                    binding[param] = Value("event")
            if any(v.kind == "step" for v in binding.values()):
                self.analyze(Target(method.fn, self.w.scope_of(method.module), bound, binding))

    # --- the record ------------------------------------------------------------------------

    def finish(self, run_nodes: list[Any]) -> dict[str, FunctionDef]:
        """Decide which helpers have steps, prune calls to the others, and name them."""
        has = {e: e.direct for e in self.entries.values()}
        changed = True
        while changed:
            changed = False
            for entry in has:
                if not has[entry] and any(has[t] for t in entry.targets):
                    has[entry] = changed = True
        dead = {nid for nid, e in self.provisional.items() if not has[e]}
        if dead:
            prune(run_nodes, dead)
            for entry in self.entries.values():
                prune(entry.nodes, dead)
        kept = sorted((e for e in has if has[e]), key=lambda e: (self.def_order(e.fn), e.serial))
        out: dict[str, FunctionDef] = {}
        seen: dict[str, int] = {}
        for entry in kept:
            base = entry.fn.name.value
            seen[base] = seen.get(base, 0) + 1
            key = base if seen[base] == 1 else f"{base} ({seen[base]})"
            for call in entry.calls:
                call.name = key
            fdef = attach_sequence(FunctionDef(name=key, nodes=entry.nodes), entry.seq)
            fdef._src = entry.fn
            out[key] = fdef
        return out

    def def_order(self, fn: cst.FunctionDef) -> int:
        if self._def_order is None:
            self._def_order = {id(f): i for i, f in enumerate(_all_defs(self.w.cls.module.module.body))}
        return self._def_order.get(id(fn), 1 << 30)


def _all_defs(body: Any) -> Iterator[cst.FunctionDef]:
    from .module_index import compound_bodies

    for stmt in body:
        if type(stmt) is cst.FunctionDef:
            yield stmt
            yield from _all_defs(suite_statements(stmt.body))
        elif type(stmt) is cst.ClassDef:
            yield from _all_defs(suite_statements(stmt.body))
        else:
            for suite in compound_bodies(stmt):
                yield from _all_defs(suite_statements(suite))


def child_lists(node: Any) -> Iterator[list[Any]]:
    """The node lists directly inside a graph node."""
    kind = getattr(node, "type", None)
    if kind in ("if", "switch"):
        for branch in node.branches:
            yield branch.nodes
    elif kind == "try":
        for block in (node.try_block, node.catch_block, node.finally_block):
            if block is not None:
                yield block.nodes
    elif hasattr(node, "nodes") and isinstance(node.nodes, list):
        yield node.nodes


def iter_nodes(nodes: list[Any]) -> Iterator[Any]:
    for node in nodes:
        yield node
        for inner in child_lists(node):
            yield from iter_nodes(inner)


def has_steps(nodes: list[Any]) -> bool:
    return any(isinstance(n, (*STEP_TYPES, FunctionCall)) for n in iter_nodes(nodes))


def prune(nodes: list[Any], dead: set[int]) -> None:
    """Remove dead calls, then containers left without steps (SEMANTICS §5 drop rules)."""
    kept = []
    for node in nodes:
        if id(node) in dead:
            continue
        for inner in child_lists(node):
            prune(inner, dead)
        kind = getattr(node, "type", None)
        if kind in ("if", "switch", "loop", "parallel", "block", "try") and not has_steps([node]):
            continue
        if kind == "try":
            for attr in ("try_block", "catch_block", "finally_block"):
                block = getattr(node, attr)
                if block is not None and not has_steps(block.nodes):
                    setattr(node, attr, None)
        kept.append(node)
    nodes[:] = kept


__all__ = ["FunctionRegistry", "Target", "iter_nodes", "has_steps", "prune", "child_lists"]
