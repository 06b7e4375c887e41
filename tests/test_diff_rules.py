"""The codes of ``wfgraph diff`` (SEMANTICS §10.3): every INVALID BASE/HEAD pair of each code
raises exactly that code (at the lines given), every VALID pair nothing at all (Fixit's habit,
as tests/test_rules.py does for the lint rules); the modules follow the house style."""

from __future__ import annotations

import re

import pytest

from wfgraph.analyzer.checks.diff.rules import DIFF_RULES, DiffRule, Pair

from diff_support import codes_and_lines, run_diff, snapshot

VALID = [pytest.param(rule, pair, id=f"{rule.code}-valid-{i}")
         for rule in DIFF_RULES for i, pair in enumerate(rule.VALID)]
INVALID = [pytest.param(rule, pair, id=f"{rule.code}-invalid-{i}")
           for rule in DIFF_RULES for i, pair in enumerate(rule.INVALID)]


def diff_pair(pair: Pair) -> list[tuple[str, int]]:
    base = snapshot("BASE", {"entry.py": pair.base}, pair.base_wrangler)
    head = snapshot("HEAD", {"entry.py": pair.head}, pair.head_wrangler)
    return codes_and_lines(run_diff(base, head))


@pytest.mark.parametrize(("rule", "pair"), VALID)
def test_valid_pairs_raise_nothing(rule: type[DiffRule], pair: Pair) -> None:
    assert diff_pair(pair) == []


@pytest.mark.parametrize(("rule", "pair"), INVALID)
def test_invalid_pairs_raise_exactly_their_code(rule: type[DiffRule], pair: Pair) -> None:
    found = diff_pair(pair)
    assert found, f"{rule.code} found nothing"
    assert {code for code, _ in found} == {rule.code}, found
    if pair.lines:
        assert tuple(line for _, line in found) == pair.lines


def test_codes_are_wf101_to_wf112_in_order() -> None:
    assert [rule.code for rule in DIFF_RULES] == [f"WF{n}" for n in range(101, 113)]
    # SEMANTICS §10.3's severities
    assert [rule.severity for rule in DIFF_RULES] == [
        "error", "error", "warning", "warning", "warning", "warning", "warning", "warning",
        "error", "warning", "info", "info"]


@pytest.mark.parametrize("rule", DIFF_RULES, ids=lambda r: r.code)
def test_rule_follows_the_house_style(rule: type[DiffRule]) -> None:
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.__module__.rsplit(".", 1)[-1] == rule.name.replace("-", "_")
    doc = rule.documentation()
    sections = ("## What it does", "## Why is this bad?", "## Example", "## Use instead:")
    positions = [doc.find(section) for section in sections]
    assert all(p > 0 for p in positions) and positions == sorted(positions)
    assert "\n" not in doc.split("\n\n", 1)[0], "the summary is one line"
    assert rule.VALID and rule.INVALID
