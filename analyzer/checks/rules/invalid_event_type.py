"""WF045 invalid-event-type (docs/python-api.md §2.4, §7)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...diagnostics import Diagnostic
from ..rule import Invalid, Rule, RuleContext, Valid
from ..step_args import static_text

PATTERN = re.compile(r"[a-zA-Z0-9_][a-zA-Z0-9\-_]*")
ALLOWED = re.compile(r"[a-zA-Z0-9\-_]*")
MAX_LENGTH = 100


class InvalidEventType(Rule):
    """An event type that no event can have.

    ## What it does
    Checks the event type of `step.wait_for_event(name, event_type)` (a string literal or a
    constant; for an f-string, its literal text) against the engine's rule: at most 100
    characters matching `^[a-zA-Z0-9_][a-zA-Z0-9-_]*$`: letters, digits, `-` and `_`, not
    starting with `-`.

    ## Why is this bad?
    The type must equal the `type` a sender passes to `instance.send_event(...)`, and senders are
    held to the same pattern, so a type with a space, a dot or a colon can never be sent: the
    wait times out (after 24 hours by default) every time.

    ## Example
    ```python
    await step.wait_for_event("wait for approval", "approval.granted")
    ```

    ## Use instead:
    ```python
    await step.wait_for_event("wait for approval", "approval-granted")
    ```
    """

    code = "WF045"
    name = "invalid-event-type"
    severity = "error"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint

            APPROVED = "approval_granted"


            class Approval(WorkflowEntrypoint):
                async def run(self, event, step):
                    await step.wait_for_event("wait for approval", APPROVED, timeout="1 day")
                    await step.wait_for_event("wait for payment", f"paid-{event['payload']['id']}")
            """),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint


            class Approval(WorkflowEntrypoint):
                async def run(self, event, step):
                    await step.wait_for_event("wait for approval", "approval.granted")
                    await step.wait_for_event("wait for payment", f"paid {event['payload']['id']}")
                    await step.wait_for_event("wait for refund", "-refund")
            """, lines=(6, 7, 8)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        for call in ctx.code.step_calls:
            if call.method != "wait_for_event":
                continue
            expr = call.args(ctx.implicit).get("event_type")
            found = static_text(expr, call.function.consts)
            if expr is None or found is None:
                continue
            pieces, whole = found
            problem = _problem(pieces, whole)
            if problem is not None:
                yield ctx.report(expr, f"event type {problem}; senders cannot send such an event, "
                                 "so the wait always times out", notes=(
                                     "use at most 100 letters, digits, '-' and '_', not "
                                     "starting with '-'",))


def _problem(pieces: list[str], whole: bool) -> str | None:
    text = "".join(pieces)
    bad = sorted({ch for piece in pieces for ch in piece if not ALLOWED.fullmatch(ch)})
    if bad:
        return f"contains {', '.join(repr(ch) for ch in bad)}"
    if whole and not PATTERN.fullmatch(text):
        return "is empty" if not text else "starts with '-'"
    if len(text) > MAX_LENGTH:
        return f"is {'' if whole else 'at least '}{len(text)} characters long (at most {MAX_LENGTH})"
    return None
