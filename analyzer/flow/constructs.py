"""The builder's compound constructs: ``if`` / ``switch`` decisions, ``try``, loops and
parallels (the shapes are described in ``build.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wfgraph.schema import If, Loop, Parallel, Switch, Try

from .labels import JOIN_LABELS, loop_lines, short, wrap
from .waves import wave_parents

if TYPE_CHECKING:
    from .build import Pred, _Builder, _Scope


FOREVER = ("while True", "while 1")
"""Loop headers that end only by ``break`` (or an exit): no edge for the iteration ending."""


class ConstructsMixin:
    def decision(
        self: "_Builder",
        node: If | Switch,
        what: str,
        preds: list[Pred],
        region: tuple[str, ...],
        scope: _Scope,
    ) -> list[Pred]:
        inner_nodes = [n for b in node.branches for n in b.nodes]
        if self.collapsed(node, region):
            if what == "if":
                first = node.branches[0].condition if node.branches else None
                label = f"if {short(first, 30)}" if first else "if"
            else:
                label = f"match {short(node.discriminant, 30)}"
            return self.summary(label, node, inner_nodes, preds, region)
        if what == "if":
            label = "if"
            null_label = "else"
        else:
            assert isinstance(node, Switch)
            label = "\n".join(wrap(f"match {node.discriminant}"))
            null_label = "default"
        d = self.new("decision", label, node, region, construct=what)
        self.connect(preds, d)
        inner = self.region(f"{what}:{d}", what, label, node, d, region)
        if what == "switch":
            scope.breaks.append([])
            scope.break_owner.append("switch")
        outs: list[Pred] = []
        for i, branch in enumerate(node.branches):
            text = null_label if branch.condition is None else branch.condition
            self._order.setdefault((d, text), i)
            outs.extend(self.body(branch, [(d, text)], inner, scope))
        if all(b.condition is not None for b in node.branches):
            self._order.setdefault((d, null_label), len(node.branches))
            outs.append((d, null_label))
        if what == "switch":
            outs.extend(scope.breaks.pop())
            scope.break_owner.pop()
        if len(outs) <= 1:
            return outs
        m = self.new("merge", "", node, region)
        self.connect(outs, m)
        return [(m, None)]

    def try_(
        self: "_Builder", node: Try, preds: list[Pred], region: tuple[str, ...], scope: _Scope
    ) -> list[Pred]:
        blocks = [
            b for b in (node.try_block, node.catch_block, node.finally_block) if b is not None
        ]
        if self.collapsed(node, region):
            return self.summary("try", node, [n for b in blocks for n in b.nodes], preds, region)
        anchor = f"{self.prefix}n{self._next}"
        key = f"try:{anchor}"
        try_region = self.region(key, "try", "try", node, anchor, region)
        t = self.new("try", "try", node, try_region)
        self.connect(preds, t)
        if node.try_block is not None:
            outs = self.body(node.try_block, [(t, "try")], try_region, scope)
        elif getattr(node, "_body_exit", None) is not None:
            outs = self.leave(node._body_exit, [(t, "try")], try_region, scope)
        else:
            outs = [(t, None)]
        handlers = getattr(node, "_handlers", ())
        if node.catch_block is not None or handlers:
            # The except edges leave the try cluster (renderers draw them from its border):
            # any step of the try block may fail. In the graph they start at its last node, so
            # that the handler is laid out below the block.
            if node.try_block is not None and outs:
                source = self.single_node(outs, try_region)
                outs = [(source, None)]
            else:
                source = t
        if node.catch_block is not None:
            exc_region = self.region(
                f"except:{anchor}", "except", "except", node.catch_block, anchor, region
            )
            catch_outs = self.body(
                node.catch_block, [(source, "except")], exc_region, scope
            )
            for _, _, data in self.g.out_edges(source, data=True):
                if data.get("label") == "except":
                    data.update(kind="except", from_region=key)
            outs = outs + catch_outs
        elif handlers:
            # From the try node (still drawn from the cluster's border): the block's last node
            # already has the edge of the path that did not fail.
            outs = outs + self.silent_handlers(handlers, t, key, region, scope)
        if node.finally_block is not None:
            fin_region = self.region(
                f"finally:{anchor}", "finally", "finally", node.finally_block, anchor, region
            )
            fin_preds = (
                [(u, lbl or "finally") for u, lbl in self.single(outs, region)] if outs else []
            )
            outs = self.body(node.finally_block, fin_preds, fin_region, scope)
        return self.single(outs, region)

    def silent_handlers(
        self: "_Builder",
        handlers: tuple[tuple[str | None, Any], ...],
        source: str,
        key: str,
        region: tuple[str, ...],
        scope: _Scope,
    ) -> list[Pred]:
        """Handlers without steps (SEMANTICS §9): errors are caught, and the workflow goes on
        after the ``try`` (or re-raises, returns…): an ``except`` edge says which."""
        outs: list[Pred] = []
        for condition, found in handlers:
            label = f"except {condition}" if condition else "except"
            pred = self.dangling(source, label, "except", from_region=key)
            if found is None:
                outs.append(pred)
            else:
                self.leave(found, [pred], region, scope, kind="except")
        return outs

    def loop(
        self: "_Builder", node: Loop, preds: list[Pred], region: tuple[str, ...], scope: _Scope
    ) -> list[Pred]:
        normal, breaks = self.loop_parts(node, preds, region, scope)
        return self.single(normal + breaks, region)

    def loop_parts(
        self: "_Builder", node: Loop, preds: list[Pred], region: tuple[str, ...], scope: _Scope
    ) -> tuple[list[Pred], list[Pred]]:
        """A loop's (normal exits, ``break`` exits): its tail when the iteration ends, or its
        head when every path through the body leaves it; ``while True`` ends only by
        ``break``."""
        title, details = loop_lines(node)
        if self.collapsed(node, region):
            what = short(title[0], 30) if getattr(node, "_header", None) else "loop"
            return self.summary(what, node, list(node.nodes), preds, region), []
        anchor = f"{self.prefix}n{self._next}"
        inner = self.region(f"loop:{anchor}", "loop", "loop", node, anchor, region)
        label = "\n".join(title + details)
        entry = self.new(
            "loop_entry", label, node, inner, title=tuple(title), details=tuple(details)
        )
        self.connect(preds, entry)
        scope.breaks.append([])
        scope.break_owner.append("loop")
        scope.loop_entries.append(entry)
        body = self.body(node, [(entry, None)], inner, scope)
        breaks = scope.breaks.pop()
        scope.break_owner.pop()
        scope.loop_entries.pop()
        forever = getattr(node, "_header", None) in FOREVER
        normal: list[Pred] = []
        if body:
            tail = self.single_node(body, inner)
            self.edge(tail, entry, None, kind="back", back=True)
            if not forever:
                normal.append((tail, None))
        elif not forever:
            normal.append((entry, None))
        return normal, breaks

    def parallel(
        self: "_Builder", node: Parallel, preds: list[Pred], region: tuple[str, ...], scope: _Scope
    ) -> list[Pred]:
        if self.collapsed(node, region):
            return self.summary(f"parallel: {node.kind}", node, list(node.nodes), preds, region)
        anchor = f"{self.prefix}n{self._next}"
        inner = self.region(
            f"parallel:{anchor}", "parallel", f"parallel: {node.kind}", node, anchor, region
        )
        fork = self.new("fork", f"parallel: {node.kind}", node, inner, parallel_kind=node.kind)
        self.connect(preds, fork)
        members = list(node.nodes)
        parent = wave_parents(members)
        children: dict[int, list[int]] = {}
        for i, p in enumerate(parent):
            if p is not None:
                children.setdefault(p, []).append(i)
        leaves: list[Pred] = []
        # Depth-first from the fork, members in list order (iterative: waves can be long chains).
        todo: list[tuple[int, list[Pred]]] = [
            (i, [(fork, None)]) for i, p in enumerate(parent) if p is None
        ]
        todo.reverse()
        while todo:
            i, member_preds = todo.pop()
            outs = self.node(members[i], member_preds, inner, scope)
            kids = children.get(i, [])
            if not kids:
                leaves.extend(outs)
            for k in reversed(kids):
                todo.append((k, outs))
        if not members:
            leaves.append((fork, None))
        join = self.new("join", JOIN_LABELS[node.kind], node, inner, parallel_kind=node.kind)
        self.connect(leaves, join)
        return [(join, None)]
