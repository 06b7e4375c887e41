"""WF111 removed-step (SEMANTICS §10.3, §10.3a)."""

from __future__ import annotations

from .base import CHARGE, DiffRule, Pair, workflow


_TWO_SLEEPS = """
await step.sleep("cool down", "1 hour")
await step.sleep("settle", "1 day")
"""


class RemovedStep(DiffRule):
    """A step the new version no longer runs.

    ## What it does
    Reports each step of the previous version that the new version has no longer, under any
    name, at its place in the previous version (`REV:path:line`). A renamed step whose body also
    changed is reported as removed (and its new form as a new step).

    ## Why is this bad?
    It is often intended, hence the info level. In-flight instances that ran the step keep a
    cached result nothing reads any more; instances that had not reached it never run it, so
    whatever it did (a refund, a notification) does not happen for them.

    ## Example
    ```python
    # before
    await audit()
    await ship()
    # after
    await ship()
    ```

    ## Use instead:
    Nothing, when in-flight instances can do without it; otherwise keep the step until they
    have finished.
    """

    code = "WF111"
    name = "removed-step"
    severity = "info"

    VALID = (
        Pair(workflow(CHARGE), workflow("await self.charged(step, event)", helpers="""
async def charged(self, step, event):  # the step moved into a helper, unchanged
""" + CHARGE.replace("\n", "\n    "))),
    )
    INVALID = (
        Pair(workflow(_TWO_SLEEPS), workflow(_TWO_SLEEPS.split("\n", 2)[2]), lines=(6,)),
    )
