"""``wfgraph diff`` from the command line (SEMANTICS §10.4): git revisions in a real temporary
repository, files and directories, graph JSON (bare, ``--envelope``, the API's response), a
mixed pair, the report formats and their configuration, and the errors that must be clear
(exit 2): git missing, no repository, no such revision. Assertions are on codes, locations and
exit statuses, not wording."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from wfgraph.analyzer.checks.diff.rules.base import workflow, wrangler
from wfgraph.analyzer.cli import main

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

BASE = workflow("""
    @step.do("charge")
    async def charge():
        return await pay(event["payload"]["total"])

    await charge()
    await step.sleep("cool down", "1 hour")
""")
RENAMED = BASE.replace('@step.do("charge")', '@step.do("charge card")')  # WF101 at line 6
LONGER = BASE.replace('"1 hour"', '"2 hours"')                           # WF105 at line 11


def cli(*args: str) -> tuple[int, str, str]:
    import io
    import sys

    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = main(list(args))
    finally:
        sys.stdout, sys.stderr = saved
    return code, out.getvalue(), err.getvalue()


def findings(stdout: str) -> list[tuple[str, str, int]]:
    return [(d["code"], d["path"], d["line"]) for d in json.loads(stdout)]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with one commit of BASE (and a wrangler file), the working directory."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for key in ("GIT_AUTHOR", "GIT_COMMITTER"):
        monkeypatch.setenv(f"{key}_NAME", "wfgraph tests")
        monkeypatch.setenv(f"{key}_EMAIL", "tests@example.com")
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    (root / "src" / "entry.py").write_text(BASE)
    (root / "wrangler.toml").write_text(wrangler())
    monkeypatch.chdir(root)
    git("init", "-q")
    commit("base")
    return root


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def commit(message: str) -> None:
    git("add", "-A")
    git("commit", "-q", "--no-gpg-sign", "-m", message)


# --- git revisions --------------------------------------------------------------------------------


@needs_git
def test_previous_commit_against_the_last(repo: Path) -> None:
    (repo / "src" / "entry.py").write_text(RENAMED)
    commit("rename")
    code, out, err = cli("diff", "HEAD~1", "HEAD", "--format", "json")
    assert code == 1, err
    assert findings(out) == [("WF101", "src/entry.py", 6)]


@needs_git
@needs_git
def test_a_helper_of_another_module_is_read_at_each_revision(repo: Path) -> None:
    """SEMANTICS §2.4, §10.4: a revision's imports resolve in that revision's files, read from
    git; renaming a step in an imported helper is a rename (WF101) where the helper is written."""
    helper = """\
async def settle(step):
    @step.do("settle")
    async def run_settle():
        return 1

    await run_settle()
