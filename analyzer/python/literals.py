"""Source text and literal values: how names, durations and configs render (SEMANTICS §3).

Every function here takes a libcst expression and a ``Constants`` view, so that a name bound once
to a literal (SEMANTICS §3.6) renders like the literal itself.
"""

from __future__ import annotations

import ast
import math
import warnings
from typing import Any, Protocol

import libcst as cst

from wfgraph.schema import Retries, StepConfig, WaitOptions

from .source import code_for_node

DYNAMIC_NAME = "<dynamic>"
SLEEP_GENERATED = "Generated"
UNKNOWN = "unknown"
PLACEHOLDER = "${...}"

# The values Cloudflare's graph uses for an omitted field (docs/cloudflare-parser.md §3.3), not the
# runtime defaults: the graph must match what the API serves.
DEFAULT_LIMIT = 5
DEFAULT_DELAY = 1000
DEFAULT_BACKOFF = "exponential"
DEFAULT_TIMEOUT = 10000
BACKOFFS = ("constant", "linear", "exponential")

_NOT_LITERAL = object()


class Constants(Protocol):
    """Resolves a name to the literal expression it is bound to once (SEMANTICS §3.6)."""

    def lookup(self, name: str) -> cst.BaseExpression | None: ...


class NoConstants:
    def lookup(self, name: str) -> cst.BaseExpression | None:
        return None


def strip_parens(node: cst.BaseExpression) -> cst.BaseExpression:
    """Drop parentheses around the whole expression; a tuple's belong to how it reads."""
    if getattr(node, "lpar", None) and type(node) is not cst.Tuple:
        return node.with_changes(lpar=[], rpar=[])
    return node


def source_text(module: cst.Module, node: cst.CSTNode) -> str:
    """Exact source text of ``node``, without parentheses that enclose the whole of it."""
    if isinstance(node, cst.BaseExpression):
        node = strip_parens(node)
    return code_for_node(module, node)


def string_of(node: cst.SimpleString | cst.ConcatenatedString) -> Any:
    """``node.evaluated_value`` (``ast.literal_eval``, a ``compile`` per call), read straight
    from the text when that is the same: a plain or raw string without backslashes or CRs."""
    if type(node) is cst.SimpleString:
        value = node.value
        if "\\" not in value and "\r" not in value and value[0] in "'\"rRuU":
            if value[0] in "rRuU":
                value = value[1:]
            if value[0] not in "rRuUbBfF":
                quote = 3 if value[:3] in ('"""', "'''") else 1
                return value[quote:-quote]
    return node.evaluated_value


def _resolve(node: cst.BaseExpression, consts: Constants) -> cst.BaseExpression:
    """A name, or a module's attribute (``constants.RETRY``), bound once to a literal → that
    literal (SEMANTICS §2.4, §3.6)."""
    if type(node) in (cst.Name, cst.Attribute):
        name = dotted_name(node)
        bound = consts.lookup(name) if name is not None else None
        if bound is not None:
            return bound
    return node


def literal_value(node: cst.BaseExpression | None, consts: Constants | None = None) -> Any:
    """The Python value of a literal (str, int, float, bool, None, dict/list/tuple of those),
    following constants; ``_NOT_LITERAL`` otherwise."""
    if node is None:
        return _NOT_LITERAL
    consts = consts or NoConstants()
    node = _resolve(node, consts)
    if type(node) in (cst.SimpleString, cst.ConcatenatedString):
        value = string_of(node)
        return value if isinstance(value, str) else _NOT_LITERAL
    if type(node) is cst.Integer:
        return int(node.evaluated_value)
    if type(node) is cst.Float:
        return float(node.evaluated_value)
    if type(node) is cst.Name and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if type(node) is cst.UnaryOperation and type(node.operator) is cst.Minus:
        inner = literal_value(node.expression, consts)
        if isinstance(inner, (int, float)) and not isinstance(inner, bool):
            return -inner
        return _NOT_LITERAL
    if type(node) in (cst.List, cst.Tuple):
        items = [literal_value(e.value, consts) for e in node.elements if type(e) is cst.Element]
        if len(items) != len(node.elements) or any(i is _NOT_LITERAL for i in items):
            return _NOT_LITERAL
        return items if type(node) is cst.List else tuple(items)
    if type(node) is cst.Dict:
        out: dict[Any, Any] = {}
        for el in node.elements:
            if type(el) is not cst.DictElement:
                return _NOT_LITERAL
            key, value = literal_value(el.key, consts), literal_value(el.value, consts)
            if key is _NOT_LITERAL or value is _NOT_LITERAL:
                return _NOT_LITERAL
            out[key] = value
        return out
    return _NOT_LITERAL


