"""analyzer/emit/dot.py: DOT text (deterministic, clusters, shapes, labels, tooltips) and images."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from wfgraph.analyzer.emit.dot import render_dot
from wfgraph.analyzer.emit.image import GraphvizNotFound, render_image
from wfgraph.analyzer.flow.overlay import load_instance

from wfgraph.schema import Workflow

from diagram_inputs import CASES, DATA, DEFAULT, appendix, fixture

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="the Graphviz 'dot' program is not installed")


def step_dict(name: str) -> dict:
    return {"type": "step_do", "name": name, "config": DEFAULT, "nodes": []}


def no_locate(node: object) -> str | None:
    return None


def line_locator(path: str = "flow.py"):
    """Gives each schema node a line, in the order asked (stable for one render)."""
    seen: dict[int, str] = {}

    def locate(node: object) -> str | None:
        return seen.setdefault(id(node), f"{path}:{len(seen) + 1}")

    return locate


def node_attrs(dot: str, nid: str) -> str:
    m = re.search(rf"^\s*{re.escape(nid)} \[(.*)\];$", dot, re.M)
    assert m, f"node {nid} not in DOT"
    return m.group(1)


def dot_check(text: str, fmt: str = "svg") -> bytes:
    proc = subprocess.run(
        ["dot", f"-T{fmt}"], input=text.encode("utf-8"), capture_output=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"Warning" not in proc.stderr and b"Error" not in proc.stderr, proc.stderr.decode()
    return proc.stdout


# --- text ----------------------------------------------------------------------------------------


def test_deterministic_output():
    order = fixture("order_workflow.json")
    a = render_dot([("OrderWorkflow", order)], line_locator())
    b = render_dot([("OrderWorkflow", order)], line_locator())
    c = render_dot([("OrderWorkflow", fixture("order_workflow.json"))], line_locator())
    assert a == b == c
    assert a.startswith("digraph wfgraph {\n") and a.endswith("}\n")


def test_clusters_for_workflow_loop_parallel_try_function():
    dot = render_dot([("OrderWorkflow", fixture("order_workflow.json"))], no_locate)
    clusters = re.findall(r'subgraph "([^"]+)" \{', dot)
    assert all(c.startswith("cluster_") for c in clusters)
    kinds = sorted({c.split("_")[1] for c in clusters})
    assert kinds == ["except", "finally", "function", "loop", "parallel", "try", "workflow"]
    assert 'compound="true"' in dot


def test_one_cluster_per_workflow_with_prefixed_ids():
    dot = render_dot([("A", appendix("X07")), ("B", appendix("X10"))], no_locate)
    assert re.findall(r'subgraph "(cluster_workflow_\d+)"', dot) == [
        "cluster_workflow_0",
        "cluster_workflow_1",
    ]
    assert 'label="A";' in dot and 'label="B";' in dot
    assert re.search(r"^\s*w0_n0 \[", dot, re.M) and re.search(r"^\s*w1_n0 \[", dot, re.M)
    assert not re.search(r"^\s*n0 \[", dot, re.M)


def test_shapes_per_kind():
    dot = render_dot([("OrderWorkflow", fixture("order_workflow.json"))], no_locate)

    def shape_of(text: str) -> str:
        line = next(ln for ln in dot.splitlines() if text in ln and " [" in ln and "->" not in ln)
        return re.search(r'shape="([^"]+)"', line).group(1)

    assert shape_of("label=<validate order>") == "box"
    assert "rounded" in next(ln for ln in dot.splitlines() if "wait for batch" in ln)
    assert shape_of("label=<wait for batch") == "box"
    assert shape_of("label=<await delivery") == "hexagon"
    assert shape_of("label=<if>") == "diamond"
    assert shape_of("label=<call notify_support()>") == "box"
    assert 'peripheries="2"' in next(ln for ln in dot.splitlines() if "call notify_support()" in ln)
    assert shape_of("label=<loop>") == "box"
    assert "rounded" in next(ln for ln in dot.splitlines() if "label=<loop>" in ln)


def test_labels_show_only_non_default_config_x02():
    dot = render_dot([("W", appendix("X02"))], no_locate)
    labels = re.findall(r"label=<(.*?)>,", dot)
    assert "full" in " ".join(labels)
    defaults = [
        ln for ln in dot.splitlines() if "label=<default>" in ln or "label=<noconfig>" in ln
    ]
    for ln in defaults:
        assert "retries" not in ln and "timeout" not in ln
    full = next(ln for ln in dot.splitlines() if "label=<full<BR/>" in ln)
    assert "retries: limit 3, delay 5 seconds, linear" in full and "timeout: 15 minutes" in full
    dyn = next(ln for ln in dot.splitlines() if "label=<dyn<BR/>" in ln)
    assert "retries: delay unknown" in dyn and "timeout: unknown" in dyn
    assert "label=<varcfg>" in dot


def test_sleep_and_event_labels():
    dot = render_dot([("OrderWorkflow", fixture("order_workflow.json"))], no_locate)
    assert "sleep 1 hour" in dot
    assert "wait for event: delivered" in dot and "timeout: 7 days" in dot
    assert "sleep until a computed time" in dot


def test_tooltips_from_locate():
    calls = []

    def locate(node):
        calls.append(node)
        return f"wf.py:{len(calls)}"

    dot = render_dot([("W", appendix("X33"))], locate)
    steps = [
        ln
        for ln in dot.splitlines()
        if "label=<in if>" in ln or "label=<in else>" in ln or "label=<p>" in ln
    ]
    assert len(steps) == 3
    assert all(re.search(r'tooltip="wf\.py:\d+', ln) for ln in steps)
    assert 'tooltip="wf.py:' in node_attrs(dot, "n4")  # the decision
    # Numbers are in the tooltip too.
    assert "starts 1, resolves 4" in next(ln for ln in steps if "label=<p>" in ln)
    # start / end have no source.
    assert "tooltip" not in node_attrs(dot, "n0")
    assert node_attrs(render_dot([("W", appendix("X33"))], no_locate), "n2").endswith(
        'tooltip="starts 1, resolves 4"'
    )
    assert "tooltip" not in node_attrs(render_dot([("W", appendix("X33"))], no_locate), "n4")


def test_quoting_of_odd_names():
    dot = render_dot([('Nasty "class"', fixture("nasty_names.json"))], no_locate)
    assert 'label="Nasty \\"class\\"";' in dot
    assert "quote &quot; and back\\slash" in dot
    assert "line one<BR/>line two" in dot
    assert "&lt;b&gt;html&lt;/b&gt; &amp;" in dot
    # Edge labels are cut, with the whole text as a tooltip.
    assert "labeltooltip=" in dot


def test_edges_for_back_call_except_return():
    dot = render_dot([("OrderWorkflow", fixture("order_workflow.json"))], no_locate)
    # The loop back edge, written entry -> tail with dir=back (so dot ranks it forwards).
    (back,) = [ln for ln in dot.splitlines() if 'dir="back"' in ln]
    entry, tail = re.match(r"\s*(n\d+) -> (n\d+) ", back).groups()
    assert "label=<loop>" in node_attrs(dot, entry)
    assert re.search(rf"^\s*{tail} -> {entry}\b", dot, re.M) is None
    assert 'constraint="false"' not in dot
    assert re.search(r'lhead="cluster_function_n\d+"', dot)
    assert re.search(r'label="except", ltail="cluster_try_n\d+"', dot)
    assert re.search(r'label="order\[\\"express\\"\]"', dot)
    edge_lines = [ln for ln in dot.splitlines() if " -> " in ln]
    assert not [ln for ln in edge_lines if 'label="try"' in ln or 'label="finally"' in ln]


def test_recursive_call_has_no_lhead_into_its_own_cluster():
    wf = Workflow.model_validate(
        {
            "class_name": "W",
            "nodes": [{"type": "function_call", "name": "f"}],
            "functions": {
                "f": {"name": "f", "type": "function_def", "nodes": [
                    {"type": "function_call", "name": "g"}]},
                "g": {"name": "g", "type": "function_def", "nodes": [
                    step_dict("s"), {"type": "function_call", "name": "g"}]},
            },
        }
    )
    dot = render_dot([("W", wf)], no_locate)
    calls = [ln for ln in dot.splitlines() if "#4f8a4f" in ln]
    assert len(calls) == 2  # one per called helper (SEMANTICS §9)
    first, second = calls
    assert re.search(r'lhead="cluster_function_n\d+"', first) and 'arrowhead="empty"' in first
    assert "dir" not in second  # g's edge comes from f's call, not from its own recursion
    x38 = [ln for ln in render_dot([("W", appendix("X38"))], no_locate).splitlines()
           if "#4f8a4f" in ln]
    assert len(x38) == 1 and "dir" not in x38[0]


def test_a_back_call_edge_is_reversed_without_lhead():
    wf = Workflow.model_validate(
        {
            "class_name": "W",
            "nodes": [step_dict("a")],
            "functions": {"again": {"name": "again", "type": "function_def", "nodes": [
                step_dict("b"), {"type": "function_call", "name": "again"}]}},
        }
    )
    dot = render_dot([("W", wf)], no_locate)
    (recursive,) = [ln for ln in dot.splitlines() if "#4f8a4f" in ln]
    # The recursive call is a back edge: reversed, dir=back, and no lhead into its own cluster.
    assert 'dir="back"' in recursive and 'arrowtail="empty"' in recursive
    assert "lhead" not in recursive and "ltail" not in recursive


def test_depth_collapses_nested_regions():
    order = fixture("order_workflow.json")
    dot = render_dot([("OrderWorkflow", order)], no_locate, depth=0)
    assert "loop (3 steps)" in dot and 'shape="box3d"' in dot
    assert "cluster_loop" not in dot and "cluster_parallel" not in dot
    full = render_dot([("OrderWorkflow", order)], no_locate)
    assert "box3d" not in full


def test_overlay_colours_and_legend():
    order = fixture("order_workflow.json")
    overlay = load_instance(DATA / "order_instance_errored.json")
    dot = render_dot([("OrderWorkflow", order)], line_locator(), overlay=overlay)
    page = next(ln for ln in dot.splitlines() if "label=<page on-call" in ln)
    assert 'fillcolor="#f8d4d2"' in page and "on-call pager unavailable" in page
    express = next(ln for ln in dot.splitlines() if "label=<ship express>" in ln)
    assert "not reached" in express and "dashed" in express
    assert "run: errored" in dot and "not reached" in dot.split("// legend")[1]
    assert [s.name for s in overlay.unmatched] == ["legacy audit"]


# --- Graphviz ------------------------------------------------------------------------------------


def _all_outputs() -> list[tuple[str, str]]:
    out = [(case, render_dot([(case, appendix(case))], line_locator())) for case in sorted(CASES)]
    order = fixture("order_workflow.json")
    nasty = fixture("nasty_names.json")
    out.append(("order", render_dot([("OrderWorkflow", order)], line_locator("order.py"))))
    out.append(
        ("two", render_dot([('Nasty "class"', nasty), ("OrderWorkflow", order)], line_locator()))
    )
    for depth in (0, 1):
        out.append(
            (f"depth{depth}", render_dot([("OrderWorkflow", order)], no_locate, depth=depth))
        )
    for run in ("errored", "running"):
        overlay = load_instance(DATA / f"order_instance_{run}.json")
        out.append((run, render_dot([("OrderWorkflow", order)], no_locate, overlay=overlay)))
        out.append(
            (
                f"{run}-d0",
                render_dot([("OrderWorkflow", order)], no_locate, overlay=overlay, depth=0),
            )
        )
    return out


@needs_dot
def test_dot_renders_every_output():
    for name, text in _all_outputs():
        svg = dot_check(text)
        assert b"<svg" in svg, name


@needs_dot
def test_render_image_svg_and_png(tmp_path):
    text = render_dot([("OrderWorkflow", fixture("order_workflow.json"))], line_locator("order.py"))
    svg = render_image(text, tmp_path / "d.svg")
    assert svg.read_text().lstrip().startswith("<?xml") and "order.py:" in svg.read_text()
    png = render_image(text, tmp_path / "d.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_render_image_dot_needs_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` here
    text = render_dot([("W", appendix("X07"))], no_locate)
    out = render_image(text, tmp_path / "d.dot")
    assert out.read_text(encoding="utf-8") == text


def test_render_image_without_dot_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    text = render_dot([("W", appendix("X07"))], no_locate)
    with pytest.raises(GraphvizNotFound) as err:
        render_image(text, tmp_path / "d.svg")
    message = str(err.value)
    assert "apt-get install graphviz" in message and "brew install graphviz" in message
    assert not (tmp_path / "d.svg").exists()


def test_render_image_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="unknown diagram format"):
        render_image("digraph {}", tmp_path / "d.txt")
