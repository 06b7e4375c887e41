"""Report formats for diagnostics: ``text`` for people, ``json``, ``sarif`` and ``github`` for
machines (docs/peer-tools.md §C.1, §C.2, §C.6). Each module has one ``format_<name>(diagnostics, ctx)``;
all are deterministic (same input, same bytes) and end with a newline when not empty.
"""

from __future__ import annotations

from collections.abc import Callable

from ..diagnostics import Diagnostic
from .context import ReportContext, RuleInfo
from .github import format_github
from .json import format_json
from .sarif import format_sarif
from .text import format_text

__all__ = ["FORMATS", "ReportContext", "RuleInfo", "render"]

FORMATS = ("text", "json", "sarif", "github")

_FORMATTERS: dict[str, Callable[[list[Diagnostic], ReportContext], str]] = {
    "text": format_text,
    "json": format_json,
    "sarif": format_sarif,
    "github": format_github,
}


def render(fmt: str, diagnostics: list[Diagnostic], ctx: ReportContext) -> str:
    """The diagnostics in format ``fmt`` (one of FORMATS); ValueError for any other name."""
    try:
        formatter = _FORMATTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
    return formatter(list(diagnostics), ctx)
