"""The lint rules on issue 11's real-code cases, each rebuilt as a small project with its own
wrangler file (fixtures/projects/lint_*/) and checked the way CI checks it: ``wfgraph check`` on
the project directory. Exact codes, lines and exit codes, not wording (pyflakes' habit); and the
graph commands' warnings where misuse makes them draw less than the code says."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from pathlib import Path

import pytest

from wfgraph.analyzer.cli import main

from conftest import FIXTURES, ROOT

PROJECTS = FIXTURES / "projects"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(cwd)
    return code, out.getvalue(), err.getvalue()


def check(project: str) -> tuple[int, list[dict]]:
    code, out, _ = run("check", str((PROJECTS / project).relative_to(ROOT)), "--format", "json")
    return code, json.loads(out)


def found(records: list[dict]) -> list[tuple[str, str, int]]:
    return [(r["code"], Path(r["path"]).name, r["line"]) for r in records]


def test_legacy_mode_arity_and_depends_before_the_date() -> None:
    """WF024 at the step whose defaults the legacy API counts as dependencies (docs/python-api.md
    §3.1); WF025 at the depends= that breaks once compatibility_date reaches 2026-02-25; WF002
    because the loop runs over a step result (SEMANTICS §8.1)."""
    code, records = check("lint_legacy_arity")
    assert code == 1
    assert found(records) == [("WF025", "entry.py", 17), ("WF002", "entry.py", 22),
                              ("WF024", "entry.py", 25)]
    severities = {r["code"]: r["severity"] for r in records}
    assert severities == {"WF025": "info", "WF002": "warning", "WF024": "error"}


def test_replayed_code_in_helpers_without_steps() -> None:
    """WF031 in a clock-reading helper reached from run through a method; WF030 through a
    helper given self.env and through getattr(self.env, ...); the same helper called inside a
    step is not reported again."""
    code, records = check("lint_helper_replay")
    assert code == 0
    assert found(records) == [("WF031", "entry.py", 13), ("WF030", "entry.py", 17),
                              ("WF030", "entry.py", 42)]
    path_note = records[0]["notes"][0]
    assert [int(n) for n in re.findall(r"line (\d+)", path_note)] == [22, 38], path_note


def test_step_api_misuse_is_reported_once() -> None:
    """The rollback decorator once; depends= in implicit mode once, with the step it keeps from
    running and the parameter it leaves unresolved as notes, not as WF020 and WF023."""
    code, records = check("lint_step_misuse")
    assert code == 1
    assert found(records) == [("WF022", "entry.py", 17), ("WF022", "entry.py", 21)]
    assert [len(r["notes"]) for r in records] == [0, 2]
    assert [int(re.search(r"line (\d+)", n).group(1)) for n in records[1]["notes"]] == [14, 22]


def test_event_and_wait_result_fields_read_outside_payload() -> None:
    code, records = check("lint_event_fields")
    assert code == 1
    assert found(records) == [("WF036", "entry.py", 13), ("WF037", "entry.py", 24),
                              ("WF036", "entry.py", 34)]


@pytest.mark.parametrize("command", ["graph", "dot", "mermaid"])
def test_graph_commands_warn_where_misuse_changes_the_drawing(command: str) -> None:
    source = (PROJECTS / "lint_step_misuse" / "src" / "entry.py").relative_to(ROOT)
    code, out, err = run(command, str(source))
    assert code == 0 and out
    warnings = re.findall(rf"^{re.escape(str(source))}:(\d+):(\d+): warning: Checkout: ", err,
                          flags=re.MULTILINE)
    assert [(int(line), int(col)) for line, col in warnings] == [(17, 9), (21, 10)], err


def test_graph_commands_stay_quiet_on_clean_projects() -> None:
    source = (PROJECTS / "lint_helper_replay" / "src" / "entry.py").relative_to(ROOT)
    code, _, err = run("graph", str(source))
    assert (code, err) == (0, "")


def test_replayed_code_in_helpers_of_other_modules() -> None:
    """WF031 and WF030 follow run into step-less helpers imported from the project's other
    modules (SEMANTICS §2.4), and are reported where those helpers are written."""
    code, records = check("lint_imported_helpers")
    assert code == 0
    assert found(records) == [("WF031", "dates.py", 5), ("WF030", "platform_client.py", 2)]
