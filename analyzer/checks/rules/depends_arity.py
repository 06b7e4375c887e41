"""WF024 depends-arity (docs/python-api.md §3.1, CFP002; SEMANTICS §4.4)."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from ...diagnostics import Diagnostic
from ..dependency_mode import legacy_reason
from ...python.names import param_names
from ..rule import Invalid, Rule, RuleContext, Valid
from ..step_calls import StepCall

CTX_PARAM = "ctx"


class DependsArity(Rule):
    """A legacy-mode step whose parameters and `depends=` do not pair up.

    ## What it does
    In legacy-dependency mode (a compatibility date before 2026-02-25, or the
    `no_python_workflows_implicit_dependencies` flag), each parameter of a `@step.do` function
    other than `ctx` receives the result of the step at the same position in `depends=`. This
    flags a step with such parameters and no `depends=`, a `depends=` list whose length differs
    from the number of those parameters, and a `depends=` entry that is not a step (a string or
    a number). Default values do not exempt a parameter.

    With no wrangler file to say which mode applies, only steps that use `depends=` are checked.
    The mirror mistake in implicit-dependency mode, a parameter that names no step, is WF023.

    ## Why is this bad?
    The SDK compares the two when the step runs and raises `TypeError`: the instance fails at
    that step, every time. A parameter with a default (`captured_key=key`, to capture a loop
    variable) is the usual way to hit it: the SDK counts it like any other.

    ## Example
    ```python
    for key, node in nodes.items():
        @step.do(f"execute {key}")
        async def execute_node(captured_key=key, captured_node=node):
            return await run_node(captured_key, captured_node)

        await execute_node()
    ```

    ## Use instead:
    Capture values in a closure, and keep parameters for dependencies:
    ```python
    def node_step(key, node):
        @step.do(f"execute {key}")
        async def execute_node():
            return await run_node(key, node)

        return execute_node

    for key, node in nodes.items():
        await node_step(key, node)()
    ```
    """

    code = "WF024"
    name = "depends-arity"
    severity = "error"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint


            class Pipeline(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("load")
                    async def load():
                        return 1

                    @step.do("score", depends=[load])
                    async def score(loaded, ctx):
                        return loaded * ctx["attempt"]

                    await score()
            """, implicit=False),
        Valid("""
            from workers import WorkflowEntrypoint


            class Pipeline(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do()
                    async def load():
                        return 1

                    @step.do()
                    async def score(load):
                        return load

                    await score()
            """, implicit=True),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint


            class Pipeline(WorkflowEntrypoint):
                async def run(self, event, step):
                    for key in event["payload"]["keys"]:
                        @step.do(f"execute {key}")
                        async def execute_node(captured_key=key, ctx=None):
                            return captured_key

                        await execute_node()
            """, lines=(7,), implicit=False),
        Invalid("""
            from workers import WorkflowEntrypoint


            class Pipeline(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("load")
                    async def load():
                        return 1

                    @step.do("score", depends=[load, load])
                    async def score(loaded):
                        return loaded

                    @step.do("report", ["score"])
                    async def report(scored):
                        return scored

                    await score()
                    await report()
            """, lines=(10, 14)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        for call in ctx.code.declarations():
            if not call.is_legacy_do(ctx.implicit):
                continue
            depends = call.args(ctx.implicit).get("depends")
            if depends is None and ctx.implicit is not False:
                continue  # no mode known and no depends=: implicit mode may be meant
            yield from self._check_step(ctx, call, _absent_if_none(depends))

    def _check_step(self, ctx: RuleContext, call: StepCall,
                    depends: cst.BaseExpression | None) -> Iterable[Diagnostic]:
        assert call.decl is not None
        params = [p for p in param_names(call.decl) if p != CTX_PARAM]
        step = call.decl.name.value
        if depends is None:
            if params:
                yield ctx.report(call.call, f"step {step!r} has {_count(params)} other than ctx "
                                 f"({', '.join(params)}) and no depends=: TypeError when it runs",
                                 notes=_notes(ctx, call.decl))
            return
        entries = _entries(depends)
        if entries is None:
            return  # not a list or tuple display: its length is not known here
        if len(entries) != len(params):
            yield ctx.report(depends, f"depends= lists {len(entries)} step"
                             f"{'s' if len(entries) != 1 else ''} but step {step!r} has "
                             f"{_count(params)} other than ctx: TypeError when it runs",
                             notes=_notes(ctx, call.decl))
        for entry in entries:
            if isinstance(entry, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString,
                                  cst.Integer, cst.Float)):
                yield ctx.report(entry, f"depends= takes step functions, not "
                                 f"{ctx.source(entry)}: TypeError when step {step!r} runs",
                                 notes=("list the decorated function itself, e.g. "
                                        "depends=[load]",))


def _absent_if_none(expr: cst.BaseExpression | None) -> cst.BaseExpression | None:
    return None if type(expr) is cst.Name and expr.value == "None" else expr


def _entries(expr: cst.BaseExpression) -> list[cst.BaseExpression] | None:
    if type(expr) not in (cst.List, cst.Tuple):
        return None
    if any(type(e) is cst.StarredElement for e in expr.elements):
        return None
    return [e.value for e in expr.elements]


def _count(params: list[str]) -> str:
    return f"{len(params)} parameter{'s' if len(params) != 1 else ''}"


def _notes(ctx: RuleContext, fn: cst.FunctionDef) -> tuple[str, ...]:
    mode = legacy_reason(ctx.wrangler) if ctx.implicit is False else "depends= is used"
    notes = [f"legacy-dependency mode ({mode}): each parameter other than ctx takes the result "
             "of the step at the same position in depends=; default values do not change that"]
    p = fn.params
    if any(x.default is not None and x.name.value != CTX_PARAM
           for x in (*p.posonly_params, *p.params, *p.kwonly_params)):
        notes.append("to pass a value into a step, capture it in a closure: a function that "
                     "takes the value and declares the step")
    return tuple(notes)
