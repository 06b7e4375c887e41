"""What a change does to one workflow: the change list of SEMANTICS §10 item 3.

Steps added, removed, renamed, moved (another place in the control flow, or another order
against the steps around them) and changed (config, duration, event type, timeout), conditions
changed, and payload fields newly read, each with where it is. The findings (findings.py) are
read from this list; so is the text report and the diagram's marks.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from ...records import record
from .identity import Control, Occurrence, Walked, Where, walk_version
from .matching import Matching, Pair, concurrent, exclusive, match
from .sides import Version


@record
class StepChange:
    kind: str
    """``added``, ``removed``, ``renamed``, ``moved`` or ``changed``."""
    base: Occurrence | None
    head: Occurrence | None
    details: tuple[tuple[str, Any, Any], ...] = ()
    """For ``changed``: (what, BASE's value, HEAD's value) for each detail that differs."""

    @property
    def occurrence(self) -> Occurrence:
        found = self.head or self.base
        assert found is not None
        return found


@record
class ConditionChange:
    base: Control
    head: Control
    guarding: bool
    """Existing steps run inside it or after it: replays may take another path (WF107)."""


@record
class Swap:
    """Two existing steps of different names whose order flipped; ``ahead`` now runs first."""

    ahead: Pair
    behind: Pair


@record
class NewField:
    path: tuple[str, ...]
    where: Where


@record
class WorkflowDiff:
    class_name: str
    base: Version | None
    head: Version | None
    matching: Matching | None = None
    steps: list[StepChange] = field(default_factory=list)
    conditions: list[ConditionChange] = field(default_factory=list)
    swaps: list[Swap] = field(default_factory=list)
    payload: list[NewField] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.base is None:
            return "added"
        if self.head is None:
            return "removed"
        return "changed" if self.steps or self.conditions or self.payload else "unchanged"


def diff_workflow(base: Version, head: Version) -> WorkflowDiff:
    walked = walk_version(base), walk_version(head)
    matching = match(*walked, by_source=base.has_source and head.has_source)
    out = WorkflowDiff(head.class_name, base, head, matching)
    out.swaps = swaps(matching)
    moved_ahead = {id(s.ahead[1]) for s in out.swaps}
    for old, new in matching.renamed:
        out.steps.append(StepChange("renamed", old, new))
    for new in matching.added:
        out.steps.append(StepChange("added", None, new))
    for old in matching.removed:
        out.steps.append(StepChange("removed", old, None))
    for old, new in matching.same:
        details = changed_details(old, new)
        if details:
            out.steps.append(StepChange("changed", old, new, details))
        elif id(new) in moved_ahead or context(old, walked[0]) != context(new, walked[1]):
            out.steps.append(StepChange("moved", old, new))
    out.steps.sort(key=lambda c: (c.head is None, c.occurrence.order))
    out.conditions = condition_changes(matching, *walked)
    out.payload = new_fields(base, head)
    return out


def changed_details(old: Occurrence, new: Occurrence) -> tuple[tuple[str, Any, Any], ...]:
    a, b = old.node, new.node
    found: list[tuple[str, Any, Any]] = []
    if old.kind == "step_do":
        ra, rb = a.config.retries, b.config.retries
        for what in ("limit", "delay", "backoff"):
            if getattr(ra, what) != getattr(rb, what):
                found.append((f"retries.{what}", getattr(ra, what), getattr(rb, what)))
        if a.config.timeout != b.config.timeout:
            found.append(("timeout", a.config.timeout, b.config.timeout))
    elif old.kind == "step_sleep" and a.duration != b.duration:
        found.append(("duration", a.duration, b.duration))
    elif old.kind == "step_wait_for_event":
        oa, ob = a.options, b.options
        for what in ("event_type", "timeout"):
            va, vb = getattr(oa, what, None), getattr(ob, what, None)
            if va != vb:
                found.append((what, va, vb))
    return tuple(found)


def context(occ: Occurrence, walked: Walked) -> tuple[tuple[str, int], ...]:
    """The kinds of control around a step and which branch it is in (helpers do not count: a
    step moved into a helper unchanged runs where it ran)."""
    return tuple((walked.controls[serial].kind, index) for serial, index in occ.guards)


def swaps(matching: Matching) -> list[Swap]:
    """Pairs of existing steps with different names that run in the other order now (WF104):
    in sequence on a common path on both sides, BASE ran ``behind`` first and HEAD runs
    ``ahead`` first."""
    pairs = matching.same  # in HEAD's order
    found = []
    for j, later in enumerate(pairs):
        for earlier in pairs[:j]:
            if earlier[0].order > later[0].order and matching.group(earlier[1]) != matching.group(later[1]) \
                    and not any(exclusive(x, y) or concurrent(x, y) for x, y in zip(earlier, later)):
                found.append(Swap(ahead=earlier, behind=later))
    return found


def condition_changes(matching: Matching, base: Walked, head: Walked) -> list[ConditionChange]:
    """Controls matched through the steps inside them (or, when none, by their place), whose
    conditions differ once formatting is set aside."""
    pairs: dict[int, tuple[Control, Control]] = {}
    for old, new in [*matching.same, *matching.renamed]:
        for (bs, _), (hs, _) in _common_guards(old, new, base, head):
            pairs.setdefault(hs, (base.controls[bs], head.controls[hs]))
    taken = {id(b) for b, _ in pairs.values()}
    by_place = {(c.kind, c.place): c for c in base.controls if id(c) not in taken}
    for control in head.controls:
        if control.serial not in pairs and (control.kind, control.place) in by_place:
            pairs[control.serial] = (by_place[(control.kind, control.place)], control)
    existing = [new.order for _, new in [*matching.same, *matching.renamed]]
    found = []
    for serial in sorted(pairs):
        old, new = pairs[serial]
        if old.key is None or new.key is None or old.key == new.key:
            continue
        found.append(ConditionChange(old, new, any(o >= new.start for o in existing)))
    return found


def _common_guards(old: Occurrence, new: Occurrence, base: Walked, head: Walked) -> list[Any]:
    """The controls around both, paired from the outside in while their kinds agree (all of
    them when the nesting is the same)."""
    out = []
    for b, h in zip(old.guards, new.guards):
        if base.controls[b[0]].kind != head.controls[h[0]].kind:
            break
        out.append((b, h))
    return out


def new_fields(base: Version, head: Version) -> list[NewField]:
    """Payload fields HEAD reads that BASE never read (WF108), outermost only: a new ``order``
    is one finding, not one per field read from it. A field under one BASE read whole (an
    ``order`` passed on) is not new."""
    old = _paths(base.workflow.payload)
    found = []
    for path, (shape, _) in _paths(head.workflow.payload).items():
        known = any(path[:i] in old and not old[path[:i]][1] for i in range(1, len(path)))
        if path in old or known or any(f.path == path[:len(f.path)] for f in found):
            continue
        found.append(NewField(path, head.where(shape)))
    return found


def _paths(shape: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], tuple[Any, bool]]:
    """Every field path of a payload shape → (its shape, whether it has fields)."""
    out: dict[tuple[str, ...], tuple[Any, bool]] = {}
    for name, sub in (getattr(shape, "fields", None) or {}).items():
        path = (*prefix, name)
        out[path] = (sub, bool(getattr(sub, "fields", None)))
        out.update(_paths(sub, path))
    return out
