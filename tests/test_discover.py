"""Wrangler configuration: finding the file, reading TOML / JSONC / JSON, the API mode, and errors
with locations (docs/python-api.md §2.0 and §8; SEMANTICS §8.2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wfgraph.analyzer.project.wrangler import (
    ConfigError,
    WranglerConfig,
    find_wrangler,
    implicit_dependencies,
    load_wrangler,
    main_module,
)

SDK_TOML = """\
name = "orders"
main = "src/entry.py"
compatibility_date = "2026-03-01"
compatibility_flags = ["python_workers"]

[[workflows]]
name = "order-pipeline"
binding = "ORDER_PIPELINE"
class_name = "OrderPipeline"
schedules = ["0 * * * *"]

[workflows.limits]
steps = 20000

[[workflows]]
name = "remote"
binding = "REMOTE"
class_name = "Remote"
script_name = "other-worker"

[limits]
cpu_ms = 300000
"""

SDK_JSONC = """\
// wrangler.jsonc: comments, trailing commas, and "//" inside strings
{
  "name": "orders", /* block comment */
  "main": "src/entry.py",
  "compatibility_date": "2026-03-01",
  "compatibility_flags": ["python_workers",],
  "routes": ["https://example.com//api/*"],
  "workflows": [
    {
      "name": "order-pipeline", // the workflow's name
      "binding": "ORDER_PIPELINE",
      "class_name": "OrderPipeline",
      "limits": { "steps": 20000, },
      "schedules": ["0 * * * *"],
    },
  ],
  "limits": { "cpu_ms": 300000 },
}
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- reading --------------------------------------------------------------------------------------


def test_toml_fields(tmp_path: Path) -> None:
    cfg = load_wrangler(write(tmp_path, "wrangler.toml", SDK_TOML))
    assert cfg.main == "src/entry.py"
    assert cfg.compatibility_date == "2026-03-01"
    assert cfg.compatibility_flags == ("python_workers",)
    assert [(w.name, w.binding, w.class_name, w.script_name, w.limits_steps) for w in cfg.workflows] == [
        ("order-pipeline", "ORDER_PIPELINE", "OrderPipeline", None, 20000),
        ("remote", "REMOTE", "Remote", "other-worker", None),
    ]


def test_workflow_for_skips_classes_of_other_workers(tmp_path: Path) -> None:
    cfg = load_wrangler(write(tmp_path, "wrangler.toml", SDK_TOML))
    assert cfg.workflow_for("OrderPipeline").limits_steps == 20000
    assert cfg.workflow_for("Remote") is None
    assert cfg.workflow_for("Missing") is None


def test_jsonc_comments_trailing_commas_and_slashes_in_strings(tmp_path: Path) -> None:
    cfg = load_wrangler(write(tmp_path, "wrangler.jsonc", SDK_JSONC))
    assert cfg.main == "src/entry.py"
    assert cfg.compatibility_flags == ("python_workers",)
    assert len(cfg.workflows) == 1
    wf = cfg.workflows[0]
    assert (wf.name, wf.binding, wf.class_name, wf.limits_steps) == (
        "order-pipeline", "ORDER_PIPELINE", "OrderPipeline", 20000)


def test_plain_json(tmp_path: Path) -> None:
    text = '{"main": "a.py", "workflows": [{"name": "n", "binding": "B", "class_name": "C"}]}'
    cfg = load_wrangler(write(tmp_path, "wrangler.json", text))
    assert cfg.main == "a.py"
    assert cfg.compatibility_date is None
    assert cfg.compatibility_flags == ()
    assert cfg.workflows[0].class_name == "C"
    assert cfg.workflows[0].limits_steps is None


def test_no_workflows(tmp_path: Path) -> None:
    cfg = load_wrangler(write(tmp_path, "wrangler.toml", 'name = "x"\n'))
    assert cfg.workflows == ()
    assert cfg.main is None


def test_unquoted_toml_date_is_read_as_the_same_date(tmp_path: Path) -> None:
    cfg = load_wrangler(write(tmp_path, "wrangler.toml", "compatibility_date = 2026-02-25\n"))
    assert cfg.compatibility_date == "2026-02-25"


