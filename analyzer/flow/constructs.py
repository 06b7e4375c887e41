"""The builder's compound constructs: ``if`` / ``switch`` decisions, ``try``, loops and
parallels (the shapes are described in ``build.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wfgraph.schema import If, Loop, Parallel, Switch, Try

from .labels import JOIN_LABELS, short, wrap
from .waves import wave_parents

if TYPE_CHECKING:
    from .build import Pred, _Builder, _Scope


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
            outs.extend(self.seq(list(branch.nodes), [(d, text)], inner, scope))
        if all(b.condition is not None for b in node.branches):
            self._order.setdefault((d, null_label), len(node.branches))
            outs.append((d, null_label))
        if what == "switch":
            outs.extend((b, None) for b in scope.breaks.pop())
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
        try_region = self.region(f"try:{anchor}", "try", "try", node, anchor, region)
        t = self.new("try", "try", node, try_region)
        self.connect(preds, t)
        if node.try_block is not None:
            outs = self.seq(list(node.try_block.nodes), [(t, "try")], try_region, scope)
        else:
            outs = [(t, None)]
        if node.catch_block is not None:
            # The catch edge leaves the end of the try region (the worst case: every step of the
            # try block ran, then one failed), so a longest path sees try + except + finally.
            if node.try_block is not None and outs:
                source = self.single_node(outs, try_region)
                outs = [(source, None)]
            else:
                source = t
            exc_region = self.region(
                f"except:{anchor}", "except", "except", node.catch_block, anchor, region
            )
            catch_outs = self.seq(
                list(node.catch_block.nodes), [(source, "except")], exc_region, scope
            )
            for _, _, data in self.g.out_edges(source, data=True):
                if data.get("label") == "except":
                    data["kind"] = "except"
            outs = outs + catch_outs
        if node.finally_block is not None:
            fin_region = self.region(
                f"finally:{anchor}", "finally", "finally", node.finally_block, anchor, region
            )
            fin_preds = (
                [(u, lbl or "finally") for u, lbl in self.single(outs, region)] if outs else []
            )
            outs = self.seq(list(node.finally_block.nodes), fin_preds, fin_region, scope)
        return self.single(outs, region)

    def loop(
        self: "_Builder", node: Loop, preds: list[Pred], region: tuple[str, ...], scope: _Scope
    ) -> list[Pred]:
        if self.collapsed(node, region):
            return self.summary("loop", node, list(node.nodes), preds, region)
        anchor = f"{self.prefix}n{self._next}"
        inner = self.region(f"loop:{anchor}", "loop", "loop", node, anchor, region)
        entry = self.new("loop_entry", "loop", node, inner)
        self.connect(preds, entry)
        scope.breaks.append([])
        scope.break_owner.append("loop")
        body = self.seq(list(node.nodes), [(entry, None)], inner, scope)
        breaks = scope.breaks.pop()
        scope.break_owner.pop()
        outs = [(b, None) for b in breaks]
        if body:
            tail = self.single_node(body, inner)
            self.edge(tail, entry, None, kind="back", back=True)
            outs.insert(0, (tail, None))
        return self.single(outs, region)

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
