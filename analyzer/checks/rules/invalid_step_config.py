"""WF042 invalid-step-config (docs/python-api.md §5.1, CFP013)."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from ...diagnostics import Diagnostic
from ..rule import Invalid, Rule, RuleContext, Valid
from ..step_args import config_expr, is_number, literal, milliseconds, resolved
from ..step_calls import StepCall

CONFIG_KEYS = ("retries", "timeout", "sensitive")
RETRY_KEYS = ("limit", "delay", "backoff")
BACKOFFS = ("constant", "linear", "exponential")
MAX_RETRIES = 10_000


class InvalidStepConfig(Rule):
    """A step `config` the engine rejects.

    ## What it does
    Checks the `config=` dict of `@step.do(...)` (a literal, or a constant bound to one) for what
    the engine's strict validator rejects: keys other than `retries` and `timeout` (and
    `sensitive`), `retries` keys other than `limit`, `delay` and `backoff`, a `retries` without
    `limit` or without `delay`, a negative `limit` or more than 10,000 retries, a negative
    `delay`, a `backoff` other than `"constant"`, `"linear"` or `"exponential"`, and a `timeout`
    of zero.

    ## Why is this bad?
    The engine validates the config when the step runs and fails the step with "Step config … is
    in a invalid format" before the body runs once, and typos such as `"retry"` or
    `"exponentail"` are not caught by Python. The instance only fails when it reaches the step.

    ## Example
    ```python
    @step.do("charge", config={"retries": {"limit": 3}, "backoff": "exponential"})
    async def charge(): ...
    ```

    ## Use instead:
    ```python
    @step.do("charge", config={"retries": {"limit": 3, "delay": "10 seconds", "backoff": "exponential"}})
    async def charge(): ...
    ```
    """

    code = "WF042"
    name = "invalid-step-config"
    severity = "error"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint

            RETRY = {"retries": {"limit": 3, "delay": "10 seconds", "backoff": "exponential"}}


            class Charge(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("charge", config={**RETRY, "timeout": "5 minutes"})
                    async def charge():
                        return 1

                    @step.do("refund", config=None)
                    async def refund():
                        return 2

                    await charge()
                    await refund()
            """),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint


            class Charge(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("charge", config={"retries": {"limit": 3}, "backoff": "linear"})
                    async def charge():
                        return 1

                    @step.do("refund", config={
                        "retries": {"limit": -1, "delay": "1 second", "backoff": "exponentail"},
                        "timeout": 0,
                    })
                    async def refund():
                        return 2

                    await charge()
                    await refund()
            """, lines=(6, 6, 11, 11, 12)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        for call in ctx.code.declarations():
            expr = config_expr(call, ctx.implicit)
            if expr is not None:
                yield from self.check_config(ctx, call, expr)

    def check_config(self, ctx: RuleContext, call: StepCall, expr: cst.BaseExpression) -> Iterable[Diagnostic]:
        consts = call.function.consts
        items, complete = _items(expr, consts)
        if items is None:
            value = literal(expr, consts)
            if value is not None and not isinstance(value, dict):
                yield ctx.report(expr, f"config must be a dict, not {type(value).__name__}")
            return
        for key, value in items:
            if key not in CONFIG_KEYS:
                yield ctx.report(value, f"unknown config key {key!r}{_did_you_mean(key, CONFIG_KEYS)}; "
                                 "the engine accepts retries and timeout")
            elif key == "retries":
                yield from self.check_retries(ctx, value, consts)
            elif key == "timeout":
                number = milliseconds(literal(value, consts), numeric_strings=True)
                if number is not None and number <= 0:
                    yield ctx.report(value, "a step timeout must be greater than zero")

    def check_retries(self, ctx: RuleContext, expr: cst.BaseExpression, consts) -> Iterable[Diagnostic]:
        items, complete = _items(expr, consts)
        if items is None:
            value = literal(expr, consts)
            if value is not None and not isinstance(value, dict):
                yield ctx.report(expr, f"retries must be a dict with limit and delay, not "
                                 f"{type(value).__name__}")
            return
        keys = {key for key, _ in items}
        missing = [key for key in ("limit", "delay") if key not in keys]
        if missing and complete:
            yield ctx.report(expr, f"retries needs {' and '.join(missing)}: the engine requires "
                             "both limit and delay when retries is given")
        for key, value_expr in items:
            value = literal(value_expr, consts)
            if key not in RETRY_KEYS:
                yield ctx.report(value_expr, f"unknown retries key {key!r}"
                                 f"{_did_you_mean(key, RETRY_KEYS)}; the engine accepts limit, "
                                 "delay and backoff")
            elif key == "limit" and is_number(value):
                if value < 0:
                    yield ctx.report(value_expr, "retries.limit must be zero or more")
                elif value > MAX_RETRIES:
                    yield ctx.report(value_expr, f"retries.limit {value:g} is over the engine's "
                                     f"maximum of {MAX_RETRIES:,} retries per step")
            elif key == "delay" and is_number(value) and value < 0:
                yield ctx.report(value_expr, "retries.delay must be zero or more")
            elif key == "backoff" and value is not None and value not in BACKOFFS:
                yield ctx.report(value_expr, f"backoff {value!r} is not one of "
                                 f"{', '.join(BACKOFFS)}{_did_you_mean(str(value), BACKOFFS)}")


def _items(expr: cst.BaseExpression, consts) -> tuple[list[tuple[str, cst.BaseExpression]] | None, bool]:
    """A dict display's literal-keyed entries (following constants and ``**CONST``) and whether
    they are all of its entries; ``(None, False)`` when ``expr`` is not a dict display."""
    node = resolved(expr, consts)
    if type(node) is cst.Call and type(node.func) is cst.Name and node.func.value == "dict":
        complete = all(a.keyword is not None for a in node.args)
        return [(a.keyword.value, a.value) for a in node.args if a.keyword is not None], complete
    if type(node) is not cst.Dict:
        return None, False
    out: list[tuple[str, cst.BaseExpression]] = []
    complete = True
    for el in node.elements:
        if type(el) is cst.StarredDictElement:
            inner, inner_complete = _items(el.value, consts)
            complete = complete and inner is not None and inner_complete
            out.extend(inner or [])
            continue
        key = literal(el.key, consts)
        if isinstance(key, str):
            out.append((key, el.value))
        else:
            complete = False
    # A key given twice: the last one counts, as in Python.
    last = {key: i for i, (key, _) in enumerate(out)}
    return [item for i, item in enumerate(out) if last[item[0]] == i], complete


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    import difflib  # only when a key is wrong

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
