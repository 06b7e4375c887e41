"""analyzer/emit/mermaid.py: Mermaid flowcharts that GitHub renders, within Mermaid's limits."""

from __future__ import annotations

import copy
import re

import pytest

from wfgraph.analyzer.emit.mermaid import MAX_EDGES, MAX_TEXT_SIZE, escape, render_mermaid
from wfgraph.analyzer.flow.overlay import load_instance
from wfgraph.schema import Workflow

from diagram_inputs import CASES, DATA, DEFAULT, appendix, fixture


ARROW = re.compile(r"^  (\S+) (-->|-\.->)(?:\|\"([^\"]*)\"\|)? (\S+)$")
NODE = re.compile(
    r'^\s+([A-Za-z_][A-Za-z0-9_]*)(\(\[|\[\[|\[/|\[\\|\{\{|\(\(|\[|\(|\{|>)"([^"]*)"(\]\)|\]\]|\\\]|/\]|\}\}|\)\)|\]|\)|\})$'
)
SUBGRAPH = re.compile(r'^\s+subgraph ([A-Za-z_][A-Za-z0-9_]*)\["([^"]*)"\]$')








def step(name: str) -> dict:
    return {"type": "step_do", "name": name, "config": copy.deepcopy(DEFAULT), "nodes": []}


def check_syntax(text: str) -> dict[str, str]:
    """Every line is one we know how to write; returns node id → label. Ids are safe, labels
    quoted with nothing inside that could end them, subgraphs balanced."""
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    labels: dict[str, str] = {}
    subgraphs: set[str] = set()
    depth = 0
    previous = ""
    for line in lines[1:]:
        if m := NODE.match(line):
            assert m.group(1) not in labels, f"duplicate id {m.group(1)}"
            labels[m.group(1)] = m.group(3)
        elif m := SUBGRAPH.match(line):
            depth += 1
            subgraphs.add(m.group(1))
        elif line.strip() == "direction TB":
            # SEMANTICS §9: every subgraph lays out top to bottom, said first thing inside it.
            assert SUBGRAPH.match(previous), line
        elif line.strip() == "end":
            depth -= 1
            assert depth >= 0
        elif m := ARROW.match(line):
            # An except edge may leave a try subgraph; everything else links nodes.
            assert m.group(1) in labels or m.group(1) in subgraphs, line
            assert m.group(4) in labels, line
        elif re.match(r"^  (classDef|class|linkStyle) \S+ \S+", line):
            pass
        else:
            raise AssertionError(f"unexpected line: {line!r}")
        previous = line
    assert depth == 0
    assert sum(1 for line in lines if line.strip() == "direction TB") == len(subgraphs)
    for nid, label in labels.items():
        assert nid not in ("end", "graph", "subgraph", "style", "class", "click", "default")
        assert not re.search(r'["`|<>$%\\]', label.replace("<br/>", "")), label
        assert not re.search(r"#(?![a-z0-9]+;)", label), label
    return labels


def edge_count(text: str) -> int:
    return sum(1 for line in text.splitlines() if ARROW.match(line))


# --- text ----------------------------------------------------------------------------------------


def test_flowchart_with_subgraphs_and_shapes():
    d = render_mermaid([("OrderWorkflow", fixture("order_workflow.json"))])
    labels = check_syntax(d.text)
    assert d.notes == [] and not d.collapsed
    text = d.text
    assert 'subgraph wf0["OrderWorkflow"]' in text
    for kind in ("loop", "parallel", "try", "except", "finally", "function"):
        assert re.search(rf"subgraph sg_{kind}_n\d+\[", text), kind
    assert 'n0(["start"])' in text
    assert 'n1["validate order"]' in text
    assert re.search(r'n\d+\("wait for batch<br/>sleep 1 hour"\)', text)
    assert re.search(
        r'n\d+\{\{"await delivery<br/>wait for event: delivered<br/>timeout: 7 days"\}\}', text
    )
    assert re.search(r'n\d+\{"if"\}', text)
    assert re.search(r'n\d+\[\["call notify_support\(\)"\]\]', text)
    assert re.search(r'n\d+\[/"parallel: all"\\\]', text)
    assert (
        "charge card<br/>retries: limit 3, delay 10 seconds, linear<br/>timeout: 2 minutes"
        in labels.values()
    )
    assert d.edges == edge_count(text)


def test_edge_labels_and_styles():
    text = render_mermaid([("OrderWorkflow", fixture("order_workflow.json"))]).text
    assert re.search(r'n\d+ -->\|"order\[#quot;express#quot;\]"\| n\d+', text)
    assert re.search(r'n\d+ -->\|"else"\| n\d+', text)
    assert re.search(r'n\d+ -\.->\|"except"\| n\d+', text)
    assert re.search(r"^  linkStyle [\d,]+ stroke:#5b7fc7$", text, re.M)  # back edges
    assert re.search(r"^  linkStyle [\d,]+ stroke:#c0392b", text, re.M)  # except


def test_link_style_indices_point_at_the_right_edges():
    text = render_mermaid([("W", appendix("X38"))]).text
    arrows = [ln for ln in text.splitlines() if ARROW.match(ln)]
    (call_style,) = [
        ln for ln in text.splitlines() if ln.startswith("  linkStyle") and "#4f8a4f" in ln
    ]
    indices = [int(i) for i in call_style.split()[1].split(",")]
    # One call edge per called helper (SEMANTICS §9): f, called from run and from itself.
    assert len(indices) == 1 and all("-.->" in arrows[i] for i in indices)


