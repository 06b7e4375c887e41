"""``wfgraph check`` on projects (issue 9, items 3, 4 and 6; SEMANTICS §2.4, §8.2): each file is
governed by its own wrangler file and pyproject, whatever the argument order, the subset of files
passed, or the number of worker processes; WF052 against the main module's exports, with
suppressions in wrangler files; placeholders in wrangler files; config errors at their line; and
runs that check nothing say why."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from wfgraph.analyzer.cli import main

from conftest import ROOT
from test_cli_check import CLEAN, DEPENDS, check, found, write

LOOP = textwrap.dedent('''\
    from workers import WorkflowEntrypoint


    class {name}(WorkflowEntrypoint):
        async def run(self, event, step):
            for i in range(10):
                @step.do(f"item {{i}}")
                async def item():
                    return i

                await item()
    ''')


def wrangler_toml(main: str, date: str = "2026-03-01", extra: str = "") -> str:
    return f'name = "app"\nmain = "{main}"\ncompatibility_date = "{date}"\n{extra}'


def workflow_entry(class_name: str, steps: int | None = None) -> str:
    limits = f"limits = {{ steps = {steps} }}\n" if steps else ""
    return (f'\n[[workflows]]\nname = "{class_name.lower()}"\nbinding = "{class_name.upper()}"\n'
            f'class_name = "{class_name}"\n{limits}')


def monorepo(root: Path) -> None:
    """w1/ limits its workflow to 5 steps and uses the implicit API; w2/ sets no limit and has a
    legacy compatibility date. Enough files in each for worker processes to be used."""
    write(root, "w1/wrangler.toml", wrangler_toml("src/entry.py", extra=workflow_entry("One", 5)))
    write(root, "w2/wrangler.toml", wrangler_toml("src/entry.py", "2025-08-01", workflow_entry("Two")))
    for worker, name in (("w1", "One"), ("w2", "Two")):
        write(root, f"{worker}/src/entry.py", LOOP.format(name=name))
        write(root, f"{worker}/src/deps.py", DEPENDS)
        for i in range(4):
            write(root, f"{worker}/src/more_{i}.py", LOOP.format(name=f"More{i}"))


EXPECTED = [("w1/src/entry.py", "WF001", 6), ("w2/src/deps.py", "WF022", 6)]


def cli(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wfgraph", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


# --- one wrangler per file ------------------------------------------------------------------------


def test_monorepo_every_argument_order_and_worker_count_gives_the_same_bytes(project: Path) -> None:
    monorepo(project)
    runs = [cli(project, "check", *order, "--format", fmt, env=env)
            for fmt in ("json", "text")
            for order in (("w1", "w2"), ("w2", "w1"))
            for env in ({"WFGRAPH_JOBS": "1"}, {})]
    for fmt_runs in (runs[:4], runs[4:]):
        assert {(r.returncode, r.stdout, r.stderr) for r in fmt_runs} == {
            (fmt_runs[0].returncode, fmt_runs[0].stdout, fmt_runs[0].stderr)}
    assert runs[0].returncode == 1
    assert [(r["path"], r["code"], r["line"]) for r in json.loads(runs[0].stdout)] == EXPECTED
    assert "over its limit of 5 (limits.steps in wrangler.toml)" in runs[0].stdout


def test_monorepo_subsets_give_each_file_the_same_findings(project: Path, capsys) -> None:
    monorepo(project)
    for paths, expected in ((["w1/src/entry.py"], EXPECTED[:1]),
                            (["w2/src/deps.py", "w1/src/more_0.py"], EXPECTED[1:]),
                            (["w2/src/deps.py", "w1/src/entry.py"], EXPECTED)):
        code, out, _ = check(capsys, *paths, "--format", "json")
        assert [(r["path"], r["code"], r["line"]) for r in json.loads(out)] == expected, paths


def test_wrangler_option_forces_one_config_for_every_file(project: Path, capsys) -> None:
    monorepo(project)
    code, out, _ = check(capsys, "w1", "w2", "--format", "json", "--wrangler", "w1/wrangler.toml")
    records = [(r["path"], r["code"]) for r in json.loads(out)]
    assert ("w2/src/deps.py", "WF022") not in records, "w1's implicit mode applies to w2 too"
    assert records.count(("w1/src/entry.py", "WF001")) == 1
    assert ("w2/wrangler.toml", "WF052") not in records


def test_mode_flags_override_every_wrangler(project: Path, capsys) -> None:
    monorepo(project)
    code, out, _ = check(capsys, "w1", "w2", "--format", "json", "--legacy-deps")
    assert sorted(r["path"] for r in json.loads(out) if r["code"] == "WF022") == [
        "w1/src/deps.py", "w2/src/deps.py"]


def test_a_broken_wrangler_file_is_reported_and_the_other_worker_still_checked(project: Path,
                                                                              capsys) -> None:
    monorepo(project)
    write(project, "w2/wrangler.toml", wrangler_toml("src/entry.py", extra=workflow_entry("Two"))
          + "limits = { steps = 0 }\n")
    code, out, _ = check(capsys, "w1", "w2", "--format", "json")
    assert code == 2
    records = [(r["path"], r["code"], r["line"]) for r in json.loads(out)]
    assert ("w2/wrangler.toml", "WF000", 9) in records, "at the key's line"
    assert ("w1/src/entry.py", "WF001", 6) in records


def test_pyproject_governs_its_own_tree(project: Path, capsys) -> None:
    write(project, "a/flow.py", CLEAN.replace('"1 minute"', "60"))
    write(project, "b/flow.py", CLEAN.replace('"1 minute"', "60"))
    write(project, "b/pyproject.toml", '[tool.wfgraph]\nignore = ["WF041"]\n')
    code, out, _ = check(capsys, "b", "a", "--format", "json")
    assert [(r["path"], r["code"]) for r in json.loads(out)] == [("a/flow.py", "WF041")]


# --- WF052 and the main module ---------------------------------------------------------------------

ENTRY = textwrap.dedent('''\
    from workers import WorkflowEntrypoint
    from snapshot_drill import R2SnapshotDrillWorkflow
    from .flows import *
    from somepackage import Vendored

    DynamicWorkflow = create_dynamic_workflow_entrypoint("dynamic")


    class Local(WorkflowEntrypoint):
        async def run(self, event, step):
            await step.sleep("nap", "1 minute")
    ''')


def worker(root: Path, entries: list[str], name: str = "wrangler.toml", text: str | None = None) -> None:
    write(root, "src/entry.py", ENTRY)
    write(root, "src/snapshot_drill.py", CLEAN.replace("class Clean", "class R2SnapshotDrillWorkflow"))
    write(root, "src/flows.py", CLEAN.replace("class Clean", "class Starred"))
    write(root, name, text if text is not None else
          wrangler_toml("src/entry.py", extra="".join(workflow_entry(e) for e in entries)))


def wf052(out: str) -> list[tuple[int, str]]:
    return [(r["line"], r["severity"]) for r in json.loads(out) if r["code"] == "WF052"]


def test_classes_the_main_module_defines_or_imports_from_the_project(project: Path, capsys) -> None:
    worker(project, ["Local", "R2SnapshotDrillWorkflow", "Starred"])
    code, out, _ = check(capsys, "src", "--format", "json")
    assert (code, json.loads(out)) == (0, [])


def test_assignment_and_outside_imports_are_defined_but_not_analysable(project: Path, capsys) -> None:
    worker(project, ["DynamicWorkflow", "Vendored"])
    code, out, err = check(capsys, "src", "--format", "json")
    assert code == 0, "defined: not an error"
    assert wf052(out) == [(8, "info"), (13, "info")]
    messages = [r["message"] for r in json.loads(out)]
    assert "assignment at src/entry.py:6" in messages[0] and "not analysable" in messages[0]
    assert "from somepackage" in messages[1]
    assert "(2 info)" in err


def test_a_class_the_main_module_does_not_export_is_an_error(project: Path, capsys) -> None:
    worker(project, ["Local", "Renamed"])
    code, out, _ = check(capsys, "src", "--format", "json")
    assert (code, wf052(out)) == (1, [(13, "error")])
    [record] = json.loads(out)
    assert record["column"] == 14 and record["end_column"] == 23
    assert record["notes"] == ["workflow classes found in the analysed files: Local, "
                               "R2SnapshotDrillWorkflow, Starred"]


def test_one_file_of_the_project_does_not_check_class_names(project: Path, capsys) -> None:
    worker(project, ["Renamed"])
    code, out, _ = check(capsys, "src/flows.py", "--format", "json")
    assert (code, json.loads(out)) == (0, [])


def test_suppression_in_wrangler_toml_on_the_entry_or_class_name_line(project: Path, capsys) -> None:
    text = wrangler_toml("src/entry.py", extra=(
        '\n[[workflows]]  # wfgraph: ignore[WF052]\nname = "a"\nbinding = "A"\nclass_name = "Gone"\n'
        '\n[[workflows]]\nname = "b"\nbinding = "B"\nclass_name = "Away"  # wfgraph: ignore[WF052]\n'
        '\n[[workflows]]\nname = "c"\nbinding = "C"\nclass_name = "Local"  # wfgraph: ignore[WF052]\n'))
    worker(project, [], text=text)
    code, out, err = check(capsys, "src", "--format", "json")
    assert [(r["code"], r["line"]) for r in json.loads(out)] == [("WF090", 18)], \
        "the last suppression silences nothing: Local is defined"
    assert code == 0 and "2 suppressed" in err


def test_suppression_in_wrangler_jsonc(project: Path, capsys) -> None:
    text = textwrap.dedent('''\
        {
          "name": "app",
          "main": "src/entry.py",
          "compatibility_date": "2026-03-01",
          "workflows": [
            {"name": "a", "binding": "A", "class_name": "Gone"},  // wfgraph: ignore[WF052]
            {  // wfgraph: ignore[WF052]
              "name": "b",
              "binding": "B",
              "class_name": "Away",
            },
            {"name": "c", "binding": "C", "class_name": "Missing"},
          ],
        }
        ''')
    worker(project, [], name="wrangler.jsonc", text=text)
    code, out, err = check(capsys, "src", "--format", "json")
    assert (code, wf052(out)) == (1, [(12, "error")])
    assert "2 suppressed" in err
    code, out, _ = check(capsys, "src", "--format", "json", "--ignore", "WF052")
    assert (code, json.loads(out)) == (0, []), "an ignored rule's suppressions are not unused"


# --- placeholders and config errors ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "text", "where"), [
    ("wrangler.jsonc", '{\n  "name": "app",\n  "main": "flow.py",\n  "compatibility_date": "%COMPAT_DATE%",\n}\n', (4, 25)),
    ("wrangler.toml", 'name = "app"\nmain = "flow.py"\ncompatibility_date = "{{date}}"\n', (3, 22)),
])
def test_placeholder_date_is_a_warning_at_its_position_and_the_mode_unknown(
        project: Path, capsys, name: str, text: str, where: tuple[int, int]) -> None:
    write(project, "flow.py", DEPENDS)
    write(project, name, text)
    code, out, err = check(capsys, "flow.py", "--format", "json")
    assert code == 0, err
    [record] = json.loads(out)
    assert (record["code"], record["path"], (record["line"], record["column"])) == ("WF091", name, where)
    assert found(check(capsys, "flow.py", "--format", "json", "--legacy-deps")[1]) == [
        ("WF022", 6), ("WF091", where[0])]
    graph = subprocess.run([sys.executable, "-m", "wfgraph", "graph", "flow.py"], cwd=project,
                           capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert graph.returncode == 0
    assert graph.stderr.startswith(f"{name}:{where[0]}:{where[1]}: warning: ")


def test_placeholder_date_with_a_flag_follows_the_flag(project: Path, capsys) -> None:
    write(project, "flow.py", DEPENDS)
    write(project, "wrangler.toml", 'name = "app"\nmain = "flow.py"\ncompatibility_date = "${DATE}"\n'
          'compatibility_flags = ["no_python_workflows_implicit_dependencies"]\n')
    code, out, _ = check(capsys, "flow.py", "--format", "json")
    assert found(out) == [("WF022", 6), ("WF091", 3)], "the flag chooses legacy mode"


# --- runs that check nothing ----------------------------------------------------------------------


def test_a_folder_with_nothing_to_check_says_why_and_exits_2(project: Path, capsys) -> None:
    (project / ".git").mkdir()
    write(project, ".gitignore", "generated/\nold_*.py\n")
    write(project, "src/generated/flow.py", CLEAN)
    write(project, "src/old_flow.py", CLEAN)
    write(project, "src/legacy/flow.py", CLEAN)
    write(project, "src/util.py", "x = 1\n")
    code = main(["check", "src", "--exclude", "legacy"])
    captured = capsys.readouterr()
    assert (code, captured.out) == (2, "")
    assert captured.err == ("wfgraph check: nothing checked: src: no Python file to analyse: "
                            "2 Python files skipped (1 without WorkflowEntrypoint, 1 git-ignored); "
                            "1 folder git-ignored; 1 folder excluded\n")
    assert "all checks passed" not in captured.err


@pytest.mark.parametrize("command", ["graph", "dot", "mermaid"])
def test_graph_and_diagrams_say_why_too(project: Path, command: str) -> None:
    write(project, "src/util.py", "x = 1\n")
    proc = cli(project, command, "src")
    assert proc.returncode == 1
    assert "src: no Python file to analyse: 1 Python file skipped (1 without WorkflowEntrypoint)" in proc.stderr


def test_pyproject_exclude_is_relative_to_its_folder(project: Path, capsys) -> None:
    write(project, "app/pyproject.toml", '[tool.wfgraph]\nexclude = ["generated/"]\n')
    write(project, "app/generated/flow.py", CLEAN)
    code, _, err = check(capsys, "app")
    assert code == 2 and "1 excluded" in err
    code, _, err = check(capsys, "app/generated/flow.py")
    assert code == 0, "a file named explicitly is always checked"


# --- pre-commit: configuration changes ------------------------------------------------------------


def test_a_wrangler_path_checks_the_workflows_it_governs(project: Path, capsys) -> None:
    monorepo(project)
    write(project, "w1/nested/wrangler.toml", wrangler_toml("x.py"))
    write(project, "w1/nested/x.py", LOOP.format(name="Nested"))
    code, out, _ = check(capsys, "w1/wrangler.toml", "--format", "json", "--verbose")
    assert (code, found(out)) == (1, [("WF001", 6)])
    err = capsys.readouterr().err
    code, _, err = check(capsys, "w1/wrangler.toml", "--verbose")
    assert "w1/src/entry.py: One" in err and "Nested" not in err, "a deeper Worker is its own"


def test_graph_of_a_wrangler_path_keys_each_workflow_by_its_file(project: Path) -> None:
    monorepo(project)
    proc = cli(project, "graph", "w2/wrangler.toml")
    assert proc.returncode == 0, proc.stderr
    assert list(json.loads(proc.stdout)) == [
        "w2/src/deps.py::Deps", "w2/src/entry.py::Two",
        *(f"w2/src/more_{i}.py::More{i}" for i in range(4))]


def test_a_config_file_that_governs_no_workflow_is_not_an_error(project: Path, capsys) -> None:
    write(project, "web/wrangler.toml", 'name = "web"\nmain = "src/index.js"\n')
    write(project, "web/src/index.js", "export default {}\n")
    code, out, err = check(capsys, "web/wrangler.toml")
    assert (code, out) == (0, "")
    assert "governs no Python workflow file" in err


def test_pre_commit_hook_runs_on_python_wrangler_and_pyproject_changes() -> None:
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "entry: wfgraph check" in hooks and "types:" not in hooks
    pattern = re.search(r"^\s*files: '(.+)'$", hooks, re.M).group(1)
    matches = [path for path in ("src/flow.py", "wrangler.toml", "w1/wrangler.jsonc", "wrangler.json",
                                 "pyproject.toml", "pkg/pyproject.toml", "README.md", "index.ts",
                                 "my_wrangler.toml", "notpyproject.toml")
               if re.search(pattern, path)]  # pre-commit matches with re.search
    assert matches == ["src/flow.py", "wrangler.toml", "w1/wrangler.jsonc", "wrangler.json",
                       "pyproject.toml", "pkg/pyproject.toml"]


# --- pre-commit: a changed module that defines no workflow ------------------------------------------

HELPERS = textwrap.dedent('''\
    from datetime import UTC, datetime


    def today():
        return datetime.now(UTC).date().isoformat()


    async def charge_all(step, customers):
        @step.do("charge", depends=[customers])
        async def charge():
            return True

        await charge()
    ''')

USES_HELPERS = textwrap.dedent('''\
    from workers import WorkflowEntrypoint

    from helpers import charge_all, today


    class Billing(WorkflowEntrypoint):
        async def run(self, event, step):
            day = today()
            await charge_all(step, [day])
    ''')


def test_a_helper_module_given_alone_is_checked_through_the_workflows_importing_it(
        project: Path, capsys) -> None:
    """pre-commit on a commit that changes only helpers.py (SEMANTICS §2.4): its WF031 and WF022
    are found through the workflow that imports it, at its own lines; the workflow module's own
    findings are its run's to report."""
    write(project, "wrangler.toml", wrangler_toml("src/entry.py", extra=workflow_entry("Billing")))
    write(project, "src/helpers.py", HELPERS)
    write(project, "src/entry.py", "import random\n" + USES_HELPERS + "        random.random()\n")
    write(project, "src/unrelated.py", "def f():\n    return 1\n")
    code, out, err = check(capsys, "src/helpers.py", "--format", "json")
    assert code == 1
    assert {(d["path"], d["code"], d["line"]) for d in json.loads(out)} == {
        ("src/helpers.py", "WF031", 5), ("src/helpers.py", "WF022", 9)}
    assert "src/helpers.py: defines no workflow; checked through src/entry.py::Billing\n" in err
    assert err.endswith("wfgraph check: 1 file, 0 workflows, 1 workflow importing it: 1 error, "
                        "1 warning\n")
    code, out, err = check(capsys, "src/unrelated.py", "--verbose")
    assert (code, out) == (0, "")
    assert "src/unrelated.py: defines no workflow, and no workflow of its project imports it" in err
    assert "all checks passed" not in err and "nothing to check" in err


