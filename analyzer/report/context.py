"""What every report format needs besides the diagnostics: where paths are relative to, the rule
catalogue (SARIF describes each rule once), the tool version, and whether to use colour.

The helpers here keep the formats consistent with each other: the same relative path, the same
order, the same SARIF-style severity names in every output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from ..diagnostics import Diagnostic
from ..records import record

REPOSITORY_URL = "https://github.com/wfgraph/wfgraph"
"""The project's home; every link wfgraph prints is made from it."""
INFORMATION_URI = REPOSITORY_URL
RULES_DOC_URL = f"{REPOSITORY_URL}/blob/main/docs/rules.md"


@record(frozen=True, slots=True)
class RuleInfo:
    """One rule as reports describe it; ``help_uri`` points at its entry in docs/rules.md on the
    project's repository."""

    code: str
    name: str
    severity: str
    summary: str
    help_uri: str
    help: str = ""
    """The rule's documentation (Markdown), for viewers that show it beside a finding."""


@record(frozen=True, slots=True)
class ReportContext:
    """``source_lines(path, line)`` returns the text of a source line (path as in the diagnostic),
    or "" when unknown; the text format shows it with a caret (when ``show_source``), SARIF
    hashes it into fingerprints. ``color`` is decided by the caller (``--color``, NO_COLOR,
    FORCE_COLOR)."""

    root: Path
    rules: tuple[RuleInfo, ...] = ()
    tool_version: str = "0.0.0"
    color: bool = False
    source_lines: Callable[[str, int], str] | None = None
    show_source: bool = True
    """Whether the text format shows each finding's source line and a caret."""

    def relative(self, path: str) -> str:
        """``path`` relative to ``root`` with forward slashes when under it, else as given (with
        forward slashes), so reports do not depend on the machine's checkout location."""
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.replace("\\", "/")

    def under_root(self, path: str) -> bool:
        try:
            Path(path).resolve().relative_to(self.root.resolve())
        except ValueError:
            return False
        return True

    def line_text(self, diag: Diagnostic) -> str:
        """The diagnostic's first source line, or "" when no source is available."""
        if self.source_lines is None:
            return ""
        return self.source_lines(diag.path, diag.line) or ""

    def rule(self, code: str) -> RuleInfo | None:
        return next((r for r in self.rules if r.code == code), None)


def ordered(diagnostics: Iterable[Diagnostic], ctx: ReportContext) -> list[Diagnostic]:
    """Every format lists diagnostics by relative path, line, column, code (then the rest, so the
    order is total and the output deterministic)."""
    return sorted(diagnostics, key=lambda d: (ctx.relative(d.path), d.line, d.column, d.code,
                                              d.end_line, d.end_column, d.message, d.notes))


def sarif_level(severity: str) -> str:
    """SARIF's names: error, warning, note (GitHub's workflow commands use notice for note)."""
    return {"error": "error", "warning": "warning"}.get(severity, "note")
