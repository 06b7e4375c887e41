"""Call edges: from a helper's calls to its body (SEMANTICS §9: one edge per called helper)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import networkx as nx


def link_calls(g: nx.DiGraph, calls: list[tuple[str, str, str]], edge: Callable[..., Any]) -> None:
    """One ``call`` edge per called helper, from its first call (in drawing order) outside its
    own recursion cycle, else from its first call; a helper called 14 times gets one edge, not
    14 across the diagram. An edge that closes a recursion cycle is a back edge. Calls to a name
    the graph has no function for are marked ``missing_callee``."""
    functions = g.graph["functions"]
    back = _recursive_edges(calls, functions)
    chosen: dict[str, tuple[str, str]] = {}
    for call, caller, callee in calls:
        if callee not in functions:
            g.nodes[call]["missing_callee"] = True
            continue
        best = chosen.get(callee)
        if best is None or ((best[1], callee) in back and (caller, callee) not in back):
            chosen[callee] = (call, caller)
    for callee, (call, caller) in chosen.items():
        edge(call, functions[callee]["entry"], None, kind="call", back=(caller, callee) in back)


def _recursive_edges(calls: list[tuple[str, str, str]], functions: dict[str, Any]) -> set[tuple[str, str]]:
    """Caller → callee pairs of the call graph whose target is on the depth-first stack."""
    callees: dict[str, list[str]] = {}
    for _, caller, callee in calls:
        if callee in functions and callee not in callees.setdefault(caller, []):
            callees[caller].append(callee)
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}  # 1 on the stack, 2 done

    def visit(root: str) -> None:
        state[root] = 1
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(callees.get(root, [])))]
        while stack:
            body, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[body] = 2
                stack.pop()
                continue
            if state.get(nxt) == 1:
                back.add((body, nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(callees.get(nxt, []))))

    for body in ["run", *functions]:
        if body not in state:
            visit(body)
    return back
