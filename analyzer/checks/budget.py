"""The step budget (SEMANTICS §8): how many counted steps one instance of a workflow can run, held
against its limit.

Counted: ``step_do`` and ``step_wait_for_event`` executions (sleeps are free, §8.1), steps nested in
a step's body included. Over the schema tree, taking the worst path:

- a sequence, a ``parallel``, a ``block`` and a ``try`` (try + catch + finally is the worst path)
  add their parts; ``if`` / ``switch`` take their worst branch;
- a ``loop`` multiplies its body by its trip count, read from the loop's source (``range(N)``,
  ``range(a, b[, s])`` with literal or constant ints, a literal list / tuple / set / dict / string,
  through ``enumerate`` / ``reversed`` / ``sorted`` / ``zip``…), or given by ``[tool.wfgraph]``
  (``loop-trip-counts`` for one loop, by ``"path.py:LINE"``, then ``loop-trip-count`` for every
  loop whose count is not static). Any other loop around counted steps is *unbounded*;
- a ``function_call`` adds its callee's budget (memoised); recursion through counted steps is
  unbounded.

An unbounded part is reported (WF002, one warning per loop or recursive call) and counted once,
so the bound of the rest is still known: when even that exceeds the limit, WF001 says so ("at
least"). The limit (§8.2): the wrangler entry's ``limits.steps`` for the class, else
``max-steps``, else the plan (``--plan`` or the configured one; paid 10,000, free 1,024).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import libcst as cst

from ..project.config import Config, plan_limit
from ..python.functions import child_lists, iter_nodes
from ..python.source import UNKNOWN_SPAN, Span
from ..python.trip_count import static_trip_count
from ..diagnostics import Diagnostic

if TYPE_CHECKING:
    from ..analysis import FileAnalysis, WorkflowAnalysis
    from ..project.wrangler import WranglerConfig
    from .workflow_code import WorkflowCode

MAX_NOTES = 20
SUMMED = ("parallel", "block")


class StepBudgetExceeded:
    """A workflow that can run more steps per instance than its limit allows.

    ## What it does
    Counts, over every path through `run` and the helpers it calls, the `step.do` and
    `step.wait_for_event` executions of one instance (sleeps do not count; steps inside step
    bodies do). `if`, `match` and `try` take their worst branch, `asyncio.gather` and task groups
    add their members, a loop multiplies its body by its trip count, and a helper call adds the
    helper's count. The largest count is held against the workflow's limit: `limits.steps` of its
    `[[workflows]]` entry in the wrangler file, else `max-steps` in `[tool.wfgraph]`, else the
    plan's (`--plan`, or `plan` in `[tool.wfgraph]`; paid: 10,000, free: 1,024). The finding points at
    what pushes the count over the limit (for a loop, the loop) and its notes list the path that
    reaches the count.

    ## Why is this bad?
    An instance that reaches the limit fails at that step, possibly days into its run. The paid
    plan's limit can be raised up to 25,000 with `limits.steps`; beyond that, split the work
    into several workflow instances (for example with `create_batch`).

    ## Example
    ```python
    for i in range(20_000):
        @step.do(f"process {i}")
        async def process(): ...
        await process()
    ```

    ## Use instead:
    Process in batches, each step handling many items, or fan out to child instances:
    ```python
    for batch in range(200):
        @step.do(f"process batch {batch}")
        async def process(): ...
        await process()
    ```
    """

    code = "WF001"
    name = "step-budget-exceeded"
    severity = "error"


class StepBudgetUnbounded:
    """A loop or recursion whose number of steps wfgraph cannot bound.

    ## What it does
    Reports each loop around counted steps whose trip count is not static (a `while` loop, a
    `for` over a step result or a payload field, a comprehension over a variable), and each
    recursive helper call that runs counted steps. The step budget counts them once; this
    warning says that the real count may be larger.

    ## Why is this bad?
    The step limit applies per instance whatever the input: a loop over a list that is small in
    testing can exceed it in production. Give wfgraph the largest trip count you expect, and the
    budget will be checked with it.

    ## Example
    ```python
    for page in await list_pages():
        await process(page)
    ```

    ## Use instead:
    Keep the loop, and tell wfgraph how many times it can run, in `pyproject.toml`:
    ```toml
    [tool.wfgraph.loop-trip-counts]
    "src/etl.py:15" = 500
    ```
    or for every such loop: `loop-trip-count = 500` under `[tool.wfgraph]`. Recursion cannot be
    given a count: suppress the warning with `# wfgraph: ignore[WF002]` once its depth is known to
    be small.
    """

    code = "WF002"
    name = "step-budget-unbounded"
    severity = "warning"


# --- the limit ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    value: int
    source: str


def limit_for(class_name: str, config: Config, wrangler: "WranglerConfig | None" = None) -> Limit:
    """SEMANTICS §8.2: the wrangler entry's ``limits.steps``, else ``max-steps``, else the plan
    (``--plan`` has already replaced the configured one); the order of ``Config.step_limit``."""
    if wrangler is not None:
        entry = wrangler.workflow_for(class_name)
        if entry is not None and entry.limits_steps is not None:
            return Limit(entry.limits_steps, f"limits.steps in {wrangler.path.name}")
    if config.max_steps is not None:
        return Limit(config.max_steps, "max-steps in [tool.wfgraph]")
    return Limit(plan_limit(config.plan), f"{config.plan} plan" + (" default" if config.plan == "paid" else ""))


# --- costs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    """``count``: the most counted steps on one path, unbounded parts counted once;
    ``unbounded``: some part has no bound; ``path``: notes on how the count is reached."""

    count: int = 0
    unbounded: bool = False
    path: tuple[str, ...] = ()

    def __add__(self, other: "Cost") -> "Cost":
        return Cost(self.count + other.count, self.unbounded or other.unbounded, self.path + other.path)


ZERO = Cost()


@dataclass
class BudgetResult:
    class_name: str
    count: int
    unbounded: bool
    limit: Limit
    path: tuple[str, ...]
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit.value

    def summary(self) -> str:
        bound = f"at least {self.count:,}" if self.unbounded else f"at most {self.count:,}"
        extra = ", unbounded (see WF002)" if self.unbounded else ""
        steps = "step" if self.count == 1 else "steps"
        return (f"{self.class_name}: {bound} counted {steps} per instance{extra}; limit "
                f"{self.limit.value:,} ({self.limit.source})")


class Budget:
    """The step budget of one workflow (SEMANTICS §8)."""

    def __init__(self, file: "FileAnalysis", workflow: "WorkflowAnalysis", config: Config,
                 code: "WorkflowCode | None" = None) -> None:
        assert workflow.graph is not None
        self.file = file
        self.workflow = workflow
        self.config = config
        self.code = code
        self.graph = workflow.graph.workflow
        self.rel = config.relative(Path(file.path))
        self.costs: dict[int, Cost] = {}
        self.functions: dict[str, Cost] = {}
        self.unbounded_loops: dict[int, tuple[Any, int]] = {}
        self.recursive_calls: dict[int, Any] = {}
        self._originals: dict[tuple[str, str], Any] | None = None
        self._loop_scopes: dict[int, Any] | None = None
        self._sccs = self._cycles()

    # --- entry point ----------------------------------------------------------------------

    def check(self, limit: Limit) -> BudgetResult:
        total = self.nodes(self.graph.nodes)
        result = BudgetResult(self.workflow.class_name, total.count, total.unbounded, limit, total.path)
        if result.exceeded:
            result.diagnostics.append(self.exceeded(total, limit))
        result.diagnostics.extend(self.unbounded_diagnostics())
        return result

    # --- counting -------------------------------------------------------------------------

    def nodes(self, nodes: list[Any], scc: frozenset[str] = frozenset()) -> Cost:
        total = ZERO
        for node in nodes:
            total = total + self.node(node, scc)
        return total

    def node(self, node: Any, scc: frozenset[str] = frozenset()) -> Cost:
        key = id(node)
        if not scc and key in self.costs:
            return self.costs[key]
        cost = self._node(node, scc)
        if not scc:
            self.costs[key] = cost
        return cost

    def _node(self, node: Any, scc: frozenset[str]) -> Cost:
        kind = getattr(node, "type", None)
        if kind == "step_do":
            original = self.original(node)
            if original is not node:
                return self.node(original, scc)
            return Cost(1) + self.nodes(node.nodes, scc)
        if kind == "step_wait_for_event":
            return Cost(1)
        if kind in ("if", "switch"):
            return self.branches(node, scc)
        if kind == "try":
            return sum((self.nodes(block, scc) for block in child_lists(node)), ZERO)
        if kind in SUMMED:
            return self.nodes(node.nodes, scc)
        if kind == "loop":
            return self.loop(node, scc)
        if kind == "function_call":
            return self.call(node, scc)
        return ZERO

    def branches(self, node: Any, scc: frozenset[str]) -> Cost:
        costs = [self.nodes(branch.nodes, scc) for branch in node.branches]
        if not costs:
            return ZERO
        best = max(range(len(costs)), key=lambda i: (costs[i].count, costs[i].unbounded))
        chosen = costs[best]
        path = chosen.path
        if chosen.count and len({c.count for c in costs}) > 1:
            cond = node.branches[best].condition
            label = "the else branch" if cond is None else f"branch `{cond}`"
            word = "match" if node.type == "switch" else "if"
            path = (f"{word} at {self.where(node)}: {label} (+{chosen.count:,})",) + path
        return Cost(chosen.count, any(c.unbounded for c in costs), path)

    def loop(self, node: Any, scc: frozenset[str]) -> Cost:
        body = self.nodes(node.nodes, scc)
        if not body.count and not body.unbounded:
            return ZERO
        trips, how = self.trips(node)
        if trips is None:
            src = node._src
            self.unbounded_loops.setdefault(id(src), (node, body.count))
            note = (f"loop at {self.where(node)}: no static trip count, counted once "
                    f"({body.count:,} per iteration)")
            return Cost(body.count, True, (note,) + body.path)
        note = f"loop at {self.where(node)} × {trips:,} ({how}; {body.count:,} per iteration)"
        return Cost(body.count * trips, body.unbounded, (note,) + body.path)

    def call(self, node: Any, scc: frozenset[str]) -> Cost:
        name = node.name
        if name not in self.graph.functions:
            return ZERO
        if name in scc:
            self.recursive_calls.setdefault(id(node), node)
            return ZERO
        callee = self.function(name)
        if not callee.count and not callee.unbounded:
            return ZERO
        note = f"call to {name} at {self.where(node)} (+{callee.count:,})"
        return Cost(callee.count, callee.unbounded, (note,) + callee.path)

    def function(self, name: str) -> Cost:
        found = self.functions.get(name)
        if found is not None:
            return found
        scc = self._sccs.get(name)
        if scc is None:
            self.functions[name] = ZERO  # a guard: a cycle the call graph missed terminates
            cost = self.nodes(self.graph.functions[name].nodes)
            self.functions[name] = cost
            return cost
        before = dict(self.recursive_calls)
        local = {member: self.nodes(self.graph.functions[member].nodes, scc) for member in sorted(scc)}
        heavy = any(c.count or c.unbounded for c in local.values())
        if not heavy:
            self.recursive_calls = before  # recursion through no counted step is harmless
        members = ", ".join(sorted(scc))
        for member, cost in local.items():
            if heavy:
                cost = Cost(cost.count, True, cost.path + (f"recursion through {members}: "
                                                           "unbounded, counted once",))
            self.functions[member] = cost
        return self.functions[name]

    def _cycles(self) -> dict[str, frozenset[str]]:
        """Functions on a call cycle → their strongly connected component."""
        calls: dict[str, list[str]] = {}
        for name, fdef in self.graph.functions.items():
            calls[name] = [node.name for node in iter_nodes(fdef.nodes)
                           if getattr(node, "type", None) == "function_call"
                           and node.name in self.graph.functions]
        out: dict[str, frozenset[str]] = {}
        for members in strongly_connected(calls):
            if len(members) > 1 or any(m in calls[m] for m in members):
                for member in members:
                    out[member] = members
        return out

    # --- trip counts ----------------------------------------------------------------------

    def trips(self, node: Any) -> tuple[int | None, str]:
        src = node._src
        line = self.span(node).line
        configured = self.config.loop_trip_counts.get(f"{self.rel}:{line}")
        if configured is not None:
            return configured, f"loop-trip-counts \"{self.rel}:{line}\""
        static = static_trip_count(src, self.constants(src)) if src is not None else None
        if static is not None:
            return static, "static"
        if self.config.loop_trip_count is not None:
            return self.config.loop_trip_count, "loop-trip-count"
        return None, ""

    def constants(self, src: cst.CSTNode) -> Any:
        """The constants visible where the loop is written (SEMANTICS §3.6)."""
        if self.code is None:
            return None
        if self._loop_scopes is None:
            self._loop_scopes = {id(loop): f.consts for f in self.code.functions for loop in f.loops}
        return self._loop_scopes.get(id(src), self.code.file.consts)

    # --- copies of step bodies ------------------------------------------------------------

    def original(self, node: Any) -> Any:
        """The walker copies a step's body nodes for each run after the first, and the copies'
        source nodes are copies too, with no position. Budget, notes and locations use the run
        whose nodes still point into the file."""
        if not node.nodes:
            return node
        if self._originals is None:
            self._originals = {}
            for tree in (self.graph.nodes, *(f.nodes for f in self.graph.functions.values())):
                for candidate in iter_nodes(tree):
                    if getattr(candidate, "type", None) == "step_do" and candidate.nodes \
                            and self._located(candidate):
                        self._originals.setdefault(self._key(candidate), candidate)
        if self._located(node):
            return node
        return self._originals.get(self._key(node), node)

    def _located(self, node: Any) -> bool:
        return all(self.file.span(n) != UNKNOWN_SPAN for n in iter_nodes(node.nodes)
                   if getattr(n, "_src", None) is not None)

    @staticmethod
    def _key(node: Any) -> tuple[str, str]:
        return node.name, node.model_dump_json(include={"nodes"})

    # --- reporting ------------------------------------------------------------------------

    def span(self, node: Any) -> Span:
        return self.file.span(node)

    def where(self, node: Any) -> str:
        return f"{self.rel}:{self.span(node).line}"

    def exceeded(self, total: Cost, limit: Limit) -> Diagnostic:
        culprit = self.culprit(self.graph.nodes, limit.value) or self.workflow.cls.name
        bound = f"at least {total.count:,}" if total.unbounded else f"up to {total.count:,}"
        message = (f"{self.workflow.class_name} can run {bound} counted steps per instance "
                   f"(step.do and wait_for_event), over its limit of {limit.value:,} "
                   f"({limit.source}){self.blame(culprit)}")
        return self.diagnostic(StepBudgetExceeded, culprit, message, total.path[:MAX_NOTES])

    def blame(self, culprit: Any) -> str:
        """What takes the count over the limit, in words: "; the loop on line 12 takes it over"."""
        kind = getattr(culprit, "type", None)
        what = {"loop": "the loop", "function_call": f"the call to {getattr(culprit, 'name', '')}",
                "step_do": "the step", "step_wait_for_event": "the wait", "parallel": "the parallel "
                "group", "if": "the if", "switch": "the match", "try": "the try"}.get(kind or "")
        if what is None:
            return ""
        return f"; {what} on line {self.span(culprit).line} takes it over"

    def culprit(self, nodes: list[Any], limit: int) -> Any:
        """The node that takes the count over ``limit``: the first one whose running total
        exceeds it, or, when that node alone exceeds it, the node inside it that does."""
        running = 0
        for node in nodes:
            cost = self.node(node)
            running += cost.count
            if running <= limit:
                continue
            if cost.count <= limit:
                return node
            inner = self.inner_culprit(node, limit)
            return inner if inner is not None else node
        return None

    def inner_culprit(self, node: Any, limit: int) -> Any:
        kind = getattr(node, "type", None)
        if kind == "step_do":
            return self.culprit(self.original(node).nodes, limit)
        if kind == "loop":
            body = self.nodes(node.nodes)
            return self.culprit(node.nodes, limit) if body.count > limit else node
        if kind in ("if", "switch"):
            best = max(node.branches, key=lambda b: self.nodes(b.nodes).count, default=None)
            return self.culprit(best.nodes, limit) if best is not None else None
        if kind == "try":
            return self.culprit([n for block in child_lists(node) for n in block], limit)
        if kind in SUMMED:
            return self.culprit(node.nodes, limit)
        if kind == "function_call" and node.name in self.graph.functions:
            return self.culprit(self.graph.functions[node.name].nodes, limit)
        return None

    def unbounded_diagnostics(self) -> Iterator[Diagnostic]:
        for node, per_iteration in self.unbounded_loops.values():
            line = self.span(node).line
            key = f"{self.rel}:{line}"
            yield self.diagnostic(
                StepBudgetUnbounded, node,
                f"loop around {per_iteration:,} counted step{'s' if per_iteration != 1 else ''} "
                "has no static trip count, so the step budget is unbounded",
                (f"assume a trip count in pyproject.toml: [tool.wfgraph.loop-trip-counts] "
                 f"\"{key}\" = N (or loop-trip-count = N for every such loop)",))
        for node in self.recursive_calls.values():
            yield self.diagnostic(
                StepBudgetUnbounded, node,
                f"recursive call to {node.name} runs counted steps an unbounded number of times",
                ("wfgraph counts it once; if its depth is known to be small, suppress this with "
                 "# wfgraph: ignore[WF002]",))

    def diagnostic(self, rule: type, node: Any, message: str, notes: Iterable[str]) -> Diagnostic:
        span = header_span(self.file, node)
        return Diagnostic(rule.code, rule.name, rule.severity, message, self.file.path,  # type: ignore[attr-defined]
                          span.line, span.column, span.end_line, span.end_column, tuple(notes))


def strongly_connected(edges: dict[str, list[str]]) -> Iterator[frozenset[str]]:
    """The strongly connected components of a directed graph given as node → successors
    (every successor a node): Tarjan's algorithm, without recursion (call graphs can be deep)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = len(index)
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(edges[succ])))
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    yield frozenset(component)


def check_budget(file: "FileAnalysis", workflow: "WorkflowAnalysis", limit: Limit, config: Config,
                 code: "WorkflowCode | None" = None) -> BudgetResult | None:
    """The budget of one workflow and its WF001/WF002 findings; None when it has no graph."""
    if workflow.graph is None:
        return None
    return Budget(file, workflow, config, code).check(limit)


def header_span(file: "FileAnalysis", node: Any) -> Span:
    """Where to point: a loop's header (``for x in range(N)`` / ``while cond``), else the node."""
    src = getattr(node, "_src", node)
    span = file.span(node)
    head = src.iter if isinstance(src, cst.For) else src.test if isinstance(src, cst.While) else None
    if head is not None:
        end = file.span(head)
        if end != UNKNOWN_SPAN:
            return Span(span.line, span.column, end.end_line, end.end_column)
    return span
