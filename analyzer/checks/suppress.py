"""Inline suppressions (``# wfgraph: ignore[WF010]``, directives.py), and the ones that silence
nothing (WF090, ruff's RUF100).

Codes are matched exactly, as ruff's ``noqa`` does: a suppression should name what it silences.
A suppression acts on findings that start on its line (for a wrangler entry, also on the entry's
first line). Once a file's findings have gone through its suppressions, each suppression that
silenced nothing is reported, naming the codes that are unused (known codes that the
configuration enables, found nowhere on the line) and the codes that do not exist. Codes the
configuration disables are not reported: turning the rule back on needs the comment again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from ..diagnostics import ANALYSIS_ERROR, PARSE_ERROR, UNUSED_SUPPRESSION, Diagnostic
from .directives import Suppression, parse_directives

SuppressionTable = dict[int, frozenset[str] | None]
NEVER_DROPPED = (PARSE_ERROR[0], ANALYSIS_ERROR[0])
"""A file that cannot be parsed or analysed is never silenced."""


def parse_suppressions(text: str) -> SuppressionTable:
    """Map each line that carries a suppression to its codes, or to None for "every code"."""
    return {line: s.codes for line, s in parse_directives(text).suppressions.items()}


def is_suppressed(diag: Diagnostic, table: SuppressionTable) -> bool:
    """Whether a comment on the diagnostic's first line silences its code."""
    if diag.line not in table:
        return False
    codes = table[diag.line]
    return codes is None or diag.code in codes


class Suppressions:
    """The suppressions of one file, remembering which codes each one silenced."""

    def __init__(self, path: str, suppressions: dict[int, Suppression]) -> None:
        self.path = path
        self.by_line = suppressions
        self.used: dict[int, set[str]] = {}

    def silences(self, diag: Diagnostic, lines: Iterable[int] = ()) -> bool:
        """Whether a suppression on the finding's first line (or on one of ``lines``) silences
        it; findings that are never dropped are never silenced."""
        if diag.code in NEVER_DROPPED:
            return False
        for line in (diag.line, *lines):
            found = self.by_line.get(line)
            if found is not None and (found.codes is None or diag.code in found.codes):
                self.used.setdefault(line, set()).add(diag.code)
                return True
        return False

    def unused(self, enabled: Callable[[str], bool], known: Collection[str]) -> list[Diagnostic]:
        """WF090 for each suppression that silenced nothing it names (see the module docstring)."""
        out = []
        for line, found in sorted(self.by_line.items()):
            used = self.used.get(line, set())
            if found.codes is None:
                if not used:
                    out.append(self._finding(found, "unused suppression: nothing is reported on "
                                             "this line"))
                continue
            unknown = sorted(code for code in found.codes if code not in known)
            idle = sorted(code for code in found.codes - used
                          if code in known and (code in NEVER_DROPPED or enabled(code)))
            parts = []
            if idle:
                parts.append(f"{', '.join(idle)} not reported on this line")
            if unknown:
                parts.append(f"no rule has the code {', '.join(unknown)}")
            if parts:
                out.append(self._finding(found, "unused suppression: " + "; ".join(parts)))
        return out

    def _finding(self, found: Suppression, message: str) -> Diagnostic:
        return Diagnostic(*UNUSED_SUPPRESSION, UnusedSuppression.severity, message, self.path,
                          found.line, found.column, found.line, found.end_column)


def apply_suppressions(findings: Iterable[Diagnostic], suppressions: Suppressions,
                       enabled: Callable[[str], bool], known: Collection[str],
                       extra_lines: Callable[[Diagnostic], Iterable[int]] = lambda d: ()
                       ) -> tuple[list[Diagnostic], int]:
    """The findings left after the suppressions, with the unused suppressions (WF090, when
    enabled) among them, and how many were silenced."""
    kept = []
    silenced = 0
    for diag in findings:
        if suppressions.silences(diag, extra_lines(diag)):
            silenced += 1
        else:
            kept.append(diag)
    if enabled(UNUSED_SUPPRESSION[0]):
        for diag in suppressions.unused(enabled, known):
            # Only a comment that names WF090 keeps itself: a bare one would always hide itself.
            own = suppressions.by_line[diag.line].codes
            if own is not None and diag.code in own:
                silenced += 1
            else:
                kept.append(diag)
    return kept, silenced


class UnusedSuppression:
    """A `# wfgraph: ignore` comment that silences nothing.

    ## What it does
    Reports a suppression comment when no finding it names starts on its line: the problem was
    fixed, the code moved, or the code is misspelt (`WF099` is no rule's code). A bare
    `# wfgraph: ignore` is reported when nothing at all is reported on its line. Codes that the
    configuration turns off are not reported. Works like ruff's `RUF100`.

    ## Why is this bad?
    A stale suppression silences the next real problem that lands on its line, and a misspelt
    one never silenced anything: the reader believes a finding was looked at when it was not.

    ## Example
    ```python
    await step.sleep("nap", "1 minute")  # wfgraph: ignore[WF041]
    ```

    ## Use instead:
    ```python
    await step.sleep("nap", "1 minute")
    ```
    """

    code, name = UNUSED_SUPPRESSION
    severity = "warning"
