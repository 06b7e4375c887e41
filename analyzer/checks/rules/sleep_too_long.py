"""WF044 sleep-too-long (docs/python-api.md §2.2, §7: at most 365 days)."""

from __future__ import annotations

from collections.abc import Iterable

from .. import durations
from ...diagnostics import Diagnostic
from ..rule import Invalid, Rule, RuleContext, Valid
from ..step_args import duration_sites, literal, milliseconds

LIMIT_MS = 365 * durations.DAY


class SleepTooLong(Rule):
    """A `step.sleep` longer than the engine's maximum of 365 days.

    ## What it does
    Flags a `step.sleep` whose duration (a string, or a number of milliseconds) is over 365 days.
    The engine counts a month as 30 days and a year as 365.25 days, so `"1 year"` is already too
    long.

    ## Why is this bad?
    Workflows limits a sleep to 365 days; a longer one fails when the instance reaches it, which
    may be long after deploy.

    ## Example
    ```python
    await step.sleep("renewal reminder", "1 year")
    ```

    ## Use instead:
    Sleep in several steps, or until a date with `step.sleep_until`:
    ```python
    await step.sleep("renewal reminder", "365 days")
    ```
    """

    code = "WF044"
    name = "sleep-too-long"
    severity = "error"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint


            class Renewal(WorkflowEntrypoint):
                async def run(self, event, step):
                    await step.sleep("renewal reminder", "365 days")
                    await step.sleep("second reminder", "12 months")
            """),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint


            class Renewal(WorkflowEntrypoint):
                async def run(self, event, step):
                    await step.sleep("renewal reminder", "1 year")
                    await step.sleep("second reminder", "60 weeks")
            """, lines=(6, 7)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        for site in duration_sites(ctx.code, ctx.implicit):
            if site.kind != "sleep":
                continue
            ms = milliseconds(literal(site.expr, site.consts))
            if ms is not None and ms > LIMIT_MS:
                yield ctx.report(site.expr, f"sleep of {durations.describe_ms(ms)} is over the "
                                 "maximum of 365 days")
