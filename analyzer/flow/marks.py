"""Change marks: which nodes of a diagram a change touched (``wfgraph diff --format
mermaid|dot``).

Like the run overlay (overlay.py), a thin layer over the schema tree that the renderers style:
a mark per schema node (a step, or the ``if`` / ``switch`` / loop whose condition changed)
with a kind and an optional note drawn under the node's label (``was: charge`` for a rename).
Steps that HEAD lost are drawn as ghosts: schema nodes put back into HEAD's tree where BASE
had them, marked ``removed``.
"""

from __future__ import annotations

from typing import Any

from ..records import record

MARK_KINDS = ("added", "renamed", "changed", "moved", "removed")
"""In legend order; when one node gets several marks, the earlier kind wins."""

MARK_LABELS = {
    "added": "added",
    "renamed": "renamed",
    "changed": "changed",
    "moved": "moved",
    "removed": "removed (was here)",
}

MARKED_KINDS = frozenset({"step_do", "step_sleep", "step_sleep_until", "step_wait_for_event",
                          "decision", "loop_entry"})
"""Flow-node kinds a mark applies to (a decision or loop entry for a changed condition)."""


@record(frozen=True)
class Mark:
    kind: str
    note: str = ""


class Marks:
    """Marks by schema node, and the legend's title."""

    def __init__(self, title: str) -> None:
        self.title = title
        self._marks: dict[int, Mark] = {}
        self._keep: list[Any] = []  # the marked nodes, so that their ids stay theirs

    def add(self, node: Any, kind: str, note: str = "") -> None:
        current = self._marks.get(id(node))
        if current is None or MARK_KINDS.index(kind) < MARK_KINDS.index(current.kind):
            self._marks[id(node)] = Mark(kind, note)
            self._keep.append(node)

    def mark(self, flow_node: dict[str, Any]) -> Mark | None:
        """The mark of a flow-graph node (its ``kind`` and ``ref``), if any."""
        ref = flow_node.get("ref")
        if ref is None or flow_node.get("kind") not in MARKED_KINDS:
            return None
        return self._marks.get(id(ref))

    def __len__(self) -> int:
        return len(self._marks)
