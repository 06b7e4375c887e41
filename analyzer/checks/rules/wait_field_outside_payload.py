"""WF037 wait-field-outside-payload (docs/python-api.md §2.4; SEMANTICS §7.2)."""

from __future__ import annotations

from collections.abc import Iterable

from ...diagnostics import Diagnostic
from ..field_reads import FixedFields, misplaced_reads
from ..rule import Invalid, Rule, RuleContext, Valid

RECEIVED_EVENT = FixedFields(
    # The fields of what step.wait_for_event returns: the event a sender sent.
    fields=("payload", "timestamp", "type"),
    roots=lambda function: function.wait_roots,
    subject="what wait_for_event returns",
    data="the sender's data is",
    when="when the event arrives",
)


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
        return misplaced_reads(ctx, RECEIVED_EVENT)
