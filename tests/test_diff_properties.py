"""Properties of ``wfgraph diff`` over every graph fixture (SEMANTICS §10): a version compared
with itself changes nothing; renaming every literal step name is caught at every step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wfgraph.analyzer.checks.diff.identity import walk_version

from conftest import FIXTURES, fixture_sources
from diff_support import run_diff, snapshot

SOURCES = [p for p in fixture_sources() if p.with_suffix(".graph.json").exists()]


def analysable(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_a_version_against_itself_changes_nothing(path: Path) -> None:
    text = analysable(path)
    result = run_diff(snapshot("BASE", {path.name: text}), snapshot("HEAD", {path.name: text}))
    assert result.diagnostics == []
    assert [w.class_name for w in result.workflows if w.status != "unchanged"] == []


REALISTIC = sorted((FIXTURES / "realistic").glob("*.py"))
_LITERAL_NAME = re.compile(r'(@step\.do\(\s*)"([^"{}]+)"')


@pytest.mark.parametrize("path", REALISTIC, ids=lambda p: p.name)
def test_renaming_every_literal_step_is_caught(path: Path) -> None:
    text = analysable(path)
    renamed = _LITERAL_NAME.sub(lambda m: f'{m.group(1)}"{m.group(2)} v2"', text)
    result = run_diff(snapshot("BASE", {path.name: text}), snapshot("HEAD", {path.name: renamed}))
    renamed = {c.base.name for w in result.workflows for c in w.steps
               if c.kind == "renamed" and c.base is not None}
    literal = {name for _, name in _LITERAL_NAME.findall(text)}
    expected = {o.name for w in result.workflows if w.base is not None
                for o in walk_version(w.base).occurrences if o.kind == "step_do" and o.name in literal}
    assert renamed == expected
    assert {d.code for d in result.diagnostics} <= {"WF101", "WF102"}
    assert result.diagnostics or not expected