"""
    (repo / "src" / "billing.py").write_text(helper)
    entry = repo / "src" / "entry.py"
    entry.write_text("from billing import settle\n" + BASE.replace(
        '    await step.sleep("cool down", "1 hour")',
        '    await step.sleep("cool down", "1 hour")\n        await settle(step)'))
    commit("a helper in another module")
    (repo / "src" / "billing.py").write_text(helper.replace('"settle"', '"settle invoice"'))
    commit("rename the helper's step")
    code, out, err = cli("diff", "HEAD~1", "HEAD", "--format", "json")
    assert (code, findings(out)) == (1, [("WF101", "src/billing.py", 2)]), err


def test_revision_against_the_working_tree(repo: Path) -> None:
    (repo / "src" / "entry.py").write_text(LONGER)
    code, out, err = cli("diff", "HEAD")
    assert code == 0, err  # a warning does not fail
    assert "WF105" in out and "src/entry.py:11:" in out
    assert "changed  sleep 'cool down'" in out  # the change list comes first


@needs_git
def test_what_head_lost_points_into_the_base_revision(repo: Path) -> None:
    (repo / "src" / "entry.py").write_text(BASE.replace('        await step.sleep("cool down", "1 hour")\n', ""))
    code, out, err = cli("diff", "HEAD", "--format", "json")
    assert code == 0, err
    assert findings(out) == [("WF111", "HEAD:src/entry.py", 11)]


@needs_git
def test_paths_limit_the_files_and_are_relative_to_the_current_folder(repo: Path, monkeypatch) -> None:
    (repo / "other.py").write_text(BASE.replace("class Orders", "class Other"))
    commit("other")
    (repo / "other.py").write_text(RENAMED.replace("class Orders", "class Other"))
    (repo / "src" / "entry.py").write_text(LONGER)
    code, out, _ = cli("diff", "HEAD", "--format", "json", "--", "src")
    assert [c for c, _, _ in findings(out)] == ["WF105"]
    monkeypatch.chdir(repo / "src")
    code, out, _ = cli("diff", "HEAD", "--format", "json", "--", "entry.py")
    assert findings(out) == [("WF105", "entry.py", 11)]


@needs_git
def test_the_governing_wrangler_file_is_read_from_the_revision(repo: Path) -> None:
    legacy = workflow("""
        @step.do("load")
        async def load():
            return 1

        @step.do("charge", depends=[load])
        async def charge(load):
            return load

        await charge()
    """)
    (repo / "src" / "entry.py").write_text(legacy)
    (repo / "wrangler.toml").write_text(wrangler("2026-01-15"))
    commit("legacy")
    (repo / "wrangler.toml").write_text(wrangler("2026-03-01"))
    code, out, err = cli("diff", "HEAD", "--format", "json")
    assert code == 1, err
    assert findings(out) == [("WF109", "wrangler.toml", 3)]


@needs_git
def test_clear_errors_for_revisions(repo: Path, tmp_path: Path, monkeypatch) -> None:
    code, out, err = cli("diff", "no-such-branch")
    assert code == 2 and out == "" and "no-such-branch" in err and "Traceback" not in err
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(outside)
    code, _, err = cli("diff", "HEAD~1")
    assert code == 2 and "not a git repository" in err
    monkeypatch.chdir(repo)
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    code, _, err = cli("diff", "HEAD")
    assert code == 2 and "git is not installed" in err


@needs_git
def test_a_name_that_is_both_a_revision_and_a_path_is_refused(repo: Path) -> None:
    git("branch", "src")
    code, _, err = cli("diff", "src")
    assert code == 2 and "./src" in err


@needs_git
def test_a_file_that_does_not_parse_is_reported_not_removed(repo: Path) -> None:
    (repo / "src" / "entry.py").write_text(BASE + "\n    def broken(:\n")
    code, out, err = cli("diff", "HEAD", "--format", "json")
    assert code == 2
    assert [c for c, _, _ in findings(out)] == ["WF000"]
    assert "not compared" in err


# --- files, directories and graph JSON --------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def graph_json(source: Path, target: Path, *extra: str) -> Path:
    code, out, err = cli("graph", str(source), *extra)
    assert code == 0, err
    target.write_text(out)
    return target


def test_two_files(tmp_path: Path) -> None:
    base, head = write(tmp_path / "a" / "entry.py", BASE), write(tmp_path / "b" / "entry.py", RENAMED)
    code, out, _ = cli("diff", str(base), str(head), "--format", "json")
    assert code == 1 and [(c, l) for c, _, l in findings(out)] == [("WF101", 6)]



def test_a_step_shared_by_two_workflows_is_reported_once(tmp_path: Path) -> None:
    """A base class that is a workflow itself and the class deriving from it in another module
    both contain the renamed step: both are listed as changed, the finding is made once (as
    `check` reports a shared helper's findings once)."""
    entry = "from base import Base\n\n\nclass Billing(Base):\n    pass\n"
    for side, text in (("a", BASE), ("b", RENAMED)):
        write(tmp_path / side / "base.py", text.replace("class Orders(", "class Base("))
        write(tmp_path / side / "entry.py", entry)
    code, out, _ = cli("diff", str(tmp_path / "a"), str(tmp_path / "b"))
    assert code == 1
    assert "Base (" in out and "Billing (" in out
    assert out.count("WF101") == 1


def test_graph_json_on_both_sides(tmp_path: Path) -> None:
    """Without source, a rename is a pair at the same place with the same config (§10.2)."""
    base = graph_json(write(tmp_path / "a.py", BASE), tmp_path / "base.json")
    head = graph_json(write(tmp_path / "b.py", RENAMED), tmp_path / "head.json", "--envelope")
    code, out, _ = cli("diff", str(base), str(head), "--format", "json")
    assert code == 1 and findings(out) == [("WF101", str(head), 1)]


def test_a_saved_api_response(tmp_path: Path) -> None:
    graph = json.loads(graph_json(write(tmp_path / "a.py", BASE), tmp_path / "g.json").read_text())
    response = {"result": {"id": "v1", "class_name": "Orders", "created_on": "2026-01-01T00:00:00Z",
                           "modified_on": "2026-01-01T00:00:00Z", "workflow_id": "w", "graph": graph},
                "success": True, "errors": [], "messages": []}
    saved = write(tmp_path / "deployed.json", json.dumps(response))
    head = write(tmp_path / "head" / "entry.py", LONGER)
    code, out, _ = cli("diff", str(saved), str(head), "--format", "json")
    assert code == 0 and findings(out) == [("WF105", str(head), 11)]


def test_json_base_and_source_head(tmp_path: Path) -> None:
    """The mixed pair: BASE from the deployed graph, HEAD from source, located in the source."""
    base = graph_json(write(tmp_path / "a.py", BASE), tmp_path / "base.json")
    head = write(tmp_path / "src" / "entry.py", RENAMED)
    code, out, _ = cli("diff", str(base), str(head), "--format", "json")
    assert code == 1 and findings(out) == [("WF101", str(head), 6)]


def test_graph_json_errors_are_located(tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.json", '{"version": 1,\n "workflow": ')
    code, out, err = cli("diff", str(broken), str(broken))
    assert code == 2 and f"{broken}:2:" in out
    wrong = write(tmp_path / "wrong.json", json.dumps({"version": 1, "workflow": {"class_name": 3}}))
    code, out, _ = cli("diff", str(wrong), str(wrong), "--format", "json")
    assert code == 2 and [c for c, _, _ in findings(out)] == ["WF000"]


# --- reporting like check -------------------------------------------------------------------------------


@pytest.fixture
def pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.chdir(tmp_path)
    both = RENAMED.replace('"1 hour"', '"2 hours"')  # WF101 (error) and WF105 (warning)
    return write(tmp_path / "a" / "entry.py", BASE), write(tmp_path / "b" / "entry.py", both)


def test_select_ignore_and_exit_zero(pair: tuple[Path, Path]) -> None:
    base, head = map(str, pair)
    assert cli("diff", base, head)[0] == 1
    code, out, _ = cli("diff", base, head, "--format", "json", "--select", "WF105")
    assert code == 0 and [c for c, _, _ in findings(out)] == ["WF105"]
    code, out, _ = cli("diff", base, head, "--format", "json", "--ignore", "WF10")
    assert code == 0 and findings(out) == []
    assert cli("diff", base, head, "--exit-zero")[0] == 0
    assert cli("diff", base, head, "--select", "XX1")[0] == 2


def test_usage_errors(pair: tuple[Path, Path]) -> None:
    base, head = map(str, pair)
    assert cli("diff", base, head, "--class", "Nope")[0] == 2
    assert cli("diff", base, head, "-o", "x.txt")[0] == 2  # -o is for diagrams
    code, out, _ = cli("diff", base, head, "--class", "Orders", "--format", "json")
    assert code == 1 and len(findings(out)) == 2


def test_tool_wfgraph_configuration(pair: tuple[Path, Path], tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.wfgraph]\nignore = ["WF101"]\n')
    code, out, _ = cli("diff", *map(str, pair), "--format", "json")
    assert code == 0 and [c for c, _, _ in findings(out)] == ["WF105"]


def test_a_reviewed_change_is_accepted_on_heads_line(pair: tuple[Path, Path]) -> None:
    base, head = pair
    lines = head.read_text().splitlines()
    lines[5] += "  # wfgraph: ignore[WF101]"
    head.write_text("\n".join(lines) + "\n")
    code, out, err = cli("diff", str(base), str(head), "--format", "json")
    assert code == 0 and [c for c, _, _ in findings(out)] == ["WF105"]
    assert "1 suppressed" in err


@pytest.mark.parametrize("fmt", ["sarif", "github"])
def test_machine_formats(pair: tuple[Path, Path], fmt: str) -> None:
    code, out, _ = cli("diff", *map(str, pair), "--format", fmt)
    assert code == 1
    if fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        assert sorted(r["ruleId"] for r in results) == ["WF101", "WF105"]
    else:
        assert out.startswith("::error file=b/entry.py,line=6") and "WF105" in out


# --- the diagram ------------------------------------------------------------------------------------


def test_mermaid_marks_the_rename(pair: tuple[Path, Path]) -> None:
    code, out, _ = cli("diff", *map(str, pair), "--format", "mermaid")
    assert code == 1
    assert out.startswith("flowchart TD")
    assert "was: charge" in out
    renamed = [line for line in out.splitlines() if "diff_renamed" in line and line.strip().startswith("class ")]
    assert renamed and "legend_renamed" in renamed[0]


def test_dot_draws_removed_steps_as_ghosts(tmp_path: Path) -> None:
    base = write(tmp_path / "a" / "entry.py", BASE)
    head = write(tmp_path / "b" / "entry.py", BASE.replace('        await step.sleep("cool down", "1 hour")\n', ""))
    code, out, _ = cli("diff", str(base), str(head), "--format", "dot")
    assert code == 0
    ghost = [line for line in out.splitlines() if "cool down" in line]
    assert ghost and "dashed" in ghost[0]
    if shutil.which("dot"):
        assert cli("diff", str(base), str(head), "--format", "dot", "-o", str(tmp_path / "d.png"))[0] == 0
        assert (tmp_path / "d.png").read_bytes()[:4] == b"\x89PNG"


@needs_git
def test_nothing_of_the_analysed_code_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A booby-trapped tree (tests/test_security.py) read from a revision: git runs, the code
    does not."""
    from test_security import booby_trapped

    markers = tmp_path / "markers"
    tree = booby_trapped(tmp_path, markers)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.chdir(tree)
    git("init", "-q")
    git("add", "-A")
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q",
                    "--no-gpg-sign", "-m", "trap"], check=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONSAFEPATH"}
    for args in (["diff", "HEAD"], ["diff", "HEAD", "HEAD", "--format", "mermaid"]):
        proc = subprocess.run([shutil.which("wfgraph") or "wfgraph", *args], cwd=tree,
                              capture_output=True, text=True, env=env, timeout=120)
        assert "Traceback" not in proc.stderr, proc.stderr
        assert sorted(os.listdir(markers)) == []
