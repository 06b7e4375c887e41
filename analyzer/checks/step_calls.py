"""Calls of the step API (``<step>.do(...)``, ``sleep``, ``sleep_until``, ``wait_for_event``) as
the rules read them, in either ``step.do`` mode (docs/python-api.md §2.0).
"""

from __future__ import annotations


import libcst as cst

from ..python.literals import call_args
from ..records import record
from .function_body import Function

STEP_API = ("do", "sleep", "sleep_until", "wait_for_event")
IMPLICIT_DO = ("name",)
LEGACY_DO = ("name", "depends", "concurrent", "config")
API_PARAMS = {
    "sleep": ("name", "duration"),
    "sleep_until": ("name", "timestamp"),
    "wait_for_event": ("name", "event_type", "timeout"),
}


@record(frozen=True, eq=False)
class StepCall:
    """``<step>.<method>(...)`` written in ``function``; ``decl`` is the decorated function when
    the call is a ``@step.do(...)`` decorator."""

    method: str
    call: cst.Call
    function: Function
    decl: cst.FunctionDef | None = None

    def is_legacy_do(self, implicit: bool | None) -> bool:
        """``step.do``'s positions (docs/python-api.md §2.0): legacy when the mode says so, or, with
        no mode known, when the call passes a second positional argument or ``depends=``."""
        if implicit is not None:
            return not implicit
        positional = [a for a in self.call.args if a.keyword is None and not a.star]
        return len(positional) > 1 or any(a.keyword and a.keyword.value == "depends" for a in self.call.args)

    def args(self, implicit: bool | None = None) -> dict[str, cst.BaseExpression]:
        if self.method == "do":
            names = LEGACY_DO if self.is_legacy_do(implicit) else IMPLICIT_DO
            bound, _ = call_args(self.call, names)
            return bound
        bound, _ = call_args(self.call, API_PARAMS.get(self.method, ()))
        return bound
