"""What a module declares at its top level: imports, classes, functions, constants (SEMANTICS §2.1).

Only statements are walked (module body, and the bodies of module-level ``if``/``try``/``with``
blocks, where conditional imports and fallback classes live): never expressions, so building the
index costs little even on large files.
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Any, Callable, Iterator

import libcst as cst

from ..records import record
from .literals import dotted_name, is_literal, literal_value
from .names import target_names

if TYPE_CHECKING:
    from .literals import Constants

WORKERS_MODULE = "workers"
ENTRYPOINT = "WorkflowEntrypoint"


def compound_bodies(stmt: cst.BaseStatement) -> Iterator[cst.BaseSuite]:
    """The suites of a compound statement that run in the same scope."""
    if type(stmt) is cst.If:
        yield stmt.body
        if stmt.orelse is not None:
            yield from compound_bodies(stmt.orelse) if type(stmt.orelse) is cst.If else [stmt.orelse.body]
    elif type(stmt) in (cst.Try, cst.TryStar):
        yield stmt.body
        for handler in stmt.handlers:
            yield handler.body
        if stmt.orelse is not None:
            yield stmt.orelse.body
        if stmt.finalbody is not None:
            yield stmt.finalbody.body
    elif type(stmt) in (cst.For, cst.While):
        yield stmt.body
        if stmt.orelse is not None:
            yield stmt.orelse.body
    elif type(stmt) is cst.With:
        yield stmt.body
    elif type(stmt) is cst.Match:
        for case in stmt.cases:
            yield case.body
    elif type(stmt) is cst.Else:
        yield stmt.body


def suite_statements(suite: cst.BaseSuite) -> list[cst.BaseStatement]:
    if type(suite) is cst.IndentedBlock:
        return list(suite.body)
    if type(suite) is cst.SimpleStatementSuite:
        return [cst.SimpleStatementLine(body=suite.body)]
    return []


def iter_scope_statements(body: list[cst.BaseStatement]) -> Iterator[cst.BaseStatement]:
    """Every statement of a scope, nested blocks included, nested defs and classes excluded."""
    for stmt in body:
        yield stmt
        if type(stmt) in (cst.FunctionDef, cst.ClassDef):
            continue
        for suite in compound_bodies(stmt):
            yield from iter_scope_statements(suite_statements(suite))


@record
class ScopeConstants:
    """Names bound exactly once in a scope to a literal (SEMANTICS §3.6), computed on first use."""

    body: list[cst.BaseStatement]
    parent: "Constants | None" = None
    imported: "Callable[[str], cst.BaseExpression | None] | None" = None
    """Resolves a name this scope binds once, by an import, to the constant it names in another
    module of the project (SEMANTICS §2.4, §3.6)."""
    _bound: dict[str, int] | None = None
    _values: dict[str, cst.BaseExpression] = field(default_factory=dict)
    _imports: set[str] = field(default_factory=set)

    def lookup(self, name: str) -> cst.BaseExpression | None:
        """The literal ``name`` is bound to; ``name`` may be dotted (``constants.RETRY``) when
        its head is an imported module."""
        if self._bound is None:
            self._compute()
        assert self._bound is not None
        head = name.split(".", 1)[0]
        if head in self._bound:
            if head in self._imports and self.imported is not None:
                return self.imported(name)
            return self._values.get(name)
        return self.parent.lookup(name) if self.parent else None

    def _compute(self) -> None:
        bound: dict[str, int] = {}
        values: dict[str, cst.BaseExpression] = {}
        imports: set[str] = set()

        def bind(name: str, value: Any = None) -> None:
            bound[name] = bound.get(name, 0) + 1
            imports.discard(name)
            if bound[name] == 1 and value is IMPORTED:
                imports.add(name)
            if value is not None and value is not IMPORTED and bound[name] == 1 and _constant_value(value):
                values[name] = value
            else:
                values.pop(name, None)

        for stmt in iter_scope_statements(self.body):
            for name, value in _bindings(stmt):
                bind(name, value)
        self._bound, self._values, self._imports = bound, values, imports


IMPORTED: Any = object()
"""What ``_bindings`` gives for a name bound by an import."""


def _constant_value(value: cst.BaseExpression) -> bool:
    """A literal, or a dict display (a config whose literal fields and ``**CONST`` spreads are
    read like an inline one, SEMANTICS §3.1)."""
    return type(value) is cst.Dict or is_literal(literal_value(value))


def _bindings(stmt: cst.BaseStatement) -> Iterator[tuple[str, Any]]:
    if type(stmt) in (cst.FunctionDef, cst.ClassDef):
        yield stmt.name.value, None
    elif type(stmt) is cst.For:
        for name in target_names(stmt.target):
            yield name, None
    elif type(stmt) is cst.With:
        for item in stmt.items:
            if item.asname is not None:
                for name in target_names(item.asname.name):
                    yield name, None
    elif type(stmt) in (cst.Try, cst.TryStar):
        for handler in stmt.handlers:
            if handler.name is not None and type(handler.name.name) is cst.Name:
                yield handler.name.name.value, None
    elif type(stmt) is cst.SimpleStatementLine:
        for small in stmt.body:
            yield from _small_bindings(small)


def _small_bindings(small: cst.BaseSmallStatement) -> Iterator[tuple[str, Any]]:
    if type(small) is cst.Assign:
        single = len(small.targets) == 1 and type(small.targets[0].target) is cst.Name
        for target in small.targets:
            for name in target_names(target.target):
                yield name, small.value if single else None
    elif type(small) is cst.AnnAssign and small.value is not None:
        for name in target_names(small.target):
            yield name, small.value
    elif type(small) is cst.AugAssign:
        for name in target_names(small.target):
            yield name, None
    elif type(small) in (cst.Import, cst.ImportFrom) and type(small.names) is not cst.ImportStar:
        for alias in small.names:
            yield _alias_name(alias), IMPORTED
    elif type(small) in (cst.Global, cst.Nonlocal):
        # The name is bound elsewhere too: never a constant of this scope.
        for item in small.names:
            yield item.name.value, None


def _alias_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and type(alias.asname.name) is cst.Name:
        return alias.asname.name.value
    name = dotted_name(alias.name) or ""
    return name.split(".")[0]


@record
class ModuleIndex:
    module: cst.Module
    entry_aliases: set[str] = field(default_factory=set)
    workers_aliases: set[str] = field(default_factory=set)
    asyncio_aliases: set[str] = field(default_factory=set)
    asyncio_names: dict[str, str] = field(default_factory=dict)
    classes: dict[str, cst.ClassDef] = field(default_factory=dict)
    functions: dict[str, cst.FunctionDef] = field(default_factory=dict)
    imports: list[cst.Import | cst.ImportFrom] = field(default_factory=list)
    constants: ScopeConstants | None = None
    from_imports: dict[str, tuple[int, str | None, str]] = field(default_factory=dict)
    """``local → (level, module, name)`` for ``from module import name as local`` (SEMANTICS §2.4)."""
    module_imports: dict[str, str] = field(default_factory=dict)
    """``local → dotted module`` for ``import a.b`` (binds ``a``) and ``import a.b as local``."""
    star_imports: list[tuple[int, str | None]] = field(default_factory=list)
    assigned: dict[str, cst.BaseExpression] = field(default_factory=dict)
    """Top-level names bound by a plain assignment (``W = make_workflow(...)``)."""

    @classmethod
    def build(cls, module: cst.Module) -> "ModuleIndex":
        index = cls(module=module)
        index.constants = ScopeConstants(list(module.body))
        for stmt in _module_level(list(module.body)):
            index._add(stmt)
        for small in _nested_imports(list(module.body)):
            # asyncio or workers imported inside a function still names them there: recorded
            # module-wide (an over-approximation that costs nothing in practice).
            if type(small) is cst.Import:
                index._add_import(small)
            else:
                index._add_import_from(small)
        return index

    def _add(self, stmt: cst.BaseStatement) -> None:
        if type(stmt) is cst.ClassDef:
            self.classes[stmt.name.value] = stmt
        elif type(stmt) is cst.FunctionDef:
            self.functions[stmt.name.value] = stmt
        elif type(stmt) is cst.SimpleStatementLine:
            for small in stmt.body:
                if type(small) is cst.Import:
                    self.imports.append(small)
                    self._add_import(small)
                    self._bind_import(small)
                elif type(small) is cst.ImportFrom:
                    self.imports.append(small)
                    self._add_import_from(small)
                    self._bind_import_from(small)
                elif type(small) is cst.Assign:
                    for target in small.targets:
                        if type(target.target) is cst.Name:
                            self.assigned[target.target.value] = small.value

    def _bind_import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            if alias.asname is not None:
                self.module_imports[_alias_name(alias)] = name
            else:
                head = name.split(".")[0]
                self.module_imports[head] = head

    def _bind_import_from(self, node: cst.ImportFrom) -> None:
        level = len(node.relative)
        source = dotted_name(node.module) if node.module is not None else None
        if type(node.names) is cst.ImportStar:
            self.star_imports.append((level, source))
            return
        for alias in node.names:
            imported = dotted_name(alias.name)
            if imported:
                self.from_imports[_alias_name(alias)] = (level, source, imported)

    def _add_import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted_name(alias.name)
            local = _alias_name(alias) if alias.asname else None
            if name == WORKERS_MODULE:
                self.workers_aliases.add(local or name)
            elif name == "asyncio":
                self.asyncio_aliases.add(local or name)

    def _add_import_from(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        source = dotted_name(node.module)
        if type(node.names) is cst.ImportStar:
            if source == WORKERS_MODULE:
                self.entry_aliases.add(ENTRYPOINT)
            return
        for alias in node.names:
            imported = dotted_name(alias.name)
            local = _alias_name(alias)
            if source == WORKERS_MODULE and imported == ENTRYPOINT:
                self.entry_aliases.add(local)
            elif source == "asyncio" and imported:
                self.asyncio_names[local] = imported

    # --- workflow classes (SEMANTICS §2.1) ----------------------------------------------------

    def is_entrypoint_base(self, base: cst.BaseExpression) -> bool:
        if type(base) is cst.Name:
            return base.value in self.entry_aliases
        if type(base) is cst.Attribute and base.attr.value == ENTRYPOINT:
            return dotted_name(base.value) in self.workers_aliases
        return False

    def asyncio_function(self, func: cst.BaseExpression) -> str | None:
        """``gather`` for ``asyncio.gather`` / an imported ``gather``, else None."""
        if type(func) is cst.Name:
            return self.asyncio_names.get(func.value)
        if type(func) is cst.Attribute and type(func.value) is cst.Name:
            if func.value.value in self.asyncio_aliases:
                return func.attr.value
        return None


def _module_level(body: list[cst.BaseStatement]) -> Iterator[cst.BaseStatement]:
    for stmt in body:
        yield stmt
        if type(stmt) in (cst.If, cst.Try, cst.TryStar, cst.With):
            for suite in compound_bodies(stmt):
                yield from _module_level(suite_statements(suite))


def _nested_imports(body: list[cst.BaseStatement], nested: bool = False) -> Iterator[cst.Import | cst.ImportFrom]:
    """Import statements inside functions and classes (the module's own are indexed as bindings)."""
    for stmt in body:
        if type(stmt) in (cst.FunctionDef, cst.ClassDef):
            yield from _nested_imports(suite_statements(stmt.body), True)
            continue
        if nested and type(stmt) is cst.SimpleStatementLine:
            yield from (s for s in stmt.body if type(s) in (cst.Import, cst.ImportFrom))
        for suite in compound_bodies(stmt):
            yield from _nested_imports(suite_statements(suite), nested)
