"""WF021 nested-step (SEMANTICS §3.1: steps run inside a step's body go in its nodes)."""

from __future__ import annotations

from collections.abc import Iterable

from ...python import facts as F
from ...diagnostics import Diagnostic
from ..rule import Invalid, Rule, RuleContext, Valid


class NestedStep(Rule):
    """A step run inside another step's body.

    ## What it does
    Flags a step wrapper awaited, or a `step.sleep` / `step.sleep_until` / `step.wait_for_event`
    called, while a step body runs, including through helpers the body calls.

    ## Why is this bad?
    A step body is one attempt of one step: when it fails, the whole body runs again, and the
    engine does not support durable steps inside it. Sleeps and waits inside a step hold the
    attempt open against its timeout instead of hibernating the instance, and inner steps are
    recorded inconsistently across retries.

    ## Example
    ```python
    @step.do("outer")
    async def outer():
        @step.do("inner")
        async def inner(): ...
        await inner()
    ```

    ## Use instead:
    Run the steps one after the other from `run`, passing results along:
    ```python
    first = await outer()
    await inner()
    ```
    """

    code = "WF021"
    name = "nested-step"
    severity = "error"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint


            class Pipeline(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("outer")
                    async def outer():
                        return 1

                    @step.do("inner")
                    async def inner():
                        return 2

                    await outer()
                    await inner()
            """),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint


            class Pipeline(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("outer")
                    async def outer():
                        @step.do("inner")
                        async def inner():
                            return 1

                        await inner()
                        await step.sleep("inner nap", "1 second")
                        return 2

                    await outer()
            """, lines=(12, 13)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        for fact in ctx.facts(F.NESTED_STEP):
            yield ctx.report(fact.node, "a step runs inside another step's body; run it from "
                             "the workflow instead")
