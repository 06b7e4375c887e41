"""Two sides → what changed in each workflow and the findings (SEMANTICS §10).

Workflows are matched by ``class_name``. One added or removed is listed as such, with no
findings inside it; one whose file does not parse on the other side is not compared at all (it
is unknown there, not gone), and stderr says so.
"""

from __future__ import annotations

from dataclasses import field

from ...diagnostics import ANALYSIS_ERROR, Diagnostic, unique
from ...project.config import Config
from ...records import record
from .changes import WorkflowDiff, diff_workflow
from .deploy import lowered_limit, mode_flip
from .findings import findings
from .sides import Side, Version


@record
class DiffResult:
    workflows: list[WorkflowDiff] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def compare(base: Side, head: Side, config: Config, class_name: str | None = None) -> DiffResult:
    result = DiffResult(notes=[*base.notes, *head.notes])
    old, new = _by_class(base, result), _by_class(head, result)
    names = [*new, *(n for n in old if n not in new)]
    for name in names:
        if class_name is not None and name != class_name:
            continue
        b, h = old.get(name), new.get(name)
        if b is None or h is None:
            if _unknown_elsewhere(b, base, head) or _unknown_elsewhere(h, head, base):
                result.notes.append(f"{name}: not compared: its file does not parse on the "
                                    f"{'HEAD' if b is not None else 'BASE'} side")
                continue
            result.workflows.append(WorkflowDiff(name, b, h))
            continue
        try:
            diff = diff_workflow(b, h)
            result.workflows.append(diff)
            result.diagnostics.extend(findings(diff, mode_flip(b, h), lowered_limit(b, h, config)))
        except Exception as exc:  # noqa: BLE001 - reported, never a traceback
            result.diagnostics.append(Diagnostic(
                *ANALYSIS_ERROR, "error", f"internal error comparing {name}: "
                f"{type(exc).__name__}: {exc} (please report it)", h.path, 1, 1, 1, 2))
    result.diagnostics = unique(result.diagnostics)
    return result


def _by_class(side: Side, result: DiffResult) -> dict[str, Version]:
    found: dict[str, Version] = {}
    for version in side.versions:
        if version.class_name in found:
            result.notes.append(f"{side.label}: {version.class_name} is defined in "
                                f"{found[version.class_name].path} and in {version.path}: "
                                "only the first is compared")
            continue
        found[version.class_name] = version
    return found


def _unknown_elsewhere(version: Version | None, own: Side, other: Side) -> bool:
    """Whether the file that defines ``version`` fails to parse on the other side."""
    return version is not None and version.path.removeprefix(own.prefix) in other.unreadable
