"""``[tool.wfgraph]``: discovery, ruff's select/ignore precedence, per-file-ignores, the plan and its
step limit (SEMANTICS §8.2), loop trip counts (§8.1), and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from wfgraph.analyzer.project.config import Config, load_config, plan_limit
from wfgraph.analyzer.project.wrangler import ConfigError


def pyproject(folder: Path, body: str, header: str = "[tool.wfgraph]\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pyproject.toml"
    path.write_text('[project]\nname = "demo"\n\n' + header + body, encoding="utf-8")
    return path


# --- discovery ------------------------------------------------------------------------------------


def test_defaults_without_a_pyproject(tmp_path: Path) -> None:
    cfg = load_config(tmp_path)
    assert cfg.plan == "paid"
    assert cfg.enabled("WF010", tmp_path / "a.py")
    assert cfg.loop_trip_count is None
    assert cfg.step_limit(None) == 10_000


def test_nearest_pyproject_upwards(tmp_path: Path) -> None:
    pyproject(tmp_path, 'plan = "free"\n')
    nested = tmp_path / "src" / "pkg"
    nested.mkdir(parents=True)
    cfg = load_config(nested)
    assert cfg.plan == "free"
    assert cfg.root == tmp_path.resolve()


def test_pyproject_without_the_table_does_not_hide_the_outer_one(tmp_path: Path) -> None:
    pyproject(tmp_path, 'plan = "free"\n')
    pyproject(tmp_path / "sub", "", header="")
    assert load_config(tmp_path / "sub").plan == "free"


def test_start_may_be_a_file(tmp_path: Path) -> None:
    pyproject(tmp_path, 'plan = "free"\n')
    assert load_config(tmp_path / "flow.py").plan == "free"


def test_explicit_pyproject_and_standalone_file(tmp_path: Path) -> None:
    explicit = pyproject(tmp_path / "other", 'plan = "free"\n')
    assert load_config(tmp_path, explicit).plan == "free"
    standalone = tmp_path / "wfgraph.toml"
    standalone.write_text('max-steps = 77\n', encoding="utf-8")
    cfg = load_config(tmp_path, standalone)
    assert cfg.step_limit(None) == 77
    assert cfg.root == tmp_path


# --- select / ignore ------------------------------------------------------------------------------


@pytest.mark.parametrize(("select", "ignore", "code", "expected"), [
    (None, (), "WF010", True),
    (None, ("WF010",), "WF010", False),
    (None, ("WF0",), "WF011", False),
    (None, ("WF0",), "WF101", True),
    (("WF0",), (), "WF101", False),
    (("WF0",), ("WF01",), "WF010", False),
    (("WF0",), ("WF01",), "WF020", True),
    (("WF010",), ("WF0",), "WF010", True),
    (("WF010",), ("WF0",), "WF011", False),
    (("WF01",), ("WF01",), "WF010", False),
    (("ALL",), ("WF01",), "WF011", False),
    (("ALL",), (), "WF999", True),
    (("WF01",), ("ALL",), "WF010", True),
    ((), (), "WF010", False),
])
def test_select_ignore_precedence(select, ignore, code: str, expected: bool) -> None:
    cfg = Config(select=select, ignore=ignore)
    assert cfg.enabled(code, Path("x.py")) is expected


def test_per_file_ignores_are_relative_to_the_pyproject(tmp_path: Path) -> None:
    pyproject(tmp_path, '[tool.wfgraph.per-file-ignores]\n"tests/*.py" = ["WF01"]\n"*_legacy.py" = ["WF020"]\n')
    cfg = load_config(tmp_path)
    assert not cfg.enabled("WF010", tmp_path / "tests" / "test_flow.py")
    assert cfg.enabled("WF020", tmp_path / "tests" / "test_flow.py")
    assert cfg.enabled("WF010", tmp_path / "src" / "tests" / "flow.py")
    assert not cfg.enabled("WF020", tmp_path / "src" / "deep" / "old_legacy.py")
    assert cfg.enabled("WF010", tmp_path / "src" / "flow.py")


def test_per_file_ignores_win_over_select(tmp_path: Path) -> None:
    pyproject(tmp_path, 'select = ["WF010"]\n[tool.wfgraph.per-file-ignores]\n"flow.py" = ["WF010"]\n')
    cfg = load_config(tmp_path)
    assert not cfg.enabled("WF010", tmp_path / "flow.py")
    assert cfg.enabled("WF010", tmp_path / "other.py")


# --- plan, limits, loops, exclude -----------------------------------------------------------------


def test_plan_limits() -> None:
    assert plan_limit("paid") == 10_000
    assert plan_limit("free") == 1_024


def test_step_limit_order(tmp_path: Path) -> None:
    assert Config(plan="free").step_limit(None) == 1_024
    assert Config(plan="free", max_steps=5_000).step_limit(None) == 5_000
    assert Config(plan="free", max_steps=5_000).step_limit(20_000) == 20_000


def test_loop_trip_counts(tmp_path: Path) -> None:
    pyproject(tmp_path, 'loop-trip-count = 10\n[tool.wfgraph.loop-trip-counts]\n"src/flow.py:12" = 3\n')
    cfg = load_config(tmp_path)
    assert cfg.trip_count(tmp_path / "src" / "flow.py", 12) == 3
    assert cfg.trip_count(tmp_path / "src" / "flow.py", 13) == 10
    assert Config().trip_count(Path("a.py"), 1) is None


def test_exclude(tmp_path: Path) -> None:
    assert not Config(root=tmp_path).excluded(tmp_path / "src" / "x.py")
    pyproject(tmp_path, 'exclude = ["generated/", "*_pb2.py"]\n')
    cfg = load_config(tmp_path)
    assert cfg.excluded(tmp_path / "generated" / "a.py")
    assert cfg.excluded(tmp_path / "src" / "msg_pb2.py")
    assert not cfg.excluded(tmp_path / "src" / "flow.py")
    (tmp_path / "generated").mkdir()
    assert cfg.excluded(tmp_path / "generated")


def test_full_table(tmp_path: Path) -> None:
    pyproject(tmp_path, 'select = ["WF0"]\nignore = ["WF011"]\nplan = "free"\nmax-steps = 900\n'
                        'loop-trip-count = 4\nexclude = []\n')
    cfg = load_config(tmp_path)
    assert (cfg.select, cfg.ignore, cfg.plan, cfg.max_steps, cfg.loop_trip_count, cfg.exclude) == (
        ("WF0",), ("WF011",), "free", 900, 4, ())


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "key"), [
    ('selct = ["WF0"]\n', "selct"),
    ('select = "WF0"\n', "select"),
    ('ignore = ["E501"]\n', "ignore"),
    ('select = ["wf010"]\n', "select"),
    ('plan = "pro"\n', "plan"),
    ('loop-trip-count = -1\n', "loop-trip-count"),
    ('loop-trip-count = "3"\n', "loop-trip-count"),
    ('loop-trip-count = true\n', "loop-trip-count"),
    ('max-steps = 0\n', "max-steps"),
    ('exclude = "build"\n', "exclude"),
    ('per-file-ignores = ["tests/*"]\n', "per-file-ignores"),
    ('[tool.wfgraph.per-file-ignores]\n"tests/*" = "WF010"\n', "per-file-ignores"),
    ('[tool.wfgraph.loop-trip-counts]\n"src/flow.py" = 3\n', "loop-trip-counts"),
    ('[tool.wfgraph.loop-trip-counts]\n"src/flow.py:3" = 2.5\n', "loop-trip-counts"),
])
def test_bad_keys_are_named_at_their_line(tmp_path: Path, body: str, key: str) -> None:
    path = pyproject(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert key in info.value.message
    assert info.value.path == path.resolve()
    assert info.value.line == 4 + body.count("\n")  # the key's line, after the [tool.wfgraph] header


KNOWN = ("WF001", "WF010", "WF011", "WF031")


@pytest.mark.parametrize(("body", "line", "column"), [
    ('ignore = ["WF099"]\n', 5, 10),
    ('select = ["WF0", "WF05"]\n', 5, 10),
    ('\n[tool.wfgraph.per-file-ignores]\n"tests/*" = ["WF0", "WF123"]\n', 7, 13),
])
def test_codes_that_match_no_rule_are_errors(tmp_path: Path, body: str, line: int, column: int) -> None:
    """A misspelt code in ``ignore`` would silently ignore nothing (issue 11)."""
    pyproject(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, known_codes=KNOWN)
    assert "matches no rule code" in info.value.message
    assert (info.value.line, info.value.column) == (line, column)
    assert load_config(tmp_path).path is not None, "without the catalogue, only the syntax is checked"


def test_known_codes_prefixes_and_all_are_accepted(tmp_path: Path) -> None:
    pyproject(tmp_path, 'select = ["ALL"]\nignore = ["WF01", "WF031", "WF"]\n')
    assert load_config(tmp_path, known_codes=KNOWN).ignore == ("WF01", "WF031", "WF")


def test_toml_syntax_error_has_its_position(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.wfgraph]\nplan = \n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert info.value.line == 2
