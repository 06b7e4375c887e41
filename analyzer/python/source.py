"""Source files and positions: the side table from graph nodes back to ``path:line:col``.

libcst's ``PositionProvider`` is costly on large modules (docs/design.md, Dependencies: ~2 s on a
436 KB workflow, twice the parse), and the JSON output never needs positions, so they are
resolved lazily, once per file, only when a consumer (diagnostics, DOT tooltips, SARIF) asks for
one. They are computed by one code-generation pass with a light state (``_PositionState``) that
records, keyed by node identity, where each node starts and ends in the list of tokens written;
lines and columns are worked out from the tokens' lengths only for the nodes asked about. The
same numbers as ``PositionProvider`` for every node but plain whitespace (a test compares them on
every fixture), about ten times faster.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from itertools import accumulate
from typing import Any

import libcst as cst

from ..records import record
from .deep import run_deep

try:  # libcst's code generator state; private, so there is a fallback below
    from libcst._nodes.internal import CodegenState as _CodegenState
except ImportError:  # pragma: no cover - a libcst that moved it
    _CodegenState = None  # type: ignore[assignment,misc]
try:  # the base class of nodes in parentheses, whose _parenthesize _light_codegen replaces
    from libcst._nodes.expression import _BaseParenthesizedNode
except ImportError:  # pragma: no cover
    _BaseParenthesizedNode = None  # type: ignore[assignment,misc]


@record(frozen=True, slots=True, order=True)
class Span:
    """1-based lines and columns, end inclusive of the last character's column + 1 (SARIF style)."""

    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"


UNKNOWN_SPAN = Span(1, 1, 1, 1)

# (start line, start column, end line, end column): 1-based lines, 0-based columns, as libcst.
RawRange = tuple[int, int, int, int]

_NEWLINE = re.compile(r"\r\n?|\n")


class SourceFile:
    """One parsed file: its path, text, libcst module, and lazily resolved positions."""

    def __init__(self, path: str, text: str, module: cst.Module | None) -> None:
        self.path = path
        self.text = text
        self.module = module
        self._positions: _Ranges | None = None
        self._lines: list[str] | None = None

    def span(self, node: cst.CSTNode | None) -> Span:
        """Where ``node`` (a node of this file's module, or None) stands in the source."""
        if node is None or self.module is None:
            return UNKNOWN_SPAN
        if self._positions is None:
            self._positions = _node_ranges(self.module)
        rng = self._positions.get(id(node))
        if rng is None:
            return UNKNOWN_SPAN
        return Span(rng[0], rng[1] + 1, rng[2], rng[3] + 1)

    def has(self, node: cst.CSTNode) -> bool:
        """Whether ``node`` belongs to this file's tree."""
        if self.module is None:
            return False
        if self._positions is None:
            self._positions = _node_ranges(self.module)
        return id(node) in self._positions

    def line_text(self, line: int) -> str:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines[line - 1] if 0 < line <= len(self._lines) else ""


def node_positions(module: cst.Module) -> dict[int, RawRange]:
    """The syntactic range of every node of ``module``, keyed by ``id(node)``: what
    ``libcst.metadata.PositionProvider`` gives, computed without its per-node objects."""
    ranges = _node_ranges(module)
    return {key: ranges[key] for key in ranges.keys()}


class _Ranges:
    """Ranges by node identity, from token indices (a code-generation pass) or, failing
    that, from libcst's PositionProvider."""

    def __init__(self, tokens: list[str] | None, ranges: dict[int, Any]) -> None:
        self._ranges = ranges
        self._offsets: list[int] | None = None
        self._starts: list[int] = []
        self._tokens = tokens

    def keys(self) -> Any:
        return self._ranges.keys()

    def __contains__(self, key: int) -> bool:
        return key in self._ranges

    def get(self, key: int) -> RawRange | None:
        found = self._ranges.get(key)
        if found is None or self._tokens is None:
            return found
        return (*self._point(found[0]), *self._point(found[1]))

    __getitem__ = get

    def _point(self, index: int) -> tuple[int, int]:
        """1-based line and 0-based column where the token at ``index`` starts."""
        if self._offsets is None:
            assert self._tokens is not None
            self._offsets = [0, *accumulate(map(len, self._tokens))]
            text = "".join(self._tokens)
            self._starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
        offset = self._offsets[index]
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1]


def _node_ranges(module: cst.Module) -> _Ranges:
    if _CodegenState is None:  # pragma: no cover
        return _Ranges(None, _positions_from_provider(module))
    state = _PositionState(default_indent=module.default_indent,
                           default_newline=module.default_newline)
    try:
        with _light_codegen():
            run_deep(module._codegen, state)  # one recursion per level of nesting: a large stack
    except (AttributeError, TypeError):  # pragma: no cover - libcst internals changed
        return _Ranges(None, _positions_from_provider(module))
    return _Ranges(state.tokens, state.ranges)


