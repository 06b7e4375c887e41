"""What a Worker's main module exports: the names its top level binds (SEMANTICS §2.4).

The runtime looks a wrangler ``class_name`` up among the main module's top-level names, so WF052
asks this module, not the list of analysed classes: a class may be defined there, re-exported
(``from snapshot_drill import R2SnapshotDrillWorkflow``), or bound by an assignment
(``DynamicWorkflow = create_dynamic_workflow_entrypoint(...)``: defined, but not analysable).

A cheap scan: one parse of the main module (the statements of its top level and of the
``if``/``try``/``with`` blocks there, as ``python/module_index.py`` reads them), and for an import,
a look at the module it names when that module is a file of the project (next to ``main``, where
Python Workers put it on ``sys.path``, or relative to its package) to see whether it defines
the class. Nothing is imported or run; nothing outside the project root is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from ..python.literals import dotted_name
from ..python.module_index import iter_scope_statements
from ..python.parse import parse_module
from ..python.source import SourceFile

CLASS, IMPORT, ASSIGN, OTHER = "class", "import", "assignment", "other"


@dataclass(frozen=True)
class Binding:
    kind: str
    line: int
    source: str | None = None
    """For an import: the module it comes from (``.flows``, ``snapshot_drill``)."""
    resolved: Path | None = None
    """For an import: the project file of that module, when it defines the class."""


@dataclass
class Exports:
    path: Path
    names: dict[str, Binding] = field(default_factory=dict)
    stars: list[tuple[str, Path | None]] = field(default_factory=list)
    """``from X import *``: X, and its project file when it was found."""

    def star_source(self, name: str) -> tuple[str | None, bool]:
        """For a name the module does not bind itself: the star import that defines it (its
        module, True), or, when some star import could not be read, that one (its module,
        False); (None, True) when every star import was read and none defines it."""
        unread = None
        for module, found in self.stars:
            if found is None:
                unread = unread or module
            elif name in _top_level_classes(found):
                return module, True
        return unread, False


def scan_exports(path: Path, root: Path, follow: bool = True) -> Exports | None:
    """The top-level bindings of the module at ``path``; None when it cannot be read or parsed
    (the analysis of that file reports why). ``follow``: look into the project files its
    imports name (one level: whether they define the imported class)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        module = parse_module(text)
    except (OSError, UnicodeDecodeError, cst.ParserSyntaxError, RecursionError, MemoryError):
        return None
    source = SourceFile(str(path), text, module)
    out = Exports(path)
    for stmt in iter_scope_statements(list(module.body)):
        line = source.span(stmt).line
        if isinstance(stmt, cst.ClassDef):
            out.names.setdefault(stmt.name.value, Binding(CLASS, line))
        elif isinstance(stmt, cst.FunctionDef):
            out.names.setdefault(stmt.name.value, Binding(OTHER, line))
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                _small(out, small, line, root if follow else None)
    return out


def _small(out: Exports, small: cst.BaseSmallStatement, line: int, root: Path | None) -> None:
    if isinstance(small, cst.ImportFrom):
        name = dotted_name(small.module) if small.module is not None else None
        module = "." * len(small.relative) + (name or "")
        target = _module_file(out.path, root, module) if root is not None else None
        if isinstance(small.names, cst.ImportStar):
            out.stars.append((module, target))
            return
        for alias in small.names:
            imported = dotted_name(alias.name) or ""
            local = alias.asname.name.value if alias.asname and isinstance(
                alias.asname.name, cst.Name) else imported
            defines = target is not None and imported in _top_level_classes(target)
            out.names.setdefault(local, Binding(IMPORT, line, module, target if defines else None))
    elif isinstance(small, cst.Import):
        for alias in small.names:
            name = dotted_name(alias.name) or ""
            local = alias.asname.name.value if alias.asname and isinstance(
                alias.asname.name, cst.Name) else name.split(".")[0]
            out.names.setdefault(local, Binding(IMPORT, line, name))
    elif isinstance(small, (cst.Assign, cst.AnnAssign)):
        targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
        for target in targets:
            if isinstance(target, cst.Name):
                out.names.setdefault(target.value, Binding(ASSIGN, line))


def _module_file(importer: Path, root: Path, module: str) -> Path | None:
    """The project file of ``module`` as imported from ``importer``: relative imports from its
    package, absolute ones from its folder (Python Workers run with ``main``'s folder on
    ``sys.path``) or the project root. None outside the project or when not found."""
    level = len(module) - len(module.lstrip("."))
    parts = [p for p in module.lstrip(".").split(".") if p]
    if level:
        base = importer.parent
        for _ in range(level - 1):
            base = base.parent
        bases = [base]
    else:
        bases = [importer.parent, root]
    for base in bases:
        stem = base.joinpath(*parts)
        for candidate in (stem.with_suffix(".py") if parts else None, stem / "__init__.py"):
            if candidate is not None and candidate.is_file() and _inside(candidate, root):
                return candidate
    return None


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _top_level_classes(path: Path) -> set[str]:
    """Classes defined at the top level of the module at ``path`` (empty when unreadable)."""
    scanned = scan_exports(path, path.parent, follow=False)
    if scanned is None:
        return set()
    return {name for name, b in scanned.names.items() if b.kind == CLASS}
