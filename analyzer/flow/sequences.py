"""A body's sequence (SEMANTICS §9): its nodes in order, the guards between them, a loop's ``else``
clause, runs of steps chunked for Mermaid's limits, and where its paths end.

The JSON cannot say that a path ends, so the walker keeps it beside the schema containers
(``python/diagram_info.py``): each sequence's ``_exit`` (``raise``, ``return``, ``break``,
``continue``), its step-less ``_guards`` (``if item.done: break``), a loop's ``else`` clause, a
``try``'s handlers. Here they become edges and nodes:

* ``raise`` ends at a ``raise`` terminal labelled with the exception as written, in the region
  where it stands (inside a ``try`` cluster, the ``except`` edge leaving that cluster covers it);
* ``return`` goes to the end of the enclosing body (the workflow's end, a helper's exit, the end
  of a step's body); at the end of a body it is that body's normal end;
* ``break`` leaves the innermost loop (skipping its ``else`` clause), ``continue`` goes back to
  its head (a back edge);
* a guard is a ``decision`` whose exiting branches leave and whose other paths go on.

Without side information (a graph read from JSON) nothing here applies: sequences just flow on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from wfgraph.schema import Break, FunctionCall, Loop, StepDo, StepSleep, StepSleepUntil, StepWaitForEvent

from .labels import exit_label, short, summary_text, wrap
from .regions import count_inside

if TYPE_CHECKING:
    from .build import Pred, _Builder, _Scope


class SequencesMixin:
    def body(
        self: "_Builder",
        container: Any,
        preds: list["Pred"],
        region: tuple[str, ...],
        scope: "_Scope",
        top: bool = False,
    ) -> list["Pred"]:
        """A container's sequence, its guards and its exit. ``top``: a function or step body,
        where a final ``return`` is just its end."""
        nodes = list(container.nodes)
        outs = self.seq(nodes, preds, region, scope, getattr(container, "_guards", ()))
        found = getattr(container, "_exit", None)
        if found is None or (nodes and isinstance(nodes[-1], Break)):
            return outs  # a JSON ``break`` node already ends the branch
        if top and found.kind == "return":
            return outs
        return self.leave(found, outs, region, scope)

    def seq(
        self: "_Builder",
        nodes: list[Any],
        preds: list["Pred"],
        region: tuple[str, ...],
        scope: "_Scope",
        guards: Sequence[Any] = (),
    ) -> list["Pred"]:
        """``nodes`` in order, each guard before the node it stands before (SEMANTICS §9), a
        loop's ``else`` clause with its loop, runs of plain steps chunked when asked."""
        run: list[Any] = []
        g = i = 0
        while True:
            while g < len(guards) and guards[g].index <= i:
                preds = self.guard(guards[g], self.flush(run, preds, region, scope), region, scope)
                g += 1
            if i >= len(nodes):
                break
            node = nodes[i]
            if self.chunk and _plain(node):
                run.append(node)
                i += 1
                continue
            preds = self.flush(run, preds, region, scope)
            orelse = getattr(node, "_orelse", None)
            if isinstance(node, Loop) and orelse is not None:
                count, _, n_guards = orelse
                inner = [replace(x, index=x.index - i - 1) for x in guards[g : g + n_guards]]
                rest = nodes[i + 1 : i + 1 + count]
                preds = self.loop_with_else(node, rest, preds, region, scope, inner)
                g, i = g + n_guards, i + 1 + count
                continue
            preds = self.node(node, preds, region, scope)
            i += 1
        return self.flush(run, preds, region, scope)

    def flush(
        self: "_Builder",
        run: list[Any],
        preds: list["Pred"],
        region: tuple[str, ...],
        scope: "_Scope",
    ) -> list["Pred"]:
        """Draw the plain steps collected in ``run`` (``chunk`` mode): up to ``chunk`` at a
        time as one summary."""
        if not run:
            return preds
        assert self.chunk
        for i in range(0, len(run), self.chunk):
            part = run[i : i + self.chunk]
            if len(part) == 1:
                preds = self.node(part[0], preds, region, scope)
                continue
            first, last = part[0].name, part[-1].name
            text = (
                f"{short(first, 24)} … {short(last, 24)}\n"
                + summary_text("sequence", part).split(" ", 1)[1]
            )
            _, counted, _ = count_inside(part)
            s = self.new(
                "summary",
                text,
                None,
                region,
                counts=counted,
                collapsed="sequence",
                members=tuple(part),
            )
            self.connect(preds, s)
            self.hidden_calls(s, part)
            preds = [(s, None)]
        run.clear()
        return preds

    def leave(
        self: "_Builder",
        found: Any,
        preds: list["Pred"],
        region: tuple[str, ...],
        scope: "_Scope",
        kind: str | None = None,
    ) -> list["Pred"]:
        """Send ``preds`` where the exit ``found`` goes; nothing flows on. The edges have the
        exit's kind, or ``kind`` (a handler's ``except`` edge that re-raises or returns)."""
        if not preds:
            return []
        what = found.kind
        leaving = []
        for u, cond in preds:
            attrs = self.attrs_of(u, cond, kind or what)
            if kind is not None:
                attrs["kind"] = kind
            label = cond if what == "raise" else exit_label(what, None, cond)
            leaving.append(self.dangling(u, label, was=cond, **attrs))
        if what == "raise":
            n = self.new("raise", "\n".join(wrap(exit_label("raise", found.text))), None, region)
            self.connect(leaving, n)
        elif what == "return":
            scope.returns.extend(leaving)
        elif what == "break" and scope.loop_entries:
            at = max(i for i, owner in enumerate(scope.break_owner) if owner == "loop")
            scope.breaks[at].extend(leaving)
        elif what == "continue" and scope.loop_entries:
            head = scope.loop_entries[-1]
            for u, label in leaving:
                self.edge(u, head, label, back=True, **self.attrs_of(u, label, "continue"))
        return []

    def guard(
        self: "_Builder",
        guard: Any,
        preds: list["Pred"],
        region: tuple[str, ...],
        scope: "_Scope",
    ) -> list["Pred"]:
        """A step-less ``if`` / ``match`` that ends some paths: exiting branches leave, the
        others (and the implicit ``else``) go on."""
        if not preds:
            return preds
        if guard.construct == "if":
            label, null_label = "if", "else"
        else:
            label, null_label = "\n".join(wrap(f"match {guard.subject}")), "default"
        d = self.new("decision", label, None, region, construct=guard.construct, guard=True)
        self.connect(preds, d)
        outs: list[Pred] = []
        for i, (cond, found) in enumerate(guard.branches):
            text = null_label if cond is None else cond
            self._order.setdefault((d, text), i)
            if found is None:
                outs.append((d, text))
            else:
                self.leave(found, [(d, text)], region, scope)
        if all(cond is not None for cond, _ in guard.branches):
            self._order.setdefault((d, null_label), len(guard.branches))
            outs.append((d, null_label))
        return self.single(outs, region) if len(outs) > 1 else outs

    def loop_with_else(
        self: "_Builder",
        loop: Loop,
        rest: list[Any],
        preds: list["Pred"],
        region: tuple[str, ...],
        scope: "_Scope",
        guards: list[Any],
    ) -> list["Pred"]:
        """A loop and its ``else`` clause (the first nodes of ``rest``, with ``guards`` indexed
        from there): the clause runs when the loop ends without ``break``, and may exit."""
        count, found, _ = loop._orelse
        normal, breaks = self.loop_parts(loop, preds, region, scope)
        outs = self.seq(rest[:count], normal, region, scope, guards)
        if found is not None:
            outs = self.leave(found, outs, region, scope)
        return self.single(outs + breaks, region)


def _plain(node: Any) -> bool:
    """A step or call that chunking may fold into a summary (not a step with steps inside)."""
    simple = (StepDo, StepSleep, StepSleepUntil, StepWaitForEvent, FunctionCall)
    return isinstance(node, simple) and not (isinstance(node, StepDo) and node.nodes)
