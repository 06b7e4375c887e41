"""Start-up does not regress silently: each command, run in a fresh interpreter, imports no heavy
package beyond what ``commands.NEEDS`` allows (docs/design.md: ``wfgraph --version`` must not import
libcst, pydantic or networkx). Speed itself is measured by benchmarks/run.py, never here."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from wfgraph.analyzer.commands import HEAVY, NEEDS

from conftest import FIXTURES, ROOT

WORKFLOW = FIXTURES / "realistic" / "order_pipeline.py"

DRIVER = r"""
import json, sys
from wfgraph.analyzer.cli import main
try:
    code = main(sys.argv[2:])
finally:
    loaded = sorted(name for name in json.loads(sys.argv[1]) if name in sys.modules)
    sys.__stderr__.write("\nIMPORTED " + json.dumps(loaded) + "\n")
sys.exit(code)
"""


def imported(*args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    proc = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(HEAVY), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    marker = proc.stderr.rstrip().rsplit("\n", 1)[-1]
    assert marker.startswith("IMPORTED "), proc.stderr
    return set(json.loads(marker.removeprefix("IMPORTED "))), proc


@pytest.mark.parametrize("option", ["--version", "--help"])
def test_version_and_help_import_no_heavy_package(option: str) -> None:
    loaded, proc = imported(option)
    assert proc.returncode == 0
    assert loaded == set()


@pytest.mark.parametrize("args", [
    ("graph", str(WORKFLOW)),
    ("graph", "--envelope", "--compact", str(WORKFLOW)),
    ("check", str(WORKFLOW)),
    ("check", "--format", "sarif", str(WORKFLOW)),
    ("mermaid", str(WORKFLOW)),
    ("dot", str(WORKFLOW)),
    ("schema",),
    ("rule", "WF020"),
    ("diff", str(WORKFLOW), str(WORKFLOW)),
], ids=lambda args: " ".join(a for a in args if not a.endswith(".py")))
def test_each_command_imports_only_what_it_needs(args: tuple[str, ...]) -> None:
    loaded, proc = imported(*args)
    assert proc.returncode in (0, 1), proc.stderr
    assert loaded <= NEEDS[args[0]], f"{args[0]} imported {sorted(loaded - NEEDS[args[0]])}"
    assert loaded, "the driver sees imports (each of these commands needs one package)"


def test_the_table_names_every_command() -> None:
    from wfgraph.analyzer.cli import build_parser

    parser = build_parser()
    [sub] = [a for a in parser._actions if a.dest == "command"]
    assert set(sub.choices) | {"--version", "--help"} == set(NEEDS)
