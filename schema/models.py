"""Cloudflare's workflow version-graph API response, as the classes the analyzer builds.

The shapes follow the API exactly (docs/cloudflare-parser.md §1–§2, SEMANTICS §1): a union of
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
    """A graph node that remembers the source it came from (the side table of docs/design.md)."""

    _src = None
    """The libcst node this graph node was derived from; never serialised."""


class _Numbered(_Located):
    _omit_when_none = frozenset({"starts", "resolves"})


# Side information, kept beside the nodes as ``_`` attributes, never serialised: what diagrams
# show beyond the JSON (SEMANTICS §9) and what ``wfgraph diff`` compares (SEMANTICS §10). Values
# are plain data (text, numbers, tuples and the walker's frozen records), so they survive worker
# processes (``portable.detach``). The class attributes are the defaults.


class _Sequence(Model):
    """A container of a node sequence: where its paths end and the step-less guards in it."""

    _exit = None
    """How the sequence ends when it does not just fall through: ``raise`` (with the exception as
    written), ``return``, ``break`` or ``continue``."""
    _guards = ()
    """Step-less ``if`` statements (dropped from the JSON, SEMANTICS §5) whose branches leave the
    sequence, each with the index of the node it stands before."""


class _Named(_Numbered):
    _name_src = None
    """The name as the source wrote it, when it is neither a string literal nor a constant: an
    f-string's text with its placeholders (``embed chunk {index}``), a dynamic expression's
    source. Diagrams label f-string names with it (SEMANTICS §9); ``wfgraph diff`` compares names
    by it (SEMANTICS §10.3a)."""


# --- payload shape descriptors (docs/cloudflare-parser.md §2.13) -------------------------------------


# Shapes are located too: ``_src`` is the first read of the field (``wfgraph diff``, WF108).


class UnknownShape(_Located):
    type: Literal["unknown"] = "unknown"


class ObjectShape(_Located):
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


class StepDo(_Named, _Sequence):
    _config_keys = frozenset()
    """The config fields the source writes out (``retries.limit``…), even at their defaults."""
    _decl = None
    """Which ``@step.do`` declaration runs here: an index into the walk's declarations
    (``WorkflowAnalysis.declarations``), whose function body ``wfgraph diff`` compares to tell a
    rename from a new step (SEMANTICS §10.2). An index, not the text: rendering every body
    would cost every command a code-generation pass for what only ``diff`` reads."""

    type: Literal["step_do"] = "step_do"
    name: str
    config: StepConfig
    nodes: list[Node] = []
    starts: int | None = None
    resolves: int | None = None


class StepSleep(_Named):
    type: Literal["step_sleep"] = "step_sleep"
    name: str
    duration: Duration
    starts: int | None = None
    resolves: int | None = None


class StepSleepUntil(_Named):
    type: Literal["step_sleep_until"] = "step_sleep_until"
    name: str
    timestamp: str = "generated"
    starts: int | None = None
    resolves: int | None = None


class WaitOptions(Model):
    event_type: str
    timeout: Duration


class StepWaitForEvent(_Named):
    _omit_when_none = frozenset({"payload", "starts", "resolves"})
    _event_type_src = None
    """The event type as the source wrote it (like ``_name_src``)."""

    type: Literal["step_wait_for_event"] = "step_wait_for_event"
    name: str
    options: WaitOptions | None
    payload: JsonShape | None = None
    starts: int | None = None
    resolves: int | None = None


# --- structure -----------------------------------------------------------------------------


class Loop(_Located, _Sequence):
    _header = None
    """The loop's header as written, shortened (``for chunk in chunks``)."""
    _trips = None
    """Its static trip count, when there is one (SEMANTICS §8.1)."""
    _orelse = None
    """Its ``else`` clause: how many nodes after the loop it holds, and how they end."""

    type: Literal["loop"] = "loop"
    nodes: list[Node]


class Parallel(_Located):
    type: Literal["parallel"] = "parallel"
    kind: Literal["all", "any", "all_settled", "race"]
    nodes: list[Node]


class Block(_Located, _Sequence):
    """A sequence of nodes (try/catch/finally blocks; a dependency chain, SEMANTICS §4.6)."""

    type: Literal["block"] = "block"
    nodes: list[Node]


class Try(_Located):
    _handlers = ()
    """Each ``except`` clause: its type as written and how its body ends (re-raises, returns,
    or goes on)."""
    _body_exit = None
    """How the body ends when it has no steps (and so no ``try_block``)."""

    type: Literal["try"] = "try"
    try_block: Block | None
    catch_block: Block | None
    finally_block: Block | None


class Branch(_Sequence):
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
    _args = None
    """The call's short literal arguments as written (diagram labels, SEMANTICS §9)."""

    type: Literal["function_call"] = "function_call"
    name: str
    starts: int | None = None
    resolves: int | None = None


class Break(_Located):
    type: Literal["break"] = "break"
    kind: Literal["break", "return"]


class FunctionDef(_Located, _Sequence):
    """An entry of ``workflow.functions`` (docs/cloudflare-parser.md §2.11): ``name, nodes, type``."""

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


class Workflow(_Sequence):
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
