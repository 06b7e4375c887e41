"""WF104 reordered-steps (SEMANTICS §10.3, §10.3a)."""

from __future__ import annotations

from .base import DiffRule, Pair, workflow


_GATHER = """
await asyncio.gather(  # started together: their order is not an order
    step.sleep("cool down", "1 hour"),
    step.sleep("settle", "1 day"),
)
"""

_TWO_SLEEPS = """
await step.sleep("cool down", "1 hour")
await step.sleep("settle", "1 day")
"""


def _swapped(text: str) -> str:
    a, b = '"cool down", "1 hour"', '"settle", "1 day"'
    return text.replace(a, "\0").replace(b, a).replace("\0", b)


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
        Pair(workflow(_GATHER), workflow(_swapped(_GATHER))),
    )
    INVALID = (
        Pair(workflow(_TWO_SLEEPS), workflow(_swapped(_TWO_SLEEPS)), lines=(6,)),
    )
