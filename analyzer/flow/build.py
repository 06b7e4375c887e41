"""The schema tree → a networkx ``DiGraph`` of control flow (docs/design.md, Data flow).

One structure shared by the renderers (``emit/dot.py``, ``emit/mermaid.py``). The builder lives
here; sequences, guards and exits in ``sequences.py``, compound constructs in
``constructs.py``, call edges in ``calls.py``, label text in ``labels.py``, region kinds and
cluster trees in ``regions.py``, parallel waves in ``waves.py``. :func:`build_flow` turns one
:class:`~wfgraph.schema.Workflow` into a graph with:

* one ``start`` and one ``end`` node for ``run``, and one ``function_entry`` / ``function_exit``
  pair per entry of ``workflow.functions`` (each body built once, as its own region);
* sequence edges between consecutive nodes;
* ``if`` / ``switch`` as a ``decision`` node whose out-edges carry the condition text
  (``"else"`` / ``"default"`` for a ``null`` condition, added when the source has none), joined
  again by a ``merge`` node;
* ``try`` as a ``try`` node, the try block, ``except`` edges (``from_region``: the try region,
  which renderers draw them from) to the catch block or, for handlers without steps, to where
  the workflow goes on, and the finally block after both;
* ``parallel`` as ``fork`` / ``join`` labelled with its kind; members hang in waves read from
  ``starts`` / ``resolves`` exactly as Cloudflare's renderer reads them
  (docs/cloudflare-parser.md §6.5): members with the lowest ``starts`` (a missing value
  counts as the lowest) leave the fork; a member whose ``starts`` equals some ``resolves`` R
  hangs under the *last* member (in list order) that resolves at R; members nothing hangs
  under flow into the join. Without numbers every member leaves the fork (one wave). A
  ``block`` member (SEMANTICS §4.6) is a sequence inside its branch;
* loops as a ``loop_entry`` node (its header and static trip count), the body, a back edge
  from the end of the body to the entry (edge attribute ``back=True``) and an exit from the end
  of the body (none for ``while True``); a loop's ``else`` clause runs on that exit only;
* ``function_call`` nodes, and one ``call`` edge per called function from its first call to its
  entry (SEMANTICS §9); a call edge that closes a recursion cycle is a back edge;
* where paths end (SEMANTICS §9, from the walker's side information): ``raise`` at a ``raise``
  terminal node; ``return`` (and JSON ``break`` nodes of kind ``return``) to the end of the
  enclosing body; ``break`` to the exit of the innermost loop (or, for a JSON ``break`` node
  with no loop around it, JavaScript's ``switch``, to the switch merge); ``continue`` back to the
  loop entry; step-less guards as ``decision`` nodes with ``guard=True``.

Every edge has ``back`` (bool) and ``kind`` (``"flow"``, ``"back"``, ``"call"``, ``"except"``,
``"raise"``, ``"return"``, ``"break"``, ``"continue"``) attributes and an optional ``label``, so
``G.edge_subgraph(non-back edges)`` is a DAG. Every node has ``kind``, ``label`` (lines joined
by ``"\\n"``), ``ref`` (the schema node or None), ``region`` (tuple of region keys, outermost
first) and ``counts`` (1 for ``step_do`` and ``step_wait_for_event``: the executions the step
limit counts, SEMANTICS §8.1; for a collapsed summary, the sum of what it hides, each loop body
once); also ``title`` / ``details`` (the label's name lines and its smaller detail lines), and
where they apply ``starts`` / ``resolves``, ``callee`` (``function_call``), ``construct``
(``"if"`` / ``"switch"`` on a ``decision``), ``parallel_kind`` (``fork`` / ``join``) and
``collapsed`` (what a ``summary`` node stands for). Node ids are ``"<prefix>n<i>"``,
numbered in one fixed depth-first traversal (``run`` first, then ``functions`` in key order),
so the same workflow always gives the same graph.

``G.graph`` holds ``class_name``, ``start``, ``end``, ``functions`` (name → ``{"entry",
"exit", "region"}``) and ``regions`` (key → ``{"kind", "label", "ref", "anchor", "level"}``),
where region kinds are ``function``, ``loop``, ``parallel``, ``try``, ``except``, ``finally``,
``step`` (steps nested in a step's body), ``if`` and ``switch``; ``level`` is the nesting depth
that ``depth`` collapsing compares against.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import field
from typing import Any

import networkx as nx

from wfgraph.schema import (
    Block,
    Break,
    FunctionCall,
    If,
    Loop,
    Parallel,
    Start,
    StepDo,
    StepSleep,
    StepSleepUntil,
    StepWaitForEvent,
    Switch,
    Try,
    Workflow,
)

from ..records import record
from .calls import link_calls
from .constructs import ConstructsMixin
from .sequences import SequencesMixin
from .labels import DEFAULT_CONFIG, short, step_label, step_lines, summary_text
from .regions import (
    CLUSTER_REGION_KINDS,
    LEVEL_KINDS,
    STEP_KINDS,
    back_edges,
    children,
    cluster_tree,
    count_inside,
    forward_graph,
    hidden_nodes,
    iter_step_nodes,
    region_kind,
)

__all__ = [
    "cluster_tree",
    "DEFAULT_CONFIG",
    "STEP_KINDS",
    "CLUSTER_REGION_KINDS",
    "build_flow",
    "back_edges",
    "forward_graph",
    "count_inside",
    "hidden_nodes",
    "iter_step_nodes",
    "region_kind",
    "short",
    "step_label",
    "step_lines",
]


def _numbers(node: Any) -> dict[str, int]:
    out = {}
    for key in ("starts", "resolves"):
        value = getattr(node, key, None)
        if value is not None:
            out[key] = value
    return out



Pred = tuple[str, "str | None"]
"""A dangling exit: (node id, label of the edge that will leave it)."""


@record
class _Scope:
    """Where the exits of a body go: loop exits and heads, switch merges, the body's end."""

    returns: list[Pred] = field(default_factory=list)
    breaks: list[list[Pred]] = field(default_factory=list)  # innermost last; loops and switches
    break_owner: list[str] = field(default_factory=list)  # "loop" | "switch", parallel to breaks
    loop_entries: list[str] = field(default_factory=list)  # heads of the enclosing loops


