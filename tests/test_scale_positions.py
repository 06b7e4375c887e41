"""Positions (source.py): the fast code-generation pass gives exactly what libcst's
``PositionProvider`` gives, for every node but plain whitespace (``SimpleWhitespace``, which
nothing asks about and the pass writes without a range), on every fixture and on awkward text."""

from __future__ import annotations

import sys
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from wfgraph.analyzer.python.source import (SourceFile, Span, _positions_from_provider, module_code,
                                            node_positions)

from conftest import FIXTURES

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate  # noqa: E402

AWKWARD = {
    "crlf": "from workers import WorkflowEntrypoint\r\n\r\nclass W(WorkflowEntrypoint):\r\n"
            "    async def run(self, event, step):\r\n        await step.sleep('s', 1)\r\n",
    "cr": "x = 1\ry = (1,\r     2)\r",
    "tabs_and_formfeed": "if x:\n\tif y:\n\t\tz = 1\n\x0c\ndef f():\n    return '''a\nb'''\n",
    "unicode": "s = 'schlafen 😴'; t = f'{s!r:>{10}} ü'\nclass Ä:\n    pass\n",
    "no_trailing_newline": "a = [1,\n     2]",
    "empty": "",
    "comments_only": "# one\n# two\n",
    "pep695": "class B[T]:\n    def f[U](self, x: U) -> T: ...\ntype Alias[K] = dict[K, int]\n",
    "decorators_and_continuations": "@a.b(\n    c=1,\n)\n@d\ndef f(x,\n      y): return x \\\n    + y\n",
    "parentheses": "x = ( (a + (b)) *\n  ( c ) )\nf((1), ((2,)), [(y) for (y) in (z)])\nawait (g())\n",
}


def provider_positions(module: cst.Module) -> dict[cst.CSTNode, object]:
    resolved = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return {node: rng for node, rng in resolved.items() if type(node) is not cst.SimpleWhitespace}


def same_positions(module: cst.Module) -> None:
    expected = provider_positions(module)
    got = node_positions(module)
    assert len(got) == len(expected)
    for node, rng in expected.items():
        assert got[id(node)] == (rng.start.line, rng.start.column, rng.end.line, rng.end.column), \
            type(node).__name__


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.py")), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_positions(path: Path) -> None:
    same_positions(cst.parse_module(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_awkward_text_positions(name: str) -> None:
    same_positions(cst.parse_module(AWKWARD[name]))


@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_the_light_code_generator_gives_the_module_text(name: str) -> None:
    """parse.py checks pieces reassembled against the source with ``module_code``."""
    module = cst.parse_module(AWKWARD[name])
    assert module_code(module) == module.code
    pieces = cst.parse_module(generate.small_workflow(4))
    assert module_code(pieces) == pieces.code


def test_generated_workflow_positions() -> None:
    same_positions(cst.parse_module(generate.small_workflow(3)))


def test_fallback_agrees() -> None:
    module = cst.parse_module(generate.small_workflow(5))
    fallback = _positions_from_provider(module)
    got = node_positions(module)
    assert {k: v for k, v in fallback.items() if k in got} == got
    assert len(fallback) > len(got), "the fallback also places whitespace"


def test_libcst_is_left_as_it_was() -> None:
    """The pass writes whitespace and parentheses through its own methods for its length
    only."""
    from libcst._nodes.expression import _BaseParenthesizedNode

    original = vars(_BaseParenthesizedNode)["_parenthesize"]
    module = cst.parse_module(AWKWARD["decorators_and_continuations"])
    node_positions(module)
    assert "_codegen" not in vars(cst.SimpleWhitespace)
    assert vars(_BaseParenthesizedNode)["_parenthesize"] is original
    assert module.code == AWKWARD["decorators_and_continuations"]


def test_span_is_one_based_and_lazy() -> None:
    module = cst.parse_module("x = 1\nclass W:\n    pass\n")
    source = SourceFile("m.py", module.code, module)
    assert source._positions is None
    cls = module.body[1]
    assert source.span(cls.name) == Span(2, 7, 2, 8)
    assert source.span(None) == Span(1, 1, 1, 1)
    assert source.line_text(2) == "class W:"
    assert SourceFile("m.py", "", None).span(cls) == Span(1, 1, 1, 1)
