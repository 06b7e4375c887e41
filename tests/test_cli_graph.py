"""``wfgraph graph`` as a user runs it: exit codes, where messages go, determinism (SEMANTICS §1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wfgraph.analyzer.cli import main

from conftest import FIXTURES, ROOT

DOCS_EXAMPLE = FIXTURES / "realistic" / "cloudflare_docs.py"


def run_cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wfgraph.analyzer", *args],
        cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})},
    )


def test_single_workflow_prints_its_graph_object() -> None:
    proc = run_cli("graph", str(DOCS_EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["version"] == 1
    assert data["workflow"]["class_name"] == "MyWorkflow"
    assert proc.stderr == ""


def test_several_classes_are_keyed_by_name_and_class_selects_one() -> None:
    source = FIXTURES / "functions" / "two_workflows.py"
    both = json.loads(run_cli("graph", str(source)).stdout)
    assert list(both) == ["A", "B"]
    one = run_cli("graph", str(source), "--class", "B")
    assert json.loads(one.stdout) == both["B"]


def test_unknown_class_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_cli("graph", str(DOCS_EXAMPLE), "--class", "Nope")
    assert proc.returncode == 2
    assert "Nope" in proc.stderr
    assert proc.stdout == ""


def test_syntax_error_reports_path_line_col_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from workers import WorkflowEntrypoint\n\nclass W(WorkflowEntrypoint:\n    pass\n")
    proc = run_cli("graph", str(bad))
    assert proc.returncode == 2
    first = proc.stderr.splitlines()[0]
    assert first.startswith(f"{bad}:3:")
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_file_without_workflows_says_so_and_exits_1(tmp_path: Path) -> None:
    plain = tmp_path / "plain.py"
    plain.write_text("x = 1\n")
    proc = run_cli("graph", str(plain))
    assert proc.returncode == 1
    assert "no workflow" in proc.stderr
    assert proc.stdout == ""


def test_class_without_steps_is_named_on_stderr() -> None:
    proc = run_cli("graph", str(FIXTURES / "discovery" / "import_aliases.py"))
    assert proc.returncode == 0
    assert "import_aliases.py:31:7: E runs no steps" in proc.stderr
    assert "Base" not in proc.stderr  # an abstract base of other workflows is not reported
    assert "E" not in json.loads(proc.stdout)


@pytest.mark.parametrize("content", [b"\xff\xfe\x00garbage", b""])
def test_undecodable_or_empty_file_is_a_clean_message(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "odd.py"
    path.write_bytes(content)
    proc = run_cli("graph", str(path))
    assert proc.returncode in (1, 2)
    assert "Traceback" not in proc.stderr
    assert str(path) in proc.stderr


def test_missing_file_is_reported_and_others_still_analysed(tmp_path: Path) -> None:
    proc = run_cli("graph", str(tmp_path / "missing.py"), str(DOCS_EXAMPLE))
    assert proc.returncode == 2
    assert "missing.py:1:1: no such file" in proc.stderr
    data = json.loads(proc.stdout)
    assert list(data) == [f"{DOCS_EXAMPLE}::MyWorkflow"]


def test_compact_and_envelope() -> None:
    proc = run_cli("graph", str(DOCS_EXAMPLE), "--compact", "--envelope",
                   "--version-id", "11111111-1111-1111-1111-111111111111")
    assert proc.returncode == 0
    assert "\n" not in proc.stdout.rstrip("\n")
    data = json.loads(proc.stdout)
    assert list(data) == ["id", "class_name", "created_on", "modified_on", "workflow_id", "graph"]
    assert data["id"] == "11111111-1111-1111-1111-111111111111"
    assert data["created_on"] == "1970-01-01T00:00:00Z"
    from cloudflare.types.workflows import VersionGraphResponse

    VersionGraphResponse.model_validate(data)


def test_output_is_byte_identical_across_runs_and_hash_seeds() -> None:
    outputs = {run_cli("graph", str(FIXTURES / "realistic" / "order_pipeline.py"),
                       env={"PYTHONHASHSEED": seed}).stdout for seed in ("0", "1", "12345")}
    assert len(outputs) == 1


def test_non_ascii_is_written_as_is() -> None:
    proc = run_cli("graph", str(FIXTURES / "core" / "unicode_and_multiline.py"))
    assert "schlafen 😴" in proc.stdout
    assert "\\u" not in proc.stdout


def test_schema_command_prints_a_json_schema() -> None:
    proc = run_cli("schema")
    schema = json.loads(proc.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "StepDo" in schema["$defs"]


def test_main_returns_2_on_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph"]) == 2
    assert main(["--nope"]) == 2
