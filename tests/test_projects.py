"""Whole projects (SEMANTICS §2.4): each folder of fixtures/projects is analysed as a user runs
wfgraph in it, and its outputs equal the goldens beside it: ``graph.json`` (``wfgraph graph .``)
and ``check.txt`` (``wfgraph check .``: exit status, report, summary).

Golden files are specifications: ``pytest --update-golden`` rewrites them, and every changed
line is read against SEMANTICS before it is committed."""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from wfgraph.analyzer.cli import main

from conftest import PROJECTS
from golden import check_golden

PROJECT_NAMES = sorted(d.name for d in PROJECTS.iterdir() if d.is_dir())


@contextlib.contextmanager
def inside(folder: Path) -> Iterator[None]:
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(cwd)


def run(folder: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with inside(folder), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", PROJECT_NAMES)
def test_project_graph(name: str, update_golden: bool) -> None:
    code, out, err = run(PROJECTS / name, "graph", ".")
    assert code == 0, err
    check_golden(PROJECTS / name / "graph.json", out, update_golden)


@pytest.mark.parametrize("name", PROJECT_NAMES)
def test_project_check(name: str, update_golden: bool) -> None:
    code, out, err = run(PROJECTS / name, "check", ".")
    check_golden(PROJECTS / name / "check.txt", f"exit {code}\n--- stdout\n{out}--- stderr\n{err}",
                 update_golden)


def graphs(folder: Path, *args: str) -> dict[str, dict]:
    code, out, err = run(folder, "graph", *args)
    assert code == 0, err
    return json.loads(out)


def test_imported_helpers_are_in_the_graph_and_the_budget() -> None:
    """SEMANTICS §2.4, §6.2, §8.1: helpers imported by name, from a package and through a module
    alias are helpers like any other, keyed by their own names."""
    workflow = graphs(PROJECTS / "helpers_three_ways", "src/entry.py")["workflow"]
    assert list(workflow["functions"]) == ["charge_all", "send_receipt", "record"]
    assert [n["name"] for n in workflow["nodes"]] == ["charge_all", "send_receipt", "record"]
    code, _, err = run(PROJECTS / "helpers_three_ways", "check", "src/entry.py", "--verbose")
    assert code == 0
    assert "at most 52 counted steps" in err


def test_one_file_follows_its_imports_and_prints_only_its_workflows() -> None:
    """SEMANTICS §2.4: entry.py re-exports R2SnapshotDrillWorkflow, defined next to it; only the
    workflows defined in the given file are printed, with the sibling helper followed."""
    graph = graphs(PROJECTS / "sibling_imports", "src/entry.py")
    assert graph["workflow"]["class_name"] == "RestoreDrillWorkflow"
    assert list(graph["workflow"]["functions"]) == ["verify"]


def test_inherited_run_calls_the_subclass_override() -> None:
    """SEMANTICS §6.1a: run, inherited from another module, calls the most derived publish; the
    overridden base method is not listed."""
    graph = graphs(PROJECTS / "base_class_module", "src/entry.py")
    functions = graph["workflow"]["functions"]
    assert list(functions) == ["publish", "collect"]  # own module first (§2.4), then by first call
    assert [n["name"] for n in functions["publish"]["nodes"]] == ["render pdf", "email report"]


@pytest.mark.parametrize("command", ["graph", "check"])
def test_monorepo_output_does_not_depend_on_argument_order(command: str) -> None:
    first = run(PROJECTS / "monorepo", command, "w1", "w2")
    second = run(PROJECTS / "monorepo", command, "w2", "w1")
    assert first == second


@pytest.mark.parametrize("command", ["graph", "check"])
def test_projects_in_worker_processes_give_the_same_output(
        command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WFGRAPH_JOBS", "1")
    alone = run(PROJECTS, command, *PROJECT_NAMES)
    monkeypatch.setenv("WFGRAPH_JOBS", "2")
    assert run(PROJECTS, command, *PROJECT_NAMES) == alone


def test_a_helper_from_an_installed_package_makes_the_budget_unknown() -> None:
    """SEMANTICS §6.4, §8.3: nothing is invented for run_batch; the budget is a lower bound and
    WF002 names the call."""
    code, out, err = run(PROJECTS / "installed_helper", "check", ".", "--format", "json", "--verbose")
    [finding] = json.loads(out)
    assert (finding["code"], finding["path"], finding["line"]) == ("WF002", "src/entry.py", 12)
    assert "at least 1 counted step" in err and "at most" not in err
    code, out, err = run(PROJECTS / "installed_helper", "graph", ".")
    assert "src/entry.py:12:15: warning: BatchWorkflow: step passed to run_batch" in err


def test_a_dispatch_table_is_a_switch_over_its_helpers() -> None:
    """SEMANTICS §6.3: one branch per entry, in order; the budget takes the worst (3)."""
    graph = graphs(PROJECTS / "dispatch_table", "src/entry.py")
    [switch] = graph["workflow"]["nodes"]
    assert switch["type"] == "switch"
    assert switch["discriminant"] == 'event["payload"]["case"]'
    assert [(b["condition"], [n["name"] for n in b["nodes"]]) for b in switch["branches"]] == [
        ("sleep", ["sleep_case"]), ("single", ["single_step"]), ("chain", ["chain"]),
        ("wait", ["wait_case"])]
    code, _, err = run(PROJECTS / "dispatch_table", "check", ".", "--verbose")
    assert "at most 3 counted steps" in err