# --- a helper module that does not parse ------------------------------------------------------------


def test_steps_only_in_a_module_that_does_not_parse_leave_the_budget_unknown(
        project: Path, capsys) -> None:
    """SEMANTICS §6.4, §8.3: the workflow's only steps are in a helper whose module has a syntax
    error. Not "all checks passed", not "at most 0": WF002 says the budget is unknown, and why,
    with the module's error at its line."""
    write(project, "wrangler.toml", wrangler_toml("src/entry.py", extra=workflow_entry("W")))
    write(project, "src/entry.py", "import workers\nfrom helpers import go\n\n\n"
          "class W(workers.WorkflowEntrypoint):\n    async def run(self, event, step):\n"
          "        await go(step)\n")
    write(project, "src/helpers.py", 'async def go(step):\n    @step.do("a"\n    async def a():\n'
          "        return 1\n")
    code, out, err = check(capsys, ".")
    assert code == 0, "a warning"
    assert out.startswith("src/entry.py:7:15: WF002 the step budget is unknown: step passed to go, "
                          "which cannot be followed: go comes from src/helpers.py, which is not "
                          "followed (2:13: syntax error: '(' was never closed)")
    assert err.endswith("(step budget: W unknown (limit 10,000)): 1 warning\n")
    proc = cli(project, "graph", "src/entry.py")
    assert "src/helpers.py:2:13: note: syntax error" in proc.stderr
