"""WF105 changed-sleep-duration (SEMANTICS §10.3)."""

from __future__ import annotations

from .base import DiffRule, Pair, workflow


class ChangedSleepDuration(DiffRule):
    """A sleep that keeps its name but gets another duration.

    ## What it does
    Flags a `step.sleep` whose name is unchanged and whose duration differs from the previous
    version's.

    ## Why is this bad?
    The engine keys a sleep by its name *and* its duration. Replayed on the new code, an
    instance that already slept there (or is sleeping) finds no sleep with the new duration in
    its cache, and sleeps again, for the whole new duration: a one-day reminder that became two
    days delays every in-flight instance by two more days.

    ## Example
    ```python
    # before
    await step.sleep("wait for payment", "1 day")
    # after
    await step.sleep("wait for payment", "2 days")
    ```

    ## Use instead:
    Give the changed sleep a new name, so the extra wait is a deliberate choice
    (`"wait for payment (2 days)"`), or let in-flight instances finish first.
    """

    code = "WF105"
    name = "changed-sleep-duration"
    severity = "warning"

    VALID = (
        Pair(
            base=workflow("""
                await step.sleep("wait for payment", "1 day")
            """),
            head=workflow("""
                await step.sleep("wait for payment",  "1 day")  # formatting only
            """),
        ),
    )
    INVALID = (
        Pair(
            base=workflow("""
                await step.sleep("wait for payment", "1 day")
            """),
            head=workflow("""
                await step.sleep("wait for payment", "2 days")
            """),
            lines=(6,),
        ),
    )
