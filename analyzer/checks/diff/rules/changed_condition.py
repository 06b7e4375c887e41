"""WF107 changed-condition (SEMANTICS §10.3)."""

from __future__ import annotations

from .base import DiffRule, Pair, workflow


class ChangedCondition(DiffRule):
    """A changed condition of an `if`, `match` or loop that existing steps depend on.

    ## What it does
    Flags an `if` / `elif` test, a `match` subject or case, or a loop header (`for x in xs`,
    `while c`) that differs from the previous version's (formatting aside), when existing
    steps run inside it or after it. The two versions' conditions are matched through the steps
    inside them, or by their place when they hold none.

    ## Why is this bad?
    An instance that is running when you deploy replays `run` on the new code with the results
    it cached on the old path. With a new condition the replay may take the other branch: the
    cached steps of the old path are never read, and steps of the new path run late, out of
    their order. A loop over another list pairs cached results with other items.

    ## Example
    ```python
    # before
    if order["total"] > 100:
        await review()
    # after
    if order["total"] > 500:
        await review()
    ```

    ## Use instead:
    Keep the condition and add the new case as a new branch that only new instances reach (on a
    payload field they carry), or let in-flight instances finish first.
    """

    code = "WF107"
    name = "changed-condition"
    severity = "warning"

    VALID = (
        Pair(
            base=workflow("""
                if event["payload"]["total"] > 100:
                    await step.sleep("review", "1 hour")
            """),
            head=workflow("""
                if (
                    event["payload"]["total"]  >  100
                ):
                    await step.sleep("review", "1 hour")
            """),
        ),
    )
    INVALID = (
        Pair(
            base=workflow("""
                if event["payload"]["total"] > 100:
                    await step.sleep("review", "1 hour")
            """),
            head=workflow("""
                if event["payload"]["total"] > 500:
                    await step.sleep("review", "1 hour")
            """),
            lines=(6,),
        ),
    )
