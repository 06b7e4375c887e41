"""SEMANTICS §10.1: every step of a workflow with its static identity, in walk order.

The walk follows the graph depth first in source order, with each helper's body inlined at its
``function_call`` (a helper called twice contributes its steps twice, as a run does). Each step
gets its type and name (the §3.5 text, or the source text for names from f-strings and other
expressions, §10.3a), and what the matching and the findings need: the step body (for step
functions, as an AST dump, so whitespace, comments and other formatting do not count), its place
in the tree, the branches and loops around it, and where it is in the source.

Steps inside loops, and in helpers reached through recursion, are *repeated*: the run may call
them any number of times. The conditions of ``if`` / ``match`` / loops come along (``Control``)
for WF107.
"""

from __future__ import annotations

import ast
import functools
import io
import tokenize
from collections.abc import Callable
from dataclasses import field
from typing import Any

import libcst as cst

from wfgraph.schema import Workflow

from ...records import record
from ..call_cycles import call_cycles
from ...python.literals import DYNAMIC_NAME, PLACEHOLDER
from ...python.source import UNKNOWN_SPAN, Span
from .sides import Version

STEP_KINDS = ("step_do", "step_sleep", "step_sleep_until", "step_wait_for_event")
WORDS = {"step_do": "step", "step_sleep": "sleep", "step_sleep_until": "sleep_until",
         "step_wait_for_event": "wait"}


@record(frozen=True)
class Where:
    path: str
    span: Span = UNKNOWN_SPAN

    def __str__(self) -> str:
        return f"{self.path}:{self.span.line}" if self.span != UNKNOWN_SPAN else self.path


@record(eq=False)
class Control:
    """An ``if``, ``switch`` or loop of the walk, and the text that decides its path."""

    serial: int
    kind: str
    text: tuple[str | None, ...] | None
    """Branch conditions (a switch's discriminant first; None for ``else``); a loop's header;
    None when unknown (a loop read from graph JSON)."""
    key: tuple[str | None, ...] | None
    """``text`` without its formatting, to compare."""
    place: tuple[Any, ...]
    start: int
    """Walk position of the first step at or after it."""
    end: int = 0
    """Walk position just after the last step inside it."""
    where: Where | None = None
    node: Any = None


@record(eq=False)
class Occurrence:
    """One step of the walk: a call the engine will look up by (type, name, count)."""

    kind: str
    name: str
    name_src: str | None
    order: int
    node: Any
    body: str | None
    place: tuple[Any, ...]
    branches: tuple[tuple[int, int], ...]
    """(control serial, branch index) of each ``if`` / ``switch`` branch around it."""
    loops: tuple[int, ...]
    guards: tuple[tuple[int, int], ...]
    """Every control around it (branches and loops), outermost first."""
    parallels: tuple[tuple[int, int], ...]
    """(parallel serial, member index) of each ``parallel`` it is a member of."""
    repeated: bool
    helpers: tuple[str, ...]
    where: Where
    calls: tuple[Where, ...]
    """Where each helper call on the way to it stands, outermost first."""

    def key_name(self, by_source: bool) -> str:
        """SEMANTICS §10.3a: names built from source compare by their source text (without
        its formatting: ``{a+b}`` is ``{a + b}``)."""
        if by_source and self.name_src is not None:
            return name_key(self.name_src, self.name == DYNAMIC_NAME)
        return self.name

    @property
    def word(self) -> str:
        return WORDS[self.kind]

    @property
    def label(self) -> str:
        """The name for people: an f-string as written (``ship {item.id}``, SEMANTICS §9), a
        dynamic name with its expression."""
        if self.name_src is not None and PLACEHOLDER in self.name:
            return self.name_src
        if self.name_src is not None and self.name == DYNAMIC_NAME:
            return f"<dynamic: {self.name_src}>"
        return self.name

    def detail(self) -> tuple[Any, ...]:
        """What besides its name a step has that a change can alter: config, duration, event
        type and timeout (as JSON-like values)."""
        node = self.node
        if self.kind == "step_do":
            return ("config", node.config.model_dump(mode="json"))
        if self.kind == "step_sleep":
            return ("duration", node.duration)
        if self.kind == "step_wait_for_event":
            return ("options", node.options.model_dump(mode="json") if node.options else None)
        return ()


