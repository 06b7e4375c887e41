"""WF025 legacy-depends (docs/python-api.md §2.0, §3.1)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import libcst as cst

from ...diagnostics import Diagnostic
from ...project.wrangler import IMPLICIT_DEPS_DATE
from ..dependency_mode import legacy_by_date
from ...python.names import param_names
from ..rule import Invalid, Rule, RuleContext, Valid
from ..step_calls import StepCall
from .depends_arity import CTX_PARAM


class LegacyDepends(Rule):
    """`depends=` that raises `TypeError` once the compatibility date reaches 2026-02-25.

    ## What it does
    When the wrangler file's `compatibility_date` is before 2026-02-25 (and no flag chooses the
    dependency mode), `step.do` takes `depends=`. From that date on, the implicit-dependency API
    applies instead: `step.do` has no `depends` parameter, and a step's parameters name the steps
    it depends on. This points at each `depends=` and gives the signature that keeps working:
    the parameters named after the steps they receive.

    ## Why is this bad?
    Nothing is wrong today. The day the compatibility date moves past 2026-02-25 (a routine
    update), every `depends=` raises `TypeError` when the step is declared and every instance
    fails. Renaming the parameters now (in legacy mode their names do not matter) makes the date
    change safe: then drop `depends=`.

    ## Example
    ```python
    @step.do("load")
    async def load(): ...

    @step.do("score", depends=[load])
    async def score(loaded): ...
    ```

    ## Use instead:
    Name each parameter after the step it receives, so the date can move:
    ```python
    @step.do("score", depends=[load])   # drop depends= when the date moves
    async def score(load): ...
    ```
    """

    code = "WF025"
    name = "legacy-depends"
    severity = "info"

    VALID = (
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
            """, compatibility_date="2026-03-01"),
        Valid("""
            from workers import WorkflowEntrypoint


            class Pipeline(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("load")
                    async def load():
                        return 1

                    await load()
            """, compatibility_date="2025-08-01"),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint


            class Pipeline(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("load")
                    async def load():
                        return 1

                    @step.do("score", depends=[load])
                    async def score(loaded, ctx):
                        return loaded

                    await score()
            """, lines=(10,), compatibility_date="2025-08-01"),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        if ctx.implicit is not False or not legacy_by_date(ctx.wrangler):
            return
        assert ctx.wrangler is not None and ctx.workflow is not None
        date = ctx.wrangler.compatibility_date
        for call in ctx.code.declarations():
            depends = call.args(False).get("depends")
            if depends is None or (type(depends) is cst.Name and depends.value == "None"):
                continue
            yield ctx.report(depends, f"depends= works with compatibility_date {date} but "
                             f"raises TypeError once the date is {IMPLICIT_DEPS_DATE} or later",
                             notes=_fix(call, depends, ctx.workflow.declarations))


def _fix(call: StepCall, depends: cst.BaseExpression, decls: list[Any]) -> tuple[str, ...]:
    """The signature that works after the date: each parameter named after its step."""
    assert call.decl is not None
    generic = ("name each parameter other than ctx after the step it receives, then drop "
               "depends= when the date moves",)
    entries = ([e.value for e in depends.elements]
               if type(depends) in (cst.List, cst.Tuple) else None)
    params = param_names(call.decl)
    others = [p for p in params if p != CTX_PARAM]
    if entries is None or len(entries) != len(others):
        return generic
    steps = [_registry_name(entry, decls) for entry in entries]
    if any(step is None for step in steps):
        return generic
    unnamed = [repr(step) for step in steps if step is not None and not step.isidentifier()]
    if unnamed:
        which = (f"step {unnamed[0]} needs a name" if len(unnamed) == 1
                 else f"steps {', '.join(unnamed)} need names")
        return (f"{which} that a parameter can match (a Python identifier, or no name: the "
                "function's); then name each parameter after its step and drop depends= when "
                "the date moves",)
    names = dict(zip(others, steps))
    if all(names[p] == p for p in others):
        return ("the parameters already name their steps: drop depends= when the date moves",)
    signature = ", ".join(names.get(p) or p for p in params)
    return (f"rename the parameters, `{call.decl.name.value}({signature})`, then drop depends= "
            "when the date moves",)


def _registry_name(entry: cst.BaseExpression, decls: list[Any]) -> str | None:
    """The step name a ``depends=`` entry refers to (``scope.StepDecl.registry_name``), when
    every declaration of that function agrees on it."""
    if type(entry) is not cst.Name:
        return None
    found = {d.registry_name for d in decls if d.var == entry.value}
    return found.pop() if len(found) == 1 else None
