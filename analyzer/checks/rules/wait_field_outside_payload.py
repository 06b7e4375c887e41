"""WF037 wait-field-outside-payload (reference/python-sdk.md §2.4; SEMANTICS §7.2)."""

from __future__ import annotations

from collections.abc import Iterable

from ...diagnostics import Diagnostic
from ..field_reads import close_field, field_reads
from ..rule import Invalid, Rule, RuleContext, Valid

WAIT_FIELDS = ("payload", "timestamp", "type")
"""The fields of what ``step.wait_for_event`` returns (the received event)."""


class WaitFieldOutsidePayload(Rule):
    """A field of a received event read from the root of the `wait_for_event` result.

    ## What it does
    Flags `reply["decision"]`, `reply.get("decision")` and `reply.decision` where `reply` holds
    what `await step.wait_for_event(...)` returned, when the field is not one a received event
    has: `payload`, `timestamp` and `type`.

    ## Why is this bad?
    `wait_for_event` returns the event the sender passed to `send_event`, wrapped: the sender's
    data is under `reply["payload"]`. `reply["decision"]` raises `KeyError` and
    `reply.decision` `AttributeError` when the event arrives, and `reply.get("decision")` is
    always `None`, so every instance takes the same branch whatever was sent. It is an error for
    that reason: no received event can have the field.

    ## Example
    ```python
    reply = await step.wait_for_event("wait for approval", "approval")
    if reply["decision"] == "approve":
        ...
    ```

    ## Use instead:
    ```python
    reply = await step.wait_for_event("wait for approval", "approval")
    if reply["payload"]["decision"] == "approve":
        ...
    ```
    """

    code = "WF037"
    name = "wait-field-outside-payload"
    severity = "error"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint


            class Approval(WorkflowEntrypoint):
                async def run(self, event, step):
                    reply = await step.wait_for_event("wait for approval", "approval")
                    decision = reply["payload"]["decision"]
                    when = reply.timestamp

                    @step.do("record")
                    async def record():
                        return [decision, when.isoformat(), reply.get("type")]

                    await record()
            """),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint


            class Approval(WorkflowEntrypoint):
                async def run(self, event, step):
                    reply = await step.wait_for_event("wait for approval", "approval")
                    decision = reply["decision"]

                    @step.do("record")
                    async def record():
                        return [decision, reply.get("approver"), reply.event_type]

                    await record()
            """, lines=(7, 11, 11)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        for function in ctx.code.functions:
            for read in field_reads(function, function.wait_roots):
                if read.key in WAIT_FIELDS:
                    continue
                meant = close_field(read.key, WAIT_FIELDS)
                if meant is not None:
                    note = f"the received event's field is `{meant}`"
                else:
                    note = f"the sender's data is under payload: `{read.under_payload(ctx.module)}`"
                yield ctx.report(read.node, f"what wait_for_event returns has no field "
                                 f"{read.key!r} ({read.consequence()} when the event arrives)",
                                 notes=(note, "a received event has " + ", ".join(WAIT_FIELDS)))
