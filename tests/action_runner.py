"""Runs the steps of the repository's composite GitHub Action (action.yml) the way a runner does,
on this machine: ``run:`` scripts with ``bash --noprofile --norc -eo pipefail`` (GitHub's default
for ``shell: bash``), ``env:`` values with their ``${{ … }}`` expressions evaluated, outputs read
from ``$GITHUB_OUTPUT``, and ``if:`` conditions honoured.

``uses:`` steps cannot run offline, so each is replaced by a stand-in that records what it was
given: ``actions/setup-python`` answers with this interpreter, and ``upload-sarif`` records its
``with:`` values for the test to check. The expression evaluator knows only the forms action.yml
uses (context paths, quoted strings, ``==``, ``!=``, ``&&``) and raises on anything else, so a
change to the action that this runner cannot follow fails the tests instead of passing unseen.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def load_action() -> dict[str, Any]:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


@dataclass
class StepRun:
    name: str
    skipped: bool = False
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    given: dict[str, str] = field(default_factory=dict)
    """A ``uses:`` step's ``with:`` values, evaluated."""


@dataclass
class ActionRun:
    steps: list[StepRun] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(step.returncode != 0 for step in self.steps)

    def step(self, name: str) -> StepRun:
        return next(step for step in self.steps if step.name == name)

    @property
    def log(self) -> str:
        return "".join(step.stdout + step.stderr for step in self.steps)


def run_action(inputs: dict[str, str], workspace: Path, runner_temp: Path,
               replace: dict[str, Callable[[dict[str, Any]], dict[str, str]]] | None = None,
               env: dict[str, str] | None = None) -> ActionRun:
    """Run action.yml's steps in ``workspace``. ``replace`` maps a step ``id`` to a stand-in that
    takes the evaluation context and returns that step's outputs, for steps that cannot run
    here (installing from PyPI)."""
    action = load_action()
    assert action["runs"]["using"] == "composite"
    declared = action.get("inputs", {})
    unknown = set(inputs) - set(declared)
    assert not unknown, f"action.yml declares no input {sorted(unknown)}"
    ctx: dict[str, Any] = {
        "inputs": {name: str(spec.get("default", "")) for name, spec in declared.items()} | inputs,
        "github": {"action_path": str(ROOT), "workspace": str(workspace)},
        "runner": {"temp": str(runner_temp)},
        "steps": {},
    }
    result = ActionRun()
    for index, step in enumerate(action["runs"]["steps"]):
        run = StepRun(name=step.get("name", f"step {index}"))
        result.steps.append(run)
        if "if" in step and not truthy(evaluate(step["if"], ctx)):
            run.skipped = True
        elif replace and step.get("id") in replace:
            run.outputs = replace[step["id"]](ctx)
        elif "uses" in step:
            run.given = {key: substitute(str(value), ctx) for key, value in step.get("with", {}).items()}
            run.outputs = stand_in(step["uses"], run.given)
        else:
            _run_script(step, run, ctx, workspace, runner_temp, env or {})
        if "id" in step:
            ctx["steps"][step["id"]] = {"outputs": run.outputs}
        if run.returncode != 0:
            break  # later steps are skipped, as a runner does without `if: always()`
    result.outputs = {name: substitute(str(spec["value"]), ctx)
                      for name, spec in action.get("outputs", {}).items()}
    return result


def stand_in(uses: str, given: dict[str, str]) -> dict[str, str]:
    if uses.startswith("actions/setup-python@"):
        return {"python-path": sys.executable, "python-version": given.get("python-version", "")}
    if uses.startswith("github/codeql-action/upload-sarif@"):
        return {}
    raise AssertionError(f"no stand-in for `uses: {uses}`")


def _run_script(step: dict[str, Any], run: StepRun, ctx: dict[str, Any], workspace: Path,
                runner_temp: Path, extra_env: dict[str, str]) -> None:
    assert step.get("shell") == "bash", f"{run.name}: every run step sets `shell: bash`"
    script = step["run"]
    assert "${{" not in script, f"{run.name}: inputs reach scripts through env:, never ${{{{ }}}}"
    output_file = runner_temp / f"github_output_{len(ctx['steps'])}_{id(run)}"
    output_file.write_text("", encoding="utf-8")
    script_file = runner_temp / f"step_{id(run)}.sh"
    script_file.write_text(script, encoding="utf-8")
    env = dict(os.environ) | extra_env | {
        "GITHUB_OUTPUT": str(output_file),
        "GITHUB_WORKSPACE": str(workspace),
        "RUNNER_TEMP": str(runner_temp),
    }
    env |= {key: substitute(str(value), ctx) for key, value in step.get("env", {}).items()}
    proc = subprocess.run([*BASH, str(script_file)], cwd=workspace, env=env, text=True,
                          capture_output=True, timeout=600)
    run.returncode, run.stdout, run.stderr = proc.returncode, proc.stdout, proc.stderr
    run.outputs = parse_outputs(output_file.read_text(encoding="utf-8"))


def parse_outputs(text: str) -> dict[str, str]:
    """``name=value`` lines and ``name<<DELIMITER`` blocks, as GitHub reads $GITHUB_OUTPUT."""
    outputs: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            for body in lines:
                if body == delimiter:
                    break
                block.append(body)
            outputs[name] = "\n".join(block)
        elif line:
            name, _, value = line.partition("=")
            outputs[name] = value
    return outputs


def substitute(text: str, ctx: dict[str, Any]) -> str:
    return EXPRESSION.sub(lambda m: str(evaluate(m.group(1), ctx)), text)


def evaluate(expr: str, ctx: dict[str, Any]) -> Any:
    expr = expr.strip()
    if expr.startswith("${{") and expr.endswith("}}"):
        expr = expr[3:-2].strip()
    if "||" in expr or "(" in expr:
        raise AssertionError(f"expression not understood by the test runner: {expr!r}")
    terms = [t.strip() for t in expr.split("&&")]
    if len(terms) > 1:
        return all(truthy(evaluate(t, ctx)) for t in terms)
    for op in ("==", "!="):
        if op in expr:
            left, right = (_operand(part.strip(), ctx) for part in expr.split(op, 1))
            return (left == right) if op == "==" else (left != right)
    return _operand(expr, ctx)


def _operand(text: str, ctx: dict[str, Any]) -> Any:
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if text in ("true", "false"):
        return text == "true"
    if not re.fullmatch(r"[A-Za-z_][\w.-]*", text):
        raise AssertionError(f"operand not understood by the test runner: {text!r}")
    value: Any = ctx
    for part in text.split("."):
        if not isinstance(value, dict):
            raise AssertionError(f"{text!r}: {part!r} of a non-object")
        if part not in value:
            if value is ctx or value is ctx.get("inputs") or value is ctx.get("github"):
                raise AssertionError(f"unknown context value {text!r}")
            return ""  # an output a step did not set reads as an empty string
        value = value[part]
    return value


def truthy(value: Any) -> bool:
    return value not in ("", False, None, 0)
