"""Fast paths for reading literals and source text (analyzer/python/literals.py, source.py) give
exactly what libcst gives."""

from __future__ import annotations

import libcst as cst
import pytest

from wfgraph.analyzer.python.literals import string_of
from wfgraph.analyzer.python.source import code_for_node

from conftest import fixture_sources

AWKWARD_STRINGS = ["'a'", '"a"', "''", '""', "'''x\ny'''", '"""q"""', "r'a'", "R'a\\\\b'", "u'x'",
                   'U"y"', "b'x'", "rb'x'", "Br'x'", "'a\\nb'", "'\\x41'", "'''a\r\nb'''",
                   "'ü😴'", "''''''", "'a' 'b'", "'''it''s'''"]


@pytest.mark.parametrize("text", AWKWARD_STRINGS)
def test_string_of_is_libcsts_evaluated_value(text: str) -> None:
    node = cst.parse_expression(text)
    assert string_of(node) == node.evaluated_value  # type: ignore[arg-type]


class _Strings(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[cst.SimpleString] = []

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.found.append(node)


def test_every_string_and_statement_of_the_fixtures_reads_as_libcst_reads_it() -> None:
    for path in fixture_sources():
        module = cst.parse_module(path.read_text(encoding="utf-8"))
        strings = _Strings()
        module.visit(strings)
        for node in strings.found:
            assert string_of(node) == node.evaluated_value, (path.name, node.value)
        for stmt in module.body:
            assert code_for_node(module, stmt) == module.code_for_node(stmt), path.name
