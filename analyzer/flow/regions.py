"""Regions of the flow graph (loops, parallels, try blocks, function bodies…) and what the
renderers and summaries read from the schema tree under them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

from wfgraph.schema import (
    Block,
    FunctionCall,
    FunctionDef,
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
)

__all__ = [
    "CLUSTER_REGION_KINDS",
    "LEVEL_KINDS",
    "STEP_KINDS",
    "back_edges",
    "children",
    "cluster_tree",
    "count_inside",
    "forward_graph",
    "hidden_nodes",
    "iter_step_nodes",
    "region_kind",
]

STEP_KINDS = ("step_do", "step_sleep", "step_sleep_until", "step_wait_for_event")
"""Flow-node kinds that stand for one step of the run (what the run overlay colours)."""

CLUSTER_REGION_KINDS = frozenset(
    {"function", "loop", "parallel", "try", "except", "finally", "step"}
)
"""Region kinds that renderers draw as clusters / subgraphs (``if`` and ``switch`` are not)."""

# Region kinds that count as one level of nesting for ``depth`` (functions are top-level bodies
# of their own; try's except/finally and a step's nested steps are part of their construct).
LEVEL_KINDS = frozenset({"loop", "parallel", "try", "if", "switch", "step"})


def region_kind(key: str) -> str:
    """``"loop:n5"`` → ``"loop"``."""
    return key.split(":", 1)[0]


def back_edges(g: nx.DiGraph) -> list[tuple[str, str]]:
    """The edges marked ``back=True`` (loop back edges and recursive calls)."""
    return [(u, v) for u, v, d in g.edges(data=True) if d.get("back")]


def forward_graph(g: nx.DiGraph) -> nx.DiGraph:
    """A view of ``g`` without its back edges: a DAG."""
    return nx.subgraph_view(g, filter_edge=lambda u, v: not g.edges[u, v].get("back"))


def iter_step_nodes(nodes: Iterable[Any]) -> Iterator[Any]:
    """Every schema step node (the four step types) under ``nodes``, in source order."""
    for node in nodes:
        if isinstance(node, (StepDo, StepSleep, StepSleepUntil, StepWaitForEvent)):
            yield node
        yield from iter_step_nodes(children(node))


def children(node: Any) -> list[Any]:
    if isinstance(node, (StepDo, Loop, Parallel, Block, Start, FunctionDef)):
        return list(node.nodes)
    if isinstance(node, (If, Switch)):
        return [n for b in node.branches for n in b.nodes]
    if isinstance(node, Try):
        return [
            n
            for blk in (node.try_block, node.catch_block, node.finally_block)
            if blk
            for n in blk.nodes
        ]
    return []


def count_inside(nodes: Iterable[Any]) -> tuple[int, int, int]:
    """(steps of the four kinds, counted steps for the budget, function calls) under ``nodes``.

    Each loop body is counted once (a summary of what a collapsed region hides, not a budget).
    """
    steps = counted = calls = 0
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, (StepDo, StepSleep, StepSleepUntil, StepWaitForEvent)):
            steps += 1
            counted += isinstance(node, (StepDo, StepWaitForEvent))
        elif isinstance(node, FunctionCall):
            calls += 1
        stack.extend(children(node))
    return steps, counted, calls


def hidden_nodes(data: dict[str, Any]) -> list[Any]:
    """The schema nodes a ``summary`` flow node stands for (given its attribute dict)."""
    if "members" in data:
        return list(data["members"])
    ref = data.get("ref")
    if ref is None:
        return []
    if data.get("collapsed") in ("inside", "function"):
        return list(ref.nodes)
    return [ref]



def cluster_tree(
    g: nx.DiGraph,
) -> tuple[dict[tuple[str, ...], list[str]], dict[tuple[str, ...], list[str]]]:
    """(cluster path → its node ids, cluster path → child cluster keys), in node-id order."""
    nodes: dict[tuple[str, ...], list[str]] = {}
    children: dict[tuple[str, ...], list[str]] = {}
    for nid, data in g.nodes(data=True):
        path = tuple(r for r in data["region"] if region_kind(r) in CLUSTER_REGION_KINDS)
        nodes.setdefault(path, []).append(nid)
        for i in range(len(path)):
            kids = children.setdefault(path[:i], [])
            if path[i] not in kids:
                kids.append(path[i])
    return nodes, children
