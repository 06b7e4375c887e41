"""GitHub Actions workflow commands, which GitHub turns into annotations on the pull request:

    ::error file=src/flow.py,line=12,endLine=12,col=19,endColumn=37,title=WF010 (name)::message

Escaping follows @actions/core: ``%``, CR and LF in the message; those and ``:`` and ``,`` in
property values. GitHub shows at most 10 annotations of each kind per step and 50 per job
(docs/peer-tools.md §C.2), so pair this format with SARIF for complete results.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic
from .context import ReportContext, ordered

_COMMAND = {"error": "error", "warning": "warning"}


def format_github(diagnostics: list[Diagnostic], ctx: ReportContext) -> str:
    return "".join(_command(d, ctx) + "\n" for d in ordered(diagnostics, ctx))


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(diag: Diagnostic, ctx: ReportContext) -> str:
    props = {
        "file": ctx.relative(diag.path),
        "line": str(diag.line),
        "endLine": str(diag.end_line),
        "col": str(diag.column),
        "endColumn": str(diag.end_column),
        "title": f"{diag.code} ({diag.name})",
    }
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
    message = "\n".join((diag.message, *diag.notes))
    return f"::{_COMMAND.get(diag.severity, 'notice')} {joined}::{escape_data(message)}"
