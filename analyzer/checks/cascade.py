"""Findings that follow from another one, reported once: as notes of the finding that causes them.

A ``step.do`` call that lists its dependencies the legacy way where the API does not accept them
(``depends=`` in implicit-dependency mode, or a second positional argument: WF022) raises
``TypeError`` where it stands, so the steps it lists never run and the parameters it pairs with
them name no step. Reporting those as WF020 ("never awaited") and WF023 ("names no step") too
would send the reader after three problems where there is one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import libcst as cst

from ..python import facts as F
from ..python.facts import Fact

if TYPE_CHECKING:
    from .rule import RuleContext

CAUSES = (F.DEPENDS_IN_IMPLICIT_MODE, F.CALLBACK_FORM)


def consequences(ctx: "RuleContext") -> dict[int, list[Fact]]:
    """For each misuse fact (by ``id`` of its node), the WF020 and WF023 facts it causes."""
    workflow = ctx.workflow
    if workflow is None:
        return {}
    causes = {id(f.node) for f in ctx.facts(*CAUSES)}
    if not causes:
        return {}
    never_run = {id(f.node): f for f in ctx.facts(F.STEP_NEVER_RUN)}
    unknown = {id(f.node): f for f in ctx.facts(F.UNKNOWN_DEPENDENCY)}
    out: dict[int, list[Fact]] = {}
    for decl in workflow.declarations:
        call = decl.decorator.decorator
        if id(call) not in causes:
            continue
        listed = set(_listed_names(call))
        found = [never_run[id(d.fn.name)] for d in workflow.declarations
                 if d.var in listed and id(d.fn.name) in never_run]
        found += [unknown[id(p)] for p in decl.params if id(p) in unknown]
        if found:
            out.setdefault(id(call), []).extend(found)
    return out


def folded(ctx: "RuleContext") -> set[int]:
    """``id`` of the nodes of facts reported as notes of their cause instead of on their own."""
    return {id(f.node) for facts in consequences(ctx).values() for f in facts}


def _listed_names(call: cst.Call) -> Iterator[str]:
    """The names a ``step.do`` call lists as dependencies the legacy way: in ``depends=`` or in
    the positional arguments after the name."""
    positional = [a for a in call.args if a.keyword is None and not a.star]
    values = [a.value for a in positional[1:]]
    values += [a.value for a in call.args if a.keyword is not None and a.keyword.value == "depends"]
    for value in values:
        elements = value.elements if type(value) in (cst.List, cst.Tuple, cst.Set) else [value]
        for element in elements:
            expr = element.value if isinstance(element, cst.BaseElement) else element
            if type(expr) is cst.Name:
                yield expr.value
