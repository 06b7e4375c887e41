"""Running the checks on one analysed file: the lint rules and the step budget.

The findings come back unfiltered; ``wfgraph check`` applies the configuration and the inline
suppressions (commands/check.py). A rule that fails on some input is reported as WF009 at the
workflow class instead of stopping the run (docs/design.md: bad input never gives a traceback).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from typing import TYPE_CHECKING

from ..python import facts as F
from ..project.config import Config
from ..records import record
from .budget import BudgetResult, check_budget
from .budget_codes import Limit, limit_for
from ..diagnostics import ANALYSIS_ERROR, Diagnostic, unique
from .rule import Rule, RuleContext, Shared
from .rules import RULES

if TYPE_CHECKING:
    from ..analysis import FileAnalysis
    from ..project.wrangler import WranglerConfig


@record
class FileResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    budgets: list[BudgetResult] = field(default_factory=list)


def check_file(file: "FileAnalysis", config: Config | None = None, implicit: bool | None = None,
               wrangler: "WranglerConfig | None" = None, rules: Sequence[type[Rule]] = RULES,
               budget: bool = True) -> FileResult:
    """Lint rules and (with ``budget``) the step budget of every workflow of ``file``."""
    config = config or Config()
    result = FileResult()
    if file.source is None:
        return result
    shared = Shared(file, config, implicit, wrangler)
    result.diagnostics.extend(lint(shared, rules))
    if budget:
        for workflow in file.workflows:
            limit: Limit = limit_for(workflow.class_name, config, wrangler)
            try:
                found = check_budget(file, workflow, limit, config, shared.workflow_code(workflow))
            except Exception as exc:  # noqa: BLE001 - reported, never a traceback
                result.diagnostics.append(_internal(file, workflow.cls.name, "the step budget", exc))
                continue
            if found is not None:
                result.budgets.append(found)
                result.diagnostics.extend(found.diagnostics)
    result.diagnostics = unique(result.diagnostics)
    return result


def lint(shared: Shared, rules: Sequence[type[Rule]] = RULES) -> list[Diagnostic]:
    file = shared.file
    out: list[Diagnostic] = []
    for rule_class in rules:
        rule = rule_class()
        targets = [None] if rule.scope == "file" else list(file.workflows)
        for workflow in targets:
            ctx = RuleContext(rule, shared, workflow)
            try:
                out.extend(rule.check(ctx))
            except Exception as exc:  # noqa: BLE001 - reported, never a traceback
                where = workflow.cls.name if workflow is not None else None
                out.append(_internal(file, where, f"rule {rule.code} ({rule.name})", exc))
    for workflow in file.workflows:
        seen: set[int] = set()
        for fact in workflow.facts:
            if fact.kind == F.ANALYSIS_LIMIT and id(fact.node) not in seen:
                seen.add(id(fact.node))
                span = file.span(fact.node)
                out.append(Diagnostic(*ANALYSIS_ERROR, "warning", fact.message, file.path,
                                      span.line, span.column, span.line, span.column + 1))
    return unique(out)


def _internal(file: "FileAnalysis", node: object, what: str, exc: Exception) -> Diagnostic:
    span = file.span(node) if node is not None else file.span(None)
    return Diagnostic(*ANALYSIS_ERROR, "error",
                      f"internal error in {what}: {type(exc).__name__}: {exc} (please report it)",
                      file.path, span.line, span.column, span.end_line, span.end_column)
