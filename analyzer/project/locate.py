"""Where keys and comments stand in a configuration file's text.

``tomllib`` and ``json5`` return values without positions, so a problem found in a value (a
placeholder date, a wrong type, an unknown rule code) would be reported at line 1. This module
reads the text a second time, only to map each key path to its line and column:
``("workflows", 1, "limits", "steps")``, ``("tool", "wfgraph", "ignore")``,
``("exports", "Pipe")``. It also lists the comments, where ``wfgraph: ignore[...]`` may stand.

It is a position finder, not a parser: the values come from tomllib / json5, which have already
accepted the text. Lookups fall back to the nearest enclosing key that was found, so a missing key
is reported at the entry that lacks it.
"""

from __future__ import annotations

import re
from dataclasses import field
from pathlib import Path

from ..records import record

KeyPath = tuple[str | int, ...]


@record(frozen=True, slots=True)
class Position:
    """1-based: where the key starts and where its value starts."""

    line: int
    column: int
    value_line: int
    value_column: int


@record(frozen=True, slots=True)
class Comment:
    line: int
    column: int
    """Where the text starts, after the ``#`` / ``//`` / ``/*`` marker."""
    text: str
    """Without the ``#`` / ``//`` / ``/* */`` markers."""


@record
class TextMap:
    keys: dict[KeyPath, Position] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)

    def find(self, path: KeyPath) -> Position | None:
        """The position of ``path``, else of its nearest enclosing key that was found."""
        for end in range(len(path), 0, -1):
            found = self.keys.get(tuple(path[:end]))
            if found is not None:
                return found
        return None

    def value_at(self, path: KeyPath) -> tuple[int, int]:
        """Line and column of the value of ``path`` (of its key when the value was not found;
        of the nearest enclosing key when the key was not; 1:1 when nothing was)."""
        found = self.keys.get(tuple(path))
        if found is not None:
            return found.value_line, found.value_column
        found = self.find(path)
        return (found.line, found.column) if found is not None else (1, 1)


def map_config(path: Path, text: str) -> TextMap:
    """TOML for ``.toml`` files, JSON / JSONC / JSON5 otherwise."""
    return map_toml(text) if path.suffix == ".toml" else map_json(text)


# --- TOML -----------------------------------------------------------------------------------------

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_SPACE = re.compile(r"[ \t]*")


def map_toml(text: str) -> TextMap:
    out = TextMap()
    table: KeyPath = ()
    arrays: dict[KeyPath, int] = {}  # array-of-tables path (indexes resolved) → last index
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if in_multiline is not None:
            if line.count(in_multiline) % 2:
                in_multiline = None
            continue
        code, comment = _split_comment(line)
        if comment is not None:
            out.comments.append(Comment(number, comment[0], comment[1]))
        stripped = code.strip()
        if not stripped:
            continue
        indent = len(code) - len(code.lstrip())
        if stripped.startswith("["):
            double = stripped.startswith("[[")
            keys, _ = _read_keys(stripped, 2 if double else 1)
            resolved = _resolve(tuple(keys), arrays)
            if double:
                arrays[resolved] = arrays.get(resolved, -1) + 1
                resolved = (*resolved, arrays[resolved])
            table = resolved
            out.keys.setdefault(table, Position(number, indent + 1, number, indent + 1))
            continue
        keys, end = _read_keys(code, indent)
        if not keys or end >= len(code) or code[end] != "=":
            continue
        value_col = end + 1 + len(_SPACE.match(code, end + 1).group())  # type: ignore[union-attr]
        path = (*table, *keys)
        out.keys.setdefault(path, Position(number, indent + 1, number, value_col + 1))
        value = code[value_col:]
        if value.startswith("{"):
            _inline_table(out, path, code, value_col, number)
        for quote in ('"""', "'''"):
            if value.count(quote) % 2:
                in_multiline = quote
    return out


def _resolve(keys: KeyPath, arrays: dict[KeyPath, int]) -> KeyPath:
    """``[workflows.limits]`` after ``[[workflows]]`` is a table of the last array element."""
    out: KeyPath = ()
    for i, key in enumerate(keys):
        out = (*out, key)
        if out in arrays and i < len(keys) - 1:
            out = (*out, arrays[out])
    return out


def _read_keys(text: str, start: int) -> tuple[list[str], int]:
    """A dotted key (bare or quoted parts) from ``start``; the keys and the index after them."""
    keys: list[str] = []
    i = start
    while True:
        i += len(_SPACE.match(text, i).group())  # type: ignore[union-attr]
        if i < len(text) and text[i] in "\"'":
            close = text.find(text[i], i + 1)
            if close < 0:
                return [], i
            keys.append(text[i + 1:close])
            i = close + 1
        else:
            match = _BARE.match(text, i)
            if match is None:
                return keys, i
            keys.append(match.group())
            i = match.end()
        i += len(_SPACE.match(text, i).group())  # type: ignore[union-attr]
        if i < len(text) and text[i] == ".":
            i += 1
            continue
        return keys, i


