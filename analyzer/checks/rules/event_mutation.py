"""WF032 event-mutation (docs/python-api.md §2.7, §6 rule 5)."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from ...diagnostics import Diagnostic
from ..rule import Invalid, Rule, RuleContext, Valid
from ..expressions import MUTATING_METHODS, read_root


class EventMutation(Rule):
    """A write to the workflow's event or its payload.

    ## What it does
    Flags assignments, `del` and mutating method calls (`update`, `pop`, `append`, `setdefault`…)
    on the `event` parameter of `run`, on values read from it (`event["payload"]`,
    `payload = event["payload"]`, `order = payload["order"]`), and on helper parameters that
    receive them, anywhere in the workflow, step bodies included.

    ## Why is this bad?
    The event is documented as immutable: changes to it are not persisted. On replay `run` starts
    again with the original event, so code that relied on a change sees the old value, and a
    step body that changed it behaves differently when it is retried.

    ## Example
    ```python
    payload = event["payload"]
    payload["status"] = "seen"
    ```

    ## Use instead:
    Copy what you need, or return the new value from a step:
    ```python
    order = {**event["payload"], "status": "seen"}
    ```
    """

    code = "WF032"
    name = "event-mutation"
    severity = "warning"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint


            class Intake(WorkflowEntrypoint):
                async def run(self, event, step):
                    order = dict(event["payload"]["order"])
                    order["status"] = "seen"
                    items = list(event["payload"].get("items", []))
                    items.append("gift")

                    @step.do("store")
                    async def store():
                        return {**order, "items": items}

                    await store()
            """),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint


            class Intake(WorkflowEntrypoint):
                async def run(self, event, step):
                    payload = event["payload"]
                    payload["status"] = "seen"
                    payload.get("items").append("gift")
                    del event["payload"]["secret"]

                    @step.do("store")
                    async def store():
                        payload.update({"stored": True})
                        return 1

                    await store()
            """, lines=(7, 8, 9, 13)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        for function in ctx.code.functions:
            names = function.event_names
            if not names:
                continue
            for store in function.stores:
                target = store.target
                if type(target) in (cst.Subscript, cst.Attribute) and _rooted(target, names):
                    verb = "deletes from" if store.kind == "del" else "writes to"
                    yield ctx.report(store.node, f"{verb} the workflow event "
                                     f"(`{ctx.source(target)}`): changes to the event are not "
                                     "persisted and are lost on replay")
            for call in function.calls:
                func = call.func
                if (type(func) is cst.Attribute and func.attr.value in MUTATING_METHODS
                        and _rooted(func.value, names)):
                    yield ctx.report(call, f"`{func.attr.value}` changes the workflow event "
                                     f"(`{ctx.source(func.value)}`): changes to the event are "
                                     "not persisted and are lost on replay")


def _rooted(expr: cst.BaseExpression, names: set[str]) -> bool:
    root = read_root(expr)
    return type(root) is cst.Name and root.value in names
