"""The codes ``wfgraph diff`` reports (SEMANTICS §10.3), one module per code, in code order.

Each is documented by its docstring (docs/rules.md is generated from them with the lint rules'
docs) and carries BASE/HEAD example pairs that the test suite runs. findings.py decides which
code a change gets and words the message.
"""

from __future__ import annotations

from .base import DiffRule, Pair
from .changed_condition import ChangedCondition
from .changed_event_type import ChangedEventType
from .changed_sleep_duration import ChangedSleepDuration
from .changed_step_config import ChangedStepConfig
from .dependency_mode_flip import DependencyModeFlip
from .inserted_step import InsertedStep
from .lowered_step_limit import LoweredStepLimit
from .new_payload_field import NewPayloadField
from .removed_step import RemovedStep
from .renamed_step import RenamedStep
from .reordered_steps import ReorderedSteps
from .shifted_step_count import ShiftedStepCount

DIFF_RULES: tuple[type[DiffRule], ...] = (
    RenamedStep,           # WF101
    ShiftedStepCount,      # WF102
    InsertedStep,          # WF103
    ReorderedSteps,        # WF104
    ChangedSleepDuration,  # WF105
    ChangedEventType,      # WF106
    ChangedCondition,      # WF107
    NewPayloadField,       # WF108
    DependencyModeFlip,    # WF109
    LoweredStepLimit,      # WF110
    RemovedStep,           # WF111
    ChangedStepConfig,     # WF112
)

__all__ = ["DIFF_RULES", "DiffRule", "Pair", *(rule.__name__ for rule in DIFF_RULES)]
