"""Parsing large files in pieces (analyzer/python/parse.py) gives the same tree text, graphs and
positions as parsing them whole; anything the pieces cannot reproduce falls back to a whole
parse."""

from __future__ import annotations

import json

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings

from wfgraph.analyzer.python import parse
from wfgraph.analyzer.analysis import analyze_source

from conftest import fixture_sources
from test_properties import programs

PIECEWISE_FROM, PIECE = parse.PIECEWISE_FROM, parse.PIECE

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


AWKWARD = {
    "crlf": "import x\r\n\r\n\r\nclass A:\r\n    def f(self):\r\n        return 1\r\n\r\n    # end of A\r\n\r\ndef g():\r\n    pass\r\n",
    "tabs": "class A:\n\tdef f(self):\n\t\tif x:\n\t\t\treturn 1\n\t# a comment\n\tdef g(self):\n\t\tpass\n",
    "two_then_four": "if a:\n  b = 1\n\n\nclass A:\n    def f(self):\n        return [\n  1,\n        ]\n",
    "comments_everywhere": "# head\n\nclass A:  # trailing\n    # before f\n    @dec\n    def f(self):\n        x = 1\n"
                           "    # after f, indented\n# at column 0 inside A\n    def g(self):\n        pass\n"
                           "        # deeper, after g\n\n# end\n",
    "no_final_newline": "class A:\n    def f(self):\n        return 1",
    "odd_trailing_whitespace": "class A:\n    def f(self):\n        x = 1\n\n \n\t\t\t \t#c\n   \t\t \t\n \t\t#d\n",
    "continuations": "class A:\n    def f(self,\n          a):\n        return a + \\\n            1\n    x = (\n1)\n",
}


@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_pieces_write_back_what_a_whole_parse_does(name: str, tiny_pieces) -> None:
    """The pieces are put together without a check by code generation (the preamble fixes the
    default indentation and newline, and each piece must sit at its block's indentation), so
    awkward layouts are compared with libcst's own whole parse here."""
    text = AWKWARD[name]
    assert parse.parse_module(text).code == cst.parse_module(text).code


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(programs())
def test_pieces_of_any_program_write_back_what_a_whole_parse_does(text: str) -> None:
    parse.PIECEWISE_FROM, parse.PIECE = 0, 10
    try:
        try:
            whole = cst.parse_module(text)
        except Exception:  # noqa: BLE001 - not Python that libcst reads: nothing to compare
            return
        assert parse.parse_module(text).code == whole.code
    finally:
        parse.PIECEWISE_FROM, parse.PIECE = PIECEWISE_FROM, PIECE


def test_libcst_checks_its_nodes_again_once_the_pieces_are_parsed(tiny_pieces, monkeypatch) -> None:
    """The pieces skip libcst's per-node checks (their text is valid Python); nothing else may."""
    text = "class A:\n    def f(self):\n        return 1\n"
    assert parse.parse_module(text).code == text
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")

    def broken(self, tree):  # type: ignore[no-untyped-def]
        cst.Name("")  # built without its check while the pieces are parsed
        raise ValueError("a piece that fails")

    monkeypatch.setattr(parse._Pieces, "module", broken)
    assert parse.parse_module(text).code == text  # parsed whole instead
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")
