"""WF034 asyncio-sleep-in-run (docs/python-api.md §6, CFP021)."""

from __future__ import annotations

from collections.abc import Iterable

from ...diagnostics import Diagnostic
from ..rule import Invalid, Rule, RuleContext, Valid

SLEEPS = ("asyncio.sleep", "trio.sleep", "anyio.sleep")


class AsyncioSleepInRun(Rule):
    """`asyncio.sleep` in workflow code instead of `step.sleep`.

    ## What it does
    Flags `asyncio.sleep(...)` (under any import alias) in `run` and the helpers it calls, outside
    `@step.do` bodies.

    ## Why is this bad?
    `asyncio.sleep` keeps the Worker busy for the whole wait and is not durable: if the instance
    is evicted or restarted, the wait starts over, and long waits run into the Worker's limits.
    `step.sleep` hibernates the instance, costs nothing while it waits, survives restarts, and
    does not count against the step limit.

    ## Example
    ```python
    await asyncio.sleep(3600)
    ```

    ## Use instead:
    ```python
    await step.sleep("wait an hour", "1 hour")
    ```
    """

    code = "WF034"
    name = "asyncio-sleep-in-run"
    severity = "warning"

    VALID = (
        Valid("""
            import asyncio
            from workers import WorkflowEntrypoint


            class Poll(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("poll")
                    async def poll():
                        await asyncio.sleep(0.5)
                        return 1

                    await poll()
                    await step.sleep("wait an hour", "1 hour")
            """),
    )
    INVALID = (
        Invalid("""
            import asyncio as aio
            from asyncio import sleep
            from workers import WorkflowEntrypoint


            class Poll(WorkflowEntrypoint):
                async def run(self, event, step):
                    await aio.sleep(3600)
                    await sleep(60)

                    @step.do("poll")
                    async def poll():
                        return 1

                    await poll()
            """, lines=(8, 9)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        for function in ctx.code.outside_steps():
            for call in function.calls:
                qualified = ctx.qualified(call.func)
                if qualified in SLEEPS:
                    yield ctx.report(call, f"{qualified}() in workflow code is not durable: "
                                     "use step.sleep(name, duration), which hibernates the "
                                     "instance")
