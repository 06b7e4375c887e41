"""``wfgraph check`` as CI runs it (ruff's CLI tests, docs/peer-tools.md §B.3): every ``--format`` end to
end, exit codes 0 / 1 / 2 and ``--exit-zero``, suppression comments, ``[tool.wfgraph]``
(select / ignore / per-file-ignores), wrangler class names (WF052), and one broken file among
good ones. SARIF output is validated against the OASIS 2.1.0 schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest

from wfgraph.analyzer.cli import main

from conftest import FIXTURES, ROOT

SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

CLEAN = '''\
from workers import WorkflowEntrypoint


class Clean(WorkflowEntrypoint):
    async def run(self, event, step):
        @step.do("fetch")
        async def fetch():
            return 1

        await fetch()
        await step.sleep("nap", "1 minute")
'''

PROBLEMS = '''\
import random
from workers import WorkflowEntrypoint


class Problems(WorkflowEntrypoint):
    async def run(self, event, step):
        @step.do("fetch")
        async def fetch():
            return 1

        fetch()
        if random.random() < 0.5:
            await step.sleep("nap", "10s")
'''
# WF020 (error) on line 11, WF031 (warning) on line 12, WF040 (error) on line 13.
PROBLEM_FINDINGS = [("WF020", 11), ("WF031", 12), ("WF040", 13)]

DEPENDS = '''\
from workers import WorkflowEntrypoint


class Deps(WorkflowEntrypoint):
    async def run(self, event, step):
        @step.do()
        async def fetch():
            return 1

        await fetch()
'''
# A nameless step.do(): fine with implicit dependencies, WF022 in legacy mode (docs/python-api.md §2.0).

WARNING_ONLY = '''\
import random
from workers import WorkflowEntrypoint


class Warned(WorkflowEntrypoint):
    async def run(self, event, step):
        if random.random() < 0.5:
            await step.sleep("nap", "1 minute")
'''


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def found(out: str) -> list[tuple[str, int]]:
    return [(d["code"], d["line"]) for d in json.loads(out)]


# --- formats and exit codes -----------------------------------------------------------------------


def test_clean_project_exits_0_and_prints_nothing(project: Path, capsys) -> None:
    write(project, "flow.py", CLEAN)
    for fmt in ("text", "github"):
        code, out, err = check(capsys, "flow.py", "--format", fmt)
        assert (code, out) == (0, "")
        assert err == ("wfgraph check: 1 file, 1 workflow (step budget: Clean at most 1 of "
                       "10,000): all checks passed\n"), "one summary line, totals once"
    code, out, err = check(capsys, "flow.py", "--verbose")
    assert err.splitlines()[0] == ("flow.py: Clean: at most 1 counted step per instance; limit "
                                   "10,000 (paid plan default)")
    code, out, _ = check(capsys, "flow.py", "--format", "json")
    assert (code, json.loads(out)) == (0, [])


def test_text_format(project: Path, capsys) -> None:
    write(project, "flow.py", PROBLEMS)
    code, out, err = check(capsys, "flow.py")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("flow.py:11:9: WF020 ")
    assert any(line.startswith("flow.py:12:12: WF031 ") for line in lines)
    assert any(line.startswith("flow.py:13:37: WF040 ") for line in lines)
    assert not any(line.startswith("Found") for line in lines), "totals only on the summary line"
    assert "|" not in out, "no source snippet when stdout is not a terminal"
    assert err.startswith("wfgraph check: 1 file, 1 workflow (") and err.endswith(
        "): 2 errors, 1 warning\n")


def test_json_format(project: Path, capsys) -> None:
    write(project, "flow.py", PROBLEMS)
    code, out, _ = check(capsys, "flow.py", "--format", "json")
    assert code == 1
    records = json.loads(out)
    assert [(r["code"], r["line"]) for r in records] == PROBLEM_FINDINGS
    first = records[0]
    assert {"code", "name", "severity", "message", "path", "line", "column", "end_line",
            "end_column"} <= set(first)
    assert (first["name"], first["severity"], first["path"], first["column"]) == (
        "unawaited-step", "error", "flow.py", 9)


def test_sarif_format_validates_against_the_schema(project: Path, capsys) -> None:
    write(project, "src/flow.py", PROBLEMS)
    write(project, "src/broken.py", "from workers import WorkflowEntrypoint\nclass (:\n")
    code, out, _ = check(capsys, "src", "--format", "sarif")
    assert code == 2
    log = json.loads(out)
    jsonschema.validate(log, SARIF_SCHEMA)
    run = log["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rule_ids == sorted(rule_ids) and {"WF001", "WF020", "WF040", "WF052"} <= set(rule_ids)
    results = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]]
    assert results == [("WF000", "src/broken.py", 2), ("WF020", "src/flow.py", 11),
                       ("WF031", "src/flow.py", 12), ("WF040", "src/flow.py", 13)]
    assert all(r["partialFingerprints"] for r in run["results"])
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "WF040")
    assert rule["helpUri"].endswith("docs/rules.md#wf040-invalid-duration")


def test_github_format(project: Path, capsys) -> None:
    write(project, "flow.py", PROBLEMS)
    code, out, _ = check(capsys, "flow.py", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::warning", "::error"]
    assert lines[0].startswith("::error file=flow.py,line=11,endLine=11,col=9,")
    assert "title=WF020 (unawaited-step)::" in lines[0]


def test_warnings_alone_exit_0(project: Path, capsys) -> None:
    write(project, "flow.py", WARNING_ONLY)
    code, out, _ = check(capsys, "flow.py", "--format", "json")
    assert (code, found(out)) == (0, [("WF031", 7)])


def test_exit_zero(project: Path, capsys) -> None:
    write(project, "flow.py", PROBLEMS)
    code, out, _ = check(capsys, "flow.py", "--format", "json", "--exit-zero")
    assert (code, found(out)) == (0, PROBLEM_FINDINGS)


def test_parse_error_in_one_file_does_not_stop_the_others(project: Path, capsys) -> None:
    write(project, "src/a_broken.py", "from workers import WorkflowEntrypoint\n\ndef f(:\n    pass\n")
    write(project, "src/b_flow.py", PROBLEMS)
    code, out, err = check(capsys, "src", "--format", "json")
    assert code == 2
    assert found(out) == [("WF000", 3), *PROBLEM_FINDINGS]
    assert json.loads(out)[0]["path"] == "src/a_broken.py"
    code, out, _ = check(capsys, "src", "--format", "json", "--exit-zero")
    assert code == 2, "a file that cannot be parsed is never a success"


@pytest.mark.parametrize("args", [
    ["--select", "WF0X"],
    ["--ignore", ""],
    ["--format", "xml"],
    ["--plan", "enterprise"],
    ["--config", "missing.toml"],
    ["--wrangler", "missing.toml"],
])
def test_usage_and_configuration_errors_exit_2(project: Path, capsys, args: list[str]) -> None:
    write(project, "flow.py", CLEAN)
    code, out, err = check(capsys, "flow.py", *args)
    assert (code, out) == (2, "")
    assert err


def test_bad_tool_wfgraph_exits_2_naming_the_key(project: Path, capsys) -> None:
    write(project, "flow.py", CLEAN)
    write(project, "pyproject.toml", '[tool.wfgraph]\nignroe = ["WF031"]\n')
    code, out, err = check(capsys, "flow.py")
    assert (code, out) == (2, "")
    assert "pyproject.toml" in err and "'ignroe'" in err


def test_missing_path_exits_2(project: Path, capsys) -> None:
    write(project, "flow.py", CLEAN)
    code, out, _ = check(capsys, "flow.py", "nowhere.py", "--format", "json")
    assert code == 2
    assert found(out) == [("WF000", 1)]



def test_no_path_checks_the_current_directory(project: Path, capsys) -> None:
    """As `ruff check` does: without a PATH, the folder it is run in (the project fixture's)."""
    write(project, "flows/problems.py", PROBLEMS)
    code, out, _ = check(capsys, "--format", "json")
    assert code == 1
    records = json.loads(out)
    assert {r["path"] for r in records} == {"flows/problems.py"}
    assert [(r["code"], r["line"]) for r in records] == PROBLEM_FINDINGS


# --- what is reported -----------------------------------------------------------------------------


def test_suppression_comments(project: Path, capsys) -> None:
    text = PROBLEMS.replace("        fetch()\n", "        fetch()  # wfgraph: ignore[WF020]\n")
    text = text.replace('"10s")\n', '"10s")  # wfgraph: ignore\n')
    text = text.replace("< 0.5:\n", "< 0.5:  # wfgraph: ignore[WF010]\n")
    write(project, "flow.py", text)
    code, out, err = check(capsys, "flow.py", "--format", "json")
    assert (code, found(out)) == (0, [("WF031", 12), ("WF090", 12)]), (
        "the WF010 suppression on line 12 silences nothing: WF090 says so")
    assert "2 suppressed" in err


def test_select_ignore_and_per_file_ignores(project: Path, capsys) -> None:
    write(project, "src/flow.py", PROBLEMS)
    write(project, "tests/flow_test.py", PROBLEMS)
    write(project, "pyproject.toml", textwrap.dedent('''\
        [tool.wfgraph]
        ignore = ["WF03"]

        [tool.wfgraph.per-file-ignores]
        "tests/*" = ["WF02"]
        '''))
    code, out, _ = check(capsys, "src", "tests", "--format", "json")
    assert code == 1
    assert [(d["path"], d["code"]) for d in json.loads(out)] == [
        ("src/flow.py", "WF020"), ("src/flow.py", "WF040"), ("tests/flow_test.py", "WF040")]
    code, out, _ = check(capsys, "src", "--format", "json", "--select", "WF03,WF04")
    assert found(out) == [("WF040", 13)], "the configured ignore still applies"
    code, out, _ = check(capsys, "src", "--format", "json", "--ignore", "WF040,WF020")
    assert (code, found(out)) == (0, [])


def test_wrangler_class_names_are_checked(project: Path, capsys) -> None:
    write(project, "src/entry.py", CLEAN)
    write(project, "wrangler.jsonc", textwrap.dedent('''\
        {
          // the Worker
          "name": "app",
          "main": "src/entry.py",
          "compatibility_date": "2026-03-01",
          "workflows": [
            {"name": "clean", "binding": "CLEAN", "class_name": "Clean"},
            {"name": "renamed", "binding": "RENAMED", "class_name": "Renamed"},
            {"name": "remote", "binding": "REMOTE", "class_name": "Remote", "script_name": "other"},
          ],
        }
        '''))
    code, out, _ = check(capsys, "src", "--format", "json")
    assert code == 1
    [finding] = json.loads(out)
    assert (finding["code"], finding["path"], finding["line"]) == ("WF052", "wrangler.jsonc", 8)
    assert "'Renamed'" in finding["message"]
    code, out, _ = check(capsys, "src", "--format", "json", "--ignore", "WF052")
    assert (code, json.loads(out)) == (0, [])


def test_wrangler_class_check_waits_for_the_main_module(project: Path, capsys) -> None:
    write(project, "src/entry.py", "from flows import *\n")
    write(project, "src/flows.py", CLEAN)
    write(project, "wrangler.toml", 'name = "app"\nmain = "src/entry.py"\n\n[[workflows]]\n'
          'name = "x"\nbinding = "X"\nclass_name = "Elsewhere"\n')
    code, out, _ = check(capsys, "src/flows.py", "--format", "json")
    assert (code, json.loads(out)) == (0, []), "only part of the project: no WF052"


def test_wrangler_mode_picks_the_dependency_api(project: Path, capsys) -> None:
    write(project, "src/flow.py", DEPENDS)
    write(project, "wrangler.toml", 'name = "app"\nmain = "src/flow.py"\ncompatibility_date = "2025-10-01"\n')
    code, out, _ = check(capsys, "src", "--format", "json")
    assert (code, found(out)) == (1, [("WF022", 6)]), "legacy mode: step.do() needs a name"
    code, out, _ = check(capsys, "src", "--format", "json", "--implicit-deps")
    assert (code, found(out)) == (0, [])


def test_realistic_fixtures_report_only_their_unbounded_loops(capsys) -> None:
    code = main(["check", str(FIXTURES / "realistic"), "--format", "json"])
    records = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(Path(r["path"]).name, r["code"], r["line"]) for r in records] == [
        ("etl_loop.py", "WF002", 15), ("order_pipeline.py", "WF002", 21)]


def test_as_a_subprocess_with_stdout_not_a_terminal(tmp_path: Path) -> None:
    write(tmp_path, "flow.py", PROBLEMS)
    proc = subprocess.run([sys.executable, "-m", "wfgraph.analyzer", "check", "flow.py"],
                          cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0].startswith("flow.py:11:9: WF020 ")
    assert "\x1b[" not in proc.stdout
    assert "wfgraph check: 1 file, 1 workflow" in proc.stderr


def test_pre_commit_hook_runs_check() -> None:
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "id: wfgraph-check" in hooks and "entry: wfgraph check" in hooks


class _Terminal:
    """A stdout that says it is a terminal."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


def test_text_on_a_terminal_shows_the_source_line_and_a_caret(project: Path, monkeypatch) -> None:
    write(project, "flow.py", PROBLEMS)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["check", "flow.py"]) == 1
    out = "".join(terminal.parts)
    assert "13 |             await step.sleep(\"nap\", \"10s\")\n" in out
    assert "   |                                     ^^^^^\n" in out
    assert "\x1b[" not in out
