"""What the diagrams need beyond the JSON (SEMANTICS §9), computed while the walker still has the
source: where paths end, step-less guards, f-string names, loop headers, literal call arguments.

Everything is kept as text, numbers and the frozen records below, in the private side attributes
that ``schema/models.py`` declares, so it survives worker processes (``portable.detach`` drops the
libcst nodes, never these).
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from ..records import record
from .literals import Constants, dict_items, is_literal, literal_value, source_text

EXIT_KINDS = ("raise", "return", "break", "continue")

MAX_ARGS_TEXT = 40
"""Literal call arguments longer than this (all together) are left out of the label."""


@record(frozen=True)
class Exit:
    """Where a sequence's path ends: ``raise`` (``text``: the exception as written, None for a
    bare re-raise), ``return``, ``break`` or ``continue``."""

    kind: str
    text: str | None = None


@record(frozen=True)
class Guard:
    """A step-less ``if`` / ``match`` that the JSON drops (SEMANTICS §5) but that ends some paths:
    ``if item.done: break``. It stands before node ``index`` of its sequence. ``branches`` holds
    (condition or case pattern, None for ``else`` / ``case _``; its exit, None when that branch
    goes on); without a None condition, the paths no branch takes go on too."""

    index: int
    construct: str  # "if" | "switch"
    subject: str | None
    branches: tuple[tuple[str | None, Exit | None], ...]


def exit_of(module: cst.Module, small: cst.BaseSmallStatement) -> Exit | None:
    """The exit a simple statement makes, if it is one."""
    if type(small) is cst.Return:
        return Exit("return")
    if type(small) is cst.Raise:
        return Exit("raise", source_text(module, small.exc) if small.exc is not None else None)
    if type(small) is cst.Break:
        return Exit("break")
    if type(small) is cst.Continue:
        return Exit("continue")
    return None


def attach_sequence(container: Any, seq: Any) -> Any:
    """Copy a walked sequence's exit and guards onto the schema container built from it."""
    if seq is not None and (seq.exit is not None or seq.guards):
        container._exit = seq.exit
        container._guards = tuple(seq.guards)
    return container


def loop_header(module: cst.Module, src: cst.CSTNode) -> str | None:
    """``for chunk in chunks``, ``async for x in stream()``, ``while not done``; a comprehension's
    ``for`` clauses (SEMANTICS §9)."""
    if type(src) is cst.For:
        word = "async for" if src.asynchronous is not None else "for"
        return f"{word} {_text(module, src.target)} in {_text(module, src.iter)}"
    if type(src) is cst.While:
        return f"while {_text(module, src.test)}"
    clause = getattr(src, "for_in", None)
    parts = []
    while type(clause) is cst.CompFor:
        word = "async for" if clause.asynchronous is not None else "for"
        parts.append(f"{word} {_text(module, clause.target)} in {_text(module, clause.iter)}")
        clause = clause.inner_for_in
    return " ".join(parts) or None


def call_arguments(module: cst.Module, call: cst.Call) -> str | None:
    """A helper call's literal arguments as written (``"delivered"``, ``retries=3``), when there
    are any and they are short; the others (the step object, data) are what every call passes."""
    shown = []
    for arg in call.args:
        if arg.star or not is_literal(literal_value(arg.value)):
            continue
        text = _text(module, arg.value)
        shown.append(f"{arg.keyword.value}={text}" if arg.keyword is not None else text)
    joined = ", ".join(shown)
    return joined if shown and len(joined) <= MAX_ARGS_TEXT else None


def config_keys(node: cst.BaseExpression | None, consts: Constants) -> frozenset[str]:
    """The ``step.do`` config fields the source writes out (``timeout``, ``retries.limit``…):
    labels show them even when they equal the graph's defaults."""
    keys = set()
    for key, value in dict_items(node, consts) or []:
        if key == "retries":
            keys.update(f"retries.{k}" for k, _ in dict_items(value, consts) or [])
        else:
            keys.add(key)
    return frozenset(keys)


def _text(module: cst.Module, node: cst.CSTNode) -> str:
    return " ".join(source_text(module, node).split())


__all__ = ["EXIT_KINDS", "Exit", "Guard", "attach_sequence", "call_arguments", "config_keys",
           "exit_of", "loop_header"]
