"""What a Worker's main module exports: how it binds each wrangler ``class_name`` (SEMANTICS §2.4).

The runtime looks a ``class_name`` up among the main module's top-level names, so WF052 asks the
main module, not the list of analysed classes: a class may be defined there, re-exported through
any chain of imports and ``from x import *`` (``from snapshot_drill import
R2SnapshotDrillWorkflow``), or bound by an assignment (``DynamicWorkflow =
create_dynamic_workflow_entrypoint(...)``: defined, but not analysable). Names are resolved by
the project model (``python/linker.py``); nothing is imported or run, nothing outside the project
root is read.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from ..analysis import link
from ..project.sources import DISK
from ..python.linker import Linker
from ..python.module_index import iter_scope_statements
from ..python.parse import parse_module
from ..python.source import SourceFile
from ..records import record


@record(frozen=True)
class Export:
    """``kind``: ``class`` (a class of the project: analysable), ``assignment`` or ``def`` (bound
    at run time), ``outside`` (imported from outside the project), ``star`` (maybe from a star
    import that could not be read), ``unresolved`` (imported from a module of the project that
    does not define it), ``missing``."""

    kind: str
    line: int | None = None
    """The main module's line that binds the name, when it does so itself."""
    source: str | None = None
    """Where it comes from: the module outside the project, or the unread star import."""


class MainModule:
    def __init__(self, path: Path, linker: Linker, lines: dict[str, int]) -> None:
        self.path = path
        self.linker = linker
        self.lines = lines

    def export(self, name: str) -> Export:
        home = self.linker.home
        symbol = self.linker.lookup(home, name)
        line = self.lines.get(name)
        if symbol is None and line is not None:
            return Export("unresolved", line)  # imported, from a project module without it
        if symbol is None:
            star = self._unread_star()
            return Export("star", source=star) if star is not None else Export("missing")
        if symbol.kind == "class":
            return Export("class", line)
        if symbol.kind == "external":
            return Export("outside", line, symbol.detail)
        return Export("def" if symbol.kind == "function" else "assignment", line)

    def _unread_star(self) -> str | None:
        """A ``from x import *`` of the main module whose module could not be read."""
        home = self.linker.home
        for level, source in home.index.star_imports:
            target = self.linker.resolve_module(home, source, level)
            if target is None or self.linker.load(target) is None:
                return "." * level + (source or "")
        return None


def main_module(path: Path) -> MainModule | None:
    """The main module at ``path`` in its project; None when it cannot be read or parsed (the
    analysis of that file reports why)."""
    text = DISK.read(path)
    if text is None:
        return None
    try:
        module = parse_module(text)
    except (cst.ParserSyntaxError, RecursionError, MemoryError):
        return None
    source = SourceFile(str(path), text, module)
    lines: dict[str, int] = {}
    for stmt in iter_scope_statements(list(module.body)):
        for name in _bound(stmt):
            lines.setdefault(name, source.span(stmt).line)
    return MainModule(path, link(source, path, None), lines)


def _bound(stmt: cst.BaseStatement) -> list[str]:
    if type(stmt) in (cst.ClassDef, cst.FunctionDef):
        return [stmt.name.value]
    if type(stmt) is not cst.SimpleStatementLine:
        return []
    names: list[str] = []
    for small in stmt.body:
        if type(small) in (cst.Import, cst.ImportFrom) and type(small.names) is not cst.ImportStar:
            for alias in small.names:
                target = alias.asname.name if alias.asname is not None else alias.name
                while type(target) is cst.Attribute:
                    target = target.value
                if type(target) is cst.Name:
                    names.append(target.value)
        elif type(small) is cst.Assign:
            names += [t.target.value for t in small.targets if type(t.target) is cst.Name]
        elif type(small) is cst.AnnAssign and type(small.target) is cst.Name:
            names.append(small.target.value)
    return names
