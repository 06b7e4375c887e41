"""The GitHub Action (action.yml) as a job runs it: its shell steps run here, with the inputs
substituted, against small workflow files, and the test checks what they leave behind (the SARIF
report that would be uploaded, annotations, outputs, whether the job fails).

The install step needs PyPI, so by default the wfgraph under test stands in for it; with
``WFGRAPH_TEST_NETWORK=1`` (set by ``.ci/run``) it runs for real: a fresh virtual
environment, ``pip install`` of the action's own checkout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from wfgraph import __version__

from action_runner import BASH, ActionRun, load_action, run_action
from conftest import ROOT

SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json")
                          .read_text(encoding="utf-8"))

UNAWAITED = '''\
from workers import WorkflowEntrypoint


class Orders(WorkflowEntrypoint):
    async def run(self, event, step):
        @step.do("charge")
        async def charge():
            return 1

        charge()
        await step.sleep("rest", "1 minute")
'''

CLEAN = UNAWAITED.replace("class Orders", "class Clean").replace("        charge()", "        await charge()")


def installed_here(ctx: dict[str, Any]) -> dict[str, str]:
    """The install step's stand-in: the wfgraph command of the environment running the tests."""
    command = Path(sys.executable).with_name("wfgraph")
    assert command.exists(), "the tests run with wfgraph installed (pip install -e '.[test]')"
    return {"wfgraph": str(command)}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "repo"
    (ws / "src").mkdir(parents=True)
    (ws / "src" / "orders.py").write_text(UNAWAITED, encoding="utf-8")
    (ws / "src" / "clean.py").write_text(CLEAN, encoding="utf-8")
    return ws


def act(workspace: Path, **inputs: str) -> ActionRun:
    temp = workspace.parent / "runner-temp"
    temp.mkdir(exist_ok=True)
    return run_action(inputs, workspace, temp, replace={"install": installed_here})


def test_sarif_is_uploaded_then_the_job_fails_on_error_findings(workspace: Path) -> None:
    run = act(workspace)  # the defaults: paths ".", format sarif, upload
    assert run.outputs["exit-code"] == "1"
    upload = run.step("Upload SARIF to code scanning")
    assert not upload.skipped
    assert upload.given["category"] == "wfgraph"
    sarif_path = Path(upload.given["sarif_file"])
    assert sarif_path == Path(run.outputs["sarif-file"])
    sarif = json.loads(sarif_path.read_text(encoding="utf-8"))
    jsonschema.validate(sarif, SARIF_SCHEMA)
    (report,) = sarif["runs"]
    assert report["tool"]["driver"]["name"] == "wfgraph"
    results = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"])
               for r in report["results"]]
    # Paths relative to the repository, as code scanning needs them to place alerts.
    assert results == [("WF020", "src/orders.py", 10)]
    assert run.failed and run.steps[-1].returncode == 1


