"""WF103 inserted-step (SEMANTICS §10.3, §10.3a)."""

from __future__ import annotations

from .base import CHARGE, DiffRule, Pair, workflow


class InsertedStep(DiffRule):
    """A new step or wait that runs before existing steps.

    ## What it does
    Flags a `step.do` or `wait_for_event` that the new version adds before a step the previous
    version already had, on some path through `run` (in a loop, anywhere in its body counts:
    the next iteration comes after it). A step added after every existing one, and a new sleep,
    are not flagged.

    ## Why is this bad?
    An instance that is running when you deploy replays `run` on the new code. The existing
    steps before its position return their cached results, but the new step has none: it runs
    when the instance resumes, after the steps that follow it in the code have already run.
    A new "reserve stock" step before "charge" runs after the charge for every in-flight order.

    ## Example
    ```python
    # before
    await charge()
    await ship()
    # after
    await reserve_stock()   # instances that already charged run it after the charge
    await charge()
    await ship()
    ```

    ## Use instead:
    Add new steps after the existing ones when their order does not matter, branch on a
    payload field that only new instances carry, or let in-flight instances finish first.
    """

    code = "WF103"
    name = "inserted-step"
    severity = "warning"

    VALID = (
        Pair(workflow(CHARGE), workflow(CHARGE + """
@step.do("send receipt")
async def receipt():
    return await mail(event["payload"])

await receipt()
""")),
    )
    INVALID = (
        Pair(workflow(CHARGE), workflow("""
@step.do("reserve stock")
async def reserve():
    return await hold(event["payload"])

await reserve()
""" + CHARGE), lines=(10,)),
    )
