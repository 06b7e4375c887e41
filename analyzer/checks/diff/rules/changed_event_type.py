"""WF106 changed-event-type (SEMANTICS §10.3)."""

from __future__ import annotations

from .base import DiffRule, Pair, workflow


class ChangedEventType(DiffRule):
    """A wait for an event that keeps its name but waits for another event type.

    ## What it does
    Flags a `step.wait_for_event` whose name is unchanged and whose `event_type` differs from
    the previous version's.

    ## Why is this bad?
    An instance that is waiting there when the change deploys resumes on the new code, which
    now waits for the new type, while the services that send events (`instance.send_event`)
    may still send the old one, or already sent it: the wait never matches and times out. The
    event type is a contract between the workflow and its senders.

    ## Example
    ```python
    # before
    await step.wait_for_event("approval", "approved")
    # after
    await step.wait_for_event("approval", "order-approved")
    ```

    ## Use instead:
    Change the senders and the wait together under a new wait name, keep accepting the old type
    until in-flight instances are done, or let them finish first.
    """

    code = "WF106"
    name = "changed-event-type"
    severity = "warning"

    VALID = (
        Pair(
            base=workflow("""
                approval = await step.wait_for_event("approval", "approved")
            """),
            head=workflow("""
                approval = await step.wait_for_event(
                    "approval", "approved"
                )
            """),
        ),
    )
    INVALID = (
        Pair(
            base=workflow("""
                approval = await step.wait_for_event("approval", "approved")
            """),
            head=workflow("""
                approval = await step.wait_for_event("approval", "order-approved")
            """),
            lines=(6,),
        ),
    )
