"""pydantic models derived from the schema classes: validation and JSON Schema (SEMANTICS §1.2).

Nothing is written twice: each pydantic model is built from the declarations of one class of
``models.py`` (its keys in order, their types and defaults, its docstring), with ``extra="forbid"``,
and every union of schema classes becomes a union discriminated by ``type``. The models are built
on first use, so only what validates JSON or prints the schema imports pydantic.
"""

from __future__ import annotations

import functools
import types
import typing
from typing import Annotated, Any, ForwardRef, Optional, TypeVar, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from . import models
from .base import _REQUIRED, Model

M = TypeVar("M", bound=Model)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def schema_classes() -> list[type[Model]]:
    """Every class of the schema, in definition order."""
    return [v for v in vars(models).values()
            if isinstance(v, type) and issubclass(v, Model) and v.__module__ == models.__name__
            and not v.__name__.startswith("_")]


@functools.cache
def _derived() -> dict[str, type[BaseModel]]:
    namespace: dict[str, Any] = {}
    for cls in schema_classes():
        hints = typing.get_type_hints(cls)
        fields: dict[str, Any] = {}
        for name, default in cls._defaults:
            annotation = _translate(hints[name])
            if default is _REQUIRED:
                fields[name] = (annotation, ...)
            elif isinstance(default, (list, dict)):
                fields[name] = (annotation, Field(default_factory=type(default)))
            else:
                fields[name] = (annotation, default)
        namespace[cls.__name__] = create_model(  # type: ignore[call-overload]
            cls.__name__, __base__=_Strict, __doc__=cls.__doc__, __module__=__name__, **fields)
    for model in namespace.values():
        model.model_rebuild(_types_namespace=namespace)
    return namespace


def pydantic_model(cls: type[Model]) -> type[BaseModel]:
    return _derived()[cls.__name__]


def validate(cls: type[M], data: Any) -> M:
    """``data`` validated by the model derived from ``cls``, returned as ``cls`` objects."""
    return typing.cast(M, _to_schema(pydantic_model(cls).model_validate(data)))


def _to_schema(value: Any) -> Any:
    if isinstance(value, BaseModel):
        cls = getattr(models, type(value).__name__)
        return cls(**{name: _to_schema(getattr(value, name)) for name in cls._fields})
    if isinstance(value, list):
        return [_to_schema(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_schema(v) for k, v in value.items()}
    return value


def _translate(annotation: Any) -> Any:
    """A schema class annotation in terms of the derived models (by name, resolved once all
    exist); a union of schema classes discriminated by ``type``."""
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return ForwardRef(annotation.__name__)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Union or origin is types.UnionType:
        nullable = type(None) in args
        members = [a for a in args if a is not type(None)]
        inner: Any = Union[tuple(_translate(a) for a in members)]  # type: ignore[valid-type]
        if len(members) > 1 and all(isinstance(a, type) and issubclass(a, Model) for a in members):
            inner = Annotated[inner, Field(discriminator="type")]
        return Optional[inner] if nullable else inner
    if origin is list:
        return list[_translate(args[0])]  # type: ignore[misc]
    if origin is dict:
        return dict[args[0], _translate(args[1])]  # type: ignore[valid-type]
    return annotation

