"""Cloudflare's workflow version-graph API response, as the classes the analyzer builds.

The shapes follow the API exactly (reference/graph-semantics.md §1–§2, SEMANTICS §1): a union of
node classes told apart by ``type``, no keys beyond those declared, keys declared in the order
the parser emits them so that the output is byte-stable (SEMANTICS §1.4). Optional keys
(``starts``, ``resolves``, ``payload``) are *absent* when unknown, never ``null``; keys that the
API types as nullable (``condition``, ``options``, ``*_block``) stay present with ``null``.

This is the one definition of the schema. The classes are plain objects (``base.Model``), so
that analysing and writing a graph never imports pydantic; ``validation.py`` derives pydantic
models from these declarations for validation and JSON Schema, and ``encode.py`` writes them.
Unions of these classes (``Node``, ``JsonShape``) are discriminated by ``type``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Union

from .base import Model

Duration = Union[int, str]
"""Milliseconds as an integer, or a human-readable string kept verbatim (or a sentinel)."""


class _Located(Model):
    """A graph node that remembers the source it came from (the side table of DESIGN.md)."""

    _src = None
    """The libcst node this graph node was derived from; never serialised."""


class _Numbered(_Located):
    _omit_when_none = frozenset({"starts", "resolves"})


# --- payload shape descriptors (graph-semantics §2.13) -------------------------------------


class UnknownShape(Model):
    type: Literal["unknown"] = "unknown"


class ObjectShape(Model):
    type: Literal["object"] = "object"
    fields: dict[str, JsonShape]


JsonShape = Union[UnknownShape, ObjectShape]


# --- step nodes ----------------------------------------------------------------------------


class Retries(Model):
    limit: int
    delay: Duration
    backoff: Literal["constant", "linear", "exponential"]


class StepConfig(Model):
    retries: Retries
    timeout: Duration


class StepDo(_Numbered):
    type: Literal["step_do"] = "step_do"
    name: str
    config: StepConfig
    nodes: list[Node] = []
    starts: int | None = None
    resolves: int | None = None


class StepSleep(_Numbered):
    type: Literal["step_sleep"] = "step_sleep"
    name: str
    duration: Duration
    starts: int | None = None
    resolves: int | None = None


class StepSleepUntil(_Numbered):
    type: Literal["step_sleep_until"] = "step_sleep_until"
    name: str
    timestamp: str = "generated"
    starts: int | None = None
    resolves: int | None = None


class WaitOptions(Model):
    event_type: str
    timeout: Duration


class StepWaitForEvent(_Numbered):
    _omit_when_none = frozenset({"payload", "starts", "resolves"})

    type: Literal["step_wait_for_event"] = "step_wait_for_event"
    name: str
    options: WaitOptions | None
    payload: JsonShape | None = None
    starts: int | None = None
    resolves: int | None = None


# --- structure -----------------------------------------------------------------------------


class Loop(_Located):
    type: Literal["loop"] = "loop"
    nodes: list[Node]


class Parallel(_Located):
    type: Literal["parallel"] = "parallel"
    kind: Literal["all", "any", "all_settled", "race"]
    nodes: list[Node]


class Block(_Located):
    """A sequence of nodes (try/catch/finally blocks; a dependency chain, SEMANTICS §4.6)."""

    type: Literal["block"] = "block"
    nodes: list[Node]


class Try(_Located):
    type: Literal["try"] = "try"
    try_block: Block | None
    catch_block: Block | None
    finally_block: Block | None


class Branch(Model):
    condition: str | None
    nodes: list[Node]


class If(_Located):
    type: Literal["if"] = "if"
    branches: list[Branch]


class Switch(_Located):
    type: Literal["switch"] = "switch"
    discriminant: str
    branches: list[Branch]


class FunctionCall(_Numbered):
    type: Literal["function_call"] = "function_call"
    name: str
    starts: int | None = None
    resolves: int | None = None


class Break(_Located):
    type: Literal["break"] = "break"
    kind: Literal["break", "return"]


class FunctionDef(_Located):
    """An entry of ``workflow.functions`` (graph-semantics §2.11): ``name, nodes, type``."""

    name: str
    nodes: list[Node]
    type: Literal["function_def"] = "function_def"


class Start(Model):
    """In the API's node union, never emitted by wfgraph (SEMANTICS §1.3)."""

    _omit_when_none = frozenset({"payload"})

    type: Literal["start"] = "start"
    class_name: str
    payload: JsonShape | None = None
    functions: dict[str, FunctionDef]
    nodes: list[Node]


Node = Union[
    StepDo,
    StepSleep,
    StepSleepUntil,
    StepWaitForEvent,
    Loop,
    Parallel,
    Try,
    Block,
    If,
    Switch,
    FunctionCall,
    Break,
    Start,
    FunctionDef,
]

STEP_TYPES = (StepDo, StepSleep, StepSleepUntil, StepWaitForEvent)


# --- the response ---------------------------------------------------------------------------


class Workflow(Model):
    _omit_when_none = frozenset({"payload"})

    class_name: str
    payload: JsonShape | None = None
    functions: dict[str, FunctionDef]
    nodes: list[Node]


class Graph(Model):
    version: int = 1
    workflow: Workflow


class VersionGraphResponse(Model):
    id: str
    class_name: str
    created_on: datetime
    modified_on: datetime
    workflow_id: str
    graph: Graph | None
