"""What a user installs: every package reaches the wheel, the project's URLs agree with the ones
its reports print, and the README's install and pre-commit instructions match the project.
(.ci/wheel-smoke builds the wheel and runs the commands from it.)"""

from __future__ import annotations

import json
import re
import tomllib

import pytest
import yaml

from wfgraph import __version__
from wfgraph.analyzer.cli import main

from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_package_folder_is_listed() -> None:
    """A package missing from [tool.setuptools] packages is missing from the wheel, and the
    commands that import it fail only after installation."""
    setuptools = PYPROJECT["tool"]["setuptools"]
    folders = {name: ROOT / path for name, path in setuptools["package-dir"].items()}
    found = set()
    for name, folder in folders.items():
        for init in folder.rglob("__init__.py"):
            relative = init.parent.relative_to(folder).parts
            found.add(".".join((name, *relative)))
    assert sorted(found) == sorted(setuptools["packages"])


def test_typed_marker_is_shipped() -> None:
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    assert "py.typed" in data["wfgraph"] and (ROOT / "wfgraph" / "py.typed").is_file()


def test_urls_agree_with_the_reports(capsys: pytest.CaptureFixture[str]) -> None:
    """The links users follow from a SARIF report lead to this project's repository."""
    urls = PYPROJECT["project"]["urls"]
    assert urls["Repository"] == urls["Homepage"]
    assert main(["check", "--format", "sarif", str(ROOT / "fixtures/realistic/order_pipeline.py")]) == 0
    (run,) = json.loads(capsys.readouterr().out)["runs"]
    assert run["tool"]["driver"]["informationUri"] == urls["Repository"]
    help_uris = [rule["helpUri"] for rule in run["tool"]["driver"]["rules"]]
    assert help_uris and all(uri.startswith(f"{urls['Repository']}/blob/main/docs/rules.md#")
                             for uri in help_uris)
    for key in ("Documentation", "Changelog"):
        assert urls[key].startswith(f"{urls['Repository']}/blob/main/")
        assert (ROOT / urls[key].rsplit("/blob/main/", 1)[1]).is_file()


def test_version_is_declared_once() -> None:
    assert PYPROJECT["project"]["version"] == __version__
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", changelog, re.M)
    assert headings and headings[0] == "Unreleased"  # Keep a Changelog: the next release on top
    assert __version__ in changelog


def test_readme_states_the_python_requirement() -> None:
    minimum = re.fullmatch(r">=(\d+\.\d+)", PYPROJECT["project"]["requires-python"])
    assert minimum is not None
    assert f"Python {minimum.group(1)} or later" in README


def test_readme_pre_commit_snippet_matches_the_hooks() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    blocks = re.findall(r"```yaml\n(.*?)```", README, re.S)
    configs = [yaml.safe_load(b) for b in blocks if "repos:" in b]
    assert len(configs) == 1, "the README shows one .pre-commit-config.yaml"
    (repo,) = configs[0]["repos"]
    assert repo["repo"] == PYPROJECT["project"]["urls"]["Repository"]
    assert repo["rev"] == f"v{__version__}"
    assert {hook["id"] for hook in repo["hooks"]} == {hook["id"] for hook in hooks}
