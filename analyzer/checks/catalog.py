"""Every code wfgraph check reports, with its documentation: the analysis errors, the step budget,
the project checks and the lint rules; and the codes of wfgraph diff (WF101–WF112). Reports
describe rules from here (SARIF ``rules``), and docs/rules.md is generated from it.
"""

from __future__ import annotations

import inspect

from ..report import RuleInfo
from ..report.context import RULES_DOC_URL
from .budget_codes import StepBudgetExceeded, StepBudgetUnbounded
from .diff.rules import DIFF_RULES
from .directives import StaleTripCount
from .project import ConfigPlaceholder, MissingWorkflowClass
from .rules import RULES
from .suppress import UnusedSuppression


class ParseError:
    """A file that cannot be read or parsed.

    ## What it does
    Reports a file that is not valid UTF-8, cannot be read, or is not valid Python, at the
    position Python gives, and a wrangler file that cannot be used (invalid syntax, a value of
    the wrong type), at the setting at fault; the files it governs are then checked as if it
    were absent. The other files are still checked. Never suppressed or disabled.

    ## Why is this bad?
    wfgraph cannot check what it cannot parse, and the runtime cannot run it either. `wfgraph
    check` exits with status 2.
    """

    code = "WF000"
    name = "parse-error"
    severity = "error"


class AnalysisError:
    """A part of a file wfgraph could not analyse.

    ## What it does
    Reports code nested too deeply to analyse (the part is skipped, as a warning), or a failure
    of wfgraph itself on a file (an error; please report it). Never suppressed or disabled.

    ## Why is this bad?
    Findings in the skipped part are missing, and the step budget may be too low.
    """

    code = "WF009"
    name = "analysis-error"
    severity = "error"


CATALOG: tuple[type, ...] = tuple(sorted(
    (ParseError, AnalysisError, StepBudgetExceeded, StepBudgetUnbounded, MissingWorkflowClass,
     UnusedSuppression, ConfigPlaceholder, StaleTripCount, *RULES, *DIFF_RULES),
    key=lambda rule: rule.code,
))
"""Documented codes, in code order."""


def documentation(rule: type) -> str:
    return inspect.cleandoc(rule.__doc__ or "")


def summary(rule: type) -> str:
    return documentation(rule).split("\n", 1)[0].strip()


def anchor(rule: type) -> str:
    """The GitHub anchor of the rule's heading ``## WF010 nondeterministic-step-name``."""
    return f"{rule.code.lower()}-{rule.name}"


def url(rule: type) -> str:
    """The rule's section of docs/rules.md on the project's repository."""
    return f"{RULES_DOC_URL}#{anchor(rule)}"


def rule_infos() -> tuple[RuleInfo, ...]:
    return tuple(RuleInfo(r.code, r.name, r.severity, summary(r), url(r), documentation(r))
                 for r in CATALOG)


def known_codes() -> frozenset[str]:
    return frozenset(rule.code for rule in CATALOG)


def find_rule(selector: str) -> type | None:
    """The documented rule with this code (any case) or name."""
    wanted = selector.strip()
    return next((r for r in CATALOG if r.code == wanted.upper() or r.name == wanted.lower()), None)