@record
class Walked:
    occurrences: list[Occurrence] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)


@record(frozen=True)
class _Ctx:
    place: tuple[Any, ...] = ()
    branches: tuple[tuple[int, int], ...] = ()
    loops: tuple[int, ...] = ()
    guards: tuple[tuple[int, int], ...] = ()
    parallels: tuple[tuple[int, int], ...] = ()
    helpers: tuple[str, ...] = ()
    calls: tuple[Where, ...] = ()
    repeated: bool = False


def walk_version(version: Version) -> Walked:
    """The identities of one workflow version, with locations and bodies when it has source."""
    declarations = version.analysis.declarations if version.analysis is not None else []
    bodies: dict[int, str | None] = {}

    def where(node: Any) -> Where:
        return version.where(node) if getattr(node, "_src", None) is not None else Where(version.path)

    def body(node: Any) -> str | None:
        index = getattr(node, "_decl", None)
        if index is None or index >= len(declarations):
            return None
        if index not in bodies:
            bodies[index] = body_key(declarations[index].fn)
        return bodies[index]

    return _Walk(version.workflow, where, body).run()


class _Walk:
    def __init__(self, workflow: Workflow, where: Callable[[Any], Where],
                 body: Callable[[Any], str | None]) -> None:
        self.workflow = workflow
        self.where = where
        self.body = body
        self.out = Walked()
        self.recursive = set(call_cycles(workflow))
        self.parallels = 0

    def run(self) -> Walked:
        self.nodes(self.workflow.nodes, _Ctx())
        return self.out

    def nodes(self, nodes: list[Any], ctx: _Ctx, label: str = "") -> None:
        for i, node in enumerate(nodes):
            self.node(node, _with(ctx, place=ctx.place + ((label, i) if label else (i,),)))

    def node(self, node: Any, ctx: _Ctx) -> None:
        kind = getattr(node, "type", None)
        if kind in STEP_KINDS:
            self.step(node, ctx)
            if kind == "step_do":
                self.nodes(node.nodes, ctx, "body")
        elif kind in ("if", "switch"):
            texts = [b.condition for b in node.branches]
            text = (node.discriminant, *texts) if kind == "switch" else tuple(texts)
            control = self.control(kind, text, tuple(expression_key(t) for t in text), node, ctx)
            for i, branch in enumerate(node.branches):
                inner = _with(ctx, branches=ctx.branches + ((control.serial, i),),
                              guards=ctx.guards + ((control.serial, i),))
                self.nodes(branch.nodes, inner, f"branch{i}")
            control.end = len(self.out.occurrences)
        elif kind == "loop":
            header = loop_header(getattr(node, "_src", None))
            control = self.control("loop", header and (header[0],), header and (header[1],), node, ctx)
            inner = _with(ctx, loops=ctx.loops + (control.serial,), repeated=True,
                          guards=ctx.guards + ((control.serial, 0),))
            self.nodes(node.nodes, inner, "loop")
            control.end = len(self.out.occurrences)
        elif kind == "try":
            for label in ("try_block", "catch_block", "finally_block"):
                block = getattr(node, label)
                if block is not None:
                    self.nodes(block.nodes, ctx, label)
        elif kind == "parallel":
            self.parallels += 1
            for i, member in enumerate(node.nodes):
                inner = _with(ctx, place=ctx.place + (("parallel", i),),
                              parallels=ctx.parallels + ((self.parallels, i),))
                self.node(member, inner)
        elif kind == "block":
            self.nodes(node.nodes, ctx, kind)
        elif kind == "function_call":
            self.call(node, ctx)

    def call(self, node: Any, ctx: _Ctx) -> None:
        fdef = self.workflow.functions.get(node.name)
        if fdef is None or node.name in ctx.helpers:
            return  # recursion: its steps are already marked repeated
        inner = _with(ctx, helpers=ctx.helpers + (node.name,), calls=ctx.calls + (self.where(node),),
                      repeated=ctx.repeated or node.name in self.recursive)
        self.nodes(fdef.nodes, inner, "call")

    def step(self, node: Any, ctx: _Ctx) -> None:
        self.out.occurrences.append(Occurrence(
            kind=node.type, name=node.name, name_src=getattr(node, "_name_src", None),
            order=len(self.out.occurrences), node=node,
            body=self.body(node) if node.type == "step_do" else None,
            place=ctx.place, branches=ctx.branches, loops=ctx.loops, guards=ctx.guards,
            parallels=ctx.parallels, repeated=ctx.repeated, helpers=ctx.helpers,
            where=self.where(node), calls=ctx.calls))

    def control(self, kind: str, text: tuple[str | None, ...] | None,
                key: tuple[str | None, ...] | None, node: Any, ctx: _Ctx) -> Control:
        control = Control(len(self.out.controls), kind, text, key, ctx.place,
                          len(self.out.occurrences), where=self.where(node), node=node)
        self.out.controls.append(control)
        return control


