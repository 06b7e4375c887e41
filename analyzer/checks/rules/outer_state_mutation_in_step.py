"""WF033 outer-state-mutation-in-step (docs/python-api.md §2.6, §6 rule 3)."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from ...diagnostics import Diagnostic
from ..rule import Invalid, Rule, RuleContext, Valid
from ...python.names import target_names
from ..expressions import MUTATING_METHODS, store_root
from ..function_body import Function


class OuterStateMutationInStep(Rule):
    """A step body that changes variables of the workflow code around it.

    ## What it does
    Flags, inside a `@step.do` body, writes to state that belongs to the enclosing `run` or
    helper: `nonlocal` / `global` names assigned in the body, item and attribute assignments on
    captured variables (`results[key] = ...`, `self.total = ...`), and mutating method calls on
    them (`results.append(...)`, `seen.add(...)`).

    ## Why is this bad?
    When the instance resumes, completed steps are not run again: they return their recorded
    result. Whatever the body changed outside itself is not recorded, so after a replay the
    variable is back to its initial value while the workflow believes the step ran. The only
    state that survives is what the step returns.

    ## Example
    ```python
    results = []

    @step.do("fetch")
    async def fetch():
        results.append(await load())
    ```

    ## Use instead:
    ```python
    @step.do("fetch")
    async def fetch():
        return await load()

    results = [await fetch()]
    ```
    """

    code = "WF033"
    name = "outer-state-mutation-in-step"
    severity = "warning"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint


            class Collect(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("fetch")
                    async def fetch():
                        rows = []
                        rows.append(1)
                        cache = {}
                        cache["a"] = rows
                        return rows

                    results = [await fetch()]
                    results.append(2)
            """),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint


            class Collect(WorkflowEntrypoint):
                async def run(self, event, step):
                    results = []
                    seen = {}
                    count = 0

                    @step.do("fetch")
                    async def fetch():
                        nonlocal count
                        results.append(1)
                        seen["fetch"] = True
                        self.last = "fetch"
                        count += 1

                    await fetch()
            """, lines=(12, 13, 14, 15)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        for function in ctx.code.step_bodies():
            yield from self._scope_decls(ctx, function)
            for store in function.stores:
                target = store.target
                if type(target) not in (cst.Subscript, cst.Attribute):
                    continue
                owner = _outer(target, function)
                if owner is not None:
                    yield ctx.report(store.node, f"step body changes `{ctx.source(target)}` of "
                                     f"{owner}: the change is lost when the step is replayed "
                                     "from its recorded result", notes=(_NOTE,))
            for call in function.calls:
                func = call.func
                if type(func) is not cst.Attribute or func.attr.value not in MUTATING_METHODS:
                    continue
                owner = _outer(func.value, function)
                if owner is not None:
                    yield ctx.report(call, f"step body changes `{ctx.source(func.value)}` of "
                                     f"{owner} with `{func.attr.value}`: the change is lost when "
                                     "the step is replayed from its recorded result",
                                     notes=(_NOTE,))

    def _scope_decls(self, ctx: RuleContext, function: Function) -> Iterable[Diagnostic]:
        assigned = {name for store in function.stores if store.kind != "del"
                    for name in target_names(store.target)}
        for decl in function.scope_decls:
            names = [item.name.value for item in decl.names if item.name.value in assigned]
            if names:
                keyword = "global" if type(decl) is cst.Global else "nonlocal"
                yield ctx.report(decl, f"step body rebinds {keyword} {', '.join(names)}: the "
                                 "change is lost when the step is replayed from its recorded "
                                 "result", notes=(_NOTE,))


_NOTE = "return the value from the step and assign the step's result instead"


def _outer(expr: cst.BaseExpression, function: Function) -> str | None:
    """Who owns the object ``expr`` writes into, when it lives outside the step body: a variable
    of the enclosing workflow code, or the workflow instance (``self``, but not ``self.env``)."""
    root = store_root(expr)
    if type(root) is not cst.Name or function.is_env(_dotted_prefix(expr)):
        return None
    name = root.value
    if name in function.event_names or name in function.env_names:
        return None  # the event is WF032's; bindings are not state
    if name == function.self_name:
        return "the workflow instance"
    owner = function.captured_from(name)
    if owner is None or owner.in_step:
        return None  # a local of this body, or of the step body around a nested function
    return f"`{owner.fn.name.value}`"


def _dotted_prefix(expr: cst.BaseExpression) -> cst.BaseExpression:
    """The longest leading ``a.b.c`` of a target: ``self.env.KV[k]`` → ``self.env.KV``."""
    while type(expr) is cst.Subscript:
        expr = expr.value
    while type(expr) is cst.Attribute and type(expr.value) not in (cst.Name, cst.Attribute):
        expr = expr.value
    return expr