class _Builder(ConstructsMixin, SequencesMixin):
    def __init__(
        self,
        workflow: Workflow,
        prefix: str,
        depth: int | None,
        collapse_functions: Collection[str],
        collapse_nodes: Collection[int],
        chunk: int | None,
    ) -> None:
        self.workflow = workflow
        self.prefix = prefix
        self.depth = depth
        self.collapse_functions = set(collapse_functions)
        self.collapse_nodes = set(collapse_nodes)
        self.chunk = chunk if chunk and chunk > 1 else None
        self.g = nx.DiGraph()
        self.g.graph.update(class_name=workflow.class_name, functions={}, regions={})
        self._next = 0
        self._calls: list[tuple[str, str, str]] = []  # (call node, caller body, callee)
        self._body = "run"
        self._order: dict[tuple[str, str | None], int] = {}  # (decision, label) → branch index
        # dangling exit → the attributes of the edge that will leave it (kind, from_region)
        self._dangling: dict[tuple[str, str | None], dict[str, Any]] = {}

    # nodes and edges

    def new(self, kind: str, label: str, ref: Any, region: tuple[str, ...], **attrs: Any) -> str:
        nid = f"{self.prefix}n{self._next}"
        self._next += 1
        counts = attrs.pop("counts", 1 if kind in ("step_do", "step_wait_for_event") else 0)
        if "details" not in attrs:
            if (
                isinstance(ref, (StepDo, StepSleep, StepSleepUntil, StepWaitForEvent, FunctionCall))
                and kind != "summary"
            ):
                title, details = step_lines(ref)
            else:
                title, details = (label.split("\n") if label else []), []
            attrs["title"], attrs["details"] = tuple(title), tuple(details)
        self.g.add_node(nid, kind=kind, label=label, ref=ref, region=region, counts=counts, **attrs)
        return nid

    def edge(
        self,
        u: str,
        v: str,
        label: str | None = None,
        kind: str = "flow",
        back: bool = False,
        **attrs: Any,
    ) -> None:
        if self.g.has_edge(u, v):
            data = self.g.edges[u, v]
            # Two routes between the same nodes (an empty branch next to a merge): keep one edge,
            # joining the labels.
            if label and data.get("label") and label not in data["label"].split(" / "):
                data["label"] = f"{data['label']} / {label}"
            elif label and not data.get("label"):
                data["label"] = label
            return
        order = self._order.get((u, label))
        if order is not None:
            attrs.setdefault("order", order)
        self.g.add_edge(u, v, label=label, kind=kind, back=back, **attrs)

    def connect(self, preds: list[Pred], v: str, kind: str = "flow") -> None:
        for u, label in preds:
            attrs = self.attrs_of(u, label, kind)
            if self.g.nodes[u]["kind"] == "break":
                attrs["kind"] = "return" if self.g.nodes[u]["label"] == "return" else "break"
            self.edge(u, v, label, **attrs)

    def dangling(
        self, u: str, label: str | None, kind: str, was: str | None = None, **attrs: Any
    ) -> Pred:
        """A path leaving ``u`` whose edge, once drawn, has kind ``kind`` (and ``attrs``);
        relabelled from ``was``, it keeps its order among a decision's branches."""
        order = self._order.get((u, was))
        if order is not None:
            self._order.setdefault((u, label), order)
        self._dangling[(u, label)] = {"kind": kind, **attrs}
        return (u, label)

    def attrs_of(self, u: str, label: str | None, kind: str) -> dict[str, Any]:
        """The edge attributes a dangling path asked for, else just ``kind``."""
        return dict(self._dangling.get((u, label), {"kind": kind}))

    def region(
        self, key: str, kind: str, label: str, ref: Any, anchor: str, parent: tuple[str, ...]
    ) -> tuple[str, ...]:
        level = sum(1 for r in parent if region_kind(r) in LEVEL_KINDS)
        if kind in LEVEL_KINDS:
            level += 1
        self.g.graph["regions"][key] = {
            "kind": kind,
            "label": label,
            "ref": ref,
            "anchor": anchor,
            "level": level,
        }
        return parent + (key,)

    def single_node(self, preds: list[Pred], region: tuple[str, ...]) -> str:
        """One node that all of ``preds`` reach: the pred itself, or a new ``merge`` node."""
        if len(preds) == 1 and preds[0][1] is None:
            return preds[0][0]
        m = self.new("merge", "", None, region)
        self.connect(preds, m)
        return m

    def single(self, preds: list[Pred], region: tuple[str, ...]) -> list[Pred]:
        """At most one dangling exit: several are joined by a ``merge`` node."""
        if len(preds) <= 1:
            return preds
        m = self.new("merge", "", None, region)
        self.connect(preds, m)
        return [(m, None)]

    # bodies

    def level(self, region: tuple[str, ...]) -> int:
        return sum(1 for r in region if region_kind(r) in LEVEL_KINDS)

    def collapsed(self, node: Any, region: tuple[str, ...]) -> bool:
        if id(node) in self.collapse_nodes:
            return True
        return self.depth is not None and self.level(region) + 1 > self.depth

    def summary(
        self, what: str, node: Any, inner: list[Any], preds: list[Pred], region: tuple[str, ...]
    ) -> list[Pred]:
        _, counted, _ = count_inside(inner)
        kinds = {Loop: "loop", Parallel: "parallel", Try: "try", If: "if", Switch: "switch"}
        kind = kinds.get(type(node), what)
        s = self.new(
            "summary", summary_text(what, inner), node, region, counts=counted, collapsed=kind
        )
        self.connect(preds, s)
        self.hidden_calls(s, inner)
        return [(s, None)]

    def hidden_calls(self, s: str, inner: Iterable[Any]) -> None:
        """A summary still links to the functions called inside what it hides."""
        stack = list(reversed(list(inner)))
        while stack:
            node = stack.pop()
            if isinstance(node, FunctionCall):
                self._calls.append((s, self._body, node.name))
            stack.extend(reversed(children(node)))

    def node(
        self, node: Any, preds: list[Pred], region: tuple[str, ...], scope: _Scope
    ) -> list[Pred]:
        if isinstance(node, (StepDo, StepSleep, StepSleepUntil, StepWaitForEvent)):
            return self.step(node, preds, region, scope)
        if isinstance(node, FunctionCall):
            n = self.new(
                "function_call", step_label(node), node, region, callee=node.name, **_numbers(node)
            )
            self.connect(preds, n)
            self._calls.append((n, self._body, node.name))
            return [(n, None)]
        if isinstance(node, Break):
            n = self.new("break", node.kind, node, region)
            self.connect(preds, n)
            if node.kind == "break" and scope.breaks:
                # Python's ``break`` in a ``match`` case leaves the loop; with no loop around it
                # (JavaScript's ``switch``) it leaves the switch.
                owners = scope.break_owner
                at = max((i for i, o in enumerate(owners) if o == "loop"), default=len(owners) - 1)
                scope.breaks[at].append((n, None))
            else:
                scope.returns.append((n, None))
            return []
        if isinstance(node, If):
            return self.decision(node, "if", preds, region, scope)
        if isinstance(node, Switch):
            return self.decision(node, "switch", preds, region, scope)
        if isinstance(node, Try):
            return self.try_(node, preds, region, scope)
        if isinstance(node, Loop):
            return self.loop(node, preds, region, scope)
        if isinstance(node, Parallel):
            return self.parallel(node, preds, region, scope)
        if isinstance(node, (Block, Start)):
            return self.body(node, preds, region, scope)
        # FunctionDef never appears in a nodes list (SEMANTICS §1.3); nothing to draw.
        return preds

    def step(
        self, node: Any, preds: list[Pred], region: tuple[str, ...], scope: _Scope
    ) -> list[Pred]:
        kind = node.type
        if isinstance(node, StepDo) and node.nodes:
            if self.collapsed(node, region):
                # The step itself stays; what runs inside it becomes one summary.
                n = self.new(kind, step_label(node), node, region, **_numbers(node))
                self.connect(preds, n)
                return self.summary("inside", node, list(node.nodes), [(n, None)], region)
            key = f"step:{self.prefix}n{self._next}"
            inner = self.region(
                key,
                "step",
                f"inside step {short(node.name, 30)}",
                node,
                f"{self.prefix}n{self._next}",
                region,
            )
            n = self.new(kind, step_label(node), node, inner, **_numbers(node))
            self.connect(preds, n)
            # A step's body is a function of its own: its returns end the body, not the run.
            own = _Scope()
            return self.body(node, [(n, None)], inner, own, top=True) + own.returns
        n = self.new(kind, step_label(node), node, region, **_numbers(node))
        self.connect(preds, n)
        return [(n, None)]

    def finish(self, scope: _Scope, outs: list[Pred], end: str) -> None:
        """A body's paths reach its end: the fall-through ones and its returns."""
        self.connect(outs, end)
        for u, label in scope.returns:
            self.edge(u, end, label, **self.attrs_of(u, label, "return"))

    # whole workflow

    def build(self) -> nx.DiGraph:
        wf = self.workflow
        g = self.g
        start = self.new("start", "start", None, ())
        scope = _Scope()
        self._body = "run"
        outs = self.body(wf, [(start, None)], (), scope, top=True)
        end = self.new("end", "end", None, ())
        self.finish(scope, outs, end)
        g.graph["start"], g.graph["end"] = start, end

        for name, fdef in wf.functions.items():
            key = f"function:{name}"
            self._body = name
            anchor = f"{self.prefix}n{self._next}"
            region = self.region(key, "function", f"function {name}", fdef, anchor, ())
            if name in self.collapse_functions:
                _, counted, _ = count_inside(fdef.nodes)
                s = self.new(
                    "summary",
                    summary_text(f"{name}()", list(fdef.nodes)),
                    fdef,
                    region,
                    counts=counted,
                    collapsed="function",
                )
                g.graph["functions"][name] = {"entry": s, "exit": s, "region": key}
                self.hidden_calls(s, fdef.nodes)
                continue
            entry = self.new("function_entry", f"{name}()", fdef, region)
            fscope = _Scope()
            outs = self.body(fdef, [(entry, None)], region, fscope, top=True)
            exit_ = self.new("function_exit", "return", fdef, region)
            self.finish(fscope, outs, exit_)
            g.graph["functions"][name] = {"entry": entry, "exit": exit_, "region": key}

        link_calls(self.g, self._calls, self.edge)
        return g


def build_flow(
    workflow: Workflow,
    *,
    id_prefix: str = "",
    depth: int | None = None,
    collapse_functions: Collection[str] = (),
    collapse_nodes: Collection[int] = (),
    chunk: int | None = None,
) -> nx.DiGraph:
    """The control-flow graph of ``workflow`` (see the module docstring for its shape).

    ``depth``: constructs nested deeper than this (a top-level loop, ``if``, ``try`` or
    ``parallel`` opens level 1) become one ``summary`` node each, e.g. ``"loop (3 steps)"``.
    ``collapse_functions``: names of functions whose body becomes one ``summary`` node.
    ``collapse_nodes``: ``id()`` of schema nodes (loops, parallels, …) to show as summaries.
    ``chunk``: replace runs of consecutive plain steps by summaries of up to this many steps
    (the last resort that keeps a huge flat workflow within Mermaid's limits).
    """
    return _Builder(workflow, id_prefix, depth, collapse_functions, collapse_nodes, chunk).build()

