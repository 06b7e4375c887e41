"""Label text of flow-graph nodes (SEMANTICS §9): step names as the Python source wrote them, the
config a step states or changes, loop headers with their trip counts, literal call arguments,
exits, summaries, parallel joins. Shared by the builder and the renderers.

Side information comes from the walker (``python/diagram_info.py``) through the schema nodes'
private attributes; a graph read from JSON has none, and its labels fall back to the JSON's text."""

from __future__ import annotations

import textwrap
from typing import Any

from wfgraph.schema import FunctionCall, StepDo, StepSleep, StepSleepUntil, StepWaitForEvent

from ..python.literals import PLACEHOLDER
from .regions import count_inside

__all__ = [
    "DEFAULT_CONFIG",
    "JOIN_LABELS",
    "exit_label",
    "loop_lines",
    "short",
    "step_label",
    "step_lines",
    "summary_text",
    "wrap",
]

DEFAULT_CONFIG: dict[str, Any] = {
    "retries": {"limit": 5, "delay": 1000, "backoff": "exponential"},
    "timeout": 10000,
}
"""The graph's default ``step_do`` config (docs/cloudflare-parser.md §3.3). Labels show what differs from it,
and what the source states explicitly even when it equals it (``limit 5``)."""

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


def _name(node: Any) -> str:
    """A step's name as the source wrote it: an f-string's text rather than ``${...}`` (§9)."""
    return _as_written(node.name, getattr(node, "_name_src", None))


def _as_written(rendered: str, written: str | None) -> str:
    """The f-string text behind a name whose placeholders SEMANTICS §3.5 renders as ``${...}``;
    other names as rendered (a dynamic one stays ``<dynamic>``)."""
    return written if written is not None and PLACEHOLDER in rendered else rendered


def _config_details(node: StepDo) -> list[str]:
    """Retries and timeout: what differs from the defaults, or is written out in the source."""
    written = getattr(node, "_config_keys", None) or frozenset()
    retries = node.config.retries
    dflt = DEFAULT_CONFIG["retries"]

    def shown(key: str, value: Any, default: Any) -> bool:
        return value != default or key in written

    parts = []
    if shown("retries.limit", retries.limit, dflt["limit"]):
        parts.append("none" if retries.limit == 0 else f"limit {retries.limit}")
    if retries.limit != 0:
        if shown("retries.delay", retries.delay, dflt["delay"]):
            parts.append(f"delay {_duration(retries.delay)}")
        if shown("retries.backoff", retries.backoff, dflt["backoff"]):
            parts.append(retries.backoff)
    details = ["retries: " + ", ".join(parts)] if parts else []
    if shown("timeout", node.config.timeout, DEFAULT_CONFIG["timeout"]):
        details.append(f"timeout: {_duration(node.config.timeout)}")
    return details


def step_lines(node: Any) -> tuple[list[str], list[str]]:
    """(title lines, detail lines) of a step or call node: the wrapped name, then what differs
    from the defaults (retries and timeout of a ``step_do``; a sleep's duration; an event type)."""
    if isinstance(node, StepDo):
        return wrap(_name(node)), _config_details(node)
    if isinstance(node, StepSleep):
        return wrap(_name(node)), [f"sleep {_duration(node.duration)}"]
    if isinstance(node, StepSleepUntil):
        when = "a computed time" if node.timestamp == "generated" else node.timestamp
        return wrap(_name(node)), [f"sleep until {when}"]
    if isinstance(node, StepWaitForEvent):
        if node.options is None:
            return wrap(_name(node)), ["wait for event"]
        event_type = _as_written(node.options.event_type, getattr(node, "_event_type_src", None))
        details = wrap(f"wait for event: {event_type}")
        if node.options.timeout not in (0, "0"):
            details.append(f"timeout: {_duration(node.options.timeout)}")
        return wrap(_name(node)), details
    if isinstance(node, FunctionCall):
        args = getattr(node, "_args", None) or ""
        return wrap(f"call {node.name}({args})"), []
    raise TypeError(f"not a step or call node: {type(node).__name__}")


def step_label(node: Any) -> str:
    """The label of a step / call node: :func:`step_lines` joined by newlines."""
    title, details = step_lines(node)
    return "\n".join(title + details)


def loop_lines(node: Any) -> tuple[list[str], list[str]]:
    """(title, details) of a loop's head: its header, shortened, and its static trip count."""
    header = getattr(node, "_header", None)
    title = wrap(short(header, 48)) if header else ["loop"]
    trips = getattr(node, "_trips", None)
    return title, ([f"× {trips:,}"] if trips is not None else [])


def exit_label(kind: str, text: str | None, condition: str | None = None) -> str:
    """The text of a path that leaves: a raise terminal's label, or an exit edge's."""
    if kind == "raise":
        return f"raise {text}" if text else "raise"
    if kind == "return":
        return condition or "return"
    return f"{condition}: {kind}" if condition else kind
