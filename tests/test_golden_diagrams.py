"""Every fixture's ``wfgraph dot`` and ``wfgraph mermaid`` output equals its golden ``.dot`` /
``.mmd``, Graphviz renders every golden DOT, and every Mermaid diagram stays within GitHub's
default limits."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from wfgraph.analyzer.cli import main
from wfgraph.analyzer.emit.mermaid import MAX_EDGES, MAX_TEXT_SIZE

from conftest import FIXTURES, ROOT, fixture_sources
from golden import check_golden

SOURCES = [p for p in fixture_sources() if p.with_suffix(".graph.json").exists()]
IDS = [str(p.relative_to(FIXTURES)) for p in SOURCES]


def cli_output(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(cwd)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_fixture_dot(source: Path, update_golden: bool) -> None:
    code, out, err = cli_output("dot", str(source.relative_to(ROOT)))
    assert code == 0, err
    check_golden(source.with_suffix(".dot"), out, update_golden)


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_fixture_mermaid(source: Path, update_golden: bool) -> None:
    code, out, err = cli_output("mermaid", str(source.relative_to(ROOT)))
    assert code == 0, err
    assert out.startswith("flowchart TD\n")
    assert len(out) <= MAX_TEXT_SIZE
    assert out.count("-->") + out.count("-.->") + out.count("==>") <= MAX_EDGES
    check_golden(source.with_suffix(".mmd"), out, update_golden)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_graphviz_renders_every_golden_dot(tmp_path: Path) -> None:
    failures = []
    for source in SOURCES:
        golden = source.with_suffix(".dot")
        proc = subprocess.run(["dot", "-Tsvg", str(golden)], capture_output=True, text=True)
        if proc.returncode != 0 or "Warning" in proc.stderr or "<svg" not in proc.stdout:
            failures.append((golden.name, proc.stderr.strip()[:200]))
    assert not failures


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_dot_writes_svg_and_png(tmp_path: Path) -> None:
    source = FIXTURES / "realistic" / "order_pipeline.py"
    for suffix, magic in ((".svg", b"<svg"), (".png", b"\x89PNG")):
        target = tmp_path / f"order{suffix}"
        code, _, err = cli_output("dot", str(source), "-o", str(target))
        assert code == 0, err
        assert magic in target.read_bytes()[:400]


def test_dot_without_graphviz_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` on this PATH
    code, out, err = cli_output("dot", str(FIXTURES / "realistic" / "order_pipeline.py"),
                                "-o", str(tmp_path / "x.svg"))
    assert code == 2
    assert "apt-get install graphviz" in err
    assert not (tmp_path / "x.svg").exists()


def test_dot_text_needs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    target = tmp_path / "x.dot"
    code, _, err = cli_output("dot", str(FIXTURES / "realistic" / "order_pipeline.py"), "-o", str(target))
    assert code == 0, err
    assert target.read_text(encoding="utf-8").startswith("digraph wfgraph {")


def test_class_selects_one_workflow_and_depth_collapses() -> None:
    source = str(FIXTURES / "functions" / "two_workflows.py")
    _, both, _ = cli_output("mermaid", source)
    _, only_b, _ = cli_output("mermaid", source, "--class", "B")
    assert '"A"' in both and '"A"' not in only_b
    _, full, _ = cli_output("dot", str(FIXTURES / "realistic" / "order_pipeline.py"))
    _, shallow, _ = cli_output("dot", str(FIXTURES / "realistic" / "order_pipeline.py"), "--depth", "0")
    assert "reserve" in full and "reserve" not in shallow


def test_instance_overlay_and_unmatched_steps(tmp_path: Path) -> None:
    instance = tmp_path / "instance.json"
    instance.write_text("""{"result": {"status": "errored", "steps": [
      {"type": "step", "name": "validate order", "success": true, "attempts": [], "start": "2026-01-01T00:00:00Z", "end": "2026-01-01T00:00:01Z", "output": null, "config": {}},
      {"type": "step", "name": "charge card", "success": false, "attempts": [], "start": "2026-01-01T00:00:01Z", "end": "2026-01-01T00:00:02Z", "output": null, "config": {}, "error": {"name": "Error", "message": "card declined"}},
      {"type": "step", "name": "not in the graph", "success": true, "attempts": [], "start": null, "end": null, "output": null, "config": {}}
    ]}, "success": true, "errors": [], "messages": []}""")
    code, out, err = cli_output("dot", str(FIXTURES / "realistic" / "order_pipeline.py"),
                                "--instance", str(instance))
    assert code == 0, err
    assert "card declined" in out
    assert "not in the graph" in err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, err = cli_output("mermaid", str(FIXTURES / "realistic" / "order_pipeline.py"), "--instance", str(bad))
    assert code == 2 and f"{bad}:1:2" in err
