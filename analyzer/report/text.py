"""The human format, modelled on ruff's (docs/peer-tools.md §C.10):

    src/flow.py:12:19: WF010 step name is built from a nondeterministic value
       |
    12 |         await step.do(f"fetch-{uuid4()}")
       |                       ^^^^^^^^^^^^^^^^^^
       = note: ...

then a blank line. The snippet appears only when ``ctx.show_source`` is set and
``ctx.source_lines`` gives the line's text; without it, one line per diagnostic. The totals are
not part of the report: the CLI prints them once, on its summary line. With no diagnostics the
output is empty: success is silent.

Colour only when ``ctx.color`` is set (the CLI decides: ``--color``, NO_COLOR, FORCE_COLOR).
"""

from __future__ import annotations

from ..diagnostics import Diagnostic
from .context import ReportContext, ordered

_RESET = "\x1b[0m"
_STYLES = {"bold": "\x1b[1m", "error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m",
           "gutter": "\x1b[1;34m"}


def format_text(diagnostics: list[Diagnostic], ctx: ReportContext) -> str:
    paint = _painter(ctx.color)
    blocks = [_block(d, ctx, paint) for d in ordered(diagnostics, ctx)]
    if not blocks:
        return ""
    separator = "\n\n" if any("\n" in b for b in blocks) else "\n"
    return f"{separator.join(blocks)}\n"


def _painter(enabled: bool):
    def paint(text: str, style: str) -> str:
        return f"{_STYLES[style]}{text}{_RESET}" if enabled and text else text
    return paint


def _block(diag: Diagnostic, ctx: ReportContext, paint) -> str:
    head = (f"{paint(ctx.relative(diag.path), 'bold')}:{diag.line}:{diag.column}: "
            f"{paint(diag.code, diag.severity)} {diag.message}")
    source = ctx.line_text(diag) if ctx.show_source else ""
    lines = [head]
    width = len(str(diag.line))
    if source.strip():
        lines += _snippet(diag, source, width, paint)
    lines += [f"{' ' * width} {paint('=', 'gutter')} note: {note}" for note in diag.notes]
    return "\n".join(lines)


def _snippet(diag: Diagnostic, source: str, width: int, paint) -> list[str]:
    """The line and a caret run under the span's part on that line (to its end when the span goes on).

    Tabs before the span are kept as tabs in the caret line, so the carets line up in any terminal.
    """
    source = source.rstrip("\r\n")
    start = min(max(diag.column - 1, 0), len(source))
    end = diag.end_column - 1 if diag.end_line == diag.line else len(source)
    end = min(max(end, start + 1), max(len(source), start + 1))
    pad = "".join("\t" if ch == "\t" else " " for ch in source[:start])
    bar = paint("|", "gutter")
    return [
        f"{' ' * width} {bar}",
        f"{paint(str(diag.line), 'gutter')} {bar} {source}",
        f"{' ' * width} {bar} {pad}{paint('^' * (end - start), diag.severity)}",
    ]
