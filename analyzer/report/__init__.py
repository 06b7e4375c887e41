"""Report formats for diagnostics: ``text`` for people, ``json``, ``sarif`` and ``github`` for
machines (docs/peer-tools.md §C.1, §C.2, §C.6). Each module has one ``format_<name>(diagnostics, ctx)``;
all are deterministic (same input, same bytes) and end with a newline when not empty.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic
from .context import ReportContext, RuleInfo

__all__ = ["FORMATS", "ReportContext", "RuleInfo", "render"]

FORMATS = ("text", "json", "sarif", "github")


def render(fmt: str, diagnostics: list[Diagnostic], ctx: ReportContext) -> str:
    """The diagnostics in format ``fmt`` (one of FORMATS); ValueError for any other name. Each
    format's module is imported when it is used (a run writes one)."""
    if fmt == "text":
        from .text import format_text as formatter
    elif fmt == "json":
        from .json import format_json as formatter
    elif fmt == "sarif":
        from .sarif import format_sarif as formatter
    elif fmt == "github":
        from .github import format_github as formatter
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return formatter(list(diagnostics), ctx)
