"""The CLI's options beyond the basics, against ruff's and mypy's conventions (issue 11): quiet,
verbose and statistics output, the report written to a file, colour (NO_COLOR, FORCE_COLOR),
source snippets, standard input, ``--show-settings``, ``wfgraph rule``, ``wfgraph schema
--graph|--envelope``, ``python -m wfgraph``, and subcommand errors with the subcommand's usage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from wfgraph.analyzer.checks.catalog import catalog
from wfgraph.analyzer.cli import main
from wfgraph.analyzer.emit.json import dumps, envelope
from wfgraph.schema import Graph

from conftest import FIXTURES, ROOT, fixture_sources
from test_cli_check import CLEAN, PROBLEMS, PROBLEM_FINDINGS, check, found, write


def run(*args: str, cwd: Path = ROOT, stdin: str | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wfgraph", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


# --- how much is printed --------------------------------------------------------------------------


def test_quiet_prints_the_report_only(project: Path, capsys) -> None:
    write(project, "flow.py", PROBLEMS)
    code, out, err = check(capsys, "flow.py", "--quiet", "--format", "json")
    assert (code, found(out), err) == (1, PROBLEM_FINDINGS, "")
    code, out, err = check(capsys, "flow.py", "-q")
    assert code == 1 and out and err == ""


def test_verbose_adds_one_budget_line_per_workflow(project: Path, capsys) -> None:
    write(project, "a.py", CLEAN)
    write(project, "b.py", CLEAN.replace("class Clean", "class Other"))
    _, _, err = check(capsys, "a.py", "b.py")
    assert len(err.splitlines()) == 1, "without --verbose: one summary line"
    assert "largest step budget: a.py::Clean at most 1 of 10,000" in err
    _, _, err = check(capsys, "a.py", "b.py", "--verbose")
    assert err.splitlines()[:2] == [
        "a.py: Clean: at most 1 counted step per instance; limit 10,000 (paid plan default)",
        "b.py: Other: at most 1 counted step per instance; limit 10,000 (paid plan default)"]
    assert err.splitlines()[2].startswith("wfgraph check: 2 files, 2 workflows")


def test_statistics_counts_per_code_instead_of_findings(project: Path, capsys) -> None:
    write(project, "a.py", PROBLEMS)
    write(project, "b.py", PROBLEMS.replace("class Problems", "class More"))
    code, out, err = check(capsys, "a.py", "b.py", "--statistics")
    assert code == 1
    assert out == "2\tWF020\tunawaited-step\n2\tWF031\tnondeterminism-outside-step\n2\tWF040\tinvalid-duration\n"
    assert "a.py: Problems: no counted steps per instance" in err, "with the budget lines"
    code, out, _ = check(capsys, "a.py", "--statistics", "--format", "json")
    assert json.loads(out) == [{"code": "WF020", "name": "unawaited-step", "count": 1},
                               {"code": "WF031", "name": "nondeterminism-outside-step", "count": 1},
                               {"code": "WF040", "name": "invalid-duration", "count": 1}]


def test_output_file_takes_the_report(project: Path, capsys) -> None:
    write(project, "flow.py", PROBLEMS)
    (project / "taken").write_text("a file where the folder would go")
    code, out, err = check(capsys, "flow.py", "--format", "sarif", "--output-file", "taken/report.sarif")
    assert (code, out) == (2, ""), "the folder cannot be made"
    assert "taken/report.sarif: cannot write" in err and "Traceback" not in err
    code, out, err = check(capsys, "flow.py", "--format", "sarif", "-o", "out/report.sarif")
    assert (code, out) == (1, "")
    log = json.loads((project / "out" / "report.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["WF020", "WF031", "WF040"]
    assert err.startswith("wfgraph check: 1 file, 1 workflow")


# --- colour and source ----------------------------------------------------------------------------


@pytest.mark.parametrize(("option", "env", "coloured"), [
    ("auto", {}, False),                                   # not a terminal
    ("auto", {"FORCE_COLOR": "1"}, True),
    ("auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins in auto mode
    ("auto", {"FORCE_COLOR": "0"}, False),
    ("always", {"NO_COLOR": "1"}, True),                    # the command line wins
    ("never", {"FORCE_COLOR": "1"}, False),
])
def test_color(project: Path, capsys, monkeypatch, option: str, env: dict[str, str],
               coloured: bool) -> None:
    write(project, "flow.py", PROBLEMS)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    _, out, _ = check(capsys, "flow.py", "--color", option)
    assert ("\x1b[" in out) is coloured
    _, out, _ = check(capsys, "flow.py", "--color", option, "--format", "json")
    assert "\x1b[" not in out, "machine formats are never coloured"


def test_show_source_in_a_pipe_and_no_show_source(project: Path, capsys) -> None:
    write(project, "flow.py", PROBLEMS)
    _, out, _ = check(capsys, "flow.py", "--show-source")
    assert "13 |             await step.sleep(\"nap\", \"10s\")\n" in out
    assert "   |                                     ^^^^^\n" in out
    _, out, _ = check(capsys, "flow.py", "--no-show-source")
    assert "|" not in out


# --- standard input -------------------------------------------------------------------------------


def test_check_reads_standard_input_under_the_name_given(tmp_path: Path) -> None:
    write(tmp_path, "src/entry.py", CLEAN)  # on disk: clean; on stdin: problems
    write(tmp_path, "wrangler.toml", 'name = "a"\nmain = "src/entry.py"\n'
          'compatibility_date = "2025-10-01"\n')
    proc = run("check", "-", "--stdin-filename", "src/entry.py", "--format", "json",
               cwd=tmp_path, stdin=PROBLEMS)
    assert proc.returncode == 1, proc.stderr
    records = json.loads(proc.stdout)
    assert [(r["path"], r["code"], r["line"]) for r in records] == [
        ("src/entry.py", code, line) for code, line in PROBLEM_FINDINGS]
    deps = "from workers import WorkflowEntrypoint\nclass D(WorkflowEntrypoint):\n" \
           "    async def run(self, event, step):\n        @step.do()\n" \
           "        async def f():\n            return 1\n        await f()\n"
    proc = run("check", "-", "--stdin-filename", "src/entry.py", "--format", "json",
               cwd=tmp_path, stdin=deps)
    assert [r["code"] for r in json.loads(proc.stdout)] == ["WF022"], \
        "the wrangler file of the name given sets the mode (legacy: step.do() needs a name)"


def test_graph_reads_standard_input(tmp_path: Path) -> None:
    source = (FIXTURES / "realistic" / "cloudflare_docs.py").read_text(encoding="utf-8")
    proc = run("graph", "-", stdin=source)
    assert proc.returncode == 0, proc.stderr
    expected = json.loads((FIXTURES / "realistic" / "cloudflare_docs.graph.json").read_text(encoding="utf-8"))
    assert json.loads(proc.stdout) == expected
    write(tmp_path, "app/wrangler.toml", 'name = "a"\nmain = "flow.py"\ncompatibility_date = "%DATE%"\n')
    proc = run("graph", "-", "--stdin-filename", "app/flow.py", cwd=tmp_path, stdin=source)
    assert json.loads(proc.stdout) == expected
    assert proc.stderr.startswith("app/wrangler.toml:3:22: warning: "), \
        "the wrangler file of the name given applies"


# --- settings -------------------------------------------------------------------------------------


def test_show_settings_names_the_files_that_govern_each_file(project: Path, capsys) -> None:
    write(project, "pyproject.toml", '[tool.wfgraph]\nignore = ["WF041"]\nplan = "free"\n')
    write(project, "w1/wrangler.toml", 'name = "w1"\nmain = "a.py"\ncompatibility_date = "2026-03-01"\n'
          '[[workflows]]\nname = "c"\nbinding = "C"\nclass_name = "Clean"\nlimits = { steps = 5 }\n')
    write(project, "w1/a.py", CLEAN)
    write(project, "w2/b.py", CLEAN)
    code, out, err = check(capsys, "w2", "w1", "--show-settings", "--format", "json")
    assert code == 0
    settings = json.loads(out)
    assert list(settings) == ["w1/a.py", "w2/b.py"]
    assert settings["w1/a.py"]["pyproject"] == settings["w2/b.py"]["pyproject"] == "pyproject.toml"
    assert (settings["w1/a.py"]["wrangler"], settings["w2/b.py"]["wrangler"]) == ("w1/wrangler.toml", None)
    assert settings["w1/a.py"]["step.do"].startswith("implicit dependencies (compatibility_date 2026-03-01")
    assert settings["w1/a.py"]["step limit"] == {"limits.steps": {"Clean": 5}, "otherwise": "free plan 1,024"}
    assert settings["w2/b.py"]["ignore"] == ["WF041"]
    code, out, _ = check(capsys, "w1", "--show-settings")
    assert out.splitlines()[:3] == ["w1/a.py", "  pyproject:         pyproject.toml",
                                    "  wrangler:          w1/wrangler.toml"]


# --- wfgraph rule ---------------------------------------------------------------------------------


def test_rule_prints_the_documentation_from_the_package(capsys) -> None:
    assert main(["rule", "WF031"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# WF031 nondeterminism-outside-step\n\n*Severity: warning.*")
    assert "## Why is this bad?" in out
    assert out.rstrip().endswith("docs/rules.md#wf031-nondeterminism-outside-step")
    assert main(["rule", "nondeterminism-outside-step"]) == 0
    assert capsys.readouterr().out == out, "a rule's name works too"


def test_rule_all_and_json(capsys) -> None:
    assert main(["rule", "--all", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in records] == [rule.code for rule in catalog()]
    assert all(r["url"].startswith("https://github.com/wfgraph/wfgraph/") for r in records)


def test_unknown_rule_is_a_usage_error(capsys) -> None:
    assert main(["rule", "WF099"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: wfgraph rule") and "'WF099'" in err


def test_json_findings_carry_their_rule_url(project: Path, capsys) -> None:
    write(project, "flow.py", PROBLEMS)
    _, out, _ = check(capsys, "flow.py", "--format", "json")
    assert [r["url"].rsplit("#", 1)[1] for r in json.loads(out)] == [
        "wf020-unawaited-step", "wf031-nondeterminism-outside-step", "wf040-invalid-duration"]


# --- wfgraph schema -------------------------------------------------------------------------------


def _goldens() -> list[tuple[str, dict]]:
    out = []
    for source in fixture_sources():
        golden = source.with_suffix(".graph.json")
        if golden.exists():
            data = json.loads(golden.read_text(encoding="utf-8"))
            graphs = [data] if "workflow" in data else list(data.values())
            out += [(golden.name, graph) for graph in graphs]
    return out


def test_schema_default_describes_graphs_default_output_and_every_golden_validates() -> None:
    default, graph, wrapped = (json.loads(run("schema", *flag).stdout)
                               for flag in ((), ("--graph",), ("--envelope",)))
    assert default == graph, "the default matches `wfgraph graph`'s default output"
    graph_validator = jsonschema.Draft202012Validator(graph)
    envelope_validator = jsonschema.Draft202012Validator(wrapped)
    goldens = _goldens()
    assert len(goldens) > 50
    for name, data in goldens:
        assert not list(graph_validator.iter_errors(data)), name
        response = json.loads(dumps(envelope(data["workflow"]["class_name"], Graph.model_validate(data))))
        assert not list(envelope_validator.iter_errors(response)), name
        assert list(envelope_validator.iter_errors(data)), "a bare graph is not an envelope"
    assert run("schema", "--graph", "--envelope").returncode == 2


# --- entry points and errors ----------------------------------------------------------------------


def test_python_m_wfgraph() -> None:
    proc = run("--version")
    assert (proc.returncode, proc.stdout.strip()) == (0, "wfgraph 0.1.0")
    proc = run("graph", str(FIXTURES / "realistic" / "cloudflare_docs.py"))
    assert proc.returncode == 0 and json.loads(proc.stdout)["workflow"]["class_name"] == "MyWorkflow"


def test_subcommand_errors_print_the_subcommands_usage(project: Path, capsys) -> None:
    write(project, "flow.py", CLEAN)
    for args, command in ((["check", "flow.py", "--select", "WF0X"], "check"),
                          (["check", "flow.py", "--format", "xml"], "check"),
                          (["graph"], "graph"),
                          (["graph", "flow.py", "--version-id", "x"], "graph")):
        assert main(args) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"usage: wfgraph {command} "), err
        assert f"wfgraph {command}: error: " in err


def test_unknown_class_lists_the_classes_that_exist() -> None:
    proc = run("graph", str(FIXTURES / "functions" / "two_workflows.py"), "--class", "Nope")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.strip().endswith("workflow classes found: A, B")


def test_check_a_file_that_is_not_python(project: Path, capsys) -> None:
    write(project, "worker.ts", "export class W extends WorkflowEntrypoint {}\n")
    write(project, "flow.py", PROBLEMS)
    code, out, _ = check(capsys, "worker.ts", "flow.py", "--format", "json")
    assert code == 2
    records = json.loads(out)
    assert (records[-1]["code"], records[-1]["path"]) == ("WF000", "worker.ts")
    assert "not a Python file" in records[-1]["message"] and "syntax" not in records[-1]["message"]
    assert found(out)[:3] == PROBLEM_FINDINGS, "the other files are still checked"


def test_readme_documents_every_check_option() -> None:
    from wfgraph.analyzer.cli import build_parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    for name, command in parser.get_default("subcommands").items():
        if name in ("dot", "mermaid"):
            continue  # the diagram commands' options are documented with the diagrams
        for action in command._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag not in ("--help", "--no-show-source"):
                    assert flag in readme, f"wfgraph {name} {flag} is not in README.md"
    assert "wfgraph rule WF031" in readme and "python -m wfgraph" in readme
