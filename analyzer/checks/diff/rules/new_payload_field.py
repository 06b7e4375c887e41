"""WF108 new-payload-field (SEMANTICS §7.1, §10.3)."""

from __future__ import annotations

from .base import DiffRule, Pair, workflow


class NewPayloadField(DiffRule):
    """The workflow reads an event payload field that the previous version never read.

    ## What it does
    Compares the shape of the event payload each version reads (SEMANTICS §7.1: reads of
    `event["payload"]` anywhere in `run`, its helpers and its steps) and flags each field the new
    version reads first, at its first read. A field inside one the previous version read whole
    (passed on as it is) is not new.

    ## Why is this bad?
    An instance's payload is fixed when it is created. Instances created before the deploy were
    given payloads built for the old code, without the new field: when they resume on the new
    code, `event["payload"]["coupon"]` raises `KeyError` (and `TypeError` for a missing nested
    object), failing the instance outside any step, where no retry helps.

    ## Example
    ```python
    # before
    total = event["payload"]["total"]
    # after
    total = event["payload"]["total"] - event["payload"]["coupon"]
    ```

    ## Use instead:
    Read new fields with a default and handle their absence
    (`event["payload"].get("coupon", 0)`), or let in-flight instances finish first.
    """

    code = "WF108"
    name = "new-payload-field"
    severity = "warning"

    VALID = (
        Pair(
            base=workflow("""
                order = event["payload"]["order"]
                await step.sleep("settle", "1 hour")
            """),
            head=workflow("""
                order = event["payload"]["order"]
                await step.sleep("settle", "1 hour")
                total = order["total"]  # inside a field the old version read whole
            """),
        ),
    )
    INVALID = (
        Pair(
            base=workflow("""
                total = event["payload"]["total"]
                await step.sleep("settle", "1 hour")
            """),
            head=workflow("""
                total = event["payload"]["total"] - event["payload"]["coupon"]
                await step.sleep("settle", "1 hour")
            """),
            lines=(6,),
        ),
    )
