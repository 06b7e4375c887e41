"""What a change of the governing wrangler file does to running instances (SEMANTICS §10.3):
a compatibility date or flag that switches the ``step.do`` dependency mode under code that
relies on the old one (WF109), and a ``limits.steps`` lowered below the step budget (WF110).
Both point at the line of HEAD's wrangler file that changed (§10.3a).
"""

from __future__ import annotations

import difflib

from ...project.config import Config
from ...project.wrangler import IMPLICIT_DEPS_FLAG, NO_IMPLICIT_DEPS_FLAG, implicit_dependencies
from ...python.literals import call_args
from ...python.source import Span
from ...records import record
from ..budget import BudgetResult, check_budget
from ..budget_codes import Limit, limit_for
from .identity import Where
from .sides import Version, Wrangler

MODE_KEYS = ("compatibility_date", "compatibility_flags", IMPLICIT_DEPS_FLAG, NO_IMPLICIT_DEPS_FLAG)


@record
class ModeFlip:
    head: Version
    implicit: bool
    """HEAD's mode: True for parameter names, False for ``depends=``."""
    reliant: list[str]
    """HEAD's step names whose declaration only works in BASE's mode."""
    where: Where


@record
class LoweredLimit:
    head: Version
    old: Limit
    new: Limit
    budgets: list[tuple[str, BudgetResult]]
    """("BASE" / "HEAD", budget) for each budget the new limit is below."""
    where: Where


def mode_flip(base: Version, head: Version) -> ModeFlip | None:
    """WF109: the two wrangler files choose different modes and HEAD's code still relies on
    BASE's (docs/python-api.md §2.0): every replay raises TypeError at the first such step."""
    if base.wrangler is None or head.wrangler is None or head.analysis is None:
        return None
    old = implicit_dependencies(base.wrangler.config)
    new = implicit_dependencies(head.wrangler.config)
    if old == new:
        return None
    reliant = []
    for decl in head.analysis.declarations:
        call = decl.decorator.decorator
        args, extras = call_args(call, ("name", "depends"))
        if new and ("depends" in args or extras):
            reliant.append(decl.name)  # depends= (or positions past name) do not exist
        elif not new and ("name" not in args or (decl.depends is None and any(
                p.name.value != "ctx" for p in decl.params))):
            reliant.append(decl.name)  # legacy needs a name, and depends= for parameters
    if not reliant:
        return None
    line = changed_line(base.wrangler, head.wrangler, MODE_KEYS)
    return ModeFlip(head, new, list(dict.fromkeys(reliant)), line)


def lowered_limit(base: Version, head: Version, config: Config) -> LoweredLimit | None:
    """WF110: ``limits.steps`` lowered below the budget of either side (SEMANTICS §8)."""
    if head.wrangler is None or base.wrangler is None:
        return None
    old = limit_for(base.class_name, config, base.wrangler.config)
    new = limit_for(head.class_name, config, head.wrangler.config)
    if new.value >= old.value:
        return None
    over = []
    for label, version in (("BASE", base), ("HEAD", head)):
        if version.file is None or version.analysis is None or version.analysis.graph is None:
            continue
        budget = check_budget(version.file, version.analysis, new, config)
        if budget is not None and (budget.count > new.value or budget.unbounded or budget.unknown):
            over.append((label, budget))
    if not over:
        return None
    return LoweredLimit(head, old, new, over, changed_line(base.wrangler, head.wrangler, ("steps",),
                                                           anchor=head.class_name))


def changed_line(base: Wrangler, head: Wrangler, keys: tuple[str, ...], anchor: str = "") -> Where:
    """The first line of HEAD's file that the change touched and that mentions one of ``keys``
    (after the line naming ``anchor``, a class, when there is one); else the first line that
    mentions one; else the first line."""
    lines = head.text.splitlines()
    start = next((i for i, line in enumerate(lines) if anchor and f'"{anchor}"' in line), 0)
    matcher = difflib.SequenceMatcher(None, base.text.splitlines(), lines, autojunk=False)
    touched = [j for tag, _, _, j1, j2 in matcher.get_opcodes() if tag != "equal"
               for j in range(j1, j2)]
    mentions = [i for i, line in enumerate(lines) if any(k in line for k in keys)]
    for candidates in ([i for i in touched if i in mentions and i >= start],
                       [i for i in touched if i in mentions],
                       [i for i in mentions if i >= start], mentions, [0]):
        if candidates:
            i = candidates[0]
            text = lines[i] if i < len(lines) else ""
            column = len(text) - len(text.lstrip()) + 1
            return Where(head.path, Span(i + 1, column, i + 1, len(text) + 1))
    raise AssertionError("unreachable")  # the last candidate list is never empty
