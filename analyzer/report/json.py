"""The machine format: a JSON list of diagnostics, one object per finding with the fields of the
Diagnostic record (paths relative to the root) and ``url``, the rule's documentation (null for a
code without one), sorted by path, line, column and code.

A committed format (docs/peer-tools.md §C.6): fields are only ever added, never renamed or removed, so
scripts that read it keep working.
"""

from __future__ import annotations

import json

from ..diagnostics import Diagnostic
from .context import ReportContext, ordered

FIELDS = ("code", "name", "severity", "message", "path", "line", "column", "end_line",
          "end_column", "notes")


def format_json(diagnostics: list[Diagnostic], ctx: ReportContext) -> str:
    records = [_record(d, ctx) for d in ordered(diagnostics, ctx)]
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def _record(diag: Diagnostic, ctx: ReportContext) -> dict[str, object]:
    record: dict[str, object] = {name: getattr(diag, name) for name in FIELDS}
    record["path"] = ctx.relative(diag.path)
    record["notes"] = list(diag.notes)
    rule = ctx.rule(diag.code)
    record["url"] = rule.help_uri if rule is not None and rule.help_uri else None
    return record
