"""What a name refers to across a project's modules (SEMANTICS §2.4).

The walker asks the linker what a name of some module means: a class, a function, a module, a
constant, a name bound by assignment (defined but not analysable), or something from outside the
project (external). Imports are followed transitively: ``from .a import X`` in an
``__init__.py``, ``from x import *`` (names ``x`` defines at top level), chains of re-exports;
cycles terminate. Modules are parsed lazily, when a name they define is needed, and at most once
per process (``ModuleCache``). Nothing is imported or run.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path
from typing import Any

import libcst as cst

from ..diagnostics import NOT_FOLLOWED, Diagnostic
from ..project.imports import Module, Project
from ..records import record
from .literals import dotted_name
from .module_index import ModuleIndex
from .source import SourceFile


@record(eq=False)
class LinkedModule:
    """One parsed module of the project: where it is, its tree and index. How its path is
    written depends on the file analysed (``Linker.shown``), so a cached module holds none."""

    path: Path | None
    source: SourceFile
    index: ModuleIndex

    @property
    def module(self) -> cst.Module:
        assert self.source.module is not None
        return self.source.module


@record(frozen=True, eq=False)
class Symbol:
    """``kind``: class | function | module | constant | bound | external."""

    kind: str
    node: Any = None
    module: LinkedModule | None = None
    detail: str = ""


@record
class NotFollowed:
    """A project module the analysis needed but could not read or parse: the note that says
    so, where the problem is."""

    note: Diagnostic
    reason: str
    """What is wrong with the module, at the note's line and column (``syntax error: …``)."""


class ModuleCache:
    """Parsed project modules of this process, keyed by path and text (a changed file is parsed
    again), least recently used dropped past ``budget`` bytes of source."""

    def __init__(self, budget: int = 4 << 20) -> None:
        self.budget = budget
        self.size = 0
        self.entries: OrderedDict[tuple[Path, int], tuple[str, LinkedModule | None]] = OrderedDict()
        self.parses = 0

    def get(self, path: Path, text: str) -> LinkedModule | None:
        key = (path, hash(text))
        hit = self.entries.get(key)
        if hit is not None and hit[0] == text:
            self.entries.move_to_end(key)
            return hit[1]
        linked = _parse(path, text)
        self.parses += 1
        self.put(path, text, linked)
        return linked

    def put(self, path: Path, text: str, linked: LinkedModule | None) -> None:
        key = (path, hash(text))
        if key not in self.entries:
            self.size += len(text)
        self.entries[key] = (text, linked)
        while self.size > self.budget and len(self.entries) > 1:
            _, (old, _) = self.entries.popitem(last=False)
            self.size -= len(old)


CACHE = ModuleCache()


def _not_followed(shown: str, text: str | None) -> NotFollowed:
    """Why a module the walk needed is not followed: at its syntax error when it has one."""
    reason, line, col = "cannot be read as UTF-8 text", 1, 1
    if text is not None:
        from .limits import check_text
        from .parse import syntax_error

        refused = check_text(text, shown)
        if refused is not None:
            reason, line, col = refused.message, refused.line, refused.column
        else:
            try:
                cst.parse_module(text)
                reason = "is too deeply nested to parse"
            except cst.ParserSyntaxError as exc:
                found = syntax_error(text, shown, exc)
                reason, line, col = found.message, found.line, found.column
            except RecursionError:
                reason = "is too deeply nested to parse"
    code, name = NOT_FOLLOWED
    return NotFollowed(Diagnostic(code, name, "info", f"{reason}: names this module defines are "
                                  "not followed", shown, line, col, line, col + 1), reason)


def _parse(path: Path, text: str) -> LinkedModule | None:
    from .limits import check_text
    from .parse import parse_module

    if check_text(text, str(path)) is not None:
        return None
    try:
        module = parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        return None
    return LinkedModule(path, SourceFile(str(path), text, module), ModuleIndex.build(module))


