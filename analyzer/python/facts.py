"""Things the walker notices that only it can see (an unawaited coroutine, a nested step, a
dependency that names no step…). The lint rules turn them into diagnostics; the graph never
shows them."""

from __future__ import annotations

from dataclasses import field
from typing import Any

import libcst as cst

from ..records import record


@record(frozen=True)
class Fact:
    kind: str
    node: cst.CSTNode
    message: str
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


# Fact kinds (the rule that reports each is named in its module).
UNAWAITED_COROUTINE = "unawaited-coroutine"
UNAWAITED_TASK = "unawaited-task"
NESTED_STEP = "nested-step"
BARE_DECORATOR = "bare-decorator"
CALLBACK_FORM = "callback-form"
WRAPPER_ARGS = "wrapper-called-with-args"
STEP_KWARGS = "step-kwargs"
UNKNOWN_DEPENDENCY = "unknown-dependency"
UNKNOWN_STEP_METHOD = "unknown-step-method"
STEP_NEVER_RUN = "step-never-run"
LEGACY_ON_RUN = "legacy-on-run"
RUN_NOT_ASYNC = "run-not-async"
DEPENDS_IN_IMPLICIT_MODE = "depends-in-implicit-mode"
RACE_OVER_STEPS = "race-over-steps"
ANALYSIS_LIMIT = "analysis-limit"
UNRESOLVED_CALLEE = "unresolved-callee"
"""SEMANTICS §6.4: ``step``, ``event``, a step wrapper or a step's coroutine passed to a callable
that cannot be followed; ``data["passed"]`` says which, ``data["reason"]`` why."""
RUNS_STEPS = frozenset({"step", "a step wrapper", "a coroutine"})
"""What, passed to an unresolved callee, may run steps there: the graph misses them and the step
budget is unknown (SEMANTICS §8.3)."""


# Misuse that changes what the graph shows: `graph`, `dot` and `mermaid` say so on stderr, with
# the place, instead of silently drawing less than the code says (`check` reports it as WF022).
_NOT_DRAWN = {
    BARE_DECORATOR: "`@step.do` without parentheses declares no step: the function is not drawn",
    CALLBACK_FORM: "`step.do` given a callback runs no step: nothing is drawn for it",
    UNKNOWN_STEP_METHOD: "step.{method} is not part of the Python step API: not drawn",
    DEPENDS_IN_IMPLICIT_MODE: "`depends=` raises TypeError in implicit-dependency mode: the "
                              "steps it lists are not drawn as dependencies",
}
DRAWING_CAVEATS = frozenset({ANALYSIS_LIMIT, UNRESOLVED_CALLEE, *_NOT_DRAWN})
"""Facts the graph commands report on stderr."""


def drawing_caveat(fact: Fact) -> str | None:
    """What the graph commands say about ``fact``, when it changes what they draw."""
    if fact.kind == ANALYSIS_LIMIT:
        return fact.message
    if fact.kind == UNRESOLVED_CALLEE:
        if not RUNS_STEPS & set(fact.data.get("passed", ())):
            return None
        return f"{fact.message}; steps it runs are not in the graph"
    text = _NOT_DRAWN.get(fact.kind)
    if text is None:
        return None
    return f"{text.format(method=fact.data.get('method', ''))} (WF022)"