def test_exports_form_toml(tmp_path: Path) -> None:
    text = """\
[exports.OrderPipeline]
type = "workflow"
name = "order-pipeline"
limits = { steps = 500 }

[exports.Counter]
type = "durable_object"
"""
    cfg = load_wrangler(write(tmp_path, "wrangler.toml", text))
    assert [(w.name, w.binding, w.class_name, w.limits_steps) for w in cfg.workflows] == [
        ("order-pipeline", None, "OrderPipeline", 500)]


def test_exports_form_jsonc(tmp_path: Path) -> None:
    text = '{"exports": {"Pipe": {"type": "workflow", "name": "pipe", "limits": {"steps": 42},},},}'
    cfg = load_wrangler(write(tmp_path, "wrangler.jsonc", text))
    assert cfg.workflow_for("Pipe").limits_steps == 42


def test_export_and_binding_of_one_class_merge(tmp_path: Path) -> None:
    text = """\
[[workflows]]
name = "pipe"
binding = "PIPE"
class_name = "Pipe"

[exports.Pipe]
type = "workflow"
name = "pipe"
limits = { steps = 300 }
"""
    cfg = load_wrangler(write(tmp_path, "wrangler.toml", text))
    assert [(w.binding, w.limits_steps) for w in cfg.workflows] == [("PIPE", 300)]


@pytest.mark.parametrize("export", [
    'name = "other"',
    'name = "pipe"\nlimits = { steps = 7 }',
])
def test_export_conflicting_with_binding(tmp_path: Path, export: str) -> None:
    text = f"""\
[[workflows]]
name = "pipe"
binding = "PIPE"
class_name = "Pipe"
limits = {{ steps = 5 }}

[exports.Pipe]
type = "workflow"
{export}
"""
    with pytest.raises(ConfigError):
        load_wrangler(write(tmp_path, "wrangler.toml", text))


# --- finding --------------------------------------------------------------------------------------


def test_search_goes_upwards_from_a_file(tmp_path: Path) -> None:
    expected = write(tmp_path, "wrangler.toml", SDK_TOML)
    source = write(tmp_path / "src" / "pkg", "flow.py", "")
    assert find_wrangler([source]) == expected.resolve()


def test_search_starts_in_a_directory_itself(tmp_path: Path) -> None:
    write(tmp_path, "wrangler.toml", SDK_TOML)
    inner = write(tmp_path / "worker", "wrangler.jsonc", SDK_JSONC)
    assert find_wrangler([tmp_path / "worker"]) == inner.resolve()


def test_nearest_folder_wins(tmp_path: Path) -> None:
    write(tmp_path, "wrangler.toml", SDK_TOML)
    nearer = write(tmp_path / "a", "wrangler.json", "{}")
    assert find_wrangler([tmp_path / "a" / "b" / "flow.py"]) == nearer.resolve()


def test_toml_then_jsonc_then_json_in_one_folder(tmp_path: Path) -> None:
    write(tmp_path, "wrangler.json", "{}")
    jsonc = write(tmp_path, "wrangler.jsonc", "{}")
    assert find_wrangler([tmp_path]) == jsonc.resolve()
    toml = write(tmp_path, "wrangler.toml", "")
    assert find_wrangler([tmp_path]) == toml.resolve()


def test_first_path_with_a_config_wins(tmp_path: Path) -> None:
    (tmp_path / "bare").mkdir()
    found = write(tmp_path / "worker", "wrangler.toml", "")
    assert find_wrangler([tmp_path / "bare", tmp_path / "worker"]) == found.resolve()


