"""The JSON form of schema objects (SEMANTICS §1.3–§1.4), written in one pass.

``dumps`` writes a value holding schema objects (and dicts, lists, strings, numbers, None,
datetimes) straight to text: keys in declaration order, optional keys left out when None,
UTF-8 text as is (no ``\\u`` escapes). The bytes are those of ``json.dumps(data,
ensure_ascii=False, indent=2)`` (or ``separators=(",", ":")`` when compact) over the equivalent
plain data, without building that data first: on a large graph, that plain-data pass and the
standard library's pure-Python indenting encoder cost more than the analysis of many files.

``to_data`` gives the plain data itself, for ``model_dump`` and for tests.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from json.encoder import encode_basestring as _string  # the C implementation when available
from typing import Any, Callable

from .base import Model

_KEYS: dict[tuple[type, str], tuple[tuple[str, str, bool], ...]] = {}


def dumps(value: Any, indent: int | None = None) -> str:
    """JSON text of ``value``; ``indent=None`` is the compact form."""
    parts: list[str] = []
    if indent is None:
        _write(value, parts.append, "", "", ":")
    else:
        _write(value, parts.append, "\n", " " * indent, ": ")
    return "".join(parts)


def _keys(kind: type, colon: str) -> tuple[tuple[str, str, bool], ...]:
    """Per class: each key's attribute name, its JSON text with the colon, and whether it is
    left out when None."""
    keys = _KEYS.get((kind, colon))
    if keys is None:
        omit = kind._omit_when_none  # type: ignore[attr-defined]
        keys = tuple((name, _string(name) + colon, name in omit)
                     for name in kind._fields)  # type: ignore[attr-defined]
        _KEYS[(kind, colon)] = keys
    return keys


def _write(value: Any, out: Callable[[str], Any], nl: str, step: str, colon: str) -> None:
    """``nl``: a newline and the current indentation ("" when compact); ``step``: one level."""
    kind = type(value)
    if kind is str:
        out(_string(value))
    elif kind is int:
        out(int.__repr__(value))
    elif value is None:
        out("null")
    elif isinstance(value, Model):
        inner = nl + step
        sep = first = "{" + inner
        state = value.__dict__
        for name, key, omit in _keys(kind, colon):
            item = state[name]
            if item is None:
                if omit:
                    continue
                out(sep + key + "null")
            elif type(item) is str:
                out(sep + key + _string(item))
            else:
                out(sep + key)
                _write(item, out, inner, step, colon)
            sep = "," + inner
        out("{}" if sep is first else nl + "}")
    elif kind is list or kind is tuple:
        if not value:
            out("[]")
            return
        inner = nl + step
        sep = "[" + inner
        for item in value:
            out(sep)
            _write(item, out, inner, step, colon)
            sep = "," + inner
        out(nl + "]")
    elif kind is dict:
        if not value:
            out("{}")
            return
        inner = nl + step
        sep = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError(f"keys must be str, not {type(key).__name__}")
            out(sep + _string(key) + colon)
            _write(item, out, inner, step, colon)
            sep = "," + inner
        out(nl + "}")
    else:
        out(_scalar(value))


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return _string(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    if isinstance(value, datetime):
        return _string(iso_datetime(value))
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def iso_datetime(value: datetime) -> str:
    """ISO 8601 as pydantic writes it (and the API serves it): ``Z`` for UTC, offsets in
    hours and minutes."""
    offset = value.utcoffset()
    text = value.replace(tzinfo=None).isoformat()
    if offset is None:
        return text
    if offset == timedelta(0):
        return text + "Z"
    sign = "-" if offset < timedelta(0) else "+"
    minutes = int(abs(offset).total_seconds()) // 60
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def to_data(value: Any, json: bool = True, include: set[str] | None = None) -> Any:
    """Plain data of ``value``: dicts in key order, optional keys left out when None;
    datetimes as text when ``json``. ``include``: only these keys of the outermost object."""
    if isinstance(value, Model):
        omit = value._omit_when_none
        data = {}
        for name in value._fields:
            if include is not None and name not in include:
                continue
            item = getattr(value, name)
            if item is None and name in omit:
                continue
            data[name] = to_data(item, json)
        return data
    kind = type(value)
    if kind is list or kind is tuple:
        return [to_data(v, json) for v in value]
    if kind is dict:
        return {k: to_data(v, json) for k, v in value.items()}
    if json and isinstance(value, datetime):
        return iso_datetime(value)
    return value
