"""Inputs too large or too pathological to parse: refused with a finding, before libcst sees them.

- Size: libcst parses about 3 s per MB of dense code (a 5 MB data module takes over half a
  minute), so files larger than ``MAX_FILE_SIZE`` (2 MB; ``$WFGRAPH_MAX_FILE_SIZE`` in bytes,
  0 for no limit) are reported instead of analysed.
- Shape: libcst's parser is quadratic on long operator chains (``a + a + …``, ``x.a.a…``,
  ``f(f(f(…)))``) and overflows the stack on deeper ones, which CPython itself refuses to compile
  ("too many nested parentheses", or RecursionError while building its tree). Physical lines
  longer than ``LONG_LINE`` characters are where such chains live, so for a file that has one,
  CPython's own parser decides first (about a tenth of libcst's parse time, paid only by those
  files): what CPython cannot compile cannot run as a workflow, and is reported at that line.
"""

from __future__ import annotations

import ast
import os
import sys
import warnings
from pathlib import Path

from ..diagnostics import ANALYSIS_ERROR, PARSE_ERROR, Diagnostic

MAX_FILE_SIZE = 2_000_000
SIZE_ENV = "WFGRAPH_MAX_FILE_SIZE"
LONG_LINE = 2_000
PYTHON_RECURSION_LIMIT = 1_000
"""CPython's default: what the workflow's own interpreter will have when it compiles the file."""


def max_file_size() -> int:
    """``$WFGRAPH_MAX_FILE_SIZE`` in bytes (0: no limit), else 2 MB; ValueError, with a message
    for the user, when it is not a whole number of bytes."""
    value = os.environ.get(SIZE_ENV, "").strip()
    if not value:
        return MAX_FILE_SIZE
    try:
        size = int(value)
    except ValueError:
        size = -1
    if size < 0:
        raise ValueError(f"{SIZE_ENV} must be a size in bytes (0: no limit), got {value!r}")
    return size


def check_size(path: Path, shown: str) -> Diagnostic | None:
    limit = max_file_size()
    if not limit:
        return None
    try:
        size = path.stat().st_size
    except OSError:
        return None  # reading it will say why
    if size <= limit:
        return None
    code, name = ANALYSIS_ERROR
    return Diagnostic(code, name, "error", f"file is {_mb(size)}, larger than the {_mb(limit)} "
                      f"wfgraph analyses (set {SIZE_ENV} to a size in bytes, 0 for no limit)",
                      shown, 1, 1, 1, 2)


def check_text(text: str, shown: str) -> Diagnostic | None:
    """None when libcst may parse ``text``; a finding when CPython cannot compile it for being
    too deeply nested (checked only for files with a line longer than ``LONG_LINE``)."""
    longest, number = 0, 0
    for i, line in enumerate(text.splitlines(), 1):
        if len(line) > longest:
            longest, number = len(line), i
    if longest <= LONG_LINE:
        return None
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(PYTHON_RECURSION_LIMIT)
    try:
        with warnings.catch_warnings():  # "invalid escape sequence" and the like: not ours to say
            warnings.simplefilter("ignore")
            compile(text, shown, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        if "too many nested" in str(exc.msg):
            code, name = PARSE_ERROR
            line, col = exc.lineno or number, exc.offset or 1
            return Diagnostic(code, name, "error", f"syntax error: {exc.msg}", shown,
                              line, col, line, col + 1)
        return None  # other syntax errors: libcst reports them (and knows newer syntax)
    except (RecursionError, MemoryError):
        code, name = ANALYSIS_ERROR
        return Diagnostic(code, name, "error", f"line {number} is nested too deeply for Python "
                          f"to compile ({longest:,} characters); not analysed", shown,
                          number, 1, number, 2)
    except ValueError:  # null bytes: libcst reports them
        return None
    finally:
        sys.setrecursionlimit(old)
    return None


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
