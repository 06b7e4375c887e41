"""Graphviz DOT for workflow diagrams, written as text (no ``dot`` program needed).

The picture is :mod:`wfgraph.analyzer.flow.build`'s control-flow graph: one cluster per workflow
class; inside it, clusters for loops, parallels, try / except / finally blocks, steps run inside
a step, and each function body (cluster names start with ``cluster_``, so Graphviz draws them
as boxes; docs/peer-tools.md §C.8). Shapes tell the node kinds apart: a step is a box, a sleep a rounded
box, a wait for an event a hexagon, a decision a diamond, a function call a box with a double
border, a collapsed region a 3-D box. Labels give the step name and only what differs from the
graph's default config; each node's tooltip is its ``file:line``. Node ids come from the flow
graph, and the output is byte-stable for the same input.

Images (SVG, PNG…) are ``image.py``'s: it runs the ``dot`` program.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import networkx as nx

from wfgraph.schema import Workflow

from ..flow.build import build_flow
from ..flow.labels import short
from ..flow.regions import cluster_tree, hidden_nodes, region_kind
from ..flow.marks import MARK_KINDS, MARK_LABELS, Marks
from ..flow.overlay import STATUS_LABELS, STATUSES, NodeStatus, Overlay
from .dot_styles import CLUSTERS as _CLUSTERS
from .dot_styles import FONT, MARK_STYLE, STATUS_STYLE
from .dot_styles import SHAPES as _SHAPES

__all__ = ["STATUS_STYLE", "render_dot"]

Locate = Callable[[object], "str | None"]

# --- quoting -------------------------------------------------------------------------------------


def _q(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as ``\\n``."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{text}"'


def _h(text: str) -> str:
    """Text for an HTML-like label."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("]", "&#93;")
        .replace("[", "&#91;")
    )


def _attrs(attrs: dict[str, str]) -> str:
    parts = []
    for key in sorted(attrs):
        value = attrs[key]
        parts.append(f"{key}={value}" if value.startswith("<") else f"{key}={_q(value)}")
    return "[" + ", ".join(parts) + "]"


def _html_label(title: Sequence[str], details: Sequence[str]) -> str:
    rows = "<BR/>".join(_h(t) for t in title) if title else ""
    if details:
        more = "<BR/>".join(_h(d) for d in details)
        rows = f'{rows}<BR/><FONT POINT-SIZE="9" COLOR="#555555">{more}</FONT>' if rows else more
    return f"<{rows}>"


# --- rendering -----------------------------------------------------------------------------------


class _Writer:
    def __init__(self, locate: Locate, overlay: Overlay | None, marks: Marks | None = None) -> None:
        self.locate = locate
        self.overlay = overlay
        self.marks = marks
        self.lines: list[str] = []

    def out(self, indent: int, text: str) -> None:
        self.lines.append("  " * indent + text)

    def status(self, data: dict[str, Any]) -> NodeStatus | None:
        if self.overlay is None:
            return None
        kind = data["kind"]
        if kind == "summary":
            return self.overlay.summary_status(hidden_nodes(data))
        if data.get("ref") is not None and kind in (
            "step_do",
            "step_sleep",
            "step_sleep_until",
            "step_wait_for_event",
        ):
            return self.overlay.node_status(data["ref"])
        return None

    def node(self, indent: int, nid: str, data: dict[str, Any]) -> None:
        kind = data["kind"]
        attrs = dict(_SHAPES.get(kind, {"shape": "box"}))
        if kind == "merge":
            attrs["label"] = ""
        elif kind in (
            "fork",
            "join",
            "try",
            "break",
            "raise",
            "start",
            "end",
            "function_exit",
        ):
            attrs["label"] = data["label"]
        else:
            attrs["label"] = _html_label(data.get("title", ()), data.get("details", ()))
        mark = self.marks.mark(data) if self.marks is not None else None
        if mark is not None:
            attrs.update(MARK_STYLE[mark.kind])
            styles = [s for s in attrs.get("style", "").split(",") if s] + ["filled"]
            styles += ["dashed"] if mark.kind == "removed" else []
            attrs["style"] = ",".join(dict.fromkeys(styles))
            if mark.note:
                details = [*data.get("details", ()), mark.note]
                attrs["label"] = _html_label(data.get("title", ()) or [data["label"]], details)
        tips: list[str] = []
        ref = data.get("ref")
        where = self.locate(ref) if ref is not None else None
        if where:
            tips.append(where)
        numbers = [f"{k} {data[k]}" for k in ("starts", "resolves") if k in data]
        if numbers:
            tips.append(", ".join(numbers))
        if kind == "function_call" and data.get("missing_callee"):
            tips.append(f"no function named {data['callee']!r} in the graph")
        status = self.status(data)
        if status is not None:
            attrs.update(STATUS_STYLE[status.status])
            style = attrs.get("style", "")
            if "filled" not in style:
                attrs["style"] = f"{style},filled" if style else "filled"
            if status.status == "not_reached":
                attrs["style"] = attrs["style"] + ",dashed"
            tips.append(status.detail)
        if tips:
            attrs["tooltip"] = "\n".join(tips)
        self.out(indent, f"{nid} {_attrs(attrs)};")


