"""The base of the schema classes: plain Python objects declared like pydantic models.

A subclass declares its JSON keys as annotated class attributes, in the key order of the API
(SEMANTICS §1.4), with defaults where a key may be left out of the constructor::

    class StepSleep(Model):
        type: Literal["step_sleep"] = "step_sleep"
        name: str
        duration: Duration
        starts: int | None = None

Construction takes keywords only and checks nothing but names (a missing or unknown keyword is a
``TypeError``): the walker builds thousands of nodes, and validation belongs to the boundary
(``model_validate``, through pydantic models derived from these declarations: ``validation.py``).
As pydantic's validation did, a list or dict given to a field is copied, so a caller's later
``append`` does not reach the node; model instances are kept as given.

Names starting with ``_`` are never keys: nodes carry side information there (``_src``, the
libcst node a graph node was derived from, and whatever else the walker records). Any such
attribute may be set on any instance; it travels with the node through pickling (worker
processes) and ``model_copy``, and is never serialised.

The pydantic-style methods (``model_validate``, ``model_dump``, ``model_dump_json``,
``model_copy``, ``model_json_schema``) keep the API the rest of wfgraph and its tests were written
against; only ``model_validate`` and ``model_json_schema`` import pydantic.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

M = TypeVar("M", bound="Model")

_REQUIRED: Any = object()


class Model:
    _fields: ClassVar[tuple[str, ...]] = ()
    """The JSON keys, in output order (SEMANTICS §1.4)."""
    _defaults: ClassVar[tuple[tuple[str, Any], ...]] = ()
    """``(key, default)`` in key order; ``_REQUIRED`` for keys without one."""
    _omit_when_none: ClassVar[frozenset[str]] = frozenset()
    """Optional keys: absent from the output when None, never ``null`` (SEMANTICS §1.4)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        defaults: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            for name in _own_annotations(klass):
                if not name.startswith("_"):  # a redeclared key keeps its place, as in pydantic
                    defaults[name] = klass.__dict__.get(name, _REQUIRED)
        cls._fields = tuple(defaults)
        cls._defaults = tuple(defaults.items())

    def __init__(self, **values: Any) -> None:
        state = self.__dict__
        for name, default in self._defaults:
            value = values.pop(name, default)
            if value is _REQUIRED:
                raise TypeError(f"{type(self).__name__}() missing keyword {name!r}")
            kind = type(value)
            if kind is list or kind is dict:
                value = value.copy()
            state[name] = value
        if values:
            raise TypeError(f"{type(self).__name__}() got unexpected keywords {sorted(values)}")

    def __eq__(self, other: object) -> bool:
        # As pydantic compared: the same class, the same keys and the same side attributes.
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({inner})"

    # --- the pydantic-style API -------------------------------------------------------------

    @classmethod
    def model_validate(cls: type[M], data: Any) -> M:
        """``data`` (JSON-like) checked against the schema; raises pydantic's
        ``ValidationError`` on any difference (an unknown key or node type included)."""
        from .validation import validate

        return validate(cls, data)

    @classmethod
    def model_json_schema(cls, **kwargs: Any) -> dict[str, Any]:
        from .validation import pydantic_model

        return pydantic_model(cls).model_json_schema(**kwargs)

    def model_dump(self, *, mode: str = "python", include: set[str] | None = None) -> Any:
        """Plain data: dicts in key order, optional keys left out when None; with
        ``mode="json"``, what the JSON text holds (datetimes as strings)."""
        from .encode import to_data

        return to_data(self, json=mode == "json", include=include)

    def model_dump_json(self, *, include: set[str] | None = None, indent: int | None = None) -> str:
        from .encode import dumps

        value = self if include is None else self.model_dump(include=include)
        return dumps(value, indent=indent)

    def model_copy(self: M, *, update: dict[str, Any] | None = None, deep: bool = False) -> M:
        """A copy; ``deep``: the keys' values (nodes, lists, dicts) copied all the way down.
        Side attributes are shared either way: a copy still came from the same source."""
        copy = object.__new__(type(self))
        state = copy.__dict__
        state.update(self.__dict__)
        if deep:
            for name in self._fields:
                state[name] = _deep_copy(state[name])
        if update:
            state.update(update)
        return copy


def _own_annotations(klass: type) -> dict[str, Any]:
    own = klass.__dict__.get("__annotations__")
    if own is None and "__annotate__" in klass.__dict__:  # Python 3.14: computed on demand
        own = klass.__annotations__
    return own or {}


def _deep_copy(value: Any) -> Any:
    if isinstance(value, Model):
        return value.model_copy(deep=True)
    kind = type(value)
    if kind is list:
        return [_deep_copy(v) for v in value]
    if kind is dict:
        return {k: _deep_copy(v) for k, v in value.items()}
    return value  # str, int, None, datetime: immutable
