"""``wfgraph diff`` on the BASE/HEAD pairs of ``fixtures/diff/<case>/`` (SEMANTICS §10).

Each case folder holds ``head/`` (a workflow module, sometimes a wrangler file), ``base/`` when
the case does not start from the shared ``fixtures/diff/_base/`` (an order pipeline with a
dependency, a loop, a wait, helpers called more than once) or ``base.json`` when BASE is a
deployed version's graph (a saved API response: the mixed pair), and ``expected.txt``, the golden
change list and findings (codes and locations, not wording),
rewritten by ``pytest --update-golden`` and read against SEMANTICS §10 before committing. The
case's name is a promise checked besides the golden: ``wfNNN_*`` raises WFNNN, ``nearmiss_*``
(a change close to one that raises a code) and ``safe_*`` (formatting, comments, a body edited
without renaming, a step moved into a helper unchanged, a step appended) raise nothing at all.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from wfgraph.analyzer.checks.diff.compare import DiffResult
from wfgraph.analyzer.checks.diff.rules import DIFF_RULES
from wfgraph.analyzer.checks.diff.sides import read_graph_json

from conftest import FIXTURES
from diff_support import compare_sides, folder_snapshot, run_diff
from golden import check_golden

SHARED_BASE = FIXTURES / "diff" / "_base"
CASES = sorted(p for p in (FIXTURES / "diff").iterdir() if (p / "head").is_dir())


def summary(result: DiffResult) -> str:
    lines = ["changes:"]
    for wf in result.workflows:
        for change in wf.steps:
            occ = change.occurrence
            name = (f"{change.base.label!r} → {change.head.label!r}" if change.kind == "renamed"
                    else repr(occ.label))
            details = "".join(f", {what} {was!r} → {now!r}" for what, was, now in change.details)
            where = wf.matching.location(occ) if change.kind in ("added", "removed") else occ.where
            lines.append(f"  {change.kind} {occ.word} {name}{details} {where}")
        for cond in wf.conditions:
            lines.append(f"  condition {cond.head.kind} {cond.base.text} → {cond.head.text} "
                         f"{cond.head.where}")
        for field in wf.payload:
            lines.append(f"  payload {'.'.join(field.path)} {field.where}")
    lines.append("findings:")
    for d in sorted(result.diagnostics, key=lambda d: (d.path, d.line, d.code)):
        lines.append(f"  {d.code} {d.severity} {d.path}:{d.line}:{d.column}")
    return "\n".join(lines) + "\n"


def diff_case(case: Path) -> DiffResult:
    if (case / "base.json").exists():
        cwd = os.getcwd()
        os.chdir(case)  # paths shown relative to the case, as for the folders
        try:
            return compare_sides(read_graph_json("base.json"), folder_snapshot(case / "head"))
        finally:
            os.chdir(cwd)
    base = case / "base" if (case / "base").is_dir() else SHARED_BASE
    return run_diff(folder_snapshot(base), folder_snapshot(case / "head"))


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_case(case: Path, update_golden: bool) -> None:
    result = diff_case(case)
    codes = {d.code for d in result.diagnostics}
    promised = re.match(r"wf(\d{3})_", case.name)
    if promised:
        assert f"WF{promised.group(1)}" in codes, codes
    else:
        assert case.name.startswith(("nearmiss_", "safe_")), case.name
        assert codes == set(), [(d.code, d.line, d.message) for d in result.diagnostics]
    check_golden(case / "expected.txt", summary(result), update_golden)


def test_every_code_has_a_fixture_and_a_near_miss() -> None:
    names = [case.name for case in CASES]
    for rule in DIFF_RULES:
        number = rule.code[2:]
        assert any(n.startswith(f"wf{number}_") for n in names), rule.code
        assert any(n.startswith(f"nearmiss_wf{number}_") for n in names), rule.code
    assert {"safe_formatting", "safe_comments", "safe_body_edited", "safe_step_moved_into_helper",
            "safe_step_appended"} <= set(names)
