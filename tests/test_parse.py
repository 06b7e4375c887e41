"""Parsing large files in pieces (analyzer/python/parse.py) gives the same tree text, graphs and
positions as parsing them whole; anything the pieces cannot reproduce falls back to a whole
parse."""

from __future__ import annotations

import json

import libcst as cst
import pytest

from wfgraph.analyzer.python import parse
from wfgraph.analyzer.analysis import analyze_source

from conftest import fixture_sources

SOURCES = fixture_sources()


@pytest.fixture
def tiny_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Split every file, and every class and function in it, as far as it goes."""
    monkeypatch.setattr(parse, "PIECEWISE_FROM", 0)
    monkeypatch.setattr(parse, "PIECE", 10)


def _snapshot(text: str, path: str) -> list[tuple[str, str, list[tuple[int, int]]]]:
    result = analyze_source(text, path)
    out = []
    for wf in result.workflows:
        graph = json.dumps(wf.graph.model_dump(mode="json")) if wf.graph else ""
        facts = [(result.span(f.node).line, result.span(f.node).column) for f in wf.facts]
        out.append((wf.class_name, graph, facts))
    return out


@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_pieces_give_the_same_graphs_and_positions(source, tiny_pieces, monkeypatch) -> None:
    text = source.read_text(encoding="utf-8")
    pieces = _snapshot(text, str(source))
    monkeypatch.setattr(parse, "PIECEWISE_FROM", 10**12)
    assert pieces == _snapshot(text, str(source))


@pytest.mark.parametrize("source", SOURCES[:20], ids=[p.name for p in SOURCES[:20]])
def test_pieces_reproduce_the_source(source, tiny_pieces) -> None:
    text = source.read_text(encoding="utf-8")
    assert parse.parse_module(text).code == text


def test_a_module_the_pieces_cannot_reproduce_is_parsed_whole(tiny_pieces, monkeypatch) -> None:
    calls = []
    whole = cst.parse_module

    def counting(text: str) -> cst.Module:
        calls.append(len(text))
        return whole(text)

    monkeypatch.setattr(parse._Pieces, "module", lambda self, tree: None)
    monkeypatch.setattr(parse.cst, "parse_module", counting)
    text = "import x\n\n\nclass A:\n    def f(self):\n        return 1\n"
    assert parse.parse_module(text).code == text
    assert calls == [len(text)]


def test_small_files_are_parsed_whole(monkeypatch) -> None:
    monkeypatch.setattr(parse._Pieces, "module", lambda self, tree: pytest.fail("split"))
    text = "x = 1\n"
    assert parse.parse_module(text).code == text
