"""Determinism (issue 5, item 5; SEMANTICS §1.4): the same input gives byte-identical output
(stdout and stderr) across runs, ``PYTHONHASHSEED`` values, the order files are given in, and
worker processes versus this process."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

SEEDS = ("0", "1", "4242", "random")


def cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-m", "wfgraph.analyzer", *args], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, **(env or {})})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every fixture, plus files that give diagnostics, in a folder of its own."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(FIXTURES, root / "fixtures")
    (root / "broken.py").write_text("from workers import WorkflowEntrypoint\nclass W(:\n")
    (root / "latin1.py").write_bytes(b"# WorkflowEntrypoint caf\xe9\n")
    return root


def files_of(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*.py"))


@pytest.mark.parametrize("extra", [[], ["--envelope"], ["--compact"]], ids=["plain", "envelope", "compact"])
def test_byte_identical_across_runs_and_hash_seeds(corpus: Path, extra: list[str]) -> None:
    outputs = {cli("graph", str(corpus), *extra, env={"PYTHONHASHSEED": seed}) for seed in SEEDS}
    assert len(outputs) == 1
    [(code, stdout, stderr)] = outputs
    assert code == 2 and stdout and "broken.py:2:" in stderr


def test_byte_identical_whatever_the_order_of_files(corpus: Path) -> None:
    files = files_of(corpus)
    rng = random.Random(5)
    orders = [files, files[::-1]] + [rng.sample(files, len(files)) for _ in range(2)]
    outputs = {cli("graph", *order) for order in orders}
    assert len(outputs) == 1
    # Naming the directory gives the same as naming every file in it.
    assert cli("graph", str(corpus)) in outputs


def test_byte_identical_in_workers_and_in_this_process(corpus: Path) -> None:
    here = cli("graph", str(corpus), env={"WFGRAPH_JOBS": "1"})
    there = {cli("graph", str(corpus), env={"WFGRAPH_JOBS": jobs}) for jobs in ("2", "3")}
    assert there == {here}


def test_two_files_swapped(tmp_path: Path) -> None:
    a = FIXTURES / "realistic" / "order_pipeline.py"
    b = FIXTURES / "functions" / "two_workflows.py"
    assert cli("graph", str(a), str(b)) == cli("graph", str(b), str(a))


@pytest.mark.parametrize("command", ["dot", "mermaid"])
def test_diagrams_byte_identical_across_hash_seeds_and_order(command: str) -> None:
    files = [str(FIXTURES / "realistic" / n) for n in ("order_pipeline.py", "etl_loop.py")]
    outputs = {cli(command, *order, env={"PYTHONHASHSEED": seed})
               for seed in ("0", "99") for order in (files, files[::-1])}
    assert len(outputs) == 1
    [(code, stdout, _)] = outputs
    assert code == 0 and stdout


def test_check_byte_identical_across_hash_seeds_and_jobs(corpus: Path) -> None:
    pytest.importorskip("wfgraph.analyzer.commands.check")
    outputs = {cli("check", str(corpus / "fixtures"), "--format", "json",
                   env={"PYTHONHASHSEED": seed, "WFGRAPH_JOBS": jobs})
               for seed in ("0", "7") for jobs in ("1", "2")}
    assert len(outputs) == 1
