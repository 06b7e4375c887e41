"""Bad values never give a traceback and are never silently accepted (issue 11): each is a usage
error (exit 2) that names the option or variable, or a finding at the place that holds it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from wfgraph.analyzer.cli import main

from conftest import FIXTURES, ROOT
from test_cli_check import CLEAN, PROBLEMS, check, write

DOCS = str(FIXTURES / "realistic" / "cloudflare_docs.py")
UNICODE = str(FIXTURES / "core" / "unicode_and_multiline.py")


def usage_error(capsys: pytest.CaptureFixture[str], args: list[str], names: str) -> str:
    """Run ``args``: exit 2, nothing on stdout, the option named on stderr, no traceback."""
    code = main(args)
    captured = capsys.readouterr()
    assert (code, captured.out) == (2, ""), captured.err
    assert names in captured.err and "Traceback" not in captured.err
    return captured.err


# --- options --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "2026-02-30T10:00", ""])
def test_created_on_must_be_iso_8601(capsys, value: str) -> None:
    err = usage_error(capsys, ["graph", DOCS, "--envelope", "--created-on", value], "--created-on")
    assert err.startswith("usage: wfgraph graph ")


def test_created_on_is_read_as_utc_without_an_offset(capsys) -> None:
    assert main(["graph", DOCS, "--envelope", "--created-on", "2026-03-01"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["created_on"] == data["modified_on"] == "2026-03-01T00:00:00Z"


@pytest.mark.parametrize("option", [["--version-id", "v"], ["--workflow-id", "w"],
                                    ["--created-on", "2026-03-01"]])
def test_envelope_fields_need_the_envelope(capsys, option: list[str]) -> None:
    err = usage_error(capsys, ["graph", DOCS, *option], option[0])
    assert "--envelope" in err


@pytest.mark.parametrize(("args", "names"), [
    (["--select", "WF099"], "--select: 'WF099'"),
    (["--select", "WF010,WF6"], "--select: 'WF6'"),
    (["--ignore", "WF0X"], "--ignore: 'WF0X'"),
    (["--statistics", "--format", "sarif"], "--statistics"),
    (["--stdin-filename", "a.py"], "--stdin-filename"),
])
def test_check_option_values(project: Path, capsys, args: list[str], names: str) -> None:
    write(project, "flow.py", CLEAN)
    err = usage_error(capsys, ["check", "flow.py", *args], names)
    assert err.startswith("usage: wfgraph check ")


def test_standard_input_is_not_combined_with_paths(project: Path, capsys) -> None:
    write(project, "flow.py", CLEAN)
    usage_error(capsys, ["check", "-", "flow.py"], "standard input")


# --- environment ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "value"), [
    ("WFGRAPH_JOBS", "abc"), ("WFGRAPH_JOBS", "2.5"),
    ("WFGRAPH_MAX_FILE_SIZE", "abc"), ("WFGRAPH_MAX_FILE_SIZE", "-1"), ("WFGRAPH_MAX_FILE_SIZE", "2MB"),
])
@pytest.mark.parametrize("command", ["graph", "check", "mermaid"])
def test_environment_variables_are_checked(project: Path, capsys, monkeypatch, name: str,
                                           value: str, command: str) -> None:
    write(project, "flow.py", CLEAN)
    monkeypatch.setenv(name, value)
    err = usage_error(capsys, [command, "flow.py"], name)
    assert repr(value) in err


@pytest.mark.parametrize("value", ["abc", "99999999999999", "-5", "1.5"])
def test_source_date_epoch_is_checked_when_it_is_used(capsys, monkeypatch, value: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    usage_error(capsys, ["graph", DOCS, "--envelope"], "SOURCE_DATE_EPOCH")
    assert main(["graph", DOCS]) == 0, "without --envelope it is not read"
    capsys.readouterr()
    assert main(["graph", DOCS, "--envelope", "--created-on", "2026-03-01"]) == 0, \
        "--created-on takes its place"


def test_source_date_epoch_sets_the_times(capsys, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1772323200")
    assert main(["graph", DOCS, "--envelope"]) == 0
    assert json.loads(capsys.readouterr().out)["created_on"] == "2026-03-01T00:00:00Z"


@pytest.mark.parametrize("args", [["graph", UNICODE], ["mermaid", UNICODE],
                                  ["check", UNICODE, "--select", "WF0"]])
def test_output_is_utf8_whatever_pythonioencoding_says(args: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "wfgraph", *args], capture_output=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "cp1252"})
    assert proc.returncode in (0, 1), proc.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in proc.stderr
    text = (proc.stdout + proc.stderr).decode("utf-8")
    if args[0] != "check":
        assert "schlafen 😴" in text


# --- configuration --------------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "line"), [
    ('select = ["WF099"]\n', 2),
    ('ignore = ["WF0", "WF7"]\n', 2),
    ('\n[tool.wfgraph.per-file-ignores]\n"tests/*" = ["WF031", "WF311"]\n', 4),
])
def test_unknown_codes_in_pyproject(project: Path, capsys, body: str, line: int) -> None:
    write(project, "flow.py", CLEAN)
    write(project, "pyproject.toml", "[tool.wfgraph]\n" + body)
    code = main(["check", "flow.py"])
    captured = capsys.readouterr()
    assert (code, captured.out) == (2, "")
    assert captured.err.startswith(f"wfgraph check: {project.resolve() / 'pyproject.toml'}:{line}:")
    assert "matches no rule code" in captured.err


def test_unknown_code_in_a_suppression_is_reported(project: Path, capsys) -> None:
    write(project, "flow.py", PROBLEMS.replace("        fetch()\n",
                                               "        fetch()  # wfgraph: ignore[WF020, WF099]\n"))
    code, out, err = check(capsys, "flow.py", "--format", "json")
    records = json.loads(out)
    [unused] = [r for r in records if r["code"] == "WF090"]
    assert (unused["line"], unused["column"]) == (11, 20)
    assert "no rule has the code WF099" in unused["message"]
    assert "WF020" not in unused["message"], "WF020 was used: it silenced the finding"
    assert "WF020" not in [r["code"] for r in records]


TRIPS = textwrap.dedent('''\
    from workers import WorkflowEntrypoint


    class Etl(WorkflowEntrypoint):
        async def run(self, event, step):
            @step.do("page")
            async def page():
                return 1

            for item in event["payload"]["items"]:
                await page()
    ''')


def test_stale_loop_trip_counts_keys_are_reported_at_the_key(project: Path, capsys) -> None:
    write(project, "src/etl.py", TRIPS)
    write(project, "pyproject.toml", textwrap.dedent('''\
        [tool.wfgraph.loop-trip-counts]
        "src/etl.py:10" = 50
        "src/etl.py:11" = 50
        "src/gone.py:3" = 50
        '''))
    code, out, err = check(capsys, "src", "--format", "json", "--verbose")
    records = [(r["code"], r["path"], r["line"]) for r in json.loads(out)]
    assert records == [("WF092", "pyproject.toml", 3), ("WF092", "pyproject.toml", 4)]
    assert code == 0 and "at most 50 counted steps" in err, "the key on the loop's line applies"


def test_inline_trip_counts_apply_and_stale_ones_are_reported(project: Path, capsys) -> None:
    text = TRIPS.replace('["items"]:\n', '["items"]:  # wfgraph: trip-count=500\n')
    text = text.replace("            await page()\n", "            await page()  # wfgraph: trip-count=7\n")
    write(project, "etl.py", text)
    code, out, err = check(capsys, "etl.py", "--format", "json", "--verbose")
    assert [(r["code"], r["line"]) for r in json.loads(out)] == [("WF092", 11)]
    assert "Etl: at most 500 counted steps per instance" in err
    write(project, "etl.py", TRIPS.replace('["items"]:\n', '["items"]:  # wfgraph: trip-count=lots\n'))
    code, out, _ = check(capsys, "etl.py", "--format", "json")
    assert sorted(r["code"] for r in json.loads(out)) == ["WF002", "WF092"], \
        "an unreadable count is reported, and the loop stays unbounded"