def _with(ctx: _Ctx, **changes: Any) -> _Ctx:
    return _Ctx(**{**ctx.__dict__, **changes})


# --- source text, compared without its formatting ------------------------------------------------

_BLANK = cst.Module([])


def body_key(fn: cst.FunctionDef) -> str:
    """A step function's statements (no decorators, no ``def`` line) as a comparable text:
    whitespace and comments do not count (SEMANTICS §10.2), nor do other choices of layout
    that do not change the code (quotes, parentheses, trailing commas)."""
    body = fn.body
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    code = "".join(_BLANK.code_for_node(s) for s in statements)
    if isinstance(body, cst.SimpleStatementSuite):
        code = code.strip()
    return _normalised(code, "exec")


@functools.lru_cache(maxsize=4096)
def name_key(source: str, dynamic: bool) -> str:
    """A name's source text to compare: an expression's, or an f-string's (its text between
    the quotes, read back as an f-string), without formatting."""
    if dynamic:
        return expression_key(source) or source
    try:
        return ast.dump(ast.parse(f"f'''{source}'''", mode="eval"))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return source


def expression_key(text: str | None) -> str | None:
    """A condition or loop header, compared the same way (``a and\\n b`` is ``a and b``)."""
    return None if text is None else _normalised(text, "eval")


def _normalised(code: str, mode: str) -> str:
    try:
        source = f"({code})" if mode == "eval" else code
        return ast.dump(ast.parse(source, mode=mode))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return _tokens(code)


def _tokens(code: str) -> str:
    """Fallback for what this Python cannot parse: the token texts, without comments and line
    breaks (indentation kept as structure)."""
    out: list[str] = []
    skip = (tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER)
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type in skip:
                continue
            out.append({tokenize.NEWLINE: ";", tokenize.INDENT: "{", tokenize.DEDENT: "}"}
                       .get(tok.type, tok.string))
    except (tokenize.TokenError, SyntaxError):
        return " ".join(code.split())
    return " ".join(out)


def loop_header(src: Any) -> tuple[str, str] | None:
    """A loop's header as written (``for x in xs``, ``while c``) and without its formatting;
    None without source."""
    if isinstance(src, cst.For):
        target, iterable = src.target, src.iter
    elif isinstance(src, cst.While):
        test = _BLANK.code_for_node(src.test)
        return f"while {test}", f"while {expression_key(test)}"
    elif isinstance(getattr(src, "for_in", None), cst.CompFor):
        target, iterable = src.for_in.target, src.for_in.iter
    else:
        return None
    parts = _BLANK.code_for_node(target), _BLANK.code_for_node(iterable)
    return (f"for {parts[0]} in {parts[1]}",
            f"for {expression_key(parts[0])} in {expression_key(parts[1])}")
