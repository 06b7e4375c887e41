"""WF102 shifted-step-count (SEMANTICS §10.3, §10.3a)."""

from __future__ import annotations

from .base import DiffRule, Pair, workflow


_LOOP = """
for order in event["payload"]["orders"]:
    @step.do("notify")
    async def notify():
        return await send(order)

    await notify()
"""

_SUMMARY = """
@step.do("{name}")
async def summary():
    return await send_summary()

await summary()
"""


class ShiftedStepCount(DiffRule):
    """A call added, removed or moved before another call of the same step name.

    ## What it does
    Flags, for a step name that occurs more than once in a run (two calls of one step, a step in
    a loop, a helper called twice), an occurrence that the new version inserts, removes or
    moves before an existing occurrence of that name. The finding is at the occurrence that
    moved: HEAD's for one added, BASE's for one removed.

    ## Why is this bad?
    The engine keys a step by its name and its count: the number of earlier calls of that name
    in the run. Insert a call of `"notify"` before the existing ones and, in an instance that is
    running when you deploy, the new call receives the cached result of the old first
    `"notify"`, the old first call receives the second's, and the last one runs again. Nothing
    fails: results silently go to the wrong calls.

    ## Example
    ```python
    # before
    for order in orders:
        await notify(order)          # "notify" #0, #1, …
    # after
    await notify(summary)            # now "notify" #0: takes the first order's result
    for order in orders:
        await notify(order)
    ```

    ## Use instead:
    Give the new call its own name (`@step.do("notify summary")`), or add it after every
    existing call of the name; or let in-flight instances finish first.
    """

    code = "WF102"
    name = "shifted-step-count"
    severity = "error"

    VALID = (
        Pair(workflow(_LOOP), workflow(_LOOP + _SUMMARY.format(name="notify summary"))),
    )
    INVALID = (
        Pair(workflow(_LOOP), workflow(_SUMMARY.format(name="notify") + _LOOP), lines=(10,)),
    )
