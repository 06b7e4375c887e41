"""The change list as text, like a compact ``git diff --stat`` for workflows (SEMANTICS §10):
one line per change with its location, workflow by workflow, then a count."""

from __future__ import annotations

from .changes import StepChange, WorkflowDiff
from .identity import Where

_WIDTH = 56


def render_changes(workflows: list[WorkflowDiff], base: str, head: str) -> str:
    """Every workflow that changed, added or removed, and a last line that counts them."""
    lines = [f"wfgraph diff {base} → {head}"]
    counts: dict[str, int] = {}
    shown = 0
    for wf in workflows:
        if wf.status == "unchanged":
            continue
        shown += 1
        if wf.status in ("added", "removed"):
            version = wf.head or wf.base
            assert version is not None
            lines.append(f"{wf.class_name} ({version.path}): workflow {wf.status}, not compared")
            counts[f"workflow {wf.status}"] = counts.get(f"workflow {wf.status}", 0) + 1
            continue
        assert wf.head is not None
        lines.append(f"{wf.class_name} ({wf.head.path})")
        for change in wf.steps:
            occ = change.occurrence
            where = wf.matching.location(occ) if wf.matching and change.kind in ("added", "removed") else occ.where
            lines.append(_row(change.kind, _describe(change), where))
            counts[change.kind] = counts.get(change.kind, 0) + 1
        for cond in wf.conditions:
            old = " / ".join(t for t in cond.base.text or () if t is not None)
            new = " / ".join(t for t in cond.head.text or () if t is not None)
            lines.append(_row("changed", f"{cond.head.kind} {old!r} → {new!r}",
                              cond.head.where or Where(wf.head.path)))
            counts["condition changed"] = counts.get("condition changed", 0) + 1
        for field in wf.payload:
            lines.append(_row("payload", f"new field {'.'.join(field.path)!r}", field.where))
            counts["new payload field"] = counts.get("new payload field", 0) + 1
    if not shown:
        lines.append(f"no workflow changed ({len(workflows)} compared)")
    else:
        parts = ", ".join(f"{n} {k}" for k, n in counts.items())
        lines.append(f"{shown} workflow{'s' if shown != 1 else ''} changed of {len(workflows)}: {parts}")
    return "\n".join(lines) + "\n"


def _row(kind: str, text: str, where: Where) -> str:
    return f"  {kind:<8} {text:<{_WIDTH}} {where}"


def _describe(change: StepChange) -> str:
    occ = change.occurrence
    if change.kind == "renamed":
        assert change.base is not None and change.head is not None
        return f"{occ.word} {change.base.label!r} → {change.head.label!r}"
    text = f"{occ.word} {occ.label!r}"
    if change.details:
        text += ": " + ", ".join(f"{what} {was!r} → {now!r}" for what, was, now in change.details)
    if occ.repeated:
        text += " (repeated)"
    return text
