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
    """Single-file fixtures with golden graphs: every module outside ``fixtures/projects`` (whole
    projects, tests/test_projects.py) and ``fixtures/diff`` (BASE/HEAD pairs with golden change
    lists, tests/test_diff_fixtures.py)."""
    return sorted(p for p in FIXTURES.rglob("*.py")
                  if not p.name.startswith("_") and p.relative_to(FIXTURES).parts[0] not in ("diff", "projects"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder, made the working directory (reports are relative to it), with
    none of the environment variables wfgraph reads set."""
    monkeypatch.chdir(tmp_path)
    for name in ("NO_COLOR", "FORCE_COLOR", "WFGRAPH_JOBS", "WFGRAPH_MAX_FILE_SIZE",
                 "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path
