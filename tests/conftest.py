"""Shared test configuration: the ``--update-golden`` switch and fixture discovery."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite golden files from the current output (read every changed line against "
        "docs/semantics.md before committing)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


PROJECTS = FIXTURES / "projects"
"""Multi-module projects (SEMANTICS §2.4), each tested as a whole by test_projects.py."""


def fixture_sources() -> list[Path]:
    """Single-file fixtures: every module outside ``fixtures/projects``."""
    return sorted(p for p in FIXTURES.rglob("*.py")
                  if not p.name.startswith("_") and PROJECTS not in p.parents)


def project_dirs() -> list[Path]:
    """The fixture projects: each folder of ``fixtures/projects`` with golden outputs."""
    return sorted(d for d in PROJECTS.iterdir() if (d / "graph.json").exists() or d.name == "_new")
