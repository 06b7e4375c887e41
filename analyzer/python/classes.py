"""Workflow classes and their methods across a project's modules (SEMANTICS §2.1, §2.4, §6.1a).

A workflow is a class deriving, directly or through classes of any module of the project, from
``workers.WorkflowEntrypoint``. Its methods are looked up like Python's attribute lookup: the
class first, then its bases in order (depth first here, which agrees with Python's C3 order for
the single-inheritance chains workflows use), so a ``run`` inherited from a base calls the
subclass's overrides.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from ..records import record
from .linker import LinkedModule, Linker, Symbol
from .literals import dotted_name
from .module_index import ENTRYPOINT, WORKERS_MODULE, suite_statements

ENTRYPOINT_NAME = f"{WORKERS_MODULE}.{ENTRYPOINT}"


@record(frozen=True, eq=False)
class ClassRef:
    node: cst.ClassDef
    module: LinkedModule

    @property
    def name(self) -> str:
        return self.node.name.value


@record(frozen=True, eq=False)
class MethodRef:
    fn: cst.FunctionDef
    module: LinkedModule
    kind: str
    """``method``, ``static`` (``@staticmethod``: no ``self``) or ``classmethod`` (``cls``)."""

    @property
    def name(self) -> str:
        return self.fn.name.value


def method_kind(fn: cst.FunctionDef) -> str:
    for deco in fn.decorators:
        name = dotted_name(deco.decorator)
        if name in ("staticmethod", "classmethod"):
            return "static" if name == "staticmethod" else "classmethod"
    return "method"


class Classes:
    def __init__(self, linker: Linker) -> None:
        self.linker = linker
        self._mro: dict[int, list[ClassRef]] = {}

    def bases(self, ref: ClassRef) -> Iterator[ClassRef | str]:
        """Each base as a class of the project, or as written when it is not one."""
        for arg in ref.node.bases:
            if arg.keyword is not None:
                continue  # metaclass=…
            symbol = self.linker.expression(ref.module, arg.value)
            if symbol is not None and symbol.kind == "class" and symbol.node is not ref.node:
                yield ClassRef(symbol.node, symbol.module)  # type: ignore[arg-type]
            else:
                yield _written(arg.value, symbol)

    def mro(self, ref: ClassRef) -> list[ClassRef]:
        """The class and its project bases, depth first, each once (cycles terminate);
        computed once per class, since every ``self.m`` call looks through it."""
        cached = self._mro.get(id(ref.node))
        if cached is None:
            cached = self._mro[id(ref.node)] = self._linearize(ref)
        return cached

    def _linearize(self, ref: ClassRef) -> list[ClassRef]:
        seen: list[ClassRef] = []

        def visit(cls: ClassRef) -> None:
            if any(cls.node is s.node for s in seen):
                return
            seen.append(cls)
            for base in self.bases(cls):
                if isinstance(base, ClassRef):
                    visit(base)

        visit(ref)
        return seen

    def is_entrypoint(self, ref: ClassRef, base: cst.BaseExpression) -> bool:
        if ref.module.index.is_entrypoint_base(base):
            return True
        symbol = self.linker.expression(ref.module, base)
        return symbol is not None and symbol.kind == "external" and symbol.detail == ENTRYPOINT_NAME

    def is_workflow(self, ref: ClassRef) -> bool:
        return any(self.is_entrypoint(c, arg.value) for c in self.mro(ref) for arg in c.node.bases)

    def workflow_classes(self, module: LinkedModule) -> list[ClassRef]:
        refs = [ClassRef(c, module) for c in module.index.classes.values()]
        return [r for r in refs if self.is_workflow(r)]

    def unresolved_bases(self, ref: ClassRef) -> str | None:
        """The first base (through the project's bases) that is neither a project class nor
        ``object``: why a class with a workflow's ``run`` could not be followed."""
        for cls in self.mro(ref):
            for base in self.bases(cls):
                if isinstance(base, str) and base != "object":
                    return base
        return None

    # --- methods ------------------------------------------------------------------------------

    def find_method(self, ref: ClassRef, name: str, after: ClassRef | None = None) -> MethodRef | None:
        """``name`` looked up on the class (``after``: only in the classes after that one, for
        ``super()``)."""
        classes = self.mro(ref)
        if after is not None:
            index = next((i for i, c in enumerate(classes) if c.node is after.node), None)
            classes = classes[index + 1:] if index is not None else []
        for cls in classes:
            for stmt in suite_statements(cls.node.body):
                if type(stmt) is cst.FunctionDef and stmt.name.value == name:
                    return MethodRef(stmt, cls.module, method_kind(stmt))
        return None

    def methods(self, ref: ClassRef) -> list[MethodRef]:
        """Methods visible on the class, the most derived of each name, in MRO order."""
        out: dict[str, MethodRef] = {}
        for cls in self.mro(ref):
            for stmt in suite_statements(cls.node.body):
                if type(stmt) is cst.FunctionDef:
                    out.setdefault(stmt.name.value, MethodRef(stmt, cls.module, method_kind(stmt)))
        return list(out.values())

    def owner(self, ref: ClassRef, fn: cst.FunctionDef) -> ClassRef | None:
        """The class of the MRO whose body defines ``fn``."""
        for cls in self.mro(ref):
            if any(stmt is fn for stmt in suite_statements(cls.node.body)):
                return cls
        return None


def _written(expr: cst.BaseExpression, symbol: Symbol | None) -> str:
    if symbol is not None and symbol.kind == "external":
        return symbol.detail
    return dotted_name(expr) or "<expression>"
