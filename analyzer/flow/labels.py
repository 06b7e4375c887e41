"""Label text of flow-graph nodes: step names and the config that differs from the defaults,
summaries, parallel joins (SEMANTICS §9). Shared by the builder and the renderers."""

from __future__ import annotations

import textwrap
from typing import Any

from wfgraph.schema import FunctionCall, StepDo, StepSleep, StepSleepUntil, StepWaitForEvent

from .regions import count_inside

__all__ = ["DEFAULT_CONFIG", "JOIN_LABELS", "short", "step_label", "step_lines", "summary_text", "wrap"]

DEFAULT_CONFIG: dict[str, Any] = {
    "retries": {"limit": 5, "delay": 1000, "backoff": "exponential"},
    "timeout": 10000,
}
"""The graph's default ``step_do`` config (graph-semantics §3.3); labels show only differences."""

JOIN_LABELS = {
    "all": "all done",
    "all_settled": "all settled",
    "race": "first to finish",
    "any": "first to succeed",
}
"""What a parallel's join node says, per kind."""

_LABEL_WIDTH = 36
_EDGE_LABEL_MAX = 40


def short(text: str, limit: int = _EDGE_LABEL_MAX) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap(text: str, width: int = _LABEL_WIDTH) -> list[str]:
    lines: list[str] = []
    for raw in text.splitlines() or [""]:
        lines.extend(
            textwrap.wrap(raw, width, break_long_words=True, break_on_hyphens=False) or [""]
        )
    return lines


def _duration(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return f"{value} ms"
    if value == "Generated":
        return "computed"
    return str(value)



def summary_text(what: str, nodes: list[Any]) -> str:
    steps, _, calls = count_inside(nodes)
    parts = [f"{steps} step{'s' if steps != 1 else ''}"]
    if calls:
        parts.append(f"{calls} call{'s' if calls != 1 else ''}")
    return f"{what} ({', '.join(parts)})"



def step_lines(node: Any) -> tuple[list[str], list[str]]:
    """(title lines, detail lines) of a step or call node: the wrapped name, then what differs
    from the defaults (retries and timeout of a ``step_do``; a sleep's duration; an event type)."""
    if isinstance(node, StepDo):
        details = []
        retries = node.config.retries
        dflt = DEFAULT_CONFIG["retries"]
        diffs = []
        if retries.limit != dflt["limit"]:
            diffs.append("none" if retries.limit == 0 else f"limit {retries.limit}")
        if retries.delay != dflt["delay"] and retries.limit != 0:
            diffs.append(f"delay {_duration(retries.delay)}")
        if retries.backoff != dflt["backoff"] and retries.limit != 0:
            diffs.append(retries.backoff)
        if diffs:
            details.append("retries: " + ", ".join(diffs))
        if node.config.timeout != DEFAULT_CONFIG["timeout"]:
            details.append(f"timeout: {_duration(node.config.timeout)}")
        return wrap(node.name), details
    if isinstance(node, StepSleep):
        return wrap(node.name), [f"sleep {_duration(node.duration)}"]
    if isinstance(node, StepSleepUntil):
        when = "a computed time" if node.timestamp == "generated" else node.timestamp
        return wrap(node.name), [f"sleep until {when}"]
    if isinstance(node, StepWaitForEvent):
        if node.options is None:
            return wrap(node.name), ["wait for event"]
        details = wrap(f"wait for event: {node.options.event_type}")
        if node.options.timeout not in (0, "0"):
            details.append(f"timeout: {_duration(node.options.timeout)}")
        return wrap(node.name), details
    if isinstance(node, FunctionCall):
        return wrap(f"call {node.name}()"), []
    raise TypeError(f"not a step or call node: {type(node).__name__}")


def step_label(node: Any) -> str:
    """The label of a step / call node: :func:`step_lines` joined by newlines."""
    title, details = step_lines(node)
    return "\n".join(title + details)
