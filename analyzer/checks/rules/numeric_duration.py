"""WF041 numeric-duration (docs/python-api.md §2.2, §2.3, §5.3, CFP011)."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from .. import durations
from ...diagnostics import Diagnostic
from ..rule import Invalid, Rule, RuleContext, Valid
from ..step_args import duration_sites, is_number, literal


class NumericDuration(Rule):
    """A duration or timestamp given as a bare number.

    ## What it does
    Flags a number (or a string of digits) used as the duration of `step.sleep`, the `timeout`
    of `step.wait_for_event`, the `timeout` or `retries.delay` of a step's `config`, or the
    timestamp of `step.sleep_until`. Zero is not flagged: it means the same in every unit.

    ## Why is this bad?
    The Python documentation says these numbers are seconds; the SDK passes them to JavaScript
    unchanged, where the engine reads them as milliseconds. `await step.sleep("wait", 60)` sleeps
    60 milliseconds, not a minute, and `step.sleep_until("x", time.time())` targets January 1970.

    ## Example
    ```python
    await step.sleep("back off", 60)
    ```

    ## Use instead:
    ```python
    await step.sleep("back off", "1 minute")
    ```
    """

    code = "WF041"
    name = "numeric-duration"
    severity = "warning"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint


            class Backoff(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("call", config={"retries": {"limit": 0, "delay": 0}})
                    async def call():
                        return 1

                    await call()
                    await step.sleep("back off", "1 minute")
            """),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint

            PAUSE = 60


            class Backoff(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("call", config={"retries": {"limit": 3, "delay": 5000}, "timeout": "30000"})
                    async def call():
                        return 1

                    await call()
                    await step.sleep("back off", PAUSE)
                    await step.wait_for_event("wait", "paid", timeout=86400)
            """, lines=(8, 8, 13, 14)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        for site in duration_sites(ctx.code, ctx.implicit):
            value = literal(site.expr, site.consts)
            if isinstance(value, str) and durations.is_numeric_string(value):
                number = float(value)
            elif is_number(value):
                number = float(value)
            else:
                continue
            if number <= 0:
                continue  # zero means the same in every unit; a negative one is no unit mix-up
            shown = ctx.source(site.expr)
            if type(site.expr) is cst.Name:
                shown = f"{shown} ({value!r})"
            if site.kind == "sleep_until":
                message = (f"{site.where} {shown} is read as milliseconds since the epoch by the "
                           "engine, not seconds")
                notes: tuple[str, ...] = ("pass a datetime instead of a number",)
            else:
                as_ms = durations.describe_ms(number)
                message = (f"{site.where} {shown} is read as {as_ms} (milliseconds) by the engine, "
                           "though the Python docs say seconds")
                notes = ("write the unit out, e.g. \"30 seconds\"",)
            yield ctx.report(site.expr, message, notes=notes)
