"""The findings WF101–WF112 of one workflow's change list (SEMANTICS §10.3, §10.3a).

One finding per change, the most specific: a new or removed occurrence of a name that still
occurs is WF102 when it stands before an existing occurrence of that name, else it is judged
as any new step (WF103, when it runs before an existing step on some path) or removed step
(WF111); a rename that also shifts the count of its old or new name is WF102; a dependency-mode
flip is WF109 alone. Each message says what happens to an instance that is running when the
change is deployed, and what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...diagnostics import Diagnostic
from . import rules as R
from .changes import StepChange, WorkflowDiff
from .deploy import LoweredLimit, ModeFlip
from .identity import Occurrence, Where
from .matching import Matching, before

DRAIN = ("or let in-flight instances finish first (or restart them on the new version: "
         "`wrangler workflows instances restart`)")


def findings(diff: WorkflowDiff, flip: ModeFlip | None = None,
             limit: LoweredLimit | None = None) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if flip is not None:
        out.append(_mode_flip(flip))
    if limit is not None:
        out.append(_lowered_limit(limit))
    if flip is not None or diff.matching is None:
        return out
    for change in diff.steps:
        out.extend(_step(diff, change))
    out.extend(_swaps(diff))
    for cond in diff.conditions:
        if cond.guarding:
            out.append(_diagnostic(R.ChangedCondition, cond.head.where or Where(""), (
                f"{_control(cond.head.kind)} condition changed from {_text(cond.base)} to "
                f"{_text(cond.head)}: in-flight instances replay it with the cached results of "
                "the path they took, and may now take another one (steps of the old path are "
                "orphaned, steps of the new one run late). Keep the condition and add the new "
                f"case as a new branch that only new instances reach, {DRAIN}")))
    for new in diff.payload:
        path = ".".join(new.path)
        out.append(_diagnostic(R.NewPayloadField, new.where, (
            f"{diff.class_name} now reads event payload field {path!r}, which the previous "
            "version never read: instances created before the deploy were given payloads "
            "without it and read it when they resume. Read it with a default "
            f"(`.get({new.path[-1]!r}, …)`) and handle its absence, {DRAIN}; then accept this "
            "finding with `# wfgraph: ignore[WF108]`")))
    return list(dict.fromkeys(out))


def _step(diff: WorkflowDiff, change: StepChange) -> Iterable[Diagnostic]:
    m = diff.matching
    assert m is not None
    old, new = change.base, change.head
    if change.kind == "renamed":
        assert old is not None and new is not None
        if m.regrouped.get(id(old)):
            yield _shifted(m, old, f"is renamed to {new.label!r}")
        elif m.regrouped.get(id(new)):
            yield _shifted(m, new, f"(renamed from {old.label!r}) is inserted")
        else:
            yield _diagnostic(R.RenamedStep, _declared(diff, new), (
                f"{old.word} {old.label!r} is renamed to {new.label!r}: instances that ran it "
                "before the deploy run it again under the new name when they resume, side "
                f"effects and all. Keep the old name{_name_hint(old)}, {DRAIN}"))
    elif change.kind == "added":
        assert new is not None
        if m.regrouped.get(id(new)):
            yield _shifted(m, new, "is inserted")
        elif new.kind in ("step_do", "step_wait_for_event") and _before_existing(diff, new):
            yield _diagnostic(R.InsertedStep, *_located(m, new), (
                f"new {new.word} {new.label!r} runs before steps of the previous version: "
                "instances past this point run it when they resume, after the steps that "
                "follow it already ran. Add it after the existing steps, or run it only for "
                f"instances created after the deploy, {DRAIN}"))
    elif change.kind == "removed":
        assert old is not None
        if m.regrouped.get(id(old)):
            yield _shifted(m, old, "is removed")
        else:
            yield _diagnostic(R.RemovedStep, *_located(m, old), (
                f"{old.word} {old.label!r} is removed: the cached result of instances that ran "
                "it is orphaned, and instances that had not reached it never run it"))
    elif change.kind == "changed":
        assert old is not None and new is not None
        yield from _details(change, new)


def _details(change: StepChange, new: Occurrence) -> Iterable[Diagnostic]:
    config = []
    for what, was, now in change.details:
        if what == "duration":
            yield _diagnostic(R.ChangedSleepDuration, new.where, (
                f"sleep {new.label!r} changes from {_value(was)} to {_value(now)}: the engine "
                "keys a sleep by name and duration, so instances that slept there (or are "
                f"sleeping) sleep again, for {_value(now)}. Give the changed sleep a new name "
                f"so that the change is deliberate, {DRAIN}"))
        elif what == "event_type":
            yield _diagnostic(R.ChangedEventType, new.where, (
                f"wait {new.label!r} now waits for event type {_value(now)} instead of "
                f"{_value(was)}: instances waiting there when it deploys, and senders that "
                f"still send {_value(was)}, no longer agree, and the wait times out. Change "
                f"the senders and the wait together, under a new wait name, {DRAIN}"))
        else:
            config.append(f"{what} {_value(was)} → {_value(now)}")
    if config:
        yield _diagnostic(R.ChangedStepConfig, new.where, (
            f"{new.word} {new.label!r}: {', '.join(config)}: only attempts that have not started "
            "yet use it; an attempt already running, and its retries already scheduled, "
            "keep the old settings"))


def _shifted(m: Matching, occ: Occurrence, how: str) -> Diagnostic:
    """WF102 at the occurrence that shifts the count of its name for the ones after it."""
    return _diagnostic(R.ShiftedStepCount, *_located(m, occ), (
        f"{occ.word} {occ.label!r} {how} before another call of the same name: the engine counts "
        f"calls per name, so in-flight instances hand each later {occ.label!r} call the cached "
        "result of another call, and run one of them again. Keep every existing call of the "
        f"name where it is and give new steps new names, {DRAIN}"))


def _swaps(diff: WorkflowDiff) -> Iterable[Diagnostic]:
    """WF104: one finding per swapped pair, at the step that moved ahead (pairs with the same
    step ahead share one finding, naming each step it now precedes)."""
    ahead: dict[int, tuple[Occurrence, list[str]]] = {}
    for swap in diff.swaps:
        occ = swap.ahead[1]
        ahead.setdefault(id(occ), (occ, []))[1].append(swap.behind[1].label)
    for occ, names in ahead.values():
        names = list(dict.fromkeys(names))
        listed = ", ".join(repr(n) for n in names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        yield _diagnostic(R.ReorderedSteps, occ.where, (
            f"{occ.word} {occ.label!r} now runs before {listed}, which ran before it: "
            "instances that ran those but not it run it on resume after them anyway, and "
            "instances that ran it but not those run them before it on resume, each against "
            f"results cached in the old order. Keep the old order, {DRAIN}"))


def _mode_flip(flip: ModeFlip) -> Diagnostic:
    now, was = (("parameter names (implicit dependencies)", "depends=")
                if flip.implicit else ("depends= (legacy)", "parameter names"))
    names = ", ".join(repr(n) for n in flip.reliant[:3]) + (
        f" and {len(flip.reliant) - 3} more" if len(flip.reliant) > 3 else "")
    return _diagnostic(R.DependencyModeFlip, flip.where, (
        f"this change makes step.do take dependencies from {now}, but {flip.head.class_name}'s "
        f"steps {names} still rely on {was}: every run, and every replay of an in-flight "
        "instance, raises TypeError there. Migrate those steps in the same change, or keep "
        "the compatibility date and flags"))


def _lowered_limit(limit: LoweredLimit) -> Diagnostic:
    budgets = " and ".join(
        f"{label}'s budget of {'at least ' if b.unbounded else ''}{b.count:,} steps"
        + (" (unbounded)" if b.unbounded else "") for label, b in limit.budgets)
    return _diagnostic(R.LoweredStepLimit, limit.where, (
        f"limits.steps of {limit.head.class_name} is lowered from {limit.old.value:,} to "
        f"{limit.new.value:,}, below {budgets}: in-flight instances count the steps they "
        "already ran against the new limit and can fail at it. Lower it only once the budget "
        f"fits, {DRAIN}"))


# --- helpers --------------------------------------------------------------------------------------


def _located(m: Matching, occ: Occurrence) -> tuple[Where, tuple[str, ...]]:
    where = m.location(occ)
    if where is occ.where:
        return where, (f"reached through the call at {occ.calls[0]}",) if occ.calls else ()
    return where, (f"the step is at {occ.where}",)


def _before_existing(diff: WorkflowDiff, new: Occurrence) -> bool:
    m = diff.matching
    assert m is not None
    existing = [h for _, h in (*m.same, *m.renamed)]
    return any(before(new, other) for other in existing)


def _declared(diff: WorkflowDiff, occ: Occurrence) -> Where:
    """A renamed step function is reported at its decorator, where the name changed."""
    version = diff.head
    index = getattr(occ.node, "_decl", None)
    if version is None or version.analysis is None or version.file is None or index is None:
        return occ.where
    return version.where(version.analysis.declarations[index].decorator)


def _name_hint(old: Occurrence) -> str:
    if old.kind == "step_do" and old.name_src is None:
        return f" (`@step.do({old.label!r})` keeps it whatever the function is called)"
    return ""


def _control(kind: str) -> str:
    return {"if": "if", "switch": "match", "loop": "loop"}[kind]


def _text(control: Any) -> str:
    parts = [t for t in (control.text or ()) if t is not None]
    return repr(" / ".join(parts)) if parts else "(none)"


def _value(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _diagnostic(rule: type, where: Where, notes: tuple[str, ...] | str, message: str = "") -> Diagnostic:
    """A finding of ``rule`` at ``where`` (``notes`` may be left out: ``_diagnostic(rule,
    where, message)``)."""
    if isinstance(notes, str):
        notes, message = (), notes
    span = where.span
    return Diagnostic(rule.code, rule.name, rule.severity, message, where.path,  # type: ignore[attr-defined]
                      span.line, span.column, span.end_line, span.end_column, notes)
