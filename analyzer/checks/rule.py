"""The shape every lint rule shares (docs/design.md, Conventions; Fixit's and ruff's habits, docs/peer-tools.md
§B.1, §B.3, §E).

A rule is a class in its own module under ``checks/rules/``:

    class NestedStep(Rule):
        \"\"\"One-line summary.

        ## What it does
        ...
        ## Why is this bad?
        ...
        ## Example
        ```python
        ...
        ```

        ## Use instead:
        ```python
        ...
        ```
        \"\"\"

        code = "WF021"
        name = "nested-step"
        severity = "error"
        VALID = (Valid(\"\"\"...a complete workflow module...\"\"\"),)
        INVALID = (Invalid(\"\"\"...\"\"\", lines=(9,)),)

        def check(self, ctx):
            for fact in ctx.facts(F.NESTED_STEP):
                yield ctx.report(fact.node, fact.message)

``check(ctx)`` runs once per workflow class (``scope = "workflow"``, the default) or once per file
(``scope = "file"``, with ``ctx.workflow`` None), and yields Diagnostics made with
``ctx.report(node, message)`` at a libcst node of the file. The docstring is the rule's
documentation (docs/rules.md is generated from it); ``VALID`` and ``INVALID`` are complete small
workflow modules that the test suite runs: every invalid one must raise this rule's code and no
other, every valid one nothing at all.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import libcst as cst

from ..diagnostics import Diagnostic, Severity
from ..records import record
from .function_body import Function
from .imports import ImportMap
from .call_graph import CallResolver, local_classes
from .workflow_code import FileCode, WorkflowCode

if TYPE_CHECKING:
    from ..analysis import FileAnalysis, WorkflowAnalysis
    from ..project.config import Config
    from ..project.wrangler import WranglerConfig
    from ..python.facts import Fact


@record(frozen=True)
class Valid:
    """An example module the rule must accept. ``implicit`` is the ``step.do`` mode it runs
    under (docs/python-api.md §2.0): True, False, or None (no wrangler file: both accepted).
    ``compatibility_date``, when given, is the Worker's, as a wrangler file next to the module
    would give it (it also decides the mode when ``implicit`` is None)."""

    source: str
    implicit: bool | None = None
    compatibility_date: str | None = None


@record(frozen=True)
class Invalid:
    """An example module the rule must flag; ``lines``, when given, are exactly the lines of the
    findings (one entry per finding, in order)."""

    source: str
    lines: tuple[int, ...] = ()
    implicit: bool | None = None
    compatibility_date: str | None = None


def example_settings(example: Valid | Invalid) -> tuple[bool | None, "WranglerConfig | None"]:
    """The ``step.do`` mode and the wrangler configuration an example runs under."""
    from ..project.wrangler import WranglerConfig, implicit_dependencies

    if example.compatibility_date is None:
        return example.implicit, None
    wrangler = WranglerConfig(path=Path("wrangler.toml"), main="example.py",
                              compatibility_date=example.compatibility_date,
                              compatibility_flags=("python_workers",), workflows=())
    implicit = example.implicit if example.implicit is not None else implicit_dependencies(wrangler)
    return implicit, wrangler


class Rule:
    """Base class of the lint rules; see the module docstring."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    scope: ClassVar[str] = "workflow"
    VALID: ClassVar[tuple[Valid, ...]] = ()
    INVALID: ClassVar[tuple[Invalid, ...]] = ()

    def check(self, ctx: "RuleContext") -> Iterable[Diagnostic]:
        raise NotImplementedError

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        return cls.documentation().split("\n", 1)[0].strip()


