"""Every fixture's ``wfgraph graph`` output equals its golden ``.graph.json`` (SEMANTICS §1–§7),
and validates against our models and Cloudflare's own SDK model (SEMANTICS §1.2)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from cloudflare.types.workflows import VersionGraphResponse as CloudflareResponse

from wfgraph.analyzer.commands.graph import run_graph
from wfgraph.analyzer.emit.json import dumps, envelope
from wfgraph.schema import Graph

from conftest import FIXTURES, ROOT, fixture_sources
from golden import check_golden

SOURCES = fixture_sources()


def graph_output(source: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    rel = source.relative_to(ROOT)
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code = run_graph([str(rel)], None, False, False, out, err)
    finally:
        os.chdir(cwd)
    return code, out.getvalue(), err.getvalue()


def graphs_of(text: str) -> dict[str, dict]:
    data = json.loads(text)
    if "version" in data and "workflow" in data:
        return {data["workflow"]["class_name"]: data}
    return data


@pytest.mark.parametrize("source", SOURCES, ids=[str(p.relative_to(FIXTURES)) for p in SOURCES])
def test_fixture_graph(source: Path, update_golden: bool) -> None:
    code, out, err = graph_output(source)
    golden = source.with_suffix(".graph.json")
    if code == 1 and not out:
        # A fixture whose classes run no steps: the golden file records that nothing is emitted.
        check_golden(source.with_suffix(".nograph.txt"), err, update_golden)
        return
    assert code == 0, err
    check_golden(golden, out, update_golden)
    for class_name, data in graphs_of(out).items():
        ours = Graph.model_validate(data)
        assert ours.model_dump(mode="json") == data
        response = json.loads(dumps(envelope(class_name, ours)))
        CloudflareResponse.model_validate(response)


def test_fixtures_exist() -> None:
    assert len(SOURCES) >= 50
