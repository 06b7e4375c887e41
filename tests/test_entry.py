"""The ``wfgraph`` command ends its process without Python's teardown (``cli.entry``): what it
printed must still arrive whole, whatever stdout is, with ``main``'s exit status."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from wfgraph.analyzer.cli import main

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402


@pytest.fixture(scope="module")
def long_workflow(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workflow whose graph JSON (about 130 KB) is larger than any pipe or stdio buffer."""
    path = tmp_path_factory.mktemp("entry") / "long_workflow.py"
    path.write_text(generate.small_workflow(3, steps=400), encoding="utf-8")
    return path


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "wfgraph", *args]


BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
"""Output buffered as users have it (CI machines often set PYTHONUNBUFFERED)."""


def test_output_through_a_pipe_is_whole(long_workflow: Path) -> None:
    expected = io.StringIO()
    with redirect_stdout(expected):
        assert main(["graph", str(long_workflow)]) == 0
    proc = subprocess.run(_command("graph", str(long_workflow)), capture_output=True, timeout=120,
                          env=BUFFERED)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout) > 100_000
    assert proc.stdout.decode("utf-8") == expected.getvalue()
    json.loads(proc.stdout)


def test_output_to_a_file_is_whole(long_workflow: Path, tmp_path: Path) -> None:
    target = tmp_path / "graph.json"
    with target.open("wb") as out:
        proc = subprocess.run(_command("graph", "--compact", str(long_workflow)), stdout=out,
                              stderr=subprocess.PIPE, timeout=120, env=BUFFERED)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == 1


def test_exit_status_and_report_file_of_check(tmp_path: Path) -> None:
    source = tmp_path / "wf.py"
    source.write_text(
        "from workers import WorkflowEntrypoint\n\n"
        "class Flow(WorkflowEntrypoint):\n"
        "    async def run(self, event, step):\n"
        "        await step.sleep('nap', '10 fortnights')\n",
        encoding="utf-8",
    )
    report = tmp_path / "reports" / "check.sarif"
    proc = subprocess.run(_command("check", str(source), "--format", "sarif", "-o", str(report)),
                          capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env=BUFFERED)
    assert proc.returncode == 1, proc.stderr
    results = json.loads(report.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["WF040"]
    assert "1 error" in proc.stderr


def test_version_exits_zero() -> None:
    proc = subprocess.run(_command("--version"), capture_output=True, text=True, timeout=60,
                          env=BUFFERED)
    assert (proc.returncode, proc.stdout.strip()) == (0, f"wfgraph {__import__('wfgraph').__version__}")


def test_a_reader_that_goes_away_ends_it_quietly(long_workflow: Path) -> None:
    """``wfgraph graph big.py | head``: no traceback, the status of a command ended by SIGPIPE."""
    proc = subprocess.Popen(_command("graph", str(long_workflow)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=BUFFERED)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10)
    proc.stdout.close()  # more than a pipe holds is still to be written
    err = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=120) == 141
    assert "Traceback" not in err and err == ""