@record
class Shared:
    """Per file: what every rule's context shares, computed on first use."""

    file: "FileAnalysis"
    config: "Config | None" = None
    implicit: bool | None = None
    wrangler: "WranglerConfig | None" = None
    _file_code: FileCode | None = None
    _workflow_code: dict[int, WorkflowCode] = field(default_factory=dict)
    _classes: Any = None
    _imports: dict[int, ImportMap] = field(default_factory=dict)

    @property
    def file_code(self) -> FileCode:
        if self._file_code is None:
            assert self.file.source is not None
            self._file_code = FileCode(self.file.source.module)
        return self._file_code

    def workflow_code(self, workflow: "WorkflowAnalysis") -> WorkflowCode:
        code = self._workflow_code.get(id(workflow))
        if code is None:
            resolver = CallResolver(self.classes, workflow.cls)
            code = self._workflow_code[id(workflow)] = WorkflowCode(self.file_code, workflow, resolver)
        return code

    @property
    def classes(self) -> Any:
        """The project model of the analysis (SEMANTICS §2.4), or of the file alone."""
        if self._classes is None:
            self._classes = self.file.classes or local_classes(self.file_code.module)
        return self._classes

    def imports_of(self, node: cst.CSTNode) -> ImportMap:
        """The imports of the module ``node`` is written in: a helper of another module names
        ``datetime`` by that module's imports (SEMANTICS §2.4)."""
        for module in self.classes.linker.modules.values():
            if module is not self.classes.linker.home and module.source.has(node):
                found = self._imports.get(id(module))
                if found is None:
                    found = self._imports[id(module)] = ImportMap(module.module)
                return found
        return self.file_code.imports


class RuleContext:
    """What a rule's ``check`` sees: the file's analysis, the workflow (None for file rules), the
    configuration, the ``step.do`` mode, shared views of the code, and ``report``."""

    def __init__(self, rule: Rule, shared: Shared, workflow: "WorkflowAnalysis | None") -> None:
        self.rule = rule
        self.shared = shared
        self.workflow = workflow

    @property
    def file(self) -> "FileAnalysis":
        return self.shared.file

    @property
    def path(self) -> str:
        return self.shared.file.path

    @property
    def config(self) -> "Config | None":
        return self.shared.config

    @property
    def implicit(self) -> bool | None:
        return self.shared.implicit

    @property
    def wrangler(self) -> "WranglerConfig | None":
        """The wrangler configuration that governs the file, when one does."""
        return self.shared.wrangler

    @property
    def module(self) -> cst.Module:
        assert self.file.source is not None
        return self.file.source.module

    @property
    def file_code(self) -> FileCode:
        return self.shared.file_code

    @property
    def imports(self) -> ImportMap:
        return self.shared.file_code.imports

    @property
    def code(self) -> WorkflowCode:
        assert self.workflow is not None, "a file-scope rule has no workflow"
        return self.shared.workflow_code(self.workflow)

    def qualified(self, expr: cst.BaseExpression) -> str | None:
        return self.shared.imports_of(expr).qualified(expr)

    def source(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def called_from(self, function: Function) -> tuple[str, ...]:
        """A note saying why a helper's code runs as workflow code: the calls that reach it,
        ``run → day (line 11) → today (line 20)``."""
        first = function.helper()
        if first is None:
            return ()
        hops: list[str] = []
        seen: set[int] = set()
        helper: Function | None = first
        caller: Function | None = None
        while helper is not None and helper.reached_from is not None and id(helper) not in seen:
            seen.add(id(helper))
            hops.append(f"{helper.fn.name.value} (line {self.file.span(helper.reached_from).line})")
            caller = self.code.call_owner.get(id(helper.reached_from))
            helper = caller.helper() if caller is not None else None
        while caller is not None and caller.parent is not None:
            caller = caller.parent
        top = [caller.fn.name.value] if caller is not None else []
        path = " → ".join(top + hops[::-1])
        return (f"`{first.fn.name.value}` runs as workflow code, outside any step: {path}",)

    def facts(self, *kinds: str) -> list["Fact"]:
        """The walker's facts of these kinds for this workflow, each (kind, node) once: a helper
        analysed once per way it is called records the same fact more than once."""
        if self.workflow is None:
            return []
        seen: set[tuple[str, int]] = set()
        out = []
        for fact in self.workflow.facts:
            key = (fact.kind, id(fact.node))
            if fact.kind in kinds and key not in seen:
                seen.add(key)
                out.append(fact)
        return out

    def report(self, node: Any, message: str, *, severity: Severity | None = None,
               notes: Iterable[str] = ()) -> Diagnostic:
        """A Diagnostic of this rule at ``node`` (a libcst node of this file, or a graph node)."""
        span = self.file.span(node)
        return Diagnostic(
            code=self.rule.code,
            name=self.rule.name,
            severity=severity or self.rule.severity,
            message=message,
            path=self.file.path_of(node),
            line=span.line,
            column=span.column,
            end_line=span.end_line,
            end_column=span.end_column,
            notes=tuple(notes),
        )
