"""Every code wfgraph check reports, with its documentation: the analysis errors, the step budget,
the project checks and the lint rules; and the codes of wfgraph diff (WF101–WF112). Reports
describe rules from here (SARIF ``rules``), and docs/rules.md is generated from it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Collection

from ..report import RuleInfo
from ..report.context import RULES_DOC_URL
from .budget_codes import StepBudgetExceeded, StepBudgetUnbounded
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


CHECK_CATALOG: tuple[type, ...] = tuple(sorted(
    (ParseError, AnalysisError, StepBudgetExceeded, StepBudgetUnbounded, MissingWorkflowClass,
     UnusedSuppression, ConfigPlaceholder, StaleTripCount, *RULES),
    key=lambda rule: rule.code,
))
"""The codes wfgraph check reports, in code order."""

DIFF_CODES = frozenset(f"WF{number}" for number in range(101, 113))
"""The codes of wfgraph diff (diff/rules), which check also knows (a suppression or ``--ignore``
may name one) without importing their modules: check runs none of them. A test keeps this
equal to the codes of ``DIFF_RULES``."""


@functools.cache
def catalog() -> tuple[type, ...]:
    """Every documented code, in code order."""
    from .diff.rules import DIFF_RULES

    return tuple(sorted((*CHECK_CATALOG, *DIFF_RULES), key=lambda rule: rule.code))


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


def rule_infos(codes: Collection[str] | None = None) -> tuple[RuleInfo, ...]:
    """What reports say of each documented rule, or of those with ``codes`` only."""
    rules = (CHECK_CATALOG if codes is not None and DIFF_CODES.isdisjoint(codes) else catalog())
    return tuple(RuleInfo(r.code, r.name, r.severity, summary(r), url(r), documentation(r))
                 for r in rules if codes is None or r.code in codes)


def known_codes() -> frozenset[str]:
    return frozenset(rule.code for rule in CHECK_CATALOG) | DIFF_CODES


def find_rule(selector: str) -> type | None:
    """The documented rule with this code (any case) or name."""
    wanted = selector.strip()
    return next((r for r in catalog() if r.code == wanted.upper() or r.name == wanted.lower()),
                None)
