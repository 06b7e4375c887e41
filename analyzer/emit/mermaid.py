"""Mermaid ``flowchart TD`` diagrams that GitHub renders in Markdown (docs/peer-tools.md §C.7).

The same picture as the DOT renderer (``emit/dot.py``), from the same control-flow graph: a
subgraph per workflow, and inside it subgraphs for loops, parallels, try / except / finally,
steps run inside a step, and function bodies. Node ids are the flow graph's (``n12``), which are
safe Mermaid ids; every label is quoted, with Mermaid's entity codes (``#quot;``, ``#35;``…) for
characters that would otherwise end or change it.

Mermaid refuses diagrams beyond its default ``maxTextSize`` (50,000 characters) and
``maxEdges`` (500). When the whole diagram would exceed either, :func:`render_mermaid` collapses
function bodies (largest first), then loop bodies (deepest first), then any nesting level by
level, then runs of plain steps, until it fits, and reports what it did in
:attr:`MermaidDiagram.notes` (the CLI prints them on stderr).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import field
from typing import Any

import networkx as nx

from wfgraph.schema import Workflow

from ..flow.build import build_flow
from ..flow.labels import short
from ..flow.regions import cluster_tree, hidden_nodes
from ..flow.marks import MARK_KINDS, MARK_LABELS, Mark, Marks
from ..flow.overlay import STATUS_LABELS, STATUSES, NodeStatus, Overlay
from ..records import record
from .mermaid_styles import CLASS_STYLES as _CLASS_STYLES
from .mermaid_styles import DOTTED as _DOTTED
from .mermaid_styles import EDGE_STYLE as _EDGE_STYLE
from .mermaid_styles import KIND_CLASS as _KIND_CLASS
from .mermaid_styles import MARK_CLASS as _MARK_CLASS
from .mermaid_styles import SHAPES as _SHAPES
from .mermaid_styles import STATUS_CLASS as _STATUS_CLASS

__all__ = ["MAX_EDGES", "MAX_TEXT_SIZE", "MermaidDiagram", "escape", "render_mermaid"]

MAX_TEXT_SIZE = 50_000
"""Mermaid's default ``maxTextSize``."""
MAX_EDGES = 500
"""Mermaid's default ``maxEdges``."""

_ESCAPES = {
    "#": "#35;",
    '"': "#quot;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",
    "|": "#124;",
    "%": "#37;",
    "\\": "#92;",
    "$": "#36;",  # "$$…$$" is KaTeX math in recent Mermaid
}
_TABLE = str.maketrans(_ESCAPES)


