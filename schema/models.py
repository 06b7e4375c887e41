"""Pydantic v2 models of Cloudflare's workflow version-graph API response.

The shapes follow the API exactly (docs/cloudflare-parser.md §1–§2, SEMANTICS §1): a
discriminated union on ``type``, ``extra="forbid"``, fields declared in the key order the
parser emits so that ``model_dump`` yields byte-stable JSON (SEMANTICS §1.4). Optional keys
(``starts``, ``resolves``, ``payload``) are *absent* when unknown, never ``null``; keys that the
API types as nullable (``condition``, ``options``, ``*_block``) stay present with ``null``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_serializer

Duration = Union[int, str]
"""Milliseconds as an integer, or a human-readable string kept verbatim (or a sentinel)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    # Keys dropped from the output when their value is None (SEMANTICS §1.4).
    _omit_when_none: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _drop_unknown_optionals(self, handler: Any) -> Any:
        data = handler(self)
        if self._omit_when_none and isinstance(data, dict):
            for key in self._omit_when_none:
                if data.get(key, 0) is None:
                    del data[key]
        return data


class _Located(_Model):
    """A graph node that remembers the source it came from (the side table of docs/design.md)."""

    _src: Any = PrivateAttr(default=None)
    """The libcst node this graph node was derived from; never serialised."""


class _Numbered(_Located):
    _omit_when_none = frozenset({"starts", "resolves"})


# Side information for diagrams (SEMANTICS §9): what the JSON cannot say, kept beside the nodes
# as private attributes, never serialised. Values are plain data (text, numbers, tuples and the
# walker's frozen records), so they survive worker processes (``portable.detach``).


class _Sequence(_Model):
    """A container of a node sequence: where its paths end and the step-less guards in it."""

    _exit: Any = PrivateAttr(default=None)
    """How the sequence ends when it does not just fall through: ``raise`` (with the exception as
    written), ``return``, ``break`` or ``continue``."""
    _guards: Any = PrivateAttr(default=())
    """Step-less ``if`` statements (dropped from the JSON, SEMANTICS §5) whose branches leave the
    sequence, each with the index of the node it stands before."""


class _Named(_Numbered):
    _name_src: Any = PrivateAttr(default=None)
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
    fields: dict[str, "JsonShape"]


JsonShape = Annotated[Union[UnknownShape, ObjectShape], Field(discriminator="type")]


# --- step nodes ----------------------------------------------------------------------------


class Retries(_Model):
    limit: int
    delay: Duration
    backoff: Literal["constant", "linear", "exponential"]


class StepConfig(_Model):
    retries: Retries
    timeout: Duration


class StepDo(_Named, _Sequence):
    _config_keys: Any = PrivateAttr(default=frozenset())
    """The config fields the source writes out (``retries.limit``…), even at their defaults."""
    _decl: int | None = PrivateAttr(default=None)
    """Which ``@step.do`` declaration runs here: an index into the walk's declarations
    (``WorkflowAnalysis.declarations``), whose function body ``wfgraph diff`` compares to tell a
    rename from a new step (SEMANTICS §10.2). An index, not the text: rendering every body
    would cost every command a code-generation pass for what only ``diff`` reads."""

    type: Literal["step_do"] = "step_do"
    name: str
    config: StepConfig
    nodes: list["Node"] = Field(default_factory=list)
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


class WaitOptions(_Model):
    event_type: str
    timeout: Duration


class StepWaitForEvent(_Named):
    _omit_when_none = frozenset({"payload", "starts", "resolves"})

    _event_type_src: Any = PrivateAttr(default=None)
    """The event type as the source wrote it (like ``_name_src``)."""

    type: Literal["step_wait_for_event"] = "step_wait_for_event"
    name: str
    options: WaitOptions | None
    payload: JsonShape | None = None
    starts: int | None = None
    resolves: int | None = None


# --- structure -----------------------------------------------------------------------------


class Loop(_Located, _Sequence):
    _header: Any = PrivateAttr(default=None)
    """The loop's header as written (``for chunk in chunks``, ``while not done``)."""
    _trips: Any = PrivateAttr(default=None)
    """Its static trip count (SEMANTICS §8.1), when the source states one."""
    _orelse: Any = PrivateAttr(default=None)
    """Its ``else`` clause: how many of the nodes after the loop (and of their sequence's guards)
    it holds, and how it ends."""

    type: Literal["loop"] = "loop"
    nodes: list["Node"]


class Parallel(_Located):
    type: Literal["parallel"] = "parallel"
    kind: Literal["all", "any", "all_settled", "race"]
    nodes: list["Node"]


class Block(_Located, _Sequence):
    """A sequence of nodes (try/catch/finally blocks; a dependency chain, SEMANTICS §4.6)."""

    type: Literal["block"] = "block"
    nodes: list["Node"]


class Try(_Located):
    _handlers: Any = PrivateAttr(default=())
    """Each ``except`` clause: its type as written (None for a bare ``except:``) and how it ends
    (None: the workflow goes on after the ``try``), with or without steps."""
    _body_exit: Any = PrivateAttr(default=None)
    """How the ``try`` body ends when it has no steps (``try_block`` is null) but does exit."""

    type: Literal["try"] = "try"
    try_block: Block | None
    catch_block: Block | None
    finally_block: Block | None


class Branch(_Sequence):
    condition: str | None
    nodes: list["Node"]


class If(_Located):
    type: Literal["if"] = "if"
    branches: list[Branch]


class Switch(_Located):
    type: Literal["switch"] = "switch"
    discriminant: str
    branches: list[Branch]


class FunctionCall(_Numbered):
    _args: Any = PrivateAttr(default=None)
    """The call's literal arguments as written, when short (``"delivered"``)."""

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
    nodes: list["Node"]
    type: Literal["function_def"] = "function_def"


class Start(_Model):
    """In the API's node union, never emitted by wfgraph (SEMANTICS §1.3)."""

    _omit_when_none = frozenset({"payload"})

    type: Literal["start"] = "start"
    class_name: str
    payload: JsonShape | None = None
    functions: dict[str, FunctionDef]
    nodes: list["Node"]


Node = Annotated[
    Union[
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
    ],
    Field(discriminator="type"),
]

STEP_TYPES = (StepDo, StepSleep, StepSleepUntil, StepWaitForEvent)


# --- the response ---------------------------------------------------------------------------


class Workflow(_Sequence):
    _omit_when_none = frozenset({"payload"})

    class_name: str
    payload: JsonShape | None = None
    functions: dict[str, FunctionDef]
    nodes: list[Node]


class Graph(_Model):
    version: int = 1
    workflow: Workflow


class VersionGraphResponse(_Model):
    id: str
    class_name: str
    created_on: datetime
    modified_on: datetime
    workflow_id: str
    graph: Graph | None


for _model in list(globals().values()):
    if isinstance(_model, type) and issubclass(_model, BaseModel) and _model is not BaseModel:
        _model.model_rebuild()