def test_nothing_found(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    assert find_wrangler([tmp_path / "x"]) is None
    assert find_wrangler([]) is None


# --- mode and main --------------------------------------------------------------------------------


def config(date: str | None = None, flags: tuple[str, ...] = (), main: str | None = None) -> WranglerConfig:
    return WranglerConfig(Path("/w/wrangler.toml"), main, date, flags, ())


@pytest.mark.parametrize(("date", "flags", "expected"), [
    (None, (), False),
    ("2026-02-24", (), False),
    ("2026-02-25", (), True),
    ("2027-01-01", (), True),
    ("2025-09-01", ("python_workflows_implicit_dependencies",), True),
    ("2026-03-01", ("no_python_workflows_implicit_dependencies",), False),
    (None, ("python_workers", "python_workflows_implicit_dependencies"), True),
])
def test_implicit_dependencies(date: str | None, flags: tuple[str, ...], expected: bool) -> None:
    assert implicit_dependencies(config(date, flags)) is expected


def test_main_module_is_relative_to_the_config_file(tmp_path: Path) -> None:
    cfg = load_wrangler(write(tmp_path / "w", "wrangler.toml", 'main = "src/entry.py"\n'))
    assert main_module(cfg) == tmp_path / "w" / "src" / "entry.py"
    assert main_module(config()) is None


# --- errors ---------------------------------------------------------------------------------------


def test_toml_syntax_error_has_its_position(tmp_path: Path) -> None:
    path = write(tmp_path, "wrangler.toml", 'name = "x"\n[[workflows]\nname = "y"\n')
    with pytest.raises(ConfigError) as info:
        load_wrangler(path)
    assert (info.value.path, info.value.line) == (path, 2)
    assert info.value.column > 1
    assert info.value.location == f"{path}:2:{info.value.column}"
    assert str(info.value).startswith(info.value.location)


def test_jsonc_syntax_error_has_its_position(tmp_path: Path) -> None:
    path = write(tmp_path, "wrangler.jsonc", '{\n  // fine\n  "a": [1,\n  2\n  "b": 3}\n')
    with pytest.raises(ConfigError) as info:
        load_wrangler(path)
    assert (info.value.line, info.value.column) == (5, 3)


def test_empty_json_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_wrangler(write(tmp_path, "wrangler.json", ""))
    assert (info.value.line, info.value.column) == (1, 1)


ENTRY = '{"workflows": [{"name": "a", "binding": "B", "class_name": "C", %s}]}'


@pytest.mark.parametrize(("name", "text", "key", "where"), [
    ("wrangler.toml", "[[workflows]]\nname='a'\nbinding='B'\nclass_name='C'\nlimits={steps=0}\n", "limits.steps", (5, 15)),
    ("wrangler.toml", "[[workflows]]\nname='a'\nbinding='B'\nclass_name='C'\nlimits={steps=-3}\n", "limits.steps", (5, 15)),
    ("wrangler.jsonc", ENTRY % '"limits": {"steps": "10"}', "limits.steps", (1, 85)),
    ("wrangler.jsonc", ENTRY % '"limits": {"steps": true}', "limits.steps", (1, 85)),
    ("wrangler.jsonc", ENTRY % '"limits": {"steps": 1.5}', "limits.steps", (1, 85)),
    ("wrangler.jsonc", ENTRY % '"limits": 5', "limits", (1, 75)),
    ("wrangler.json", '{"workflows": {"name": "a"}}', "workflows", (1, 15)),
    ("wrangler.json", '{"workflows": ["a"]}', "workflows[0]", (1, 16)),
    ("wrangler.json", '{"workflows": [{"name": "a", "binding": "B"}]}', "class_name", (1, 16)),
    ("wrangler.json", '{"workflows": [{"name": 1, "binding": "B", "class_name": "C"}]}', "name", (1, 25)),
    ("wrangler.json", '{"main": ["a.py"]}', "main", (1, 10)),
    ("wrangler.json", '{"compatibility_date": "March 2026"}', "compatibility_date", (1, 24)),
    ("wrangler.json", '{"compatibility_date": "2026-02-30"}', "compatibility_date", (1, 24)),
    ("wrangler.json", '{"compatibility_flags": "python_workers"}', "compatibility_flags", (1, 25)),
    ("wrangler.json", '{"exports": ["Pipe"]}', "exports", (1, 13)),
    ("wrangler.json", '{"exports": {"Pipe": {"type": "workflow"}}}', "name", (1, 22)),
    ("wrangler.json", '[1, 2]', "top level", (1, 1)),
])
def test_wrong_types_name_the_key_at_its_position(tmp_path: Path, name: str, text: str, key: str,
                                                  where: tuple[int, int]) -> None:
    """tomllib and json5 give no positions; the key's value is found in the text (locate.py),
    or the entry that lacks a required key."""
    path = write(tmp_path, name, text)
    with pytest.raises(ConfigError) as info:
        load_wrangler(path)
    assert key in info.value.message
    assert info.value.path == path
    assert (info.value.line, info.value.column) == where


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_wrangler(tmp_path / "wrangler.toml")
    assert info.value.path == tmp_path / "wrangler.toml"
