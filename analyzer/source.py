"""Source files and positions: the side table from graph nodes back to ``path:line:col``.

libcst's PositionProvider is costly on large modules (DESIGN.md, Dependencies), and the JSON
output never needs positions, so they are resolved lazily, once per file, only when a consumer
(diagnostics, DOT tooltips, SARIF) asks for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """1-based lines and columns, end inclusive of the last character's column + 1 (SARIF style)."""

    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"


UNKNOWN_SPAN = Span(1, 1, 1, 1)


class SourceFile:
    """One parsed file: its path, text, libcst module, and lazily resolved positions."""

    def __init__(self, path: str, text: str, module: cst.Module) -> None:
        self.path = path
        self.text = text
        self.module = module
        self._positions: Any = None

    def span(self, node: cst.CSTNode | None) -> Span:
        """Where ``node`` (a node of this file's module, or None) stands in the source."""
        if node is None:
            return UNKNOWN_SPAN
        if self._positions is None:
            wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
            self._positions = wrapper.resolve(PositionProvider)
        rng = self._positions.get(node)
        if rng is None:
            return UNKNOWN_SPAN
        return Span(rng.start.line, rng.start.column + 1, rng.end.line, rng.end.column + 1)

    def line_text(self, line: int) -> str:
        lines = self.text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else ""
