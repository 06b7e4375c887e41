"""Duration strings as the Workflows engine reads them (docs/python-api.md §5.3).

The typed grammar (workerd ``rpc.d.ts``) is ``"<number> <unit>"`` or ``"<number> <unit>s"`` with
unit one of second, minute, hour, day, week, month, year; a bare number means milliseconds. The
engine's parser turns anything else into NaN (``"10s"``, ``"1 hour, 30 minutes"``) or, worse,
silently reads an unknown unit as milliseconds (``"10 sec"`` → 10 ms). Months are 30 days and
years 365.25 days, as in the parser.
"""

from __future__ import annotations

import re

from ..records import record

SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR

UNITS: dict[str, float] = {
    "second": SECOND,
    "minute": MINUTE,
    "hour": HOUR,
    "day": DAY,
    "week": 7 * DAY,
    "month": 30 * DAY,
    "year": 365.25 * DAY,
}

_GRAMMAR = re.compile(r"(?P<number>\d+(?:\.\d+)?) (?P<unit>second|minute|hour|day|week|month|year)s?")
_NUMERIC = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*")
_LOOSE = re.compile(r"\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[A-Za-z]+)\.?\s*")

_ABBREVIATIONS = {
    "s": "second", "sec": "second", "secs": "second", "seconds": "second",
    "m": "minute", "min": "minute", "mins": "minute", "minutes": "minute",
    "h": "hour", "hr": "hour", "hrs": "hour", "hours": "hour",
    "d": "day", "days": "day",
    "w": "week", "wk": "week", "wks": "week", "weeks": "week",
    "mo": "month", "mos": "month", "mon": "month", "months": "month",
    "y": "year", "yr": "year", "yrs": "year", "years": "year",
}


@record(frozen=True)
class Parsed:
    """A duration string that follows the grammar, in milliseconds."""

    text: str
    ms: float


def parse(text: str) -> Parsed | None:
    """The duration in milliseconds when ``text`` follows the typed grammar, else None."""
    match = _GRAMMAR.fullmatch(text)
    if match is None:
        return None
    return Parsed(text, float(match.group("number")) * UNITS[match.group("unit")])


def is_numeric_string(text: str) -> bool:
    """``"5000"``: the engine reads it as milliseconds, the typed grammar has no such form."""
    return bool(_NUMERIC.fullmatch(text))


def suggestion(text: str) -> str | None:
    """What the author probably meant, in the grammar (``"10s"`` → ``"10 seconds"``), or None."""
    match = _LOOSE.fullmatch(text)
    if match is None:
        return None
    number, unit = match.group("number"), match.group("unit").lower()
    unit = _ABBREVIATIONS.get(unit, unit if unit in UNITS else "")
    if not unit:
        return None
    return f"{number} {unit}{'' if number == '1' else 's'}"


def describe_ms(ms: float) -> str:
    """``90000`` → ``"1.5 minutes"``: the largest unit that gives a number of at least 1."""
    for name, size in (("day", DAY), ("hour", HOUR), ("minute", MINUTE), ("second", SECOND)):
        if ms >= size:
            value = ms / size
            text = f"{value:.2f}".rstrip("0").rstrip(".")
            return f"{text} {name}{'' if text == '1' else 's'}"
    return f"{ms:g} ms"
