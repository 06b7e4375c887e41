"""WF020 unawaited-step (SEMANTICS §4.1; docs/python-api.md §6 rule 9, CFP009)."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from ...python import facts as F
from ...diagnostics import Diagnostic
from ..rule import Invalid, Rule, RuleContext, Valid
from ..cascade import folded
from ..expressions import subnodes


class UnawaitedStep(Rule):
    """A step that never runs, or runs without anyone waiting for it.

    ## What it does
    Reports three related mistakes the walker sees (SEMANTICS §4.1):

    - a step wrapper or `step.wait_for_event(...)` called but never awaited (error): it is a lazy
      coroutine, so the step never runs;
    - work started with `asyncio.create_task`, `asyncio.ensure_future`, or a `step.sleep` that is
      never awaited (warning): it runs, but `run` may finish before it does, and its errors are
      lost;
    - a `@step.do` function that is declared but never awaited nor needed as a dependency
      (warning).

    ## Why is this bad?
    Unlike JavaScript promises, Python coroutines do nothing until awaited: `charge()` without
    `await` silently skips the charge. A task that is never awaited can outlive `run`, and the
    engine considers the instance complete without it.

    ## Example
    ```python
    @step.do("charge")
    async def charge(): ...

    charge()
    ```

    ## Use instead:
    ```python
    await charge()
    ```
    """

    code = "WF020"
    name = "unawaited-step"
    severity = "error"

    VALID = (
        Valid("""
            import asyncio
            from workers import WorkflowEntrypoint


            class Report(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("build report")
                    async def build():
                        return 1

                    @step.do("send report")
                    async def send():
                        return 2

                    pending = build()
                    await pending
                    task = asyncio.create_task(send())
                    await step.sleep("settle", "1 minute")
                    await task
            """),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint


            class Report(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("build report")
                    async def build():
                        return 1

                    build()
            """, lines=(10,)),
        Invalid("""
            import asyncio
            from workers import WorkflowEntrypoint


            class Report(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("build report")
                    async def build():
                        return 1

                    asyncio.create_task(build())
                    step.sleep("settle", "1 minute")
            """, lines=(11, 12)),
        Invalid("""
            from workers import WorkflowEntrypoint


            class Report(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("build report")
                    async def build():
                        return 1

                    @step.do("forgotten")
                    async def forgotten():
                        return 2

                    await build()
            """, lines=(11,)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        handed = _handed_to_asyncio(ctx)
        unawaited = [f for f in ctx.facts(F.UNAWAITED_COROUTINE) if id(f.node) not in handed]
        called = {f.node.func.value for f in ctx.facts(F.UNAWAITED_COROUTINE)
                  if type(f.node) is cst.Call and type(f.node.func) is cst.Name}
        for fact in unawaited:
            yield ctx.report(fact.node, "this coroutine is never awaited, so the step never runs",
                             notes=("write `await` before the call",))
        for fact in ctx.facts(F.UNAWAITED_TASK):
            yield ctx.report(fact.node, "started work is never awaited: run may finish before "
                             "it does, and its errors are lost", severity="warning")
        reported_elsewhere = folded(ctx)
        for fact in ctx.facts(F.STEP_NEVER_RUN):
            if type(fact.node) is cst.Name and fact.node.value in called:
                continue  # already reported where it is called without await
            if id(fact.node) in reported_elsewhere:
                continue  # a note of the WF022 misuse that keeps it from running
            step = fact.data.get("step", "")
            yield ctx.report(fact.node, f"step {step!r} is declared but never awaited, so it "
                             "never runs", severity="warning")


ASYNCIO_TAKERS = frozenset({"gather", "wait", "wait_for", "shield", "create_task", "ensure_future",
                            "as_completed"})


def _handed_to_asyncio(ctx: RuleContext) -> set[int]:
    """Calls written inside the arguments of an asyncio function, which runs them. The walker
    knows module-level asyncio imports; an ``import asyncio`` inside ``run`` is only seen here,
    so its gathers must not be reported as coroutines nobody awaits."""
    out: set[int] = set()
    for function in ctx.code.functions:
        for call in function.calls:
            qualified = ctx.qualified(call.func) or ""
            module, _, name = qualified.rpartition(".")
            if module == "asyncio" and name in ASYNCIO_TAKERS:
                for arg in call.args:
                    out.update(id(node) for node in subnodes(arg.value))
    return out
