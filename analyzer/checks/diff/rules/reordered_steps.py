"""WF104 reordered-steps (SEMANTICS §10.3, §10.3a)."""

from __future__ import annotations

from .base import DiffRule, Pair, workflow


class ReorderedSteps(DiffRule):
    """Two existing steps that swap order.

    ## What it does
    Flags a pair of steps with different names that both versions run on a common path, in the
    opposite order in the new version; one finding per swapped pair, at the step that moved
    ahead (pairs with the same step ahead share one finding). Members of one `asyncio.gather`
    (or task group) start together and have no order among themselves.

    ## Why is this bad?
    An instance that is running when you deploy has cached results in the old order. Replayed
    on the new code, a step that used to come second may find the first one's cached result
    already in place, or run before it for the first time: "ship" runs before "charge" for an
    instance that had not charged yet, or the charge result an instance cached is used by code
    that now expects the shipment first.

    ## Example
    ```python
    # before
    await charge()
    await ship()
    # after
    await ship()
    await charge()
    ```

    ## Use instead:
    Keep the deployed order, or let in-flight instances finish first.
    """

    code = "WF104"
    name = "reordered-steps"
    severity = "warning"

    VALID = (
        Pair(
            base=workflow("""
                await asyncio.gather(
                    step.sleep("cool down", "1 hour"),
                    step.sleep("settle", "1 day"),
                )
            """),
            head=workflow("""
                await asyncio.gather(  # started together: their order is not an order
                    step.sleep("settle", "1 day"),
                    step.sleep("cool down", "1 hour"),
                )
            """),
        ),
    )
    INVALID = (
        Pair(
            base=workflow("""
                await step.sleep("cool down", "1 hour")
                await step.sleep("settle", "1 day")
            """),
            head=workflow("""
                await step.sleep("settle", "1 day")
                await step.sleep("cool down", "1 hour")
            """),
            lines=(6,),
        ),
    )
