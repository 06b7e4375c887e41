"""docs/rules.md is generated from the rule docstrings (docs/design.md, Conventions): it must be
up to date, and it documents every code ``wfgraph check`` can report."""

from __future__ import annotations

import subprocess
import sys

from wfgraph.analyzer.checks.catalog import DIFF_CODES, anchor, catalog, known_codes, rule_infos
import pytest

from wfgraph.analyzer.checks import docs
from wfgraph.analyzer.checks.diff.rules import DIFF_RULES
from wfgraph.analyzer.checks.docs import BANNER, DEFAULT_OUTPUT, checkout_output, render
from wfgraph.analyzer.checks.rules import RULES

from conftest import ROOT

DOC = ROOT / "docs" / "rules.md"
REGENERATE = f"{sys.executable} -m wfgraph.analyzer.checks.docs"


def test_generator_writes_the_repository_file() -> None:
    assert DEFAULT_OUTPUT == DOC


def test_an_installed_package_has_no_default_output(tmp_path, monkeypatch, capsys) -> None:
    """Installed, the module lives in site-packages: it must not write docs/ there (issue 11)."""
    module = tmp_path / "site-packages" / "wfgraph" / "analyzer" / "checks" / "docs.py"
    module.parent.mkdir(parents=True)
    module.write_text("", encoding="utf-8")
    assert checkout_output(module) is None
    monkeypatch.setattr(docs, "DEFAULT_OUTPUT", None)
    with pytest.raises(SystemExit) as info:
        docs.main([])
    assert info.value.code == 2 and "give the file to write" in capsys.readouterr().err
    assert not (tmp_path / "site-packages" / "docs").exists()


def test_writes_to_the_path_given(tmp_path) -> None:
    target = tmp_path / "out" / "rules.md"
    assert docs.main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render()


def test_docs_are_not_stale() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), f"docs/rules.md is stale: run `{REGENERATE}`"


def test_check_option_reports_staleness(tmp_path) -> None:
    stale = tmp_path / "rules.md"
    stale.write_text("old\n", encoding="utf-8")
    command = [sys.executable, "-m", "wfgraph.analyzer.checks.docs", "--check", "-o", str(stale)]
    assert subprocess.run(command, capture_output=True).returncode == 1
    stale.write_text(render(), encoding="utf-8")
    assert subprocess.run(command, capture_output=True).returncode == 0


def test_every_code_is_documented_with_its_anchor() -> None:
    text = render()
    assert text.startswith(BANNER)
    codes = [rule.code for rule in catalog()]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    assert {rule.code for rule in (*RULES, *DIFF_RULES)} | {"WF000", "WF001", "WF002", "WF009",
                                                            "WF052", "WF090", "WF091",
                                                            "WF092"} == set(codes)
    for rule in catalog():
        assert f"\n## {rule.code} {rule.name}\n" in text
        assert f"](#{anchor(rule)})" in text
    assert [info.code for info in rule_infos()] == codes


def test_check_knows_the_diff_codes_without_importing_them() -> None:
    """check accepts suppressions and selectors naming diff's codes from a list of their codes
    (catalog.DIFF_CODES), so that list must be exactly the diff rules' codes."""
    assert DIFF_CODES == {rule.code for rule in DIFF_RULES}
    assert known_codes() == {rule.code for rule in catalog()}
    assert [info.code for info in rule_infos({"WF105", "WF010"})] == ["WF010", "WF105"]
