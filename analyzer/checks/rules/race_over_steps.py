"""WF035 race-over-steps (SEMANTICS §4.3; docs/python-api.md §6 rule 7)."""

from __future__ import annotations

from collections.abc import Iterable

from ...python import facts as F
from ...diagnostics import Diagnostic
from ..rule import Invalid, Rule, RuleContext, Valid


class RaceOverSteps(Rule):
    """Steps raced against each other in workflow code.

    ## What it does
    Flags `asyncio.wait(..., return_when=FIRST_COMPLETED)` and `asyncio.as_completed(...)` over
    steps in `run` or its helpers (the Python forms of `Promise.race` / `Promise.any`).

    ## Why is this bad?
    Which step finishes first can differ on replay, so code that branches on the winner may take
    another path the next time `run` replays, while the engine has recorded both steps. The
    losing steps keep running and are recorded anyway. Cloudflare's Rules of Workflows ask to
    wrap a race in a step so the winner is recorded once.

    ## Example
    ```python
    done, pending = await asyncio.wait(
        [asyncio.create_task(fast()), asyncio.create_task(slow())],
        return_when=asyncio.FIRST_COMPLETED,
    )
    ```

    ## Use instead:
    Await the steps you need (for instance with `asyncio.gather`), or race plain coroutines
    inside one step so that its recorded result decides.
    """

    code = "WF035"
    name = "race-over-steps"
    severity = "warning"

    VALID = (
        Valid("""
            import asyncio
            from workers import WorkflowEntrypoint


            class Quotes(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("fast quote")
                    async def fast():
                        return 1

                    @step.do("slow quote")
                    async def slow():
                        return 2

                    quotes = await asyncio.gather(fast(), slow())
            """),
    )
    INVALID = (
        Invalid("""
            import asyncio
            from workers import WorkflowEntrypoint


            class Quotes(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("fast quote")
                    async def fast():
                        return 1

                    @step.do("slow quote")
                    async def slow():
                        return 2

                    done, pending = await asyncio.wait(
                        [asyncio.create_task(fast()), asyncio.create_task(slow())],
                        return_when=asyncio.FIRST_COMPLETED,
                    )
            """, lines=(15,)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        for fact in ctx.facts(F.RACE_OVER_STEPS):
            yield ctx.report(fact.node, f"{fact.message}: the winner may differ on replay",
                             notes=("race inside a single step, or await every step",))
