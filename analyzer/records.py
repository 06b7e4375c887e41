"""``record``: the project's dataclasses, defined at a fifth of the import cost.

``dataclasses.dataclass`` compiles every method it adds from source text when the class is
defined, about 0.15 ms a method: a frozen class (``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__``, ``__delattr__``) costs about 1 ms. ``wfgraph check`` defines about
seventy on the way to checking one file, a sixth of what its start-up adds to Python's and
libcst's (issue 12). ``record`` takes the same arguments and ``dataclasses.field`` options and
gives the same behaviour: ``dataclasses`` still collects the fields (defaults, factories,
``ClassVar``, slots), so ``dataclasses.fields``, ``replace`` and ``is_dataclass`` work; only
``__init__`` is compiled, and the other methods are shared functions that read the field names
the class keeps. Equality, hashing (the same hash as a dataclass's, so sets of records iterate
in the same order), ordering and ``repr`` are a dataclass's; a frozen record refuses assignment
the same way (``dataclasses.FrozenInstanceError``), and pickles (worker processes) like one.
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from reprlib import recursive_repr
from typing import Any, Callable, TypeVar, dataclass_transform

T = TypeVar("T", bound=type)

_MISSING = dataclasses.MISSING


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: T | None = None, /, *, frozen: bool = False, eq: bool = True, order: bool = False,
           slots: bool = False) -> Any:
    """``@record`` or ``@record(frozen=True, slots=True, ...)``: ``@dataclass`` with the same
    meaning for these arguments (``order`` needs ``eq``)."""

    def wrap(cls: T) -> T:
        own = dict(cls.__dict__)  # methods the class writes itself are kept, as dataclass does
        if not own.get("__doc__"):  # else dataclass writes one from inspect.signature(cls), which
            cls.__doc__ = cls.__name__  # tokenizes a text signature (its regex: 3 ms, once)
        cls = dataclasses.dataclass(cls, init=False, repr=False, eq=False, slots=slots)
        fields = dataclasses.fields(cls)
        methods: dict[str, Any] = {"__init__": _init(cls, fields, frozen), "__repr__": _repr}
        cls._record_repr = tuple(f.name for f in fields if f.repr)  # type: ignore[attr-defined]
        if eq:
            cls._record_key = _key(f.name for f in fields if f.compare)  # type: ignore[attr-defined]
            methods["__eq__"] = _eq
            if frozen:
                cls._record_hash = _key(f.name for f in fields  # type: ignore[attr-defined]
                                        if (f.compare if f.hash is None else f.hash))
            explicit_hash = own.get("__hash__", _MISSING) not in (_MISSING, None)
            if not explicit_hash:
                cls.__hash__ = _hash if frozen else None  # type: ignore[assignment]
        if order:
            methods.update(zip(("__lt__", "__le__", "__gt__", "__ge__"), _ORDER))
        if frozen:
            methods.update(__setattr__=_frozen_setattr, __delattr__=_frozen_delattr)
            if slots:  # without a __dict__, unpickling would assign each slot
                methods.update(__getstate__=_getstate, __setstate__=_setstate)
        for name, method in methods.items():
            if name not in own:
                setattr(cls, name, method)
        return cls

    return wrap if cls is None else wrap(cls)


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...], frozen: bool) -> Callable[..., None]:
    """The one compiled method: what ``dataclass`` writes, in one ``exec`` per class."""
    names: dict[str, Any] = {"_MISSING": _MISSING, "_set": object.__setattr__}
    params, body = [], []
    for f in fields:
        assert f.name.isidentifier(), f.name  # class syntax guarantees it; the text relies on it
        value = f.name
        if f.default is not _MISSING:
            names[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not _MISSING:
            names[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            value = f"_factory_{f.name}() if {f.name} is _MISSING else {f.name}"
        else:
            params.append(f.name)
        body.append(f"_set(self, {f.name!r}, {value})" if frozen else f"self.{f.name} = {value}")
    init_text = f"def __init__(self, {', '.join(params)}):\n    " + ("\n    ".join(body) or "pass")
    exec(init_text, names)
    init = names["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


def _key(names: Any) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of these fields' values, as a dataclass compares and hashes them."""
    fields = tuple(names)
    if len(fields) >= 2:
        return attrgetter(*fields)
    if fields:
        get = attrgetter(fields[0])
        return lambda obj: (get(obj),)
    return lambda obj: ()


@recursive_repr()
def _repr(self: Any) -> str:
    values = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._record_repr)
    return f"{type(self).__qualname__}({values})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    key = self._record_key
    return key(self) == key(other)


def _hash(self: Any) -> int:
    return hash(self._record_hash(self))


def _comparison(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], Any]:
    def method(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        key = self._record_key
        return compare(key(self), key(other))

    return method


_ORDER = tuple(_comparison(compare) for compare in (
    lambda a, b: a < b, lambda a, b: a <= b, lambda a, b: a > b, lambda a, b: a >= b))


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: Any) -> list[Any]:
    return [getattr(self, f.name) for f in dataclasses.fields(self)]


def _setstate(self: Any, state: list[Any]) -> None:
    for f, value in zip(dataclasses.fields(self), state):
        object.__setattr__(self, f.name, value)
