"""WF051 wrong-nonretryable-import (docs/python-api.md §2.5, CFP017)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import libcst as cst

from ...diagnostics import Diagnostic
from ..rule import Invalid, Rule, RuleContext, Valid
from ..imports import iter_imports
from ..expressions import subnodes

NAME = "NonRetryableError"


class WrongNonretryableImport(Rule):
    """`NonRetryableError` taken from `workers` instead of `workers.workflows`.

    ## What it does
    Flags `from workers import NonRetryableError` and `workers.NonRetryableError` (under any
    alias of `workers`).

    ## Why is this bad?
    `NonRetryableError` lives in `workers.workflows`. Imported from `workers`, the import fails
    when the Worker starts (or, in a `try` block, the name is missing where it is raised), so the
    error that should stop retries never reaches the engine.

    ## Example
    ```python
    from workers import NonRetryableError
    ```

    ## Use instead:
    ```python
    from workers.workflows import NonRetryableError
    ```
    """

    code = "WF051"
    name = "wrong-nonretryable-import"
    severity = "error"
    scope = "file"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint
            from workers.workflows import NonRetryableError


            class Validate(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("validate")
                    async def validate():
                        raise NonRetryableError("bad input")

                    await validate()
            """),
    )
    INVALID = (
        Invalid("""
            import workers
            from workers import NonRetryableError, WorkflowEntrypoint


            class Validate(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("validate")
                    async def validate():
                        raise workers.NonRetryableError("bad input")

                    await validate()
            """, lines=(2, 9)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        text = ctx.file.source.text if ctx.file.source is not None else ""
        if NAME not in text:
            return  # the cheap test first: most files never mention it
        for node in iter_imports(ctx.module.body):
            if (type(node) is cst.ImportFrom and not node.relative and node.module is not None
                    and ctx.source(node.module) == "workers"
                    and type(node.names) is not cst.ImportStar):
                for alias in node.names:
                    if type(alias.name) is cst.Name and alias.name.value == NAME:
                        yield ctx.report(alias, "NonRetryableError is in workers.workflows, not "
                                         "workers: import it with `from workers.workflows import "
                                         "NonRetryableError`")
        aliases = [local for local, target in ctx.imports.names.items() if target == "workers"]
        if not any(re.search(rf"\b{re.escape(a)}\s*\.\s*{NAME}\b", text) for a in aliases):
            return  # no `workers.NonRetryableError` anywhere: skip the walk over the whole tree
        for node in subnodes(ctx.module):
            if type(node) is cst.Attribute and node.attr.value == NAME:
                if ctx.qualified(node) == f"workers.{NAME}":
                    yield ctx.report(node, "NonRetryableError is in workers.workflows, not "
                                     "workers: use workers.workflows.NonRetryableError")
