"""Parsing with libcst, in pieces when a file is large.

libcst's native parser needs about 0.7 MB of memory per KB of source while it runs, whatever the
tree it leaves behind (a few percent of that). A large module is therefore parsed one statement
at a time, descending into classes and functions that are large themselves, and the pieces are
put back together: the peak is then set by the largest piece. The pieces are found with
``ast`` (fast, and it gives every statement's lines); a nested piece is parsed under a
synthetic ``if 1:`` so that its indentation stays exactly as written.

The reassembled module writes back exactly the source, by construction, which makes the
check cheap. libcst's code generator sees nothing of a node's surroundings but the module's
default indentation and newline and the indentation of the enclosing blocks (its
``CodegenState``); each piece is the exact text of its lines, which libcst writes back (but for
odd whitespace-only lines at the very end of a file, which the last piece checks). So every
piece is parsed after a small preamble that gives it the whole file's default indentation and
newline, and each nested piece must stand at the same indentation as the block it is put in:
then each piece writes back its own lines where they were. Anything else (a preamble that did
not parse as expected, an indentation that differs) parses the whole file at once instead.

libcst checks every node as it builds it (``CSTNode.__post_init__`` calls ``_validate``), which,
as its own comment says, a parser's output does not need; the pieces skip it (``_unvalidated``):
their text is Python that CPython's parser has already accepted. That is about a sixth of the
parse.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import libcst as cst

from ..diagnostics import PARSE_ERROR, Diagnostic
from .source import module_code

PIECEWISE_FROM = 128 * 1024
"""Files at least this large (in characters) are parsed in pieces."""
PIECE = 32 * 1024
"""A class or function larger than this is itself parsed statement by statement."""


def parse_module(text: str) -> cst.Module:
    if len(text) < PIECEWISE_FROM:
        return cst.parse_module(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return cst.parse_module(text)
    try:
        with _unvalidated():
            module = _Pieces(text).module(tree)
    except (cst.ParserSyntaxError, RecursionError, IndexError, ValueError, TypeError):
        module = None
    if module is None:
        return cst.parse_module(text)
    return module


Lines = list[cst.EmptyLine]
Piece = tuple[Lines, cst.BaseStatement, Lines, Lines]
"""From parsing one piece: the comment and blank lines before the statement, the statement,
the lines after it inside its block, and the lines after the block has ended (only at the end of
the file: they belong to the module)."""


class _Pieces:
    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)
        self.indent = self.default_indent()
        self.newline = self.default_newline()
        # The preamble's indented line sets the piece's default indentation, its first line the
        # default newline; it ends at the top level, so that nothing of the piece joins its block.
        self.preamble = f"if 1:{self.newline}{self.indent}pass{self.newline}pass{self.newline}"

    def span(self, start: int, end: int) -> str:
        """Lines ``start``..``end`` (0-based, end exclusive) as text."""
        return "".join(self.lines[start:end])

    def module(self, tree: ast.Module) -> cst.Module | None:
        if not tree.body:
            return None
        stmts, header, inside, outside = self.sequence(tree.body, 0, len(self.lines), "")
        footer = [*inside, *outside]
        last_line = self.lines[-1] if self.lines else ""
        return cst.Module(
            body=stmts, header=header, footer=footer, default_indent=self.indent,
            default_newline=self.newline,
            has_trailing_newline=last_line.endswith(("\n", "\r")),
        )

    def sequence(self, body: list[ast.stmt], start: int, end: int,
                 block: str) -> tuple[list[cst.BaseStatement], Lines, Lines, Lines]:
        """Statements parsed one piece each: a piece runs from the end of the statement before
        (so comments before a statement go with it) to its own end, the last one to ``end``.
        ``block``: the indentation of the block they go in ("" at the top level). Returns the
        statements, the lines before the first (a module's header), and the lines after the
        last inside and outside the block."""
        stmts: list[cst.BaseStatement] = []
        header: Lines = []
        carry: Lines = []
        outside: Lines = []
        prev = start
        for i, node in enumerate(body):
            stop = end if i == len(body) - 1 else node.end_lineno
            leading, stmt, inside, outside = self.piece(node, prev, stop, block)  # type: ignore[arg-type]
            if i == 0 and not block:
                header = leading
            elif carry or leading:
                stmt = stmt.with_changes(leading_lines=[*carry, *leading, *stmt.leading_lines])
            stmts.append(stmt)
            carry = inside
            prev = stop  # type: ignore[assignment]
        return stmts, header, carry, outside

    def piece(self, node: ast.stmt, start: int, end: int, block: str) -> Piece:
        colon = self.colon_line(node)
        size = sum(len(line) for line in self.lines[start:end])
        if colon is None or size < PIECE:
            return self.parse(self.span(start, end), block, at_end=end == len(self.lines))
        # A large class or function: its header with a stub body, then its body piece by piece.
        first = self.lines[colon + 1]
        indent = first[: len(first) - len(first.lstrip(" \t"))] or "    "
        leading, stub, _, _ = self.parse(self.span(start, colon + 1) + indent + "pass" + self.newline,
                                         block)
        if type(stub) not in (cst.ClassDef, cst.FunctionDef) or type(stub.body) is not cst.IndentedBlock:
            raise ValueError("unexpected header")
        inner = block + (self.indent if stub.body.indent is None else stub.body.indent)
        stmts, _, footer, outside = self.sequence(node.body, colon + 1, end, inner)  # type: ignore[attr-defined]
        return leading, stub.with_changes(body=stub.body.with_changes(body=stmts, footer=footer)), [], outside

    def colon_line(self, node: ast.stmt) -> int | None:
        """The 0-based line that ends a class or function header, when its body starts on a
        later line; None for other statements."""
        if not isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        header_start = _start(node) - 1
        line = _start(node.body[0]) - 2
        while line > header_start and self.lines[line].strip()[:1] in ("", "#"):
            line -= 1
        # The body must start on a later line than the `class` / `def` keyword's.
        return line if line >= node.lineno - 1 else None

    def parse(self, text: str, block: str, at_end: bool = False) -> Piece:
        """One statement from ``text``, to go in a block indented by ``block`` ("" at the top
        level, where it is parsed as is; else under ``if 1:``, which must give the statement
        that same indentation)."""
        nested = bool(block)
        source = self.preamble + ("if 1:" + self.newline + text if nested else text)
        module = cst.parse_module(source)
        if module.default_indent != self.indent or module.default_newline != self.newline \
                or len(module.body) != 3 or not _is_preamble(module.body[:2]):
            raise ValueError("the preamble did not parse as written")
        if at_end and module_code(module) != source:
            # libcst drops some odd whitespace-only lines at the end of a file (tabs and spaces
            # mixed): the file's last piece is the one place that can happen, so it is checked.
            raise ValueError("the last piece does not reproduce its text")
        if not nested:
            return [], module.body[2], list(module.footer), []
        wrapper = module.body[2]
        if type(wrapper) is not cst.If or type(wrapper.body) is not cst.IndentedBlock:
            raise ValueError("unexpected piece")
        if len(wrapper.body.body) != 1:
            raise ValueError("a piece is one statement")
        if (self.indent if wrapper.body.indent is None else wrapper.body.indent) != block:
            raise ValueError("a piece indented unlike its block")
        return [], wrapper.body.body[0], list(wrapper.body.footer), list(module.footer)

    def default_indent(self) -> str:
        """What libcst infers: the indentation of the first indented line of code."""
        for line in self.lines:
            stripped = line.lstrip(" \t")
            if stripped[:1] not in ("", "#", "\n", "\r") and len(stripped) < len(line):
                return line[: len(line) - len(stripped)]
        return "    "

    def default_newline(self) -> str:
        first = self.lines[0] if self.lines else "\n"
        for newline in ("\r\n", "\n", "\r"):
            if first.endswith(newline):
                return newline
        return "\n"


@contextmanager
def _unvalidated() -> Iterator[None]:
    """libcst nodes built without their checks, for text that ``ast`` has parsed. libcst's
    ``__post_init__`` is private: if it moves, nothing is skipped. Not for use while another
    thread builds libcst nodes (wfgraph analyses one file at a time per process)."""
    original = cst.CSTNode.__dict__.get("__post_init__")
    if original is None:  # pragma: no cover - a libcst that moved it
        yield
        return
    cst.CSTNode.__post_init__ = _built  # type: ignore[method-assign]
    try:
        yield
    finally:
        cst.CSTNode.__post_init__ = original  # type: ignore[method-assign]


def _built(self: cst.CSTNode) -> None:
    return None


def _is_preamble(stmts: list[cst.BaseStatement]) -> bool:
    block, line = stmts
    return (type(block) is cst.If and type(block.body) is cst.IndentedBlock
            and not block.body.footer and not block.leading_lines
            and type(line) is cst.SimpleStatementLine and not line.leading_lines)


def _start(node: ast.stmt) -> int:
    """The 1-based first line of a statement, decorators included."""
    decorators = getattr(node, "decorator_list", None) or []
    return min([node.lineno, *[d.lineno for d in decorators]])


def syntax_error(text: str, path: str, exc: cst.ParserSyntaxError) -> Diagnostic:
    """Python's own message and position when it agrees the text is invalid (it words them
    better); libcst's otherwise."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as py:
        if py.lineno:
            return _located(path, py.lineno, py.offset or 1, f"syntax error: {py.msg}")
    except (ValueError, RecursionError, MemoryError):
        pass
    message = str(exc.message).splitlines()[0] if exc.message else "invalid syntax"
    return _located(path, exc.raw_line, exc.raw_column + 1, f"syntax error: {message}")


def _located(path: str, line: int, col: int, message: str) -> Diagnostic:
    code, name = PARSE_ERROR
    return Diagnostic(code, name, "error", message, path, line, col, line, col + 1)
