"""The lint rules, one module per rule (docs/design.md, Conventions), in code order.

Each rule is documented by its docstring (docs/rules.md is generated from them by
``python -m wfgraph.analyzer.checks.docs``) and carries the VALID / INVALID examples the test
suite runs. docs/python-api.md §6 describes what each one detects and why.
"""

from __future__ import annotations

from ..rule import Rule
from .asyncio_sleep_in_run import AsyncioSleepInRun
from .depends_arity import DependsArity
from .duplicate_step_name import DuplicateStepName
from .event_field_outside_payload import EventFieldOutsidePayload
from .event_mutation import EventMutation
from .invalid_duration import InvalidDuration
from .invalid_event_type import InvalidEventType
from .invalid_step_config import InvalidStepConfig
from .invalid_step_name import InvalidStepName
from .legacy_depends import LegacyDepends
from .legacy_on_run import LegacyOnRun
from .long_step_timeout import LongStepTimeout
from .misused_step_api import MisusedStepApi
from .nested_step import NestedStep
from .nondeterminism_outside_step import NondeterminismOutsideStep
from .nondeterministic_step_name import NondeterministicStepName
from .numeric_duration import NumericDuration
from .outer_state_mutation_in_step import OuterStateMutationInStep
from .race_over_steps import RaceOverSteps
from .side_effect_outside_step import SideEffectOutsideStep
from .sleep_too_long import SleepTooLong
from .unawaited_step import UnawaitedStep
from .unknown_dependency import UnknownDependency
from .wait_field_outside_payload import WaitFieldOutsidePayload
from .wrong_nonretryable_import import WrongNonretryableImport

RULES: tuple[type[Rule], ...] = (
    NondeterministicStepName,   # WF010
    DuplicateStepName,          # WF011
    InvalidStepName,            # WF012
    UnawaitedStep,              # WF020
    NestedStep,                 # WF021
    MisusedStepApi,             # WF022
    UnknownDependency,          # WF023
    DependsArity,               # WF024
    LegacyDepends,              # WF025
    SideEffectOutsideStep,      # WF030
    NondeterminismOutsideStep,  # WF031
    EventMutation,              # WF032
    OuterStateMutationInStep,   # WF033
    AsyncioSleepInRun,          # WF034
    RaceOverSteps,              # WF035
    EventFieldOutsidePayload,   # WF036
    WaitFieldOutsidePayload,    # WF037
    InvalidDuration,            # WF040
    NumericDuration,            # WF041
    InvalidStepConfig,          # WF042
    LongStepTimeout,            # WF043
    SleepTooLong,               # WF044
    InvalidEventType,           # WF045
    LegacyOnRun,                # WF050
    WrongNonretryableImport,    # WF051
)

__all__ = ["RULES", *(rule.__name__ for rule in RULES)]
