"""The one record every check, parse error and report format shares (docs/design.md, Conventions)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from typing import Literal

from .records import record

Severity = Literal["error", "warning", "info"]

SEVERITY_ORDER: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


@record(frozen=True, slots=True)
class Diagnostic:
    """A finding at a source location. Lines and columns are 1-based; the end is exclusive."""

    code: str
    name: str
    severity: Severity
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    notes: tuple[str, ...] = field(default=())

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


# Codes that are not lint rules: the analysis itself could not proceed on (part of) a file.
PARSE_ERROR = ("WF000", "parse-error")
ANALYSIS_ERROR = ("WF009", "analysis-error")
NOT_FOLLOWED = ("WF008", "not-followed")  # a note: code the analysis could not follow (SEMANTICS §2.4)

# Codes about wfgraph's own inputs: its comments and the configuration it reads.
UNUSED_SUPPRESSION = ("WF090", "unused-suppression")
CONFIG_PLACEHOLDER = ("WF091", "config-placeholder")
STALE_TRIP_COUNT = ("WF092", "stale-trip-count")


def unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Each finding once, in first-seen order: a helper shared by two workflows (or a base class
    that is a workflow itself) is checked, and compared, once per workflow."""
    return list(dict.fromkeys(diagnostics))
