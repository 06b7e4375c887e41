"""Things the walker notices that only it can see (an unawaited coroutine, a nested step, a
dependency that names no step…). The lint rules turn them into diagnostics; the graph never
shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import libcst as cst


@dataclass(frozen=True)
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
