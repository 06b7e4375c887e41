"""``starts`` / ``resolves`` numbering and the implicit parallel group (SEMANTICS §4.2).

Cloudflare's algorithm (docs/cloudflare-parser.md §6.3) with "un-awaited promise" read as
"started and not yet awaited": one counter per function body, flowing through nested blocks in
source order (§4.6); awaits of pending work record ``resolves`` wherever they happen.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, Iterable

from wfgraph.schema import Parallel

from ..records import record
from .scope import Task


@record
class Seq:
    """A sequence being filled. Only a function body's top level hosts the implicit group.

    ``exit`` and ``guards`` are for diagrams only (SEMANTICS §9, ``diagram_info``): how the
    sequence ends, and the step-less guards that end some of its paths."""

    nodes: list[Any]
    is_top: bool = False
    exit: Any = None
    guards: list[Any] = field(default_factory=list)


@record
class Body:
    """Numbering state of one function body."""

    counter: int = 1
    pending: list[Task] = field(default_factory=list)
    group: Parallel | None = None
    ran: frozenset[Any] = frozenset()

    # --- placing nodes ---------------------------------------------------------------------

    def place_plain(self, seq: Seq, node: Any) -> None:
        """A node that runs with nothing else in flight: it closes the open group."""
        if seq.is_top:
            self.group = None
        seq.nodes.append(node)

    def place_concurrent(self, seq: Seq, node: Any) -> None:
        """A node that runs while other work is in flight: into the implicit group."""
        if seq.is_top:
            if self.group is None:
                self.group = Parallel(kind="all", nodes=[])
                seq.nodes.append(self.group)
            self.group.nodes.append(node)
        else:
            seq.nodes.append(node)

    def place(self, seq: Seq, nodes: Iterable[Any], concurrent: bool) -> None:
        for node in nodes:
            (self.place_concurrent if concurrent else self.place_plain)(seq, node)

    def close_group(self, seq: Seq) -> None:
        if seq.is_top:
            self.group = None

    # --- numbering -------------------------------------------------------------------------

    def awaited(self, seq: Seq, node: Any) -> None:
        """A node started and awaited at once (§4.2)."""
        if self.has_pending():
            node.starts = self.counter
            self.counter += 1
            node.resolves = self.counter
            self.place_concurrent(seq, node)
        else:
            self.place_plain(seq, node)

    def started(self, seq: Seq, nodes: list[Any], source: Any) -> Task:
        """Nodes started and not awaited: ``starts`` now, ``resolves`` when awaited."""
        for node in nodes:
            node.starts = self.counter
            self.place_concurrent(seq, node)
        task = Task(nodes=nodes, source=source)
        self.pending.append(task)
        return task

    def resolve(self, tasks: Iterable[Task]) -> bool:
        """Await pending tasks together: the counter moves once, each node records it."""
        live = [t for t in tasks if not t.resolved]
        if not live:
            return False
        self.counter += 1
        for task in live:
            task.resolved = True
            for node in task.nodes:
                node.resolves = self.counter
        self.pending = [t for t in self.pending if not t.resolved]
        return True

    def has_pending(self) -> bool:
        return bool(self.pending)

    def number_members(self, members: list[Any], start: int | None = None) -> None:
        """Members of an inline gather: the same ``starts``, ``resolves`` one apart (§4.3).
        A nested parallel starts where the counter stands when it is reached (X20)."""
        first = self.counter if start is None else start
        for member in members:
            self._number_member(member, first)

    def _number_member(self, member: Any, first: int) -> None:
        kind = getattr(member, "type", None)
        if kind == "parallel":  # a gather nested in a gather
            self.number_members(member.nodes)
        elif kind in ("loop", "block"):
            # A loop of members (gather over a generator) or a dependency chain (§4.6): the
            # last node stands for the member.
            inner = member.nodes[-1] if member.nodes else None
            if inner is not None:
                self._number_member(inner, first)
        else:
            member.starts = first
            self.counter += 1
            member.resolves = self.counter
