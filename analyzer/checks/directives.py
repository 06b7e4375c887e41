"""``# wfgraph: ...`` comments: suppressions and trip counts.

- ``# wfgraph: ignore[WF010]``, ``# wfgraph: ignore[WF010, WF011]``, and a bare
  ``# wfgraph: ignore`` for every code, each acting on its own line (docs/design.md, CLI);
- ``# wfgraph: trip-count=500`` on a loop's first line: the loop's assumed trip count for the
  step budget (SEMANTICS §8.2), which, unlike a ``"path.py:LINE"`` key in ``[tool.wfgraph]``,
  moves with the loop when lines are added above it.

Comments of Python files are found with the ``tokenize`` module rather than by searching the
text, so a ``#`` inside a string (``"# wfgraph: ignore"``) is not a directive; comments of
configuration files come from ``project/locate.py``. A malformed suppression
(``ignore[WF010``) suppresses nothing, so the finding stays visible; a malformed trip count is
reported (WF092).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from collections.abc import Iterable
from dataclasses import field
from functools import lru_cache

from ..diagnostics import STALE_TRIP_COUNT, Diagnostic
from ..records import record

_DIRECTIVE = re.compile(
    r"wfgraph:\s*(?:ignore(?:\[(?P<codes>[^\]]*)\]|(?![\w\[-]))|trip-count\s*=\s*(?P<count>[^\s,;#]*))")


@record(frozen=True, slots=True)
class Suppression:
    line: int
    column: int
    end_column: int
    codes: frozenset[str] | None
    """None: every code."""


@record(frozen=True, slots=True)
class TripCount:
    line: int
    column: int
    end_column: int
    count: int | None
    """None when the comment does not give a whole number."""
    text: str


@record
class Directives:
    suppressions: dict[int, Suppression] = field(default_factory=dict)
    trip_counts: dict[int, TripCount] = field(default_factory=dict)


def python_comments(text: str) -> list[tuple[int, int, str]]:
    """(line, 1-based column of the text after ``#``, that text) of each comment. Source that
    tokenize rejects (a syntax error the parser will report anyway) keeps the comments found
    before the error."""
    out = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                out.append((tok.start[0], tok.start[1] + 2, tok.string[1:]))
    except (tokenize.TokenError, SyntaxError):
        pass
    return out


_CANDIDATE = re.compile(r"#[^\n]*wfgraph:")
"""A line that could hold a directive: a ``#`` and, after it, ``wfgraph:``. Without one the
file has none, and the whole-file tokenize (pure Python before 3.12: a tenth of a large file's
parse) is not needed."""


def parse_directives(text: str) -> Directives:
    """The directives of a Python file."""
    if "wfgraph:" not in text or _CANDIDATE.search(text) is None:
        return Directives()
    return directives_in(python_comments(text))


def directives_in(comments: Iterable[tuple[int, int, str]]) -> Directives:
    """The directives in comments given as (line, column of the comment's text, text)."""
    out = Directives()
    for line, column, comment in comments:
        for match in _DIRECTIVE.finditer(comment):
            start, end = column + match.start(), column + match.end()
            if match.group("count") is not None:
                raw = match.group("count")
                count = int(raw) if raw.isdigit() else None
                out.trip_counts[line] = TripCount(line, start, end, count, match.group())
            elif match.group("codes") is None:
                out.suppressions[line] = Suppression(line, start, end, None)
            else:
                codes = frozenset(c.strip() for c in match.group("codes").split(",") if c.strip())
                if codes:
                    out.suppressions[line] = Suppression(line, start, end, codes)
    return out


@lru_cache(maxsize=16)
def inline_trip_counts(text: str) -> dict[int, int]:
    """Line → trip count of the well-formed ``# wfgraph: trip-count=N`` comments (the step
    budget reads them for the loop that starts on that line)."""
    if "trip-count" not in text:
        return {}
    return {line: t.count for line, t in parse_directives(text).trip_counts.items()
            if t.count is not None}


_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def loop_lines(text: str) -> set[int] | None:
    """The lines where a loop starts (what the step budget's trip-count lookups use), or None
    when ``ast`` cannot parse the text (then nothing is called stale)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return {node.lineno for node in ast.walk(tree) if isinstance(node, _LOOPS)}


def stale_inline_counts(path: str, directives: Directives, loops: set[int] | None) -> list[Diagnostic]:
    """WF092 for ``# wfgraph: trip-count=`` comments that give no whole number, or stand on a
    line where no loop starts."""
    out = []
    for line, found in sorted(directives.trip_counts.items()):
        if found.count is None:
            message = f"`{found.text}` does not give a trip count: write a whole number"
        elif loops is not None and line not in loops:
            message = (f"`{found.text}` is on a line where no loop starts: it applies to nothing "
                       "(put it on the loop's first line)")
        else:
            continue
        out.append(Diagnostic(*STALE_TRIP_COUNT, StaleTripCount.severity, message, path,  # type: ignore[arg-type]
                              line, found.column, line, found.end_column))
    return out


class StaleTripCount:
    """A trip count that applies to no loop.

    ## What it does
    Reports a `# wfgraph: trip-count=N` comment on a line where no loop starts, or that does
    not give a whole number, and a `[tool.wfgraph.loop-trip-counts]` key (`"path.py:LINE"`) whose
    file has no loop starting on that line (or does not exist).

    ## Why is this bad?
    The step budget reads a trip count only at the first line of a loop. Once code moves, a
    `path:line` key points at another line and the loop it was meant for is unbounded again
    (or a different loop gets its count) without a word.

    ## Example
    ```toml
    [tool.wfgraph.loop-trip-counts]
    "src/etl.py:15" = 500      # the loop is on line 18 now
    ```

    ## Use instead:
    Put the count on the loop itself, where it moves with the code:
    ```python
    for page in pages:  # wfgraph: trip-count=500
        await process(page)
    ```
    """

    code, name = STALE_TRIP_COUNT
    severity = "warning"
