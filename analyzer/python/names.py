"""The names a ``def`` takes as parameters and the names an assignment target binds: read by the
walker, the module index and the lint rules alike."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst


def param_names(fn: cst.FunctionDef) -> list[str]:
    """Every parameter, ``*args`` and ``**kwargs`` included, in order."""
    p = fn.params
    names = [x.name.value for x in (*p.posonly_params, *p.params, *p.kwonly_params)]
    for star in (p.star_arg, p.star_kwarg):
        if type(star) is cst.Param:
            names.append(star.name.value)
    return names


def positional_params(fn: cst.FunctionDef) -> list[str]:
    """The parameters a positional argument can fill (``self``, ``event``, ``step`` of ``run``)."""
    return [p.name.value for p in (*fn.params.posonly_params, *fn.params.params)]


def target_names(target: cst.BaseExpression) -> Iterator[str]:
    """The names an assignment, ``for`` or ``with`` target binds, unpacking included."""
    if type(target) is cst.Name:
        yield target.value
    elif type(target) in (cst.Tuple, cst.List):
        for el in target.elements:
            yield from target_names(el.value)
    elif type(target) is cst.StarredElement:
        yield from target_names(target.value)