@contextmanager
def _light_codegen() -> Iterator[None]:
    """Two of libcst's code-generation methods replaced by lighter ones with the same output,
    for the length of the pass only (libcst's own to replace: ``CSTNode._codegen`` and
    ``_BaseParenthesizedNode._parenthesize``; like ``parse._unvalidated``, not for use while
    another thread generates code):

    - ``SimpleWhitespace`` nodes write their text straight away, without the per-node hooks
      that record a range: they are 45% of the nodes a pass visits (110,999 of 246,701 on the
      474 KB benchmark workflow), nothing ever asks where one stands, and no range starts or
      ends at one (libcst's syntactic ranges start and end at statements and bodies).
    - An expression's parentheses are written around it by a small context manager object
      instead of a generator-based one (``contextlib`` costs about a microsecond each time:
      127,560 times, a fifth of the pass, on that workflow)."""
    parenthesized = _BaseParenthesizedNode
    if "_codegen" in vars(cst.SimpleWhitespace) or parenthesized is None \
            or "_parenthesize" not in vars(parenthesized):  # pragma: no cover - libcst changed
        yield
        return
    original = vars(parenthesized)["_parenthesize"]
    cst.SimpleWhitespace._codegen = _write_whitespace  # type: ignore[method-assign]
    parenthesized._parenthesize = _parenthesize  # type: ignore[method-assign]
    try:
        yield
    finally:
        del cst.SimpleWhitespace._codegen
        parenthesized._parenthesize = original  # type: ignore[method-assign]


def _write_whitespace(self: cst.SimpleWhitespace, state: Any, **kwargs: Any) -> None:
    state.tokens.append(self.value)


def _parenthesize(self: Any, state: Any) -> "_Parenthesized":
    return _Parenthesized(self, state)


class _Parenthesized:
    """``with node._parenthesize(state):``: the left parentheses, the node's syntactic
    position around the body, the right parentheses (written only when the body succeeded, as
    libcst's generator does)."""

    __slots__ = ("node", "state", "position")

    def __init__(self, node: Any, state: Any) -> None:
        self.node = node
        self.state = state

    def __enter__(self) -> None:
        for lpar in self.node.lpar:
            lpar._codegen(self.state)
        self.position = self.state.record_syntactic_position(self.node)
        self.position.__enter__()

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> bool:
        self.position.__exit__(kind, value, traceback)
        if kind is None:
            for rpar in self.node.rpar:
                rpar._codegen(self.state)
        return False


def module_code(module: cst.Module) -> str:
    """``module.code``, by the light code-generation state below (the same text)."""
    return code_for_node(module, module)


def code_for_node(module: cst.Module, node: cst.CSTNode) -> str:
    """``module.code_for_node(node)``, by the light code-generation state below."""
    if _CodegenState is None:  # pragma: no cover
        return module.code_for_node(node)
    state = _TextState(default_indent=module.default_indent,
                       default_newline=module.default_newline)
    run_deep(node._codegen, state)
    return "".join(state.tokens)


def _positions_from_provider(module: cst.Module) -> dict[int, RawRange]:
    from libcst.metadata import MetadataWrapper, PositionProvider

    resolved = run_deep(MetadataWrapper(module, unsafe_skip_copy=True).resolve, PositionProvider)
    return {id(node): (r.start.line, r.start.column, r.end.line, r.end.column)
            for node, r in resolved.items()}


_NOTHING_TO_RECORD = nullcontext()


class _SyntacticEnd:
    """What ``record_syntactic_position`` returns: a context manager object whose exit
    records the range (libcst's own is a generator per node, a third of the pass)."""

    __slots__ = ("state",)

    def __init__(self, state: Any) -> None:
        self.state = state

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        self.state.end_syntactic()
        return False


if _CodegenState is not None:

    class _TextState(_CodegenState):  # type: ignore[misc,valid-type]
        """libcst's code generator state, minus the per-node context manager it only needs
        for positions."""

        def record_syntactic_position(self, node: Any, *, start_node: Any = None,
                                      end_node: Any = None) -> Any:
            return _NOTHING_TO_RECORD

    class _PositionState(_CodegenState):  # type: ignore[misc,valid-type]
        """libcst's ``PositionProvidingCodegenState``, keeping for each node the indices of
        the first token it wrote and of the first after it (``_Ranges`` turns them into lines
        and columns): no per-token work, and one small tuple per node."""

        def __init__(self, default_indent: str, default_newline: str) -> None:
            super().__init__(default_indent=default_indent, default_newline=default_newline)
            self._stack: list[int] = []
            self._syntactic: list[tuple[Any, Any, Any, int]] = []
            self._end = _SyntacticEnd(self)
            self.ranges: dict[int, tuple[int, int]] = {}

        def pop_trailing_newline(self) -> None:
            pass  # the text is not wanted, and ranges after the newline count it

        def before_codegen(self, node: Any) -> None:
            self._stack.append(len(self.tokens))

        def after_codegen(self, node: Any) -> None:
            start = self._stack.pop()
            key = id(node)
            if key not in self.ranges:  # a syntactic position recorded already wins
                self.ranges[key] = (start, len(self.tokens))

        def record_syntactic_position(self, node: Any, *, start_node: Any = None,
                                      end_node: Any = None) -> _SyntacticEnd:
            self._syntactic.append((node, start_node, end_node, len(self.tokens)))
            return self._end

        def end_syntactic(self) -> None:
            node, start_node, end_node, start = self._syntactic.pop()
            end = len(self.tokens)
            if start_node is not None:
                start = self.ranges[id(start_node)][0]
            if end_node is not None:
                end = self.ranges[id(end_node)][1]
            self.ranges[id(node)] = (start, end)
