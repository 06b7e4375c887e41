"""Inline suppressions: ``# wfgraph: ignore[WF010]``, ``# wfgraph: ignore[WF010, WF011]``, and a bare
``# wfgraph: ignore`` for every code, each acting on its own line (DESIGN.md, CLI).

Comments are found with the ``tokenize`` module rather than by searching the text, so a ``#``
inside a string (``"# wfgraph: ignore"``) suppresses nothing. Codes are matched exactly, as ruff's
``noqa`` does: a suppression should name what it silences. A malformed comment (``ignore[WF010``)
suppresses nothing, so the finding stays visible.
"""

from __future__ import annotations

import io
import re
import tokenize

from ..diagnostics import Diagnostic

SuppressionTable = dict[int, frozenset[str] | None]

_PATTERN = re.compile(r"wfgraph:\s*ignore(?:\[(?P<codes>[^\]]*)\]|(?![\w\[-]))")


def parse_suppressions(text: str) -> SuppressionTable:
    """Map each line that carries a suppression to its codes, or to None for "every code".

    Source that tokenize rejects (a syntax error the parser will report anyway) keeps the
    suppressions found before the error and none after it.
    """
    table: SuppressionTable = {}
    if _PATTERN.search(text) is None:  # no comment can match: skip tokenizing the whole file
        return table
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    try:
        for tok in tokens:
            if tok.type == tokenize.COMMENT:
                _record(table, tok.start[0], tok.string)
    except (tokenize.TokenError, SyntaxError):
        pass
    return table


def is_suppressed(diag: Diagnostic, table: SuppressionTable) -> bool:
    """Whether a comment on the diagnostic's first line silences its code."""
    if diag.line not in table:
        return False
    codes = table[diag.line]
    return codes is None or diag.code in codes


def _record(table: SuppressionTable, line: int, comment: str) -> None:
    match = _PATTERN.search(comment)
    if match is None:
        return
    if match.group("codes") is None:
        table[line] = None
        return
    codes = frozenset(c.strip() for c in match.group("codes").split(",") if c.strip())
    if codes:
        table[line] = codes
