"""WF040 invalid-duration (docs/python-api.md §5.3, CFP012)."""

from __future__ import annotations

from collections.abc import Iterable

from .. import durations
from ...diagnostics import Diagnostic
from ..rule import Invalid, Rule, RuleContext, Valid
from ..step_args import duration_sites, literal


class InvalidDuration(Rule):
    """A duration string the engine cannot parse.

    ## What it does
    Checks the duration strings of `step.sleep`, the `timeout` of `step.wait_for_event`, and the
    `timeout` and `retries.delay` of a step's `config` (constants followed) against the grammar
    the engine accepts: `"<number> <unit>"` or `"<number> <unit>s"`, with unit one of `second`,
    `minute`, `hour`, `day`, `week`, `month`, `year` (`"10 seconds"`, `"1.5 hours"`). Abbreviations
    (`"10s"`, `"5 min"`, `"1 hr"`), compound durations (`"1 hour 30 minutes"`) and words
    (`"ten seconds"`) are flagged, with the intended spelling when it is clear.

    ## Why is this bad?
    The engine's parser returns NaN for such strings, which makes the step's config invalid or
    the sleep fail, or, for an unknown unit after a space (`"10 sec"`), silently reads the number
    as milliseconds: a 10-second sleep becomes a 10-millisecond one.

    ## Example
    ```python
    await step.sleep("cool down", "10s")
    ```

    ## Use instead:
    ```python
    await step.sleep("cool down", "10 seconds")
    ```
    """

    code = "WF040"
    name = "invalid-duration"
    severity = "error"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint

            RETRY = {"retries": {"limit": 3, "delay": "1.5 minutes", "backoff": "linear"}, "timeout": "1 minute"}


            class Cooling(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("charge", config=RETRY)
                    async def charge():
                        return 1

                    await charge()
                    await step.sleep("cool down", "10 seconds")
                    await step.wait_for_event("wait", "paid", timeout="1 day")
            """),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint

            RETRY = {"retries": {"limit": 3, "delay": "5 min"}, "timeout": "1 hour 30 minutes"}


            class Cooling(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("charge", config=RETRY)
                    async def charge():
                        return 1

                    await charge()
                    await step.sleep("cool down", "10s")
                    await step.wait_for_event("wait", "paid", timeout="one day")
            """, lines=(3, 3, 13, 14)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        for site in duration_sites(ctx.code, ctx.implicit):
            if site.kind == "sleep_until":
                continue
            value = literal(site.expr, site.consts)
            if not isinstance(value, str) or durations.is_numeric_string(value):
                continue
            if durations.parse(value) is not None:
                continue
            fix = durations.suggestion(value)
            hint = f"; did you mean {fix!r}?" if fix else ""
            yield ctx.report(site.expr, f"{site.where} {value!r} is not a duration the engine "
                             f"understands{hint}", notes=(
                                 "write \"<number> <unit>\" with unit second, minute, hour, day, "
                                 "week, month or year (plural allowed), e.g. \"10 seconds\"",))
