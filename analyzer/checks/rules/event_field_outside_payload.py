"""WF036 event-field-outside-payload (docs/python-api.md §2.7; SEMANTICS §7.1)."""

from __future__ import annotations

from collections.abc import Iterable

from ...diagnostics import Diagnostic
from ..field_reads import FixedFields, misplaced_reads
from ..rule import Invalid, Rule, RuleContext, Valid

EVENT = FixedFields(
    # The fields of the event `run` receives (rpc.d.ts WorkflowEvent).
    fields=("payload", "timestamp", "instanceId", "workflowName", "schedule"),
    roots=lambda function: function.event_roots,
    subject="the workflow event",
    data="instance parameters are",
    when="on every instance",
)


class EventFieldOutsidePayload(Rule):
    """An instance parameter read from the root of the workflow event.

    ## What it does
    Flags `event["order"]`, `event.get("city")` (also `(event or {}).get("city")`) and
    `event.order` on the event `run` receives (under any name, through plain aliases, in helpers
    it is passed to and in step bodies) when the field is not one the event has: `payload`,
    `timestamp`, `instanceId`, `workflowName` and, for instances started by a cron schedule,
    `schedule`.

    ## Why is this bad?
    The parameters given to `create(params=...)` are under `event["payload"]`; the event's own
    fields are fixed by the runtime. `event["order"]` raises `KeyError` and `event.order`
    `AttributeError` on every instance, and `event.get("city")` is always `None`, so the
    workflow silently runs without its input. It is an error for that reason: no instance can
    have the field.

    ## Example
    ```python
    async def run(self, event, step):
        city = event.get("city")
    ```

    ## Use instead:
    ```python
    async def run(self, event, step):
        city = event["payload"].get("city")
    ```
    """

    code = "WF036"
    name = "event-field-outside-payload"
    severity = "error"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint


            class Forecast(WorkflowEntrypoint):
                async def run(self, event, step):
                    city = event["payload"].get("city")
                    started = event.timestamp
                    tag = f"{event['instanceId']}-{event.get('workflowName')}"
                    keys = list(event.keys())

                    @step.do("fetch")
                    async def fetch():
                        return [city, started.isoformat(), tag, keys, event.payload["units"]]

                    await fetch()
            """),
        Valid("""
            from workers import WorkflowEntrypoint


            class Forecast(WorkflowEntrypoint):
                async def run(self, event, step):
                    event = event["payload"]
                    city = event["city"]

                    @step.do("fetch")
                    async def fetch():
                        return city

                    await fetch()
            """),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint


            class Forecast(WorkflowEntrypoint):
                async def run(self, event, step):
                    city = event.get("city")
                    order = self.order_of(event)

                    @step.do("fetch")
                    async def fetch():
                        return [city, order, event.units]

                    await fetch()

                def order_of(self, evt):
                    return evt["order"]
            """, lines=(6, 11, 16)),
        Invalid("""
            from workers import WorkflowEntrypoint


            class Weather(WorkflowEntrypoint):
                async def run(self, event, step):
                    city = (event or {}).get("city", "San Francisco")

                    @step.do("fetchWeather")
                    async def fetch_weather():
                        return city

                    return await fetch_weather()
            """, lines=(6,)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        return misplaced_reads(ctx, EVENT)
