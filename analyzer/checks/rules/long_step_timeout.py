"""WF043 long-step-timeout (docs/python-api.md §6 rule 12)."""

from __future__ import annotations

from collections.abc import Iterable

from .. import durations
from ...diagnostics import Diagnostic
from ..rule import Invalid, Rule, RuleContext, Valid
from ..step_args import duration_sites, literal, milliseconds

LIMIT_MS = 30 * durations.MINUTE


class LongStepTimeout(Rule):
    """A step timeout longer than 30 minutes.

    ## What it does
    Flags a `timeout` in a step's `config` (a duration string, or a number of milliseconds) that
    is longer than 30 minutes.

    ## Why is this bad?
    Cloudflare's Rules of Workflows ask to keep step timeouts at 30 minutes or less. A step that
    waits on something slow (a human, an external job) holds a running attempt the whole time,
    and a retry after a timeout repeats the whole wait. Waiting is what `step.wait_for_event` is
    for: the instance hibernates until the event arrives, for up to a year.

    ## Example
    ```python
    @step.do("await approval", config={"timeout": "6 hours"})
    async def approval():
        return await poll_until_approved()
    ```

    ## Use instead:
    ```python
    approval = await step.wait_for_event("await approval", "approval", timeout="6 hours")
    ```
    """

    code = "WF043"
    name = "long-step-timeout"
    severity = "warning"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint


            class Export(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("export", config={"timeout": "30 minutes"})
                    async def export():
                        return 1

                    await export()
                    await step.wait_for_event("await approval", "approval", timeout="6 hours")
            """),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint


            class Export(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("export", config={"timeout": "2 hours"})
                    async def export():
                        return 1

                    await export()
            """, lines=(6,)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        for site in duration_sites(ctx.code, ctx.implicit):
            if site.kind != "timeout":
                continue
            ms = milliseconds(literal(site.expr, site.consts))
            if ms is not None and ms > LIMIT_MS:
                yield ctx.report(site.expr, f"step timeout of {durations.describe_ms(ms)} is over "
                                 "30 minutes", notes=(
                                     "wait for slow work with step.wait_for_event, which "
                                     "hibernates the instance, instead of a long-running step",))
