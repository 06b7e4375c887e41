"""WF030 side-effect-outside-step (docs/python-api.md §2.6, §6 rule 4)."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from ...diagnostics import Diagnostic
from ..imports import is_http_request
from ..rule import Invalid, Rule, RuleContext, Valid
from ..expressions import attribute_chain, getattr_parts
from ..function_body import Function

# Methods of strings (environment variables are strings): pure, never a binding call.
_PURE_METHODS = frozenset({
    "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "lower", "upper", "casefold",
    "title", "format", "startswith", "endswith", "replace", "encode", "removeprefix",
    "removesuffix", "join", "partition", "rpartition", "isdigit", "isnumeric",
})
_CREATE = ("create", "create_batch")


class SideEffectOutsideStep(Rule):
    """A binding call, HTTP request or instance creation in workflow code outside any step.

    ## What it does
    Flags, in `run` and every function it calls (methods, module functions, closures, and the
    functions those call) but outside `@step.do` bodies, calls through `self.env` bindings
    (`self.env.DB.prepare(...).run()`, `self.env.QUEUE.send(...)`, also through aliases such as
    `db = self.env.DB`, `getattr(self.env, "DB")`, and `self.env` passed to a helper as an
    argument), workflow instance creation (`self.env.WF.create(...)`), and HTTP requests (`fetch`
    from `js` or `workers`, `pyfetch`, `httpx`, `requests`, `urlopen`). A helper called only
    from step bodies runs inside the step and is not flagged.

    ## Why is this bad?
    Code outside steps runs again every time the instance resumes: after each sleep, each wait
    for an event, each restart. A write outside a step happens once per replay, an instance
    created there is created again, and a read can return something different each time, so the
    workflow takes a different path on replay. Inside a step the result is recorded once and
    replayed from the record.

    ## Example
    ```python
    async def run(self, event, step):
        await self.env.DB.prepare("INSERT INTO runs VALUES (?)").bind(event["instanceId"]).run()
    ```

    ## Use instead:
    ```python
    async def run(self, event, step):
        @step.do("record run")
        async def record():
            await self.env.DB.prepare("INSERT INTO runs VALUES (?)").bind(event["instanceId"]).run()

        await record()
    ```
    """

    code = "WF030"
    name = "side-effect-outside-step"
    severity = "warning"

    VALID = (
        Valid("""
            from js import fetch
            from workers import WorkflowEntrypoint


            class Sync(WorkflowEntrypoint):
                async def run(self, event, step):
                    prefix = self.env.PREFIX.strip()

                    @step.do("sync")
                    async def sync():
                        response = await fetch(f"https://api.example.com/{prefix}")
                        await self.env.DB.prepare("INSERT INTO runs VALUES (1)").run()
                        return await response.json()

                    await sync()
            """),
        Valid("""
            from workers import WorkflowEntrypoint


            async def platform_fetch(env, path):
                return await env.PLATFORM.fetch(path)


            class Sync(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("sync")
                    async def sync():
                        return await platform_fetch(self.env, "/status")

                    await sync()
            """),
    )
    INVALID = (
        Invalid("""
            from js import fetch
            from workers import WorkflowEntrypoint


            class Sync(WorkflowEntrypoint):
                async def run(self, event, step):
                    await self.env.DB.prepare("INSERT INTO runs VALUES (1)").run()
                    queue = self.env.QUEUE
                    await queue.send({"id": 1})
                    response = await fetch("https://api.example.com/items")
                    await self.env.CHILD.create(params={"id": 2})

                    @step.do("sync")
                    async def sync():
                        return 1

                    await sync()
            """, lines=(7, 9, 10, 11)),
        Invalid("""
            from workers import WorkflowEntrypoint


            async def platform_fetch(env, path):
                return await env.PLATFORM.fetch(path)


            class Sync(WorkflowEntrypoint):
                async def run(self, event, step):
                    status = await platform_fetch(self.env, "/status")
                    await self.notify()

                    @step.do("sync")
                    async def sync():
                        return status

                    await sync()

                async def notify(self):
                    await getattr(self.env, "QUEUE").send({"done": True})
            """, lines=(5, 20)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        for function in ctx.code.outside_steps():
            found: list[tuple[cst.Call, str]] = []
            for call in function.calls:
                what = self.classify(call, function, ctx)
                if what is not None:
                    found.append((call, what))
            inner = {id(c) for call, _ in found for c in _receiver_calls(call)}
            for call, what in found:
                if id(call) not in inner:
                    yield ctx.report(call, f"{what} outside a step: it runs again on every "
                                     "replay", notes=(*ctx.called_from(function),
                                                      "move it into a @step.do function, whose "
                                                      "result is recorded once"))

    @staticmethod
    def classify(call: cst.Call, function: Function, ctx: RuleContext) -> str | None:
        if is_http_request(ctx.qualified(call.func)):
            return "HTTP request"
        func = call.func
        if type(func) is not cst.Attribute or func.attr.value in _PURE_METHODS:
            return None
        base = _chain_base(func.value)
        if base is None or not function.is_env(base):
            return None
        binding = function.binding_name(base) or "self.env"
        if func.attr.value in _CREATE and type(func.value) in (cst.Attribute, cst.Name):
            return f"workflow instance creation ({binding}.{func.attr.value})"
        return f"call to binding {binding}"


def _chain_base(expr: cst.BaseExpression) -> cst.BaseExpression | None:
    """The dotted name a call chain starts from: ``self.env.DB.prepare(q).bind(x)`` →
    ``self.env.DB``; ``getattr(env, "DB").put(k)`` → ``getattr(env, "DB")``."""
    while True:
        if attribute_chain(expr) or getattr_parts(expr) is not None:
            return expr
        if type(expr) is cst.Attribute:
            expr = expr.value
        elif type(expr) is cst.Call:
            expr = expr.func
        elif type(expr) is cst.Subscript:
            expr = expr.value
        elif type(expr) is cst.Await:
            expr = expr.expression
        else:
            return None


def _receiver_calls(call: cst.Call) -> list[cst.Call]:
    """The calls a chained call is made on: ``a.b().c()`` → ``[a.b()]``."""
    out: list[cst.Call] = []
    expr: cst.BaseExpression = call.func
    while True:
        if type(expr) is cst.Attribute:
            expr = expr.value
        elif type(expr) is cst.Subscript:
            expr = expr.value
        elif type(expr) is cst.Call:
            out.append(expr)
            expr = expr.func
        else:
            return out
