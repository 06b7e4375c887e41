"""The arguments of step API calls that several rules read: names, event types, durations and
``config`` dicts, with constants followed (SEMANTICS §3.6) so ``timeout=APPROVAL_TIMEOUT`` is
checked like the literal it names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import libcst as cst

from ..python.literals import _resolve, dict_items, fstring_parts, is_literal, literal_value
from ..python.module_index import ScopeConstants
from ..records import record
from . import durations
from .step_calls import StepCall
from .workflow_code import WorkflowCode


def name_expr(call: StepCall, implicit: bool | None) -> cst.BaseExpression | None:
    """The expression that names the step (None: ``@step.do()`` takes the function's name)."""
    return call.args(implicit).get("name")


def resolved(expr: cst.BaseExpression, consts: ScopeConstants) -> cst.BaseExpression:
    """``expr``, or the literal a constant name is bound to."""
    return _resolve(expr, consts)


def literal(expr: cst.BaseExpression | None, consts: ScopeConstants) -> Any:
    """The literal value of ``expr`` (following constants), or None when it is not a literal."""
    if expr is None:
        return None
    value = literal_value(expr, consts)
    return value if is_literal(value) else None


def static_text(expr: cst.BaseExpression | None, consts: ScopeConstants) -> tuple[list[str], bool] | None:
    """The text a name or event type certainly contains: ``([text], True)`` for a string (all of
    it is known), ``(pieces, False)`` for an f-string (its literal pieces), None otherwise."""
    if expr is None:
        return None
    value = literal(expr, consts)
    if isinstance(value, str):
        return [value], True
    expr = resolved(expr, consts)
    if type(expr) is cst.FormattedString:
        return _fstring_pieces(expr), False
    return None


def _fstring_pieces(expr: cst.FormattedString) -> list[str]:
    """The literal pieces of an f-string with escapes decoded (``\\n`` is a newline)."""
    return [part for part in fstring_parts(expr) if part is not None]


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@record(frozen=True)
class DurationSite:
    """A place that takes a duration. ``kind``: ``sleep`` (step.sleep's duration), ``wait``
    (wait_for_event's timeout), ``delay`` (config retries.delay), ``timeout`` (config timeout),
    ``sleep_until`` (its timestamp, which takes a number the same way)."""

    kind: str
    expr: cst.BaseExpression
    call: StepCall

    @property
    def consts(self) -> ScopeConstants:
        return self.call.function.consts

    @property
    def where(self) -> str:
        return {
            "sleep": "step.sleep duration",
            "wait": "wait_for_event timeout",
            "delay": "retries.delay",
            "timeout": "step timeout",
            "sleep_until": "step.sleep_until timestamp",
        }[self.kind]


def milliseconds(value: object, numeric_strings: bool = False) -> float | None:
    """A literal duration in milliseconds as the engine reads it: a number, a duration string,
    and (with ``numeric_strings``) a string of digits; None for anything else."""
    if is_number(value):
        return float(value)  # type: ignore[arg-type]
    if isinstance(value, str):
        parsed = durations.parse(value)
        if parsed is not None:
            return parsed.ms
        if numeric_strings and durations.is_numeric_string(value):
            return float(value)
    return None


def config_expr(call: StepCall, implicit: bool | None) -> cst.BaseExpression | None:
    if call.method != "do":
        return None
    return call.args(implicit).get("config")


def config_items(call: StepCall, implicit: bool | None) -> list[tuple[str, cst.BaseExpression]] | None:
    expr = config_expr(call, implicit)
    return dict_items(expr, call.function.consts) if expr is not None else None


def duration_sites(code: WorkflowCode, implicit: bool | None) -> list[DurationSite]:
    """Every duration written in a step call (sleeps, timeouts, retry delays): four rules read
    them, so they are found once per workflow and mode."""
    key = ("duration_sites", implicit)
    if key not in code.shared:
        code.shared[key] = list(_duration_sites(code, implicit))
    return code.shared[key]


def _duration_sites(code: WorkflowCode, implicit: bool | None) -> Iterator[DurationSite]:
    for call in code.step_calls:
        args = call.args(implicit)
        if call.method == "sleep" and "duration" in args:
            yield DurationSite("sleep", args["duration"], call)
        elif call.method == "sleep_until" and "timestamp" in args:
            yield DurationSite("sleep_until", args["timestamp"], call)
        elif call.method == "wait_for_event" and "timeout" in args:
            yield DurationSite("wait", args["timeout"], call)
        elif call.method == "do":
            for key, value in config_items(call, implicit) or []:
                if key == "timeout":
                    yield DurationSite("timeout", value, call)
                elif key == "retries":
                    for rkey, rvalue in dict_items(value, call.function.consts) or []:
                        if rkey == "delay":
                            yield DurationSite("delay", rvalue, call)