def is_literal(value: Any) -> bool:
    return value is not _NOT_LITERAL


def string_value(node: cst.BaseExpression | None, consts: Constants | None = None) -> str | None:
    value = literal_value(node, consts)
    return value if isinstance(value, str) else None


def _plain_number(node: cst.BaseExpression, consts: Constants) -> int | None:
    """A number literal truncated to int (docs/cloudflare-parser.md §3.2); a negative or computed number
    is not a literal there, so it is not one here either."""
    node = _resolve(node, consts)
    if type(node) is cst.Integer:
        return int(node.evaluated_value)
    if type(node) is cst.Float:
        value = float(node.evaluated_value)
        return int(value) if math.isfinite(value) else None
    return None


def _plain_string(node: cst.BaseExpression, consts: Constants) -> str | None:
    node = _resolve(node, consts)
    if type(node) in (cst.SimpleString, cst.ConcatenatedString):
        value = string_of(node)
        return value if isinstance(value, str) else None
    return None


def render_name(node: cst.BaseExpression | None, consts: Constants | None = None) -> str:
    """Step names and event types (SEMANTICS §3.5)."""
    if node is None:
        return DYNAMIC_NAME
    consts = consts or NoConstants()
    text = _plain_string(node, consts)
    if text is not None:
        return text
    if type(node) is cst.FormattedString:
        return _fstring_template(node)
    return DYNAMIC_NAME


def name_source(node: cst.BaseExpression | None, consts: Constants | None = None) -> str | None:
    """A name as the source wrote it, where SEMANTICS §3.5 loses it: an f-string's text with
    its placeholders as written (``embed chunk {index}``), a dynamic expression's source. None
    for a string literal or a constant, whose value is the name."""
    if node is None or _plain_string(node, consts or NoConstants()) is not None:
        return None
    if type(node) is cst.FormattedString:
        return "".join(cst.Module([]).code_for_node(part) for part in node.parts)
    return cst.Module([]).code_for_node(strip_parens(node))


def _fstring_template(node: cst.FormattedString) -> str:
    """Static text of an f-string with each replacement field shown as ``${...}``."""
    return "".join(PLACEHOLDER if part is None else part for part in fstring_parts(node))


def fstring_parts(node: cst.FormattedString) -> list[str | None]:
    """An f-string's literal pieces with escapes decoded, and None for each replacement field."""
    try:
        with warnings.catch_warnings():  # invalid escapes warn on stderr; the text is the user's
            warnings.simplefilter("ignore")
            tree = ast.parse(cst.Module([]).code_for_node(node), mode="eval").body
    except SyntaxError:
        tree = None
    if isinstance(tree, ast.JoinedStr):
        return [part.value if isinstance(part, ast.Constant) else None for part in tree.values]
    # Syntax newer than the running interpreter parses (PEP 701 quotes): decode by hand.
    return [
        part.value.replace("{{", "{").replace("}}", "}")
        if type(part) is cst.FormattedStringText else None
        for part in node.parts
    ]


def render_sleep_duration(node: cst.BaseExpression | None, consts: Constants | None = None) -> int | str:
    """``step_sleep.duration`` (SEMANTICS §3.2)."""
    return _duration(node, consts or NoConstants(), SLEEP_GENERATED)


