"""Helpers on a cycle of calls: the budget counts their steps as unbounded (SEMANTICS §8) and
the diff marks them repeated (§10.1). One pass for both, and no networkx: ``check`` does not
import it (start-up, ``commands.NEEDS``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..python.functions import iter_nodes


def call_cycles(graph: Any) -> dict[str, frozenset[str]]:
    """Each function of ``graph`` (a schema ``Workflow``) that is on a call cycle → the functions
    of its cycle (its strongly connected component)."""
    calls: dict[str, list[str]] = {}
    for name, fdef in graph.functions.items():
        calls[name] = [node.name for node in iter_nodes(fdef.nodes)
                       if getattr(node, "type", None) == "function_call"
                       and node.name in graph.functions]
    out: dict[str, frozenset[str]] = {}
    for members in strongly_connected(calls):
        if len(members) > 1 or any(m in calls[m] for m in members):
            for member in members:
                out[member] = members
    return out


def strongly_connected(edges: dict[str, list[str]]) -> Iterator[frozenset[str]]:
    """The strongly connected components of a directed graph given as node → successors
    (every successor a node): Tarjan's algorithm, without recursion (call graphs can be deep)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = len(index)
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(edges[succ])))
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    yield frozenset(component)
