"""The step budget's findings (SEMANTICS §8): WF001 at what takes the count over the limit, with
the path that reaches it; WF002 at each loop or recursion it cannot bound and at each call the
step object reaches that cannot be followed (§8.3). Mixed into ``budget.Budget``, which counts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import libcst as cst

from ..diagnostics import Diagnostic
from ..python.functions import child_lists
from ..python.source import UNKNOWN_SPAN, Span
from .budget_codes import Limit, StepBudgetExceeded, StepBudgetUnbounded

if TYPE_CHECKING:
    from ..analysis import FileAnalysis
    from .budget import Cost

MAX_NOTES = 20
SUMMED = ("parallel", "block")


class BudgetFindings:
    def span(self, node: Any) -> Span:
        return self.file.span(node)

    def where(self, node: Any) -> str:
        return f"{self.config.relative(Path(self.file.path_of(node)))}:{self.span(node).line}"

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
            key = self.where(node)
            yield self.diagnostic(
                StepBudgetUnbounded, node,
                f"loop around {per_iteration:,} counted step{'s' if per_iteration != 1 else ''} "
                "has no static trip count, so the step budget is unbounded",
                (f"assume a trip count: `# wfgraph: trip-count=N` on the loop's line, or in "
                 f"pyproject.toml [tool.wfgraph.loop-trip-counts] \"{key}\" = N (or "
                 "loop-trip-count = N for every such loop)",))
        for node in self.recursive_calls.values():
            yield self.diagnostic(
                StepBudgetUnbounded, node,
                f"recursive call to {node.name} runs counted steps an unbounded number of times",
                ("wfgraph counts it once; if its depth is known to be small, suppress this with "
                 "# wfgraph: ignore[WF002]",))

    def diagnostic(self, rule: type, node: Any, message: str, notes: Iterable[str]) -> Diagnostic:
        span = header_span(self.file, node)
        return Diagnostic(rule.code, rule.name, rule.severity, message, self.file.path_of(node),  # type: ignore[attr-defined]
                          span.line, span.column, span.end_line, span.end_column, tuple(notes))


    def unknown_diagnostics(self, facts: list[Any], count: int) -> Iterator[Diagnostic]:
        for fact in facts:
            yield self.diagnostic(
                StepBudgetUnbounded, fact.node,
                f"the step budget is unknown: {fact.message}; steps it runs are not counted",
                (f"{self.workflow.class_name} runs at least {count:,} counted step"
                 f"{'s' if count != 1 else ''} per instance besides",) if count else ())



def header_span(file: "FileAnalysis", node: Any) -> Span:
    """Where to point: a loop's header (``for x in range(N)`` / ``while cond``), else the node."""
    src = getattr(node, "_src", node)
    span = file.span(node)
    head = src.iter if type(src) is cst.For else src.test if type(src) is cst.While else None
    if head is not None:
        end = file.span(head)
        if end != UNKNOWN_SPAN:
            return Span(span.line, span.column, end.end_line, end.end_column)
    return span