def test_clean_code_passes_and_still_uploads(workspace: Path) -> None:
    run = act(workspace, paths="src/clean.py")
    assert run.outputs["exit-code"] == "0"
    assert not run.failed
    upload = run.step("Upload SARIF to code scanning")
    sarif = json.loads(Path(upload.given["sarif_file"]).read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"] == []  # an empty upload closes alerts that were fixed


def test_github_format_writes_annotations_and_uploads_nothing(workspace: Path) -> None:
    run = act(workspace, format="github")
    check = run.step("Run wfgraph check")
    annotations = [line for line in check.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 1
    assert annotations[0].startswith("::error file=src/orders.py,line=10,")
    assert "title=WF020 (unawaited-step)" in annotations[0]
    assert run.step("Upload SARIF to code scanning").skipped
    assert "sarif-file" not in check.outputs
    assert run.outputs["exit-code"] == "1" and run.failed


def test_sarif_without_upload(workspace: Path) -> None:
    run = act(workspace, **{"upload-sarif": "false"})
    assert run.step("Upload SARIF to code scanning").skipped
    assert Path(run.outputs["sarif-file"]).is_file()


def test_paths_on_several_lines_and_extra_arguments(workspace: Path) -> None:
    (workspace / "src" / "other.py").write_text(UNAWAITED.replace("Orders", "Other"), encoding="utf-8")
    run = act(workspace, paths="src/clean.py\nsrc/orders.py", format="json",
              args="--ignore WF020")
    check = run.step("Run wfgraph check")
    assert json.loads(check.stdout) == []  # other.py is not among the paths; WF020 ignored
    assert run.outputs["exit-code"] == "0" and not run.failed
    run = act(workspace, paths="src", format="json", args="--exit-zero")
    findings = json.loads(run.step("Run wfgraph check").stdout)
    assert sorted((f["code"], f["path"]) for f in findings) == [
        ("WF020", "src/orders.py"), ("WF020", "src/other.py")]
    assert not run.failed


def test_inputs_are_not_shell_code(workspace: Path) -> None:
    marker = workspace.parent / "injected"
    run = act(workspace, paths=f"src/clean.py; touch {marker}", format="text",
              args=f"$(touch {marker})")
    assert not marker.exists()
    assert run.outputs["exit-code"] == "2"  # wfgraph was given odd arguments, and said so


def test_usage_error_fails_without_a_report(workspace: Path) -> None:
    run = act(workspace, args="--plan enterprise")
    assert run.outputs["exit-code"] == "2"
    assert run.outputs["sarif-file"] == ""
    assert run.step("Upload SARIF to code scanning").skipped
    assert run.failed and run.steps[-1].returncode == 2


def test_unknown_format_is_refused(workspace: Path) -> None:
    run = act(workspace, format="xml")
    assert run.outputs["exit-code"] == "2"
    assert "::error title=wfgraph::format must be" in run.step("Run wfgraph check").stdout
    assert run.failed


def test_the_jobs_python_is_left_alone() -> None:
    (setup,) = [s for s in load_action()["runs"]["steps"] if s.get("uses", "").startswith("actions/setup-python@")]
    assert setup["with"]["update-environment"] is False


def test_every_script_is_valid_bash() -> None:
    for step in load_action()["runs"]["steps"]:
        if "run" in step:
            proc = subprocess.run([*BASH, "-n"], input=step["run"], text=True, capture_output=True)
            assert proc.returncode == 0, f"{step['name']}: {proc.stderr}"


@pytest.mark.skipif(os.environ.get("WFGRAPH_TEST_NETWORK") != "1",
                    reason="installs wfgraph and its dependencies from PyPI (WFGRAPH_TEST_NETWORK=1)")
def test_install_step_installs_from_the_action_checkout(workspace: Path) -> None:
    temp = workspace.parent / "runner-temp"
    temp.mkdir()
    # Only the python executable of this environment; the action's venv must get everything else.
    run = run_action({"paths": "src", "format": "json"}, workspace, temp)
    install = run.step("Install wfgraph")
    assert install.returncode == 0, install.stderr
    command = Path(install.outputs["wfgraph"])
    assert command.parent.parent == temp / "wfgraph-venv"
    assert run.outputs["exit-code"] == "1"
    findings = json.loads(run.step("Run wfgraph check").stdout)
    assert [(f["code"], f["path"]) for f in findings] == [("WF020", "src/orders.py")]
    version = subprocess.run([str(command), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("wfgraph ")
    shutil.rmtree(temp / "wfgraph-venv")


def test_readme_workflow_uses_the_actions_inputs() -> None:
    """The README's workflow YAML is what users copy: it must name this version and real inputs."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    jobs = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "jobs:" in b]
    uses = [step for doc in jobs for job in doc["jobs"].values() for step in job["steps"]
            if step.get("uses", "").startswith("wfgraph/wfgraph@")]
    assert uses, "the README shows the action in a workflow"
    inputs = set(load_action()["inputs"])
    for step in uses:
        assert step["uses"] == f"wfgraph/wfgraph@v{__version__}"
        assert set(step.get("with", {})) <= inputs