def escape(text: str) -> str:
    """``text`` for a quoted Mermaid label: entity codes for special characters, lines joined by
    ``<br/>``."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br/>".join(line.translate(_TABLE) for line in lines)


@record
class MermaidDiagram:
    """What :func:`render_mermaid` returns: the text, and notes about collapsing (for stderr)."""

    text: str
    notes: list[str] = field(default_factory=list)
    edges: int = 0
    collapsed: bool = False

    def __str__(self) -> str:
        return self.text

    @property
    def size(self) -> int:
        return len(self.text)

    @property
    def fits(self) -> bool:
        return self.size <= MAX_TEXT_SIZE and self.edges <= MAX_EDGES


# --- one rendering -------------------------------------------------------------------------------


@record
class _Plan:
    depth: int | None = None
    functions: dict[int, set[str]] = field(default_factory=dict)  # workflow index → names
    nodes: set[int] = field(default_factory=set)  # id() of schema nodes to collapse
    chunk: int | None = None


def _status(overlay: Overlay | None, data: dict[str, Any]) -> NodeStatus | None:
    if overlay is None:
        return None
    kind = data["kind"]
    if kind == "summary":
        return overlay.summary_status(hidden_nodes(data))
    if data.get("ref") is not None and kind in (
        "step_do",
        "step_sleep",
        "step_sleep_until",
        "step_wait_for_event",
    ):
        return overlay.node_status(data["ref"])
    return None


def _node_line(nid: str, data: dict[str, Any], mark: Mark | None = None) -> str:
    kind = data["kind"]
    opening, closing = _SHAPES.get(kind, ("[", "]"))
    if kind == "merge":
        text = " "
    else:
        lines = list(data.get("title", ())) + list(data.get("details", ()))
        if mark is not None and mark.note:
            lines = (lines or [data["label"]]) + [mark.note]
        text = escape("\n".join(lines)) if lines else escape(data["label"]) or " "
    return f'{nid}{opening}"{text}"{closing}'


def _subgraph_title(info: dict[str, Any]) -> str:
    # A loop, parallel, try or function subgraph starts with a node that names it (loop, fork,
    # try, function entry): a title too would say it twice.
    if info["kind"] in ("loop", "parallel", "try", "function"):
        return " "
    return escape(short(info["label"], 48))


def _subgraph_id(info: dict[str, Any]) -> str:
    return f"sg_{info['kind']}_{info['anchor']}"


def _render_graphs(
    graphs: list[tuple[str, nx.DiGraph]], overlay: Overlay | None, marks: Marks | None = None
) -> tuple[str, int]:
    out: list[str] = ["flowchart TD"]
    classes: dict[str, list[str]] = {}

    def emit(
        g: nx.DiGraph,
        path: tuple[str, ...],
        indent: str,
        nodes: dict[tuple[str, ...], list[str]],
        children: dict[tuple[str, ...], list[str]],
    ) -> None:
        for nid in nodes.get(path, []):
            data = g.nodes[nid]
            mark = marks.mark(data) if marks is not None else None
            out.append(indent + _node_line(nid, data, mark))
            status = _status(overlay, data)
            if mark is not None:
                classes.setdefault(f"diff_{mark.kind}", []).append(nid)
            elif status is not None:
                classes.setdefault(status.status, []).append(nid)
            elif data["kind"] in _KIND_CLASS:
                classes.setdefault(_KIND_CLASS[data["kind"]], []).append(nid)
        for key in children.get(path, []):
            info = g.graph["regions"][key]
            out.append(f'{indent}subgraph {_subgraph_id(info)}["{_subgraph_title(info)}"]')
            # Without it Mermaid lays a subgraph out across the parent's direction (left to
            # right), and a long workflow becomes a thin strip.
            out.append(f"{indent}  direction TB")
            emit(g, path + (key,), indent + "  ", nodes, children)
            out.append(f"{indent}end")

    if overlay is not None:
        title = f"run: {overlay.instance_status}"
        if overlay.error:
            title += f" ({short(overlay.error, 60)})"
        out.append(f'  subgraph legend["{escape(title)}"]')
        out.append("    direction TB")
        for status in STATUSES:
            out.append(f'    legend_{status}["{escape(STATUS_LABELS[status])}"]')
            classes.setdefault(status, []).append(f"legend_{status}")
        out.append("  end")

    if marks is not None:
        out.append(f'  subgraph legend["{escape(marks.title)}"]')
        out.append("    direction TB")
        for kind in MARK_KINDS:
            out.append(f'    legend_{kind}["{escape(MARK_LABELS[kind])}"]')
            classes.setdefault(f"diff_{kind}", []).append(f"legend_{kind}")
        out.append("  end")

    for i, (title, g) in enumerate(graphs):
        nodes, children = cluster_tree(g)
        out.append(f'  subgraph wf{i}["{escape(title)}"]')
        out.append("    direction TB")
        emit(g, (), "    ", nodes, children)
        out.append("  end")

    edge_styles: dict[str, list[int]] = {}
    count = 0
    for _, g in graphs:
        for u in g.nodes:
            for _, v, data in sorted(g.out_edges(u, data=True), key=lambda e: e[2].get("order", 0)):
                kind = data.get("kind", "flow")
                arrow = "-.->" if kind in _DOTTED else "-->"
                source = u
                if data.get("from_region") in g.graph["regions"]:
                    # An except edge leaves the try subgraph: any step in it may fail.
                    source = _subgraph_id(g.graph["regions"][data["from_region"]])
                label = data.get("label")
                if label and not (
                    label in ("try", "finally")
                    and kind == "flow"
                    and g.nodes[u]["kind"] != "decision"
                ):
                    out.append(f'  {source} {arrow}|"{escape(short(label))}"| {v}')
                else:
                    out.append(f"  {source} {arrow} {v}")
                if kind in _EDGE_STYLE:
                    edge_styles.setdefault(kind, []).append(count)
                count += 1

    for cls, style in (*_CLASS_STYLES.items(), *_STATUS_CLASS.items(), *_MARK_CLASS.items()):
        if cls in classes:
            out.append(f"  classDef {cls} {style}")
    for cls in sorted(classes):
        out.append(f"  class {','.join(classes[cls])} {cls}")
    for kind in _EDGE_STYLE:
        if kind in edge_styles:
            out.append(f"  linkStyle {','.join(map(str, edge_styles[kind]))} {_EDGE_STYLE[kind]}")
    return "\n".join(out) + "\n", count


def _build(workflows: Sequence[tuple[str, Workflow]], plan: _Plan) -> list[tuple[str, nx.DiGraph]]:
    graphs = []
    for i, (title, wf) in enumerate(workflows):
        prefix = f"w{i}_" if len(workflows) > 1 else ""
        g = build_flow(
            wf,
            id_prefix=prefix,
            depth=plan.depth,
            collapse_functions=plan.functions.get(i, ()),
            collapse_nodes=plan.nodes,
            chunk=plan.chunk,
        )
        graphs.append((title, g))
    return graphs


# --- fitting within Mermaid's limits -------------------------------------------------------------


def _batches(items: list[Any]) -> Iterator[list[Any]]:
    """``items`` in growing batches (1, 1, 2, 4, 8, …): few renders even for many candidates."""
    i, size = 0, 1
    first = True
    while i < len(items):
        yield items[i : i + size]
        i += size
        if first:
            first = False
        else:
            size *= 2


def _region_sizes(g: nx.DiGraph) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for _, data in g.nodes(data=True):
        for key in data["region"]:
            sizes[key] = sizes.get(key, 0) + 1
    return sizes


def render_mermaid(
    workflows: list[tuple[str, Workflow]],
    *,
    depth: int | None = None,
    overlay: Overlay | None = None,
    marks: Marks | None = None,
) -> MermaidDiagram:
    """A Mermaid ``flowchart TD`` of ``workflows`` (``(title, Workflow)`` pairs).

    ``depth`` collapses constructs nested deeper than that (as ``flow.build_flow``); ``overlay``
    colours step nodes by a run's status and adds a legend. The result stays within Mermaid's
    default limits when collapsing can make it fit; ``notes`` says what was collapsed (or that
    it still does not fit). ``overlay`` is bound to these workflows (``overlay.unmatched``).
    ``marks`` styles the nodes a change touched (``wfgraph diff``) and adds their legend.
    """
    if overlay is not None:
        overlay.bind(workflows)
    plan = _Plan(depth=depth)
    graphs = _build(workflows, plan)
    text, edges = _render_graphs(graphs, overlay, marks)
    full_size, full_edges = len(text), edges

    def fits() -> bool:
        return len(text) <= MAX_TEXT_SIZE and edges <= MAX_EDGES

    if fits():
        return MermaidDiagram(text, [], edges, False)

    def rerender() -> None:
        nonlocal graphs, text, edges
        graphs = _build(workflows, plan)
        text, edges = _render_graphs(graphs, overlay, marks)

    done: list[str] = []

    def collapse(items: list[Any], add: Any, remove: Any) -> list[Any]:
        """Collapse ``items`` in order until the diagram fits; returns those collapsed.

        If collapsing them all would not be enough, they all go at once (one render instead of
        many); otherwise in growing batches, so no more than needed is hidden.
        """
        if not items:
            return []
        for item in items:
            add(item)
        rerender()
        if not fits():
            return items
        for item in items:
            remove(item)
        taken: list[Any] = []
        for batch in _batches(items):
            for item in batch:
                add(item)
            taken.extend(batch)
            rerender()
            if fits():
                break
        return taken

    # 1. function bodies, largest first.
    funcs: list[tuple[int, int, int, str]] = []
    for i, (_, g) in enumerate(graphs):
        sizes = _region_sizes(g)
        for order, name in enumerate(g.graph["functions"]):
            funcs.append((-sizes.get(f"function:{name}", 0), i, order, name))
    funcs.sort()
    taken = collapse(
        funcs,
        lambda f: plan.functions.setdefault(f[1], set()).add(f[3]),
        lambda f: plan.functions[f[1]].discard(f[3]),
    )
    if taken:
        names = [f[3] for f in taken]
        done.append(
            f"{len(names)} function bod{'y' if len(names) == 1 else 'ies'} "
            f"({', '.join(names[:5])}{', …' if len(names) > 5 else ''})"
        )

    # 2. loop bodies, deepest first (then largest).
    if not fits():
        loops: list[tuple[int, int, int, int, Any]] = []
        for i, (_, g) in enumerate(graphs):
            sizes = _region_sizes(g)
            for order, (key, info) in enumerate(g.graph["regions"].items()):
                if info["kind"] == "loop":
                    loops.append((-info["level"], -sizes.get(key, 0), i, order, info["ref"]))
        loops.sort(key=lambda t: t[:4])
        taken = collapse(
            loops, lambda t: plan.nodes.add(id(t[4])), lambda t: plan.nodes.discard(id(t[4]))
        )
        if taken:
            done.append(f"{len(taken)} loop bod{'y' if len(taken) == 1 else 'ies'}")

    # 3. every construct nested deeper than a level, level by level.
    if not fits():
        top = max(
            (info["level"] for _, g in graphs for info in g.graph["regions"].values()), default=0
        )
        start = top - 1 if depth is None else min(depth, top) - 1
        for level in range(start, -1, -1):
            plan.depth = level
            rerender()
            if fits():
                break
        if plan.depth is not None and plan.depth != depth:
            done.append(
                "everything below the top level"
                if plan.depth == 0
                else f"everything nested more than {plan.depth} levels deep"
            )

    # 4. runs of plain steps.
    if not fits():
        total = sum(len(g) for _, g in graphs)
        size = 2
        while size <= max(2, total):
            plan.chunk = size
            rerender()
            if fits():
                break
            size *= 2
        done.append(f"runs of up to {plan.chunk} consecutive steps")

    notes = [
        f"the full diagram exceeds Mermaid's default limits ({full_size:,} characters of "
        f"{MAX_TEXT_SIZE:,}, {full_edges:,} edges of {MAX_EDGES:,}); collapsed " + "; ".join(done)
    ]
    if not fits():
        notes.append(
            f"the collapsed diagram still exceeds them ({len(text):,} characters, "
            f"{edges:,} edges): render it with a raised maxTextSize / maxEdges, "
            "or use `wfgraph dot`"
        )
    return MermaidDiagram(text, notes, edges, True)
