"""The step budget (SEMANTICS §8): how many counted steps one instance of a workflow can run, held
against its limit.

Counted: ``step_do`` and ``step_wait_for_event`` executions (sleeps are free, §8.1), steps nested in
a step's body included. Over the schema tree, taking the worst path:

- a sequence, a ``parallel``, a ``block`` and a ``try`` (try + catch + finally is the worst path)
  add their parts; ``if`` / ``switch`` take their worst branch;
- a ``loop`` multiplies its body by its trip count, read from the loop's source (``range(N)``,
  ``range(a, b[, s])`` with literal or constant ints, a literal list / tuple / set / dict / string,
  through ``enumerate`` / ``reversed`` / ``sorted`` / ``zip``…), or given by ``[tool.wfgraph]``
  (``loop-trip-counts`` for one loop, by ``"path.py:LINE"``, or a ``# wfgraph: trip-count=N``
  comment on the loop's line, then ``loop-trip-count`` for every loop whose count is not
  static). Any other loop around counted steps is *unbounded*;
- a ``function_call`` adds its callee's budget (memoised); recursion through counted steps is
  unbounded.

An unbounded part is reported (WF002, one warning per loop or recursive call) and counted once,
so the bound of the rest is still known: when even that exceeds the limit, WF001 says so ("at
least"). The limit (§8.2): the wrangler entry's ``limits.steps`` for the class, else
``max-steps``, else the plan (``--plan`` or the configured one; paid 10,000, free 1,024).
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Any

import libcst as cst

from wfgraph.schema import Workflow

from ..project.config import Config
from ..python import facts as F
from ..python.functions import child_lists, iter_nodes
from ..python.source import UNKNOWN_SPAN
from ..python.trip_count import static_trip_count
from ..diagnostics import Diagnostic
from ..records import record
from .budget_codes import Limit, StepBudgetUnbounded
from .budget_findings import SUMMED, BudgetFindings
from .call_cycles import call_cycles
from .directives import inline_trip_counts

if TYPE_CHECKING:
    from ..analysis import FileAnalysis, WorkflowAnalysis
    from .workflow_code import WorkflowCode

COUNTED = ("step_do", "step_wait_for_event")  # SEMANTICS §8.1: sleeps do not count


# --- costs ----------------------------------------------------------------------------------------


@record(frozen=True)
class Cost:
    """``count``: the most counted steps on one path, unbounded parts counted once;
    ``unbounded``: some part has no bound; ``path``: notes on how the count is reached."""

    count: int = 0
    unbounded: bool = False
    path: tuple[str, ...] = ()

    def __add__(self, other: "Cost") -> "Cost":
        return Cost(self.count + other.count, self.unbounded or other.unbounded, self.path + other.path)


ZERO = Cost()


@record
class BudgetResult:
    class_name: str
    count: int
    unbounded: bool
    limit: Limit
    path: tuple[str, ...]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    unknown: tuple[str, ...] = ()
    """Why the count is only a lower bound (SEMANTICS §8.3): the calls steps reach that cannot
    be followed, as ``path:line: what``."""

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit.value

    @property
    def lower_bound(self) -> bool:
        """The count is only a lower bound (unbounded loops, unknown callees; SEMANTICS §8.3)."""
        return self.unbounded or bool(self.unknown)

    @property
    def bound(self) -> str:
        """``at most 12`` / ``at least 12``; a workflow that only sleeps runs ``no`` counted
        steps (never "at most 0" for a workflow that runs steps)."""
        if self.lower_bound:
            return f"at least {self.count:,}" if self.count else "unknown"
        return f"at most {self.count:,}" if self.count else "no"

    def compact(self) -> str:
        """``at most 3 of 10,000``, ``no counted steps``, or ``unknown (limit 10,000)`` when all
        it could count is 0 (the run summary's form)."""
        if self.bound == "unknown":
            return f"unknown (limit {self.limit.value:,})"
        return f"{self.bound} of {self.limit.value:,}" if self.bound != "no" else "no counted steps"

    def summary(self) -> str:
        bound = self.bound
        steps = "step" if self.count == 1 else "steps"
        if self.unknown:
            more = f" and {len(self.unknown) - 1} more" if len(self.unknown) > 1 else ""
            extra = f", unknown past {self.unknown[0]}{more} (see WF002)"
        else:
            extra = ", unbounded (see WF002)" if self.unbounded else ""
        return (f"{self.class_name}: {bound} counted {steps} per instance{extra}; limit "
                f"{self.limit.value:,} ({self.limit.source})")


class Budget(BudgetFindings):
    """The step budget of one workflow (SEMANTICS §8)."""

    def __init__(self, file: "FileAnalysis", workflow: "WorkflowAnalysis", config: Config,
                 code: "WorkflowCode | None", graph: Workflow) -> None:
        self.file = file
        self.workflow = workflow
        self.config = config
        self.code = code
        self.graph = graph
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
        unknown = unknown_calls(self.workflow)
        total = Cost(total.count, total.unbounded or bool(unknown), total.path)
        result = BudgetResult(self.workflow.class_name, total.count, total.unbounded, limit,
                              total.path, unknown=tuple(self.where(f.node) + ": " + f.data["callee"]
                                                        for f in unknown))
        if result.exceeded:
            result.diagnostics.append(self.exceeded(total, limit))
        result.diagnostics.extend(self.unbounded_diagnostics())
        result.diagnostics.extend(self.unknown_diagnostics(unknown, total.count))
        unreached = self.unreached_counted() if not result.unknown and total.count == 0 else []
        if unreached:
            # Helpers with counted steps that run never calls: they may be reached in ways the
            # analysis does not follow, so 0 is not a bound it can back (SEMANTICS §8.3).
            names = ", ".join(unreached)
            result.unknown = (f"run, which calls none of {names}",)
            result.diagnostics.append(self.diagnostic(
                StepBudgetUnbounded, self.workflow.run.name if self.workflow.run else self.workflow.cls.name,
                f"the step budget is unknown: run calls none of the helpers with steps ({names}); "
                "they may be called in a way wfgraph does not follow", ()))
        return result

    def unreached_counted(self) -> list[str]:
        """Helpers with counted steps that no call from run reaches."""
        reached: set[str] = set()
        todo = [self.graph.nodes]
        while todo:
            for node in iter_nodes(todo.pop()):
                name = getattr(node, "name", None) if node.type == "function_call" else None
                if name in self.graph.functions and name not in reached:
                    reached.add(name)
                    todo.append(self.graph.functions[name].nodes)
        return [name for name, fdef in self.graph.functions.items() if name not in reached
                and any(n.type in COUNTED for n in iter_nodes(fdef.nodes))]

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
        return call_cycles(self.graph)

    # --- trip counts ----------------------------------------------------------------------

    def trips(self, node: Any) -> tuple[int | None, str]:
        src = node._src
        key = self.where(node)
        configured = self.config.loop_trip_counts.get(key)
        if configured is not None:
            return configured, f"loop-trip-counts \"{key}\""
        source = self.file.source_of(self.file.path_of(node))
        line = self.span(node).line
        inline = inline_trip_counts(source.text).get(line) if source is not None else None
        if inline is not None:
            return inline, f"# wfgraph: trip-count={inline}"
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

def check_budget(file: "FileAnalysis", workflow: "WorkflowAnalysis", limit: Limit, config: Config,
                 code: "WorkflowCode | None" = None) -> BudgetResult | None:
    """The budget of one workflow and its WF001/WF002 findings; None when it runs no steps. A
    workflow whose only steps are in callees that cannot be followed has no graph, and its
    budget is unknown, not nothing (SEMANTICS §8.3)."""
    if workflow.graph is not None:
        graph = workflow.graph.workflow
    elif unknown_calls(workflow):
        graph = Workflow(class_name=workflow.class_name, functions={}, nodes=[])
    else:
        return None
    return Budget(file, workflow, config, code, graph).check(limit)


def unknown_calls(workflow: "WorkflowAnalysis") -> list[Any]:
    """SEMANTICS §8.3: where the step object, a wrapper or a step's coroutine reaches a
    callable that cannot be followed (facts of §6.4), each call once."""
    seen: set[int] = set()
    out = []
    for fact in workflow.facts:
        if fact.kind == F.UNRESOLVED_CALLEE and F.RUNS_STEPS & set(fact.data.get("passed", ())) \
                and id(fact.node) not in seen:
            seen.add(id(fact.node))
            out.append(fact)
    return out
