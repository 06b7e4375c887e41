"""Fixtures with a JavaScript twin in docs/cloudflare-parser.md Appendix A have the same shape
and numbers as Cloudflare's parser output, except where SEMANTICS §4.1 says Python runs
differently (those fixtures say why in their comment and are not listed here).

Shapes compare node kinds (any step type is "step"), names, parallel kinds, branch conditions
and starts/resolves; the JavaScript outputs are Appendix A's, abridged to those fields.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from wfgraph.analyzer.analysis import analyze_file

from conftest import FIXTURES

STEP_TYPES = {"step_do", "step_sleep", "step_sleep_until", "step_wait_for_event"}


def shape(node: dict[str, Any]) -> Any:
    kind = "step" if node["type"] in STEP_TYPES else node["type"]
    out: list[Any] = [kind]
    for key in ("name", "kind", "starts", "resolves"):
        if key in node and not (key == "kind" and kind == "break"):
            out.append(f"{key}={node[key]}")
    if kind == "parallel" or kind == "loop":
        out.append([shape(n) for n in node["nodes"]])
    if kind == "if":
        out.append([(b["condition"], [shape(n) for n in b["nodes"]]) for b in node["branches"]])
    return out


def js(text: str) -> list[Any]:
    nodes = json.loads(text)
    return [shape(n) for n in nodes]


S = '"type":"step_do","config":"DEFAULT","nodes":[]'

TWINS = {
    # fixture: (Appendix case, its nodes with conditions written as our Python fixture writes them)
    "concurrency/gather_inline.py": ("X07", f'[{{"type":"parallel","kind":"all","nodes":[{{{S},"name":"a","starts":1,"resolves":2}},{{{S},"name":"b","starts":1,"resolves":3}}]}},{{{S},"name":"after"}}]'),
    "concurrency/gather_of_tasks.py": ("X09", f'[{{"type":"parallel","kind":"all","nodes":[{{{S},"name":"a","starts":1,"resolves":2}},{{{S},"name":"b","starts":1,"resolves":2}}]}},{{{S},"name":"c"}}]'),
    "concurrency/task_awaited_later.py": ("X10", f'[{{"type":"parallel","kind":"all","nodes":[{{{S},"name":"p","starts":1,"resolves":4}},{{{S},"name":"x1","starts":1,"resolves":2}},{{{S},"name":"x2","starts":2,"resolves":3}}]}},{{{S},"name":"after"}}]'),
    "concurrency/gather_mixed.py": ("X12", f'[{{"type":"parallel","kind":"all","nodes":[{{{S},"name":"p1","starts":1,"resolves":2}}]}},{{"type":"parallel","kind":"all","nodes":[{{{S},"name":"inline","starts":2,"resolves":3}}]}}]'),
    "concurrency/race_with_task.py": ("X13", f'[{{"type":"parallel","kind":"all","nodes":[{{{S},"name":"p1","starts":1,"resolves":2}}]}},{{"type":"parallel","kind":"race","nodes":[{{"type":"step_sleep","name":"timeout","duration":"1 hour","starts":2,"resolves":3}}]}},{{{S},"name":"after"}}]'),
    "concurrency/two_gathers.py": ("X14", f'[{{"type":"parallel","kind":"all","nodes":[{{{S},"name":"a","starts":1,"resolves":2}},{{{S},"name":"b","starts":1,"resolves":3}}]}},{{"type":"parallel","kind":"all","nodes":[{{{S},"name":"c","starts":3,"resolves":4}},{{{S},"name":"d","starts":3,"resolves":5}}]}}]'),
    "concurrency/two_task_pairs.py": ("X15", f'[{{"type":"parallel","kind":"all","nodes":[{{{S},"name":"p","starts":1,"resolves":3}},{{{S},"name":"x","starts":1,"resolves":2}},{{{S},"name":"q","starts":3,"resolves":5}},{{{S},"name":"y","starts":3,"resolves":4}}]}}]'),
    "concurrency/two_task_gathers.py": ("X16", f'[{{"type":"parallel","kind":"all","nodes":[{{{S},"name":"a","starts":1,"resolves":2}},{{{S},"name":"b","starts":1,"resolves":2}},{{{S},"name":"c","starts":2,"resolves":3}},{{{S},"name":"d","starts":2,"resolves":3}}]}}]'),
    "concurrency/nested_gather.py": ("X20", f'[{{"type":"parallel","kind":"all","nodes":[{{{S},"name":"a","starts":1,"resolves":2}},{{"type":"parallel","kind":"race","nodes":[{{{S},"name":"b1","starts":2,"resolves":3}},{{"type":"step_sleep","name":"b2","duration":5,"starts":2,"resolves":4}}]}}]}}]'),
    "concurrency/task_with_loop.py": ("X56", f'[{{"type":"parallel","kind":"all","nodes":[{{{S},"name":"p","starts":1,"resolves":3}},{{"type":"loop","nodes":[{{{S},"name":"loop step","starts":1,"resolves":2}}]}}]}},{{{S},"name":"after"}}]'),
    "concurrency/task_then_if.py": ("X33", f'[{{"type":"parallel","kind":"all","nodes":[{{{S},"name":"p","starts":1,"resolves":4}}]}},{{"type":"if","branches":[{{"condition":"cond","nodes":[{{{S},"name":"in if","starts":1,"resolves":2}}]}},{{"condition":null,"nodes":[{{{S},"name":"in else","starts":2,"resolves":3}}]}}]}}]'),
}


@pytest.mark.parametrize("fixture", sorted(TWINS))
def test_same_shape_and_numbers_as_the_javascript_twin(fixture: str) -> None:
    case, expected = TWINS[fixture]
    result = analyze_file(FIXTURES / fixture)
    (workflow,) = [w.graph.workflow for w in result.workflows if w.graph]
    ours = [shape(n) for n in workflow.model_dump(mode="json")["nodes"]]
    assert ours == js(expected), case


def test_gather_kinds_carry_the_counter_like_x08() -> None:
    """X08 chains race/any/allSettled; Python has no `any`, so the fixture chains race,
    all_settled, all_settled, all: the numbers carry over exactly as in X08."""
    result = analyze_file(FIXTURES / "concurrency" / "gather_kinds.py")
    nodes = result.workflows[0].graph.workflow.nodes
    assert [p.kind for p in nodes] == ["race", "all_settled", "all_settled", "all"]
    assert [[(m.starts, m.resolves) for m in p.nodes] for p in nodes] == [
        [(1, 2), (1, 3)], [(3, 4), (3, 5)], [(5, 6), (5, 7)], [(7, 8), (7, 9)],
    ]
