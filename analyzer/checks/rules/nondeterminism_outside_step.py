"""WF031 nondeterminism-outside-step (docs/python-api.md §2.6, §6 rule 4b)."""

from __future__ import annotations

from collections.abc import Iterable

from ...diagnostics import Diagnostic
from ..imports import is_nondeterministic
from ..rule import Invalid, Rule, RuleContext, Valid
from ..step_args import name_expr
from ..expressions import subnodes
from ..step_calls import STEP_API


class NondeterminismOutsideStep(Rule):
    """The clock, random numbers or fresh UUIDs read in workflow code outside any step.

    ## What it does
    Flags calls such as `random.random()`, `random.choice(...)`, `secrets.token_hex()`,
    `uuid.uuid4()`, `time.time()`, `datetime.now()`, `date.today()` or `os.urandom()` (under any
    import alias) in `run` and every function it calls (methods, module functions, closures, and
    the functions those call), outside `@step.do` bodies. Step names built this way are reported
    by WF010 instead. A helper called only from step bodies runs inside the step and is not
    flagged.

    ## Why is this bad?
    `run` runs again from the top every time the instance resumes, and completed steps return
    their recorded results. A value computed outside a step is computed afresh on each replay, so
    a branch may go the other way, a sleep may get another duration, and a payload may change
    between attempts: the replay no longer matches what was recorded.

    ## Example
    ```python
    async def run(self, event, step):
        if random.random() < 0.1:
            await audit()
    ```

    ## Use instead:
    Compute the value in a step, so it is recorded once:
    ```python
    async def run(self, event, step):
        @step.do("sample")
        async def sample():
            return random.random()

        if await sample() < 0.1:
            await audit()
    ```
    """

    code = "WF031"
    name = "nondeterminism-outside-step"
    severity = "warning"

    VALID = (
        Valid("""
            import random
            from workers import WorkflowEntrypoint


            class Sampler(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("sample")
                    async def sample():
                        return random.random()

                    if await sample() < 0.1:
                        await step.sleep("cool down", "1 minute")
            """),
        Valid("""
            from datetime import UTC, datetime
            from workers import WorkflowEntrypoint


            def today():
                return datetime.now(UTC).date().isoformat()


            class Report(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("load")
                    async def load():
                        return today()

                    await load()
            """),
    )
    INVALID = (
        Invalid("""
            import random as rnd
            from datetime import date
            from uuid import uuid4
            from workers import WorkflowEntrypoint


            class Sampler(WorkflowEntrypoint):
                async def run(self, event, step):
                    token = uuid4().hex
                    if rnd.random() < 0.1 or date.today().day == 1:
                        await step.sleep("cool down", "1 minute")

                    @step.do("use token")
                    async def use():
                        return token

                    await use()
            """, lines=(9, 10, 10)),
        Invalid("""
            from datetime import UTC, datetime
            from workers import WorkflowEntrypoint


            def today():
                return datetime.now(UTC).date().isoformat()


            class Report(WorkflowEntrypoint):
                async def run(self, event, step):
                    day = self.day()

                    @step.do("load")
                    async def load():
                        return day

                    await load()

                def day(self):
                    return today()
            """, lines=(6,)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        in_names = {id(node) for call in ctx.code.step_calls if call.method in STEP_API
                    for expr in [name_expr(call, ctx.implicit)] if expr is not None
                    for node in subnodes(expr)}
        for function in ctx.code.outside_steps():
            for call in function.calls:
                if id(call) in in_names:
                    continue
                qualified = ctx.qualified(call.func)
                if is_nondeterministic(qualified, call):
                    yield ctx.report(call, f"{qualified}() outside a step gives a different "
                                     "value on every replay", notes=(
                                         *ctx.called_from(function),
                                         "compute it in a @step.do function so the value is "
                                         "recorded once"))