def _inline_table(out: TextMap, path: KeyPath, line: str, start: int, number: int) -> None:
    """Keys of a one-line inline table: ``limits = { steps = 0 }``."""
    i = start + 1
    while i < len(line):
        keys, end = _read_keys(line, i)
        if keys and end < len(line) and line[end] == "=":
            value = end + 1 + len(_SPACE.match(line, end + 1).group())  # type: ignore[union-attr]
            key_col = i + len(_SPACE.match(line, i).group())  # type: ignore[union-attr]
            out.keys.setdefault((*path, *keys), Position(number, key_col + 1, number, value + 1))
            i = _skip_value(line, value)
        else:
            i = end + 1


def _skip_value(line: str, i: int) -> int:
    """The index after the inline value starting at ``i`` (up to the next top-level comma)."""
    depth = 0
    while i < len(line):
        ch = line[i]
        if ch in "\"'":
            close = line.find(ch, i + 1)
            i = len(line) if close < 0 else close + 1
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            if depth == 0:
                return i
            depth -= 1
        elif ch == "," and depth == 0:
            return i + 1
        i += 1
    return i


def _split_comment(line: str) -> tuple[str, tuple[int, str] | None]:
    """The line without its ``#`` comment, and the comment (1-based column of its text, text)."""
    quote: str | None = None
    i = 0
    while i < len(line):
        ch = line[i]
        if quote is not None:
            if ch == "\\" and quote == '"':
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i], (i + 2, line[i + 1:])
        i += 1
    return line, None


# --- JSON, JSONC, JSON5 ---------------------------------------------------------------------------

_IDENT = re.compile(r"[A-Za-z_$][\w$]*")


class _JsonScanner:
    """A tokenizer that tracks the key path of each value; it trusts json5 to have accepted the
    text, so it only needs to follow nesting, strings and comments."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out = TextMap()
        self.i = 0
        self.line = 1
        self.line_start = 0

    def column(self, index: int) -> int:
        return index - self.line_start + 1

    def run(self) -> TextMap:
        # Each frame: [path, kind ("object" | "array"), next index, pending key position].
        stack: list[list] = []
        pending: tuple[KeyPath, int, int] | None = None  # a key waiting for its value
        text = self.text
        while self.i < len(text):
            ch = text[self.i]
            if ch == "\n":
                self.i += 1
                self.line, self.line_start = self.line + 1, self.i
                continue
            if ch in " \t\r,:":
                self.i += 1
                continue
            if text.startswith("//", self.i) or text.startswith("/*", self.i):
                self._comment()
                continue
            frame = stack[-1] if stack else None
            start_line, start_col = self.line, self.column(self.i)
            if frame is not None and frame[1] == "object" and pending is None and ch not in "}":
                key = self._key()
                pending = ((*frame[0], key), start_line, start_col)
                continue
            path: KeyPath
            if pending is not None:
                path, key_line, key_col = pending
                self.out.keys.setdefault(path, Position(key_line, key_col, start_line, start_col))
                pending = None
            elif frame is not None and frame[1] == "array" and ch != "]":
                path = (*frame[0], frame[2])
                frame[2] += 1
                self.out.keys.setdefault(path, Position(start_line, start_col, start_line, start_col))
            else:
                path = frame[0] if frame is not None else ()
            if ch in "{[":
                stack.append([path, "object" if ch == "{" else "array", 0])
                self.i += 1
            elif ch in "}]":
                if stack:
                    stack.pop()
                self.i += 1
            elif ch in "\"'":
                self._string()
            else:
                self._scalar()
        return self.out

    def _comment(self) -> None:
        text = self.text
        line, col = self.line, self.column(self.i)
        if text.startswith("//", self.i):
            end = text.find("\n", self.i)
            end = len(text) if end < 0 else end
            self.out.comments.append(Comment(line, col + 2, text[self.i + 2:end]))
            self.i = end
            return
        end = text.find("*/", self.i + 2)
        end = len(text) if end < 0 else end
        body = text[self.i + 2:end]
        self.out.comments.append(Comment(line, col + 2, body))
        for offset, ch in enumerate(body):
            if ch == "\n":
                self.line += 1
                self.line_start = self.i + 2 + offset + 1
        self.i = end + 2

    def _string(self) -> str:
        text, quote = self.text, self.text[self.i]
        j = self.i + 1
        chars = []
        while j < len(text) and text[j] != quote:
            if text[j] == "\\" and j + 1 < len(text):
                chars.append(text[j + 1])
                j += 2
                continue
            if text[j] == "\n":  # only after a line continuation
                self.line, self.line_start = self.line + 1, j + 1
            chars.append(text[j])
            j += 1
        self.i = j + 1
        return "".join(chars)

    def _key(self) -> str:
        if self.text[self.i] in "\"'":
            return self._string()
        match = _IDENT.match(self.text, self.i)
        if match is None:
            self.i += 1
            return ""
        self.i = match.end()
        return match.group()

    def _scalar(self) -> None:
        j = self.i
        while j < len(self.text) and self.text[j] not in ",}]\n \t\r/":
            j += 1
        self.i = max(j, self.i + 1)


def map_json(text: str) -> TextMap:
    return _JsonScanner(text).run()