def render_duration(node: cst.BaseExpression | None, consts: Constants | None = None) -> int | str:
    """``delay``, ``timeout`` and ``options.timeout`` (SEMANTICS §3.1)."""
    return _duration(node, consts or NoConstants(), UNKNOWN)


def _duration(node: cst.BaseExpression | None, consts: Constants, fallback: str) -> int | str:
    if node is None:
        return fallback
    text = _plain_string(node, consts)
    if text is not None:
        return text
    number = _plain_number(node, consts)
    return number if number is not None else fallback


def dict_items(
    node: cst.BaseExpression | None, consts: Constants
) -> list[tuple[str, cst.BaseExpression]] | None:
    """The literal-keyed entries of a dict display (following a constant and ``**CONST``
    spreads), in order; None when ``node`` is not a dict display."""
    if node is None:
        return None
    node = _resolve(node, consts)
    if type(node) is cst.Call and type(node.func) is cst.Name and node.func.value == "dict":
        return [(a.keyword.value, a.value) for a in node.args if a.keyword is not None]
    if type(node) is not cst.Dict:
        return None
    items: list[tuple[str, cst.BaseExpression]] = []
    for el in node.elements:
        if type(el) is cst.StarredDictElement:
            items.extend(dict_items(el.value, consts) or [])
            continue
        key = _plain_string(el.key, consts)
        if key is not None:
            items.append((key, el.value))
    return items


def render_config(node: cst.BaseExpression | None, consts: Constants | None = None) -> StepConfig:
    """``step_do.config``: literal fields merged over the graph defaults (SEMANTICS §3.1)."""
    consts = consts or NoConstants()
    limit, delay, backoff, timeout = DEFAULT_LIMIT, DEFAULT_DELAY, DEFAULT_BACKOFF, DEFAULT_TIMEOUT
    for key, value in dict_items(node, consts) or []:
        if key == "timeout":
            timeout = render_duration(value, consts)
        elif key == "retries":
            for rkey, rvalue in dict_items(value, consts) or []:
                if rkey == "limit":
                    number = _plain_number(rvalue, consts)
                    limit = number if number is not None else DEFAULT_LIMIT
                elif rkey == "delay":
                    delay = render_duration(rvalue, consts)
                elif rkey == "backoff":
                    text = _plain_string(rvalue, consts)
                    backoff = text if text in BACKOFFS else DEFAULT_BACKOFF
    return StepConfig(retries=Retries(limit=limit, delay=delay, backoff=backoff), timeout=timeout)


def render_wait_options(
    event_type: cst.BaseExpression | None,
    timeout: cst.BaseExpression | None,
    consts: Constants | None = None,
) -> WaitOptions | None:
    """``step_wait_for_event.options`` (SEMANTICS §3.4): null when no event type is given."""
    if event_type is None:
        return None
    consts = consts or NoConstants()
    return WaitOptions(
        event_type=render_name(event_type, consts),
        timeout=0 if timeout is None else render_duration(timeout, consts),
    )


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a chain of names and attributes, else None."""
    parts: list[str] = []
    while type(node) is cst.Attribute:
        parts.append(node.attr.value)
        node = node.value
    if type(node) is not cst.Name:
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def call_args(
    call: cst.Call, positional: tuple[str, ...]
) -> tuple[dict[str, cst.BaseExpression], list[cst.Arg]]:
    """Map a call's arguments to parameter names; returns (bound, unmatched extras)."""
    bound: dict[str, cst.BaseExpression] = {}
    extras: list[cst.Arg] = []
    index = 0
    for arg in call.args:
        if arg.star:
            extras.append(arg)
        elif arg.keyword is not None:
            bound.setdefault(arg.keyword.value, arg.value)
        elif index < len(positional):
            bound[positional[index]] = arg.value
            index += 1
        else:
            extras.append(arg)
    return bound, extras


