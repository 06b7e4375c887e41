"""Mermaid blocks kept in Markdown, between wfgraph markers (``wfgraph mermaid --update``).

::

    <!-- wfgraph: src/workflows/order.py::OrderWorkflow -->
    ```mermaid
    flowchart TD
    …
    ```
    <!-- /wfgraph -->

Each opening marker, alone on its line, names a Python file (relative to the Markdown file) and
optionally a class; markers inside fenced code blocks are text (an example), not markers. Everything between the two marker lines is replaced by a fenced ``mermaid``
block; the rest of the file stays byte-identical, line endings included.
"""

from __future__ import annotations

import re

from ..records import record

__all__ = ["Block", "MarkerError", "fence", "find_blocks", "newline_of", "replace_blocks"]

_OPEN = re.compile(r"^[ \t]*<!--[ \t]*wfgraph:[ \t]*(?P<target>.*?)[ \t]*-->[ \t]*$")
_CLOSE = re.compile(r"^[ \t]*<!--[ \t]*/wfgraph[ \t]*-->[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


class MarkerError(ValueError):
    """A marker that cannot be used, at a 1-based line and column."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


@record(frozen=True)
class Block:
    """One marked block: what it names, and where its content lies (character offsets)."""

    path: str
    class_name: str | None
    line: int
    """1-based line of the opening marker."""
    start: int
    """Offset just after the opening marker's line."""
    end: int
    """Offset of the closing marker's line."""


def find_blocks(text: str) -> list[Block]:
    """The marked blocks of ``text``, in order; :class:`MarkerError` for an unclosed, stray or
    nested marker, or one that names nothing."""
    blocks: list[Block] = []
    opened: tuple[int, int, str] | None = None  # (line, content start, target)
    fenced: str | None = None  # the fence of the code block we are in (markers there are text)
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        bare = line.rstrip("\r\n")
        if opened is None and (fence_found := _FENCE.match(bare)):
            mark = fence_found.group(1)
            if fenced is None:
                fenced = mark
            elif mark[0] == fenced[0] and len(mark) >= len(fenced) and not fence_found.group(2).strip():
                fenced = None
        elif fenced is not None:
            pass
        elif found := _OPEN.match(bare):
            if opened is not None:
                raise MarkerError(number, 1, f"wfgraph marker opened again before the one on "
                                  f"line {opened[0]} was closed with <!-- /wfgraph -->")
            target = found.group("target")
            if not target:
                raise MarkerError(number, 1, "wfgraph marker names no file: "
                                  "<!-- wfgraph: path/to/workflow.py[::Class] -->")
            opened = (number, offset + len(line), target)
        elif _CLOSE.match(bare):
            if opened is None:
                raise MarkerError(number, 1, "<!-- /wfgraph --> closes no wfgraph marker")
            path, _, class_name = opened[2].partition("::")
            blocks.append(Block(path.strip(), class_name.strip() or None, opened[0], opened[1],
                                offset))
            opened = None
        offset += len(line)
    if opened is not None:
        raise MarkerError(opened[0], 1, "wfgraph marker is not closed: add <!-- /wfgraph -->")
    return blocks


def fence(diagram: str, newline: str = "\n") -> str:
    """A fenced ``mermaid`` block holding ``diagram``, with the file's line endings."""
    body = diagram if diagram.endswith("\n") else diagram + "\n"
    return ("```mermaid\n" + body + "```\n").replace("\n", newline)


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def replace_blocks(text: str, blocks: list[Block], contents: list[str]) -> str:
    """``text`` with each block's content replaced; everything else as it was."""
    out, at = [], 0
    for block, content in zip(blocks, contents):
        out.append(text[at : block.start])
        out.append(content)
        at = block.end
    out.append(text[at:])
    return "".join(out)
