"""The change list as diagram marks (``flow/marks.py``): HEAD's tree with each changed node
marked, and the steps HEAD lost put back as ghosts where BASE had them (SEMANTICS §10;
``wfgraph diff --format mermaid|dot``)."""

from __future__ import annotations

from typing import Any

from wfgraph.schema import Workflow

from ...flow.marks import Marks
from ...python.functions import child_lists
from .changes import WorkflowDiff
from .identity import Occurrence


def mark_changes(diffs: list[WorkflowDiff], title: str) -> tuple[list[tuple[str, Workflow]], Marks]:
    """The workflows to draw (HEAD's, changed or added) and their marks. Ghost nodes are put
    into HEAD's graphs, which are not used afterwards."""
    marks = Marks(title)
    drawn = []
    for diff in diffs:
        if diff.head is None or diff.status == "unchanged":
            continue
        workflow = diff.head.workflow
        drawn.append((diff.class_name, workflow))
        if diff.base is None:
            for nodes in _bodies(workflow):
                for node in _all(nodes):
                    marks.add(node, "added")
            continue
        _mark(diff, marks)
    return drawn, marks


def _mark(diff: WorkflowDiff, marks: Marks) -> None:
    assert diff.head is not None and diff.base is not None and diff.matching is not None
    counterpart = {id(b.node): h.node for b, h in (*diff.matching.same, *diff.matching.renamed)}
    ghosts: dict[int, Any] = {}
    for change in diff.steps:
        head = change.head
        if change.kind == "renamed":
            assert change.base is not None and head is not None
            marks.add(head.node, "renamed", f"was: {change.base.label}")
        elif change.kind == "changed":
            assert head is not None
            notes = "; ".join(f"{what}: {was!r} → {now!r}" for what, was, now in change.details)
            marks.add(head.node, "changed", notes)
        elif head is not None:
            marks.add(head.node, change.kind)
        elif change.base is not None and id(change.base.node) not in ghosts:
            ghost = _ghost(change.base)
            ghosts[id(change.base.node)] = ghost
            _place(ghost, change.base, diff.base.workflow, diff.head.workflow, counterpart)
            marks.add(ghost, "removed", "removed")
    for cond in diff.conditions:
        was = " / ".join(t for t in cond.base.text or () if t is not None)
        marks.add(cond.head.node, "changed", f"was: {was}")


def _ghost(occ: Occurrence) -> Any:
    """A copy of a removed step to draw (without the steps of its body)."""
    node = occ.node.model_copy()
    if occ.kind == "step_do":
        node.nodes = []
    for attr in ("starts", "resolves"):
        if getattr(node, attr, None) is not None:
            setattr(node, attr, None)
    return node


def _place(ghost: Any, occ: Occurrence, base: Workflow, head: Workflow,
           counterpart: dict[int, Any]) -> None:
    """Next to the HEAD counterpart of its nearest BASE sibling that has one (after the one
    before it, else before the one after it); else at the start of ``run``."""
    where = _parents(base)
    siblings, index = where.get(id(occ.node), ([], 0))
    parents = _parents(head)
    for offset, anchors in ((1, reversed(siblings[:index])), (0, siblings[index + 1:])):
        for sibling in anchors:
            match = counterpart.get(id(sibling))
            if match is not None and id(match) in parents:
                target, at = parents[id(match)]
                target.insert(at + offset, ghost)
                return
    head.nodes.insert(0, ghost)


def _parents(workflow: Workflow) -> dict[int, tuple[list[Any], int]]:
    """Each node's list and index in it, in ``run`` and in every helper."""
    found: dict[int, tuple[list[Any], int]] = {}
    stack = list(_bodies(workflow))
    while stack:
        nodes = stack.pop()
        for i, node in enumerate(nodes):
            found[id(node)] = (nodes, i)
            stack.extend(child_lists(node))
    return found


def _bodies(workflow: Workflow) -> list[list[Any]]:
    return [workflow.nodes, *(f.nodes for f in workflow.functions.values())]


def _all(nodes: list[Any]) -> list[Any]:
    out = []
    for node in nodes:
        out.append(node)
        for inner in child_lists(node):
            out.extend(_all(inner))
    return out
