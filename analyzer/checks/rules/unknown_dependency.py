"""WF023 unknown-dependency (SEMANTICS §4.4; docs/python-api.md §3, CFP001)."""

from __future__ import annotations

from collections.abc import Iterable

from ...python import facts as F
from ...diagnostics import Diagnostic
from ..cascade import folded
from ..rule import Invalid, Rule, RuleContext, Valid


class UnknownDependency(Rule):
    """A step parameter that names no step.

    ## What it does
    In implicit-dependency mode (compatibility date 2026-02-25 or later, or the
    `python_workflows_implicit_dependencies` flag; both forms are accepted when no wrangler file
    says which), every parameter of a `@step.do` function other than `ctx` must be the name of a
    step registered before the step runs: the engine runs that step first and passes its result.
    This flags a parameter that names no step.

    ## Why is this bad?
    The runtime looks the parameter up among the registered steps when the step is called and
    raises `TypeError` when there is none: the instance fails at that step. A common cause is a
    step declared with an explicit name that differs from its function name: dependencies are
    looked up by step name.

    ## Example
    ```python
    @step.do("load user")
    async def user(): ...

    @step.do()
    async def greet(load_user): ...
    ```

    ## Use instead:
    ```python
    @step.do()
    async def load_user(): ...

    @step.do()
    async def greet(load_user, ctx): ...
    ```
    """

    code = "WF023"
    name = "unknown-dependency"
    severity = "error"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint


            class Greeter(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do()
                    async def load_user():
                        return {"name": "Ada"}

                    @step.do()
                    async def greet(load_user, ctx):
                        return f"hello {load_user['name']} (attempt {ctx['attempt']})"

                    await greet()
            """, implicit=True),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint


            class Greeter(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("load user")
                    async def user():
                        return {"name": "Ada"}

                    @step.do()
                    async def greet(load_user):
                        return load_user["name"]

                    await user()
                    await greet()
            """, lines=(11,), implicit=True),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        reported_elsewhere = folded(ctx)  # parameters of a step.do that WF022 reports
        for fact in ctx.facts(F.UNKNOWN_DEPENDENCY):
            if id(fact.node) in reported_elsewhere:
                continue
            param = fact.data.get("param", "")
            step = fact.data.get("step", "")
            yield ctx.report(fact.node, f"parameter {param!r} of step {step!r} names no step "
                             "registered before it runs (TypeError at run time)",
                             notes=("parameters of a step name the steps it depends on; only "
                                    "`ctx` is special",))