def test_escaping():
    assert escape('a "b" #c <d> & `e` |f| 50% $x$ \\') == (
        "a #quot;b#quot; #35;c #lt;d#gt; #amp; #96;e#96; #124;f#124; 50#37; #36;x#36; #92;"
    )
    assert escape("one\ntwo") == "one<br/>two"
    labels = check_syntax(render_mermaid([('Nasty "class"', fixture("nasty_names.json"))]).text)
    assert "quote #quot; and back#92;slash #92;n #92;l" in labels.values()
    assert (
        "line one<br/>line two<br/>retries: delay unknown<br/>timeout: unknown" in labels.values()
    )


def test_deterministic_and_multi_workflow_ids():
    wfs = [("A", appendix("X07")), ("B", appendix("X36"))]
    a = render_mermaid(wfs).text
    assert a == render_mermaid([("A", appendix("X07")), ("B", appendix("X36"))]).text
    labels = check_syntax(a)
    assert all(nid.startswith(("w0_", "w1_")) for nid in labels)
    assert 'subgraph wf0["A"]' in a and 'subgraph wf1["B"]' in a


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_appendix_case_is_well_formed(case):
    d = render_mermaid([(case, appendix(case))])
    check_syntax(d.text)
    assert d.fits and not d.notes


def test_depth():
    text = render_mermaid([("OrderWorkflow", fixture("order_workflow.json"))], depth=0).text
    check_syntax(text)
    assert '"loop (3 steps)"' in text and "sg_loop" not in text


def test_overlay_classes_and_legend():
    overlay = load_instance(DATA / "order_instance_running.json")
    text = render_mermaid([("OrderWorkflow", fixture("order_workflow.json"))], overlay=overlay).text
    labels = check_syntax(text)
    assert 'subgraph legend["run: running"]' in text
    classes = {
        m.group(2): m.group(1).split(",") for m in re.finditer(r"^  class (\S+) (\S+)$", text, re.M)
    }
    by_label = {v.split("<br/>")[0]: k for k, v in labels.items()}
    assert by_label["sync item #36;{...}"] in classes["running"]
    assert by_label["ship express"] in classes["complete"]
    assert by_label["ship standard"] in classes["not_reached"]
    assert "legend_errored" in classes["errored"]
    assert re.search(r"^  classDef running ", text, re.M)


# --- Mermaid's limits ----------------------------------------------------------------------------


def big_workflow(
    flat: int = 400, funcs: int = 10, per_func: int = 40, loops: int = 5, per_loop: int = 40
) -> Workflow:
    """``flat + funcs * per_func + loops * per_loop`` steps (1,000 by default)."""
    functions = {
        f"helper_{i}": {
            "name": f"helper_{i}",
            "type": "function_def",
            "nodes": [step(f"helper {i} step {j}") for j in range(per_func)],
        }
        for i in range(funcs)
    }
    nodes: list[dict] = [{"type": "function_call", "name": f"helper_{i}"} for i in range(funcs)]
    for i in range(loops):
        half = per_loop // 2
        nodes.append(
            {
                "type": "loop",
                "nodes": [step(f"loop {i} step {j}") for j in range(half)]
                + [
                    {
                        "type": "loop",
                        "nodes": [step(f"inner {i} step {j}") for j in range(per_loop - half)],
                    }
                ],
            }
        )
    for j in range(flat):
        if j % 50 == 0:
            nodes.append(
                {
                    "type": "if",
                    "branches": [{"condition": f"x > {j}", "nodes": [step(f"flat step {j}")]}],
                }
            )
        else:
            nodes.append(step(f"flat step {j}"))
    return Workflow.model_validate({"class_name": "Big", "functions": functions, "nodes": nodes})


@pytest.mark.parametrize(
    "shape",
    [
        {},  # functions, nested loops and a long sequence
        {"flat": 1000, "funcs": 0, "loops": 0},  # one flat sequence
        {"flat": 0, "funcs": 0, "loops": 25},  # loops only
        {"flat": 0, "funcs": 25, "loops": 0},  # functions only
    ],
)
def test_thousand_steps_fit_mermaid_limits(shape):
    wf = big_workflow(**shape)
    d = render_mermaid([("Big", wf)])
    assert len(d.text) <= MAX_TEXT_SIZE and d.edges <= MAX_EDGES and d.fits
    assert edge_count(d.text) == d.edges
    assert d.collapsed and len(d.notes) == 1 and "collapsed" in d.notes[0]
    check_syntax(d.text)


def test_collapse_order_functions_first_then_deepest_loops():
    d = render_mermaid(
        [("Big", big_workflow(flat=100, funcs=10, per_func=40, loops=3, per_loop=40))]
    )
    assert "function bod" in d.notes[0]
    assert d.fits
    assert re.search(r'"helper_\d+\(\) \(40 steps\)"', d.text)
    # Only as much as needed: the top-level loops' own steps are still drawn.
    e = render_mermaid([("Big", big_workflow(flat=0, funcs=0, loops=12, per_loop=40))])
    assert e.fits and "loop bod" in e.notes[0] and "function" not in e.notes[0]
    assert '"loop (20 steps)"' in e.text  # an inner loop, collapsed first
    assert "loop 0 step 0" in e.text


def test_overlay_counts_toward_the_limits():
    overlay = load_instance(DATA / "order_instance_running.json")
    d = render_mermaid([("Big", big_workflow())], overlay=overlay)
    assert d.fits
    assert 'subgraph legend["run: running"]' in d.text
