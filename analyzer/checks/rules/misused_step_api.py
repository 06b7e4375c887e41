"""WF022 misused-step-api (docs/python-api.md §2.0–§2.4, §2.9; CFP003–CFP007, CFP014,
CFP015)."""

from __future__ import annotations

from collections.abc import Iterable

from ...python import facts as F
from ...diagnostics import Diagnostic
from ...python.facts import Fact
from ..cascade import consequences
from ..rule import Invalid, Rule, RuleContext, Valid
from ..step_args import name_expr

_HINTS = {
    F.BARE_DECORATOR: ("`@step.do` without parentheses makes the function the step's name and "
                       "returns a decorator, not a step; write `@step.do(\"name\")` or "
                       "`@step.do()`"),
    F.CALLBACK_FORM: ("`step.do` is a decorator in Python: the JavaScript form "
                      "`step.do(\"name\", callback)` never runs the callback"),
    F.WRAPPER_ARGS: ("a step wrapper takes no arguments (TypeError at run time); pass values "
                     "through closures or step results"),
    F.DEPENDS_IN_IMPLICIT_MODE: ("`depends=` does not exist in implicit-dependency mode "
                                 "(TypeError); name the dependencies as parameters instead"),
    F.RUN_NOT_ASYNC: "`run` must be `async def`: the runtime awaits it and steps are awaited in it",
}


class MisusedStepApi(Rule):
    """A call of the step API that Python does not run the way it reads.

    ## What it does
    Flags, from what the walker sees (docs/python-api.md §2):

    - `@step.do` without parentheses;
    - the JavaScript callback form `step.do("name", fn)` or `await step.do(...)`;
    - a step wrapper called with arguments (`await charge(order)`);
    - keyword arguments that reach JavaScript unmapped: `step.sleep(name=..., duration=...)`,
      `step.wait_for_event(name=..., event_type=...)` (only `timeout=` is a keyword there);
    - `depends=` in implicit-dependency mode, and a `@step.do()` without a name in legacy mode;
    - methods the Python step object does not have (`step.sleepUntil`, `step.with_rollback`…),
      called or used as a decorator;
    - a `run` that is not `async def`.

    When the misuse keeps other steps from running (the steps a `depends=` lists in
    implicit-dependency mode), its notes name them, and they are not reported again as WF020 or
    WF023.

    ## Why is this bad?
    Each of these fails at run time with a `TypeError`, or worse, silently does nothing: a bare
    decorator or a callback passed to `step.do` returns a decorator that is never applied, so the
    step never runs.

    ## Example
    ```python
    await step.do("charge", charge_card)
    await step.sleep(name="cool down", duration="1 hour")
    ```

    ## Use instead:
    ```python
    @step.do("charge")
    async def charge():
        return await charge_card()

    await charge()
    await step.sleep("cool down", "1 hour")
    ```
    """

    code = "WF022"
    name = "misused-step-api"
    severity = "error"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint


            class Billing(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("charge")
                    async def charge():
                        return 1

                    await charge()
                    await step.sleep("cool down", "1 hour")
                    await step.wait_for_event("wait", "paid", timeout="1 day")
            """),
        Valid("""
            from workers import WorkflowEntrypoint


            class Billing(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("charge")
                    async def charge():
                        return 1

                    @step.do("receipt", depends=[charge])
                    async def receipt(charged):
                        return charged

                    await receipt()
            """, implicit=False),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint


            class Billing(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do
                    async def charge():
                        return 1

                    @step.do("refund")
                    async def refund():
                        return 2

                    await refund(5)
                    await step.sleep(name="cool down", duration="1 hour")
                    await step.wait_for_event("wait", event_type="paid")
                    await step.sleepUntil("later", 0)
            """, lines=(6, 14, 15, 16, 17)),
        Invalid("""
            from workers import WorkflowEntrypoint


            async def charge_card():
                return 1


            class Billing(WorkflowEntrypoint):
                def run(self, event, step):
                    step.do("charge", charge_card)
            """, lines=(9, 10)),
        Invalid("""
            from workers import WorkflowEntrypoint


            class Billing(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do()
                    async def charge():
                        return 1

                    @step.do(depends=[charge])
                    async def receipt(charged):
                        return charged

                    @step.with_rollback("refund")
                    async def refund():
                        return 2

                    await receipt()
                    await refund()
            """, lines=(10, 14), implicit=True),
        Invalid("""
            from workers import WorkflowEntrypoint


            class Billing(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do(config={"retries": {"limit": 1, "delay": "1 second"}})
                    async def charge():
                        return 1

                    await charge()
            """, lines=(6,), implicit=False),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        caused = consequences(ctx)
        for kind, hint in _HINTS.items():
            for fact in ctx.facts(kind):
                notes = [_consequence(ctx, f) for f in caused.get(id(fact.node), ())]
                yield ctx.report(fact.node, hint, notes=notes)
        for fact in ctx.facts(F.STEP_KWARGS):
            method = fact.data.get("method", "")
            names = ", ".join(fact.data.get("keywords", ()))
            yield ctx.report(fact.node, f"step.{method}() takes {names} positionally: keyword "
                             "arguments are not mapped to the JavaScript parameters")
        for fact in ctx.facts(F.UNKNOWN_STEP_METHOD):
            method = fact.data.get("method", "")
            yield ctx.report(fact.node, f"step.{method} is not part of the Python step API "
                             "(do, sleep, sleep_until, wait_for_event): AttributeError at run "
                             "time")
        if ctx.implicit is False:
            for decl in ctx.code.declarations():
                if name_expr(decl, False) is None and not any(a.star for a in decl.call.args):
                    yield ctx.report(decl.call, "in legacy mode step.do() needs a name "
                                     "(TypeError); give it one, e.g. step.do(\"charge\")")


def _consequence(ctx: RuleContext, fact: Fact) -> str:
    line = ctx.file.span(fact.node).line
    if fact.kind == F.STEP_NEVER_RUN:
        return (f"so step {fact.data.get('step', '')!r} (line {line}) never runs: it is only "
                "listed here")
    return f"so parameter {fact.data.get('param', '')!r} (line {line}) names no step"