def _cluster_id(g: nx.DiGraph, key: str) -> str:
    info = g.graph["regions"][key]
    return f"cluster_{info['kind']}_{info['anchor']}"


def _emit_clusters(
    w: _Writer,
    g: nx.DiGraph,
    path: tuple[str, ...],
    indent: int,
    nodes: dict[tuple[str, ...], list[str]],
    children: dict[tuple[str, ...], list[str]],
) -> None:
    for nid in nodes.get(path, []):
        w.node(indent, nid, g.nodes[nid])
    for key in children.get(path, []):
        info = g.graph["regions"][key]
        sub = path + (key,)
        w.out(indent, f"subgraph {_q(_cluster_id(g, key))} {{")
        attrs = dict(_CLUSTERS.get(info["kind"], {}))
        attrs["label"] = _cluster_label(info)
        where = w.locate(info["ref"]) if info.get("ref") is not None else None
        if where:
            attrs["tooltip"] = where
        for k in sorted(attrs):
            w.out(indent + 1, f"{k}={_q(attrs[k])};")
        _emit_clusters(w, g, sub, indent + 1, nodes, children)
        w.out(indent, "}")


def _cluster_label(info: dict[str, Any]) -> str:
    # A loop, parallel, try or function cluster starts with a node that names it (loop, fork,
    # try, function entry): a title too would say it twice.
    if info["kind"] in ("loop", "parallel", "try", "function"):
        return ""
    return short(info["label"], 48)


def _edge_attrs(g: nx.DiGraph, u: str, v: str, data: dict[str, Any]) -> dict[str, str]:
    attrs: dict[str, str] = {}
    label = data.get("label")
    # "try" and "finally" edges lead into a cluster that already says so.
    if (
        label in ("try", "finally")
        and data.get("kind") == "flow"
        and g.nodes[u]["kind"] != "decision"
        and any(region_kind(r) == label for r in g.nodes[v]["region"])
    ):
        label = None
    if label:
        shown = short(label)
        attrs["label"] = shown
        if shown != label:
            attrs["labeltooltip"] = label
    kind = data.get("kind", "flow")
    if kind == "back":
        attrs.update(style="dashed", color="#5b7fc7")
    elif kind == "call":
        # weight 0: the callee is drawn below its first caller, without bending the caller's
        # own sequence towards it.
        attrs.update(style="dotted", color="#4f8a4f", arrowhead="empty", weight="0")
        callee = g.nodes[v]
        key = callee["region"][0] if callee["region"] else None
        if (
            key is not None
            and callee["kind"] == "function_entry"
            and key not in g.nodes[u]["region"]
        ):
            attrs["lhead"] = _cluster_id(g, key)
    elif kind == "except":
        attrs.update(style="dashed", color="#c0392b", fontcolor="#c0392b")
        # The except edge leaves the try cluster: any step in it may fail (SEMANTICS §9).
        key = data.get("from_region")
        if key is None:
            inside = [r for r in g.nodes[u]["region"] if region_kind(r) == "try"]
            key = inside[-1] if inside and g.nodes[u]["kind"] != "try" else None
        if key is not None and key in g.nodes[u]["region"] and key not in g.nodes[v]["region"]:
            attrs["ltail"] = _cluster_id(g, key)
    elif kind == "raise":
        attrs.update(color="#c0392b", fontcolor="#c0392b")
    elif kind == "continue":
        attrs.update(style="dashed", color="#5b7fc7", fontcolor="#5b7fc7")
    elif kind in ("return", "break"):
        attrs.update(style="dashed", color="#888888", fontcolor="#666666")
    return attrs


def _emit_edges(w: _Writer, g: nx.DiGraph, indent: int) -> None:
    for u in g.nodes:
        out = sorted(g.out_edges(u, data=True), key=lambda e: e[2].get("order", 0))
        for _, v, data in out:
            attrs = _edge_attrs(g, u, v, data)
            if data.get("back"):
                # Written head to tail with dir=back: the arrow still points at the loop entry
                # (or the callee), and dot ranks it like a forward edge. (constraint=false
                # instead makes dot's edge router fail on some graphs with clusters.)
                attrs["dir"] = "back"
                if "lhead" in attrs:
                    attrs["ltail"] = attrs.pop("lhead")
                if "arrowhead" in attrs:
                    attrs["arrowtail"] = attrs.pop("arrowhead")
                u_, v_ = v, u
            else:
                u_, v_ = u, v
            w.out(indent, f"{u_} -> {v_}" + (f" {_attrs(attrs)}" if attrs else "") + ";")