class Linker:
    def __init__(self, home: LinkedModule, project: Project | None,
                 cache: ModuleCache | None = None) -> None:
        self.home = home
        self.project = project
        self.cache = cache if cache is not None else CACHE
        self.modules: dict[Path, LinkedModule] = {}
        self.not_followed: dict[str, NotFollowed] = {}
        if home.path is not None:
            self.modules[home.path] = home

    # --- modules -------------------------------------------------------------------------------

    def load(self, module: Module) -> LinkedModule | None:
        if module.file is None:
            return None
        if module.file in self.modules:
            return self.modules[module.file]
        assert self.project is not None
        shown = self.shown(module.file)
        text = self.project.sources.read(module.file)
        linked = self.cache.get(module.file, text) if text is not None else None
        if linked is None and shown not in self.not_followed:
            self.not_followed[shown] = _not_followed(shown, text)
        if linked is None:
            return None
        self.modules[module.file] = linked
        return linked

    def shown(self, path: Path) -> str:
        """How a module's path is written: relative to the analysed file as that was given."""
        home = self.home
        if home.path is None or path == home.path:
            return home.source.path
        rel = os.path.relpath(path, home.path.parent)
        return os.path.normpath(os.path.join(os.path.dirname(home.source.path), rel))

    def linked_sources(self) -> list[tuple[str, SourceFile]]:
        """The other modules read, each with its path as this analysis shows it."""
        return [(self.shown(path), m.source) for path, m in self.modules.items() if m is not self.home]

    def resolve_module(self, importer: LinkedModule, name: str | None, level: int) -> Module | None:
        if self.project is None or importer.path is None or self.home.path is None:
            return None
        return self.project.resolve(importer.path, name, level, self.home.path)

    # --- names ---------------------------------------------------------------------------------

    def lookup(self, module: LinkedModule, name: str, seen: frozenset[Any] = frozenset()) -> Symbol | None:
        """What the top-level ``name`` of ``module`` is, following imports."""
        key = (id(module), name)
        if key in seen:
            return None  # an import cycle that never defines the name
        seen = seen | {key}
        index = module.index
        if name in index.classes:
            return Symbol("class", index.classes[name], module)
        if name in index.functions:
            return Symbol("function", index.functions[name], module)
        if name in index.from_imports:
            return self.imported(module, *index.from_imports[name], seen)
        if name in index.module_imports:
            return self.module_symbol(module, index.module_imports[name])
        if name in index.assigned:
            return Symbol("bound", index.assigned[name], module, name)
        for level, source in index.star_imports:
            found = self._star(module, level, source, name, seen)
            if found is not None:
                return found
        return None

    def imported(self, module: LinkedModule, level: int, source: str | None, name: str,
                 seen: frozenset[Any] = frozenset()) -> Symbol | None:
        """What ``from source import name`` (``level`` dots) written in ``module`` binds."""
        target = self.resolve_module(module, source, level)
        if target is None:
            dotted = "." * level + (source or "")
            return Symbol("external", None, None, f"{dotted}.{name}" if dotted else name)
        linked = self.load(target)
        if linked is not None:
            found = self.lookup(linked, name, seen)
            if found is not None:
                return found
        sub = self.project.submodule(target, name) if self.project else None
        if sub is not None:
            return self._loaded(sub)
        return None

    def not_followed_for(self, module: LinkedModule, name: str) -> NotFollowed | None:
        """Why ``name``, imported into ``module`` with ``from x import name``, was not found:
        ``x`` is a project module that cannot be read or parsed."""
        if name not in module.index.from_imports:
            return None
        level, source, _ = module.index.from_imports[name]
        target = self.resolve_module(module, source, level)
        if target is None or target.file is None:
            return None
        return self.not_followed.get(self.shown(target.file))

    def _star(self, module: LinkedModule, level: int, source: str | None, name: str,
              seen: frozenset[Any]) -> Symbol | None:
        target = self.resolve_module(module, source, level)
        linked = self.load(target) if target is not None else None
        if linked is None or name.startswith("_"):
            return None
        return self.lookup(linked, name, seen)

    def module_symbol(self, importer: LinkedModule, dotted: str, level: int = 0) -> Symbol:
        """What ``import dotted`` written in ``importer`` names."""
        target = self.resolve_module(importer, dotted, level)
        if target is None:
            return Symbol("external", None, None, dotted)
        return self._loaded(target)

    def _loaded(self, target: Module) -> Symbol:
        linked = self.load(target) if target.file is not None else None
        return Symbol("module", target, linked)

    def attribute(self, symbol: Symbol, attr: str) -> Symbol | None:
        """``symbol.attr`` for a module (a name it defines, or a submodule) or an external."""
        if symbol.kind == "external":
            return Symbol("external", None, None, f"{symbol.detail}.{attr}")
        if symbol.kind != "module":
            return None
        if symbol.module is not None:
            found = self.lookup(symbol.module, attr)
            if found is not None:
                return found
        sub = self.project.submodule(symbol.node, attr) if self.project else None
        return self._loaded(sub) if sub is not None else None

    def expression(self, module: LinkedModule, expr: cst.BaseExpression) -> Symbol | None:
        """What a top-level name or a dotted chain (``helpers.charge_all``) written in
        ``module`` refers to."""
        dotted = dotted_name(expr)
        return self.dotted(module, dotted) if dotted is not None else None

    def dotted(self, module: LinkedModule, dotted: str) -> Symbol | None:
        head, *rest = dotted.split(".")
        symbol = self.lookup(module, head)
        for attr in rest:
            if symbol is None:
                return None
            symbol = self.attribute(symbol, attr)
        return symbol


def imported_constant(linker: Linker, module: LinkedModule, name: str) -> cst.BaseExpression | None:
    """The literal a name imported into ``module`` stands for, when the module that defines it
    binds it once to a literal (SEMANTICS §3.6), closed over that module's constants."""
    symbol = linker.dotted(module, name)
    if symbol is None or symbol.kind != "bound" or symbol.module is None:
        return None
    constants = symbol.module.index.constants
    assert constants is not None
    value = constants.lookup(symbol.detail)
    return close_over(value, constants) if value is not None else None


def close_over(expr: cst.BaseExpression, consts: Any, depth: int = 0) -> cst.BaseExpression:
    """``expr`` with the names inside its displays replaced by the constants they name where it
    was written, so that it reads the same from another module."""
    if depth > 20:
        return expr
    if type(expr) is cst.Name:
        bound = consts.lookup(expr.value)
        return close_over(bound, consts, depth + 1) if bound is not None else expr
    if type(expr) is cst.Dict:
        elements = []
        for el in expr.elements:
            if type(el) is cst.DictElement:
                el = el.with_changes(key=close_over(el.key, consts, depth + 1),
                                     value=close_over(el.value, consts, depth + 1))
            elif type(el) is cst.StarredDictElement:
                el = el.with_changes(value=close_over(el.value, consts, depth + 1))
            elements.append(el)
        return expr.with_changes(elements=elements)
    if type(expr) in (cst.List, cst.Tuple, cst.Set):
        return expr.with_changes(elements=[
            el.with_changes(value=close_over(el.value, consts, depth + 1)) for el in expr.elements])
    return expr
