"""WF050 legacy-on-run (SEMANTICS §2.2; docs/python-api.md §6, CFP018)."""

from __future__ import annotations

from collections.abc import Iterable

from ...python import facts as F
from ...diagnostics import Diagnostic
from ..rule import Invalid, Rule, RuleContext, Valid


class LegacyOnRun(Rule):
    """A workflow class with `on_run` and no `run`.

    ## What it does
    Flags a `WorkflowEntrypoint` subclass that defines `on_run` (the entry point of early Python
    Workflows) but no `run`, directly or through its base classes.

    ## Why is this bad?
    The runtime calls `run(self, event, step)`. A class without it fails on every instance, and
    wfgraph cannot draw its graph.

    ## Example
    ```python
    class Checkout(WorkflowEntrypoint):
        async def on_run(self, event, step): ...
    ```

    ## Use instead:
    ```python
    class Checkout(WorkflowEntrypoint):
        async def run(self, event, step): ...
    ```
    """

    code = "WF050"
    name = "legacy-on-run"
    severity = "error"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint


            class Checkout(WorkflowEntrypoint):
                async def run(self, event, step):
                    await step.sleep("pause", "1 second")
            """),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint


            class Checkout(WorkflowEntrypoint):
                async def on_run(self, event, step):
                    await step.sleep("pause", "1 second")
            """, lines=(5,)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        for fact in ctx.facts(F.LEGACY_ON_RUN):
            yield ctx.report(fact.node, f"{fact.message}; rename on_run to run")