def _emit_legend(w: _Writer, overlay: Overlay) -> None:
    """One compact table node: the run's status, then a swatch per node status."""
    title = "<B>" + _h(f"run: {overlay.instance_status}") + "</B>"
    if overlay.error:
        title += f"<BR/>{_h(short(overlay.error, 60))}"
    rows = [f'<TR><TD BORDER="0">{title}</TD></TR>']
    for status in STATUSES:
        style = STATUS_STYLE[status]
        dashed = ' STYLE="dashed"' if status == "not_reached" else ""
        font = style.get("fontcolor", "#000000")
        rows.append(
            f'<TR><TD BGCOLOR="{style["fillcolor"]}" COLOR="{style["color"]}"{dashed}>'
            f'<FONT COLOR="{font}">{_h(STATUS_LABELS[status])}</FONT></TD></TR>'
        )
    table = (
        '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="3" CELLPADDING="3">'
        + "".join(rows)
        + "</TABLE>>"
    )
    # The root graph's label: drawn in a corner, it takes no rank (a legend node would stretch the
    # first rank of the diagram). Written last, so that no cluster inherits it.
    w.out(1, "// legend")
    w.out(1, f'fontsize="9"; labeljust="l"; labelloc="t"; label={table};')


def _emit_mark_legend(w: _Writer, marks: Marks) -> None:
    """Like the run legend: a swatch per change kind, in the root graph's label."""
    rows = [f'<TR><TD BORDER="0"><B>{_h(marks.title)}</B></TD></TR>']
    for kind in MARK_KINDS:
        style = MARK_STYLE[kind]
        dashed = ' STYLE="dashed"' if kind == "removed" else ""
        rows.append(f'<TR><TD BGCOLOR="{style["fillcolor"]}" COLOR="{style["color"]}"{dashed}>'
                    f'<FONT COLOR="{style["fontcolor"]}">{_h(MARK_LABELS[kind])}</FONT></TD></TR>')
    table = ('<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="3" CELLPADDING="3">'
             + "".join(rows) + "</TABLE>>")
    w.out(1, "// legend")
    w.out(1, f'fontsize="9"; labeljust="l"; labelloc="t"; label={table};')


def render_dot(
    workflows: list[tuple[str, Workflow]],
    locate: Locate,
    *,
    depth: int | None = None,
    overlay: Overlay | None = None,
    marks: Marks | None = None,
) -> str:
    """DOT text of one diagram holding every workflow in ``workflows`` (``(title, Workflow)``).

    ``locate`` maps a schema node to ``"file.py:12"`` (or None) for tooltips. ``depth``
    collapses constructs nested deeper than that into summary nodes (``flow.build_flow``).
    ``overlay`` colours step nodes by what a run did, and adds a legend; it is bound to these
    workflows (:meth:`Overlay.bind`), so ``overlay.unmatched`` is meaningful afterwards.
    ``marks`` styles the nodes a change touched (``wfgraph diff``) and adds their legend.
    """
    w = _Writer(locate, overlay, marks)
    if overlay is not None:
        overlay.bind(workflows)
    w.out(0, "digraph wfgraph {")
    w.out(
        1,
        f'graph [compound="true", fontname={_q(FONT)}, fontsize="12", nodesep="0.3", '
        'ranksep="0.35", rankdir="TB", newrank="true"];',
    )
    w.out(
        1,
        f'node [fontname={_q(FONT)}, fontsize="11", shape="box", margin="0.15,0.06", '
        'color="#444444"];',
    )
    w.out(1, f'edge [fontname={_q(FONT)}, fontsize="9", color="#555555", arrowsize="0.7"];')
    graphs = []
    for i, (title, wf) in enumerate(workflows):
        prefix = f"w{i}_" if len(workflows) > 1 else ""
        g = build_flow(wf, id_prefix=prefix, depth=depth)
        graphs.append(g)
        w.out(1, f"subgraph {_q(f'cluster_workflow_{i}')} {{")
        for k, v in sorted(
            {
                "label": title,
                "style": "rounded",
                "color": "#bbbbbb",
                "fontsize": "14",
                "margin": "12",
            }.items()
        ):
            w.out(2, f"{k}={_q(v)};")
        nodes, children = cluster_tree(g)
        _emit_clusters(w, g, (), 2, nodes, children)
        w.out(1, "}")
    for g in graphs:
        _emit_edges(w, g, 1)
    if overlay is not None:
        _emit_legend(w, overlay)
    elif marks is not None:
        _emit_mark_legend(w, marks)
    w.out(0, "}")
    return "\n".join(w.lines) + "\n"
