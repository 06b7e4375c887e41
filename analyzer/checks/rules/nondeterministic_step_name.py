"""WF010 nondeterministic-step-name (docs/python-api.md §2.6, §6 rule 6)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import libcst as cst

from ...diagnostics import Diagnostic
from ..imports import is_nondeterministic
from ..rule import Invalid, Rule, RuleContext, Valid
from ..step_args import name_expr
from ..expressions import subnodes
from ..function_body import Function
from ..step_calls import STEP_API


class NondeterministicStepName(Rule):
    """A step name built from the clock, a random number or a fresh UUID.

    ## What it does
    Flags the name of a `step.do`, `step.sleep`, `step.sleep_until` or `step.wait_for_event` that
    is computed from `time.time()`, `datetime.now()`, `random`, `secrets`, `uuid.uuid4()` and the
    like, directly or through a variable of workflow code that holds such a value. Imports under
    other names (`from datetime import datetime as dt`) are followed.

    ## Why is this bad?
    The engine caches each step's result under its name (and a per-name counter). After the
    instance sleeps, waits or restarts, `run` runs again from the top and each step returns its
    cached result, but only if it is called with the same name. A name that changes on every
    replay matches nothing in the cache: the step runs again, its side effects happen twice, and
    the instance may never make progress.

    ## Example
    ```python
    @step.do(f"charge-{uuid.uuid4()}")
    async def charge():
        ...
    ```

    ## Use instead:
    Derive names from the event payload or from step results, which are the same on every replay:
    ```python
    @step.do(f"charge-{event['payload']['order_id']}")
    async def charge():
        ...
    ```
    """

    code = "WF010"
    name = "nondeterministic-step-name"
    severity = "error"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint


            class Orders(WorkflowEntrypoint):
                async def run(self, event, step):
                    order_id = event["payload"]["id"]

                    @step.do(f"charge {order_id}")
                    async def charge():
                        return order_id

                    await charge()
            """),
        Valid("""
            import time
            from workers import WorkflowEntrypoint


            class Stamp(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("stamp")
                    async def stamp():
                        return time.time()

                    started = await stamp()
                    await step.sleep(f"pause after {started}", "1 minute")
            """),
    )
    INVALID = (
        Invalid("""
            import uuid
            from workers import WorkflowEntrypoint


            class Orders(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do(f"charge-{uuid.uuid4()}")
                    async def charge():
                        return 1

                    await charge()
            """, lines=(7,)),
        Invalid("""
            from datetime import datetime as dt
            from workers import WorkflowEntrypoint


            class Nightly(WorkflowEntrypoint):
                async def run(self, event, step):
                    await step.sleep("nap " + dt.now().isoformat(), "1 hour")
                    await step.wait_for_event(f"wait {dt.utcnow()}", "done")
            """, lines=(7, 8)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        taint = Taint(ctx)
        for call in ctx.code.step_calls:
            if call.method not in STEP_API:
                continue
            expr = name_expr(call, ctx.implicit)
            if expr is None:
                continue
            why = taint.source_in(expr, call.function)
            if why is not None:
                yield ctx.report(expr, f"step name is built from {why}, which differs on every "
                                 "replay: the step will not find its cached result and runs again")


class Taint:
    """Which expressions carry a nondeterministic value: a call to a nondeterministic function,
    or a name that workflow code assigned from one (followed through assignments, in order)."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self._names: dict[int, dict[str, str]] = {}

    def source_in(self, expr: cst.BaseExpression, function: Function) -> str | None:
        for node in subnodes(expr):
            if type(node) is cst.Call:
                qualified = self.ctx.qualified(node.func)
                if is_nondeterministic(qualified, node):
                    return f"{qualified}()"
            elif type(node) is cst.Name:
                owner = function if node.value in function.locals else function.captured_from(node.value)
                if owner is not None:
                    why = self.names(owner).get(node.value)
                    if why is not None:
                        return f"`{node.value}` ({why})"
        return None

    def names(self, function: Function) -> dict[str, str]:
        found = self._names.get(id(function))
        if found is not None:
            return found
        found = self._names[id(function)] = {}
        for _ in range(3):  # a few rounds reach a fixed point for chains written out of order
            for store in function.stores:
                if store.value is None or store.kind == "del":
                    continue
                names = list(_simple_targets(store.target))
                if not names:
                    continue
                why = self._direct(store.value, function, found)
                if why is not None:
                    line = self.ctx.file.span(store.node).line
                    for name in names:
                        found.setdefault(name, f"set from {why} on line {line}")
        return found

    def _direct(self, expr: cst.BaseExpression, function: Function, known: dict[str, str]) -> str | None:
        for node in subnodes(expr):
            if type(node) is cst.Call:
                qualified = self.ctx.qualified(node.func)
                if is_nondeterministic(qualified, node):
                    return f"{qualified}()"
            elif type(node) is cst.Name and node.value in known:
                return f"`{node.value}`"
        return None


def _simple_targets(target: cst.BaseExpression) -> Iterator[str]:
    if type(target) is cst.Name:
        yield target.value
    elif type(target) in (cst.Tuple, cst.List):
        for el in target.elements:
            yield from _simple_targets(el.value)
