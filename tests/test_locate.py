"""Positions of keys and comments in configuration files (project/locate.py): tomllib and json5
give values without positions, and findings about a value belong at its line and column."""

from __future__ import annotations

from wfgraph.analyzer.project.locate import map_json, map_toml

TOML = '''\
name = "app"   # a comment
"quoted.key" = 'has # no comment'
compatibility_date = "%DATE%"

[[workflows]]
name = "a"
limits = { steps = 0, other = [1, 2] }

[[workflows]]
class_name = "B"  # wfgraph: ignore[WF052]

[workflows.limits]
steps = 5

[tool.wfgraph.loop-trip-counts]
"src/etl.py:15" = 500
description = """
fake = 1
"""
'''


def test_toml_keys_tables_and_arrays_of_tables() -> None:
    found = map_toml(TOML)
    assert found.value_at(("compatibility_date",)) == (3, 22)
    assert found.value_at(("quoted.key",)) == (2, 16)
    assert found.value_at(("workflows", 0, "limits", "steps")) == (7, 20)
    assert found.value_at(("workflows", 0, "limits", "other")) == (7, 31)
    assert found.value_at(("workflows", 1, "class_name")) == (10, 14)
    assert found.value_at(("workflows", 1, "limits", "steps")) == (13, 9)
    assert found.value_at(("tool", "wfgraph", "loop-trip-counts", "src/etl.py:15")) == (16, 19)
    assert ("tool", "wfgraph", "loop-trip-counts", "fake") not in found.keys, "inside a string"


def test_toml_missing_keys_fall_back_to_the_enclosing_entry() -> None:
    found = map_toml(TOML)
    assert found.value_at(("workflows", 0, "binding")) == (5, 1)
    assert found.value_at(("nothing",)) == (1, 1)


def test_toml_comments_not_inside_strings() -> None:
    comments = [(c.line, c.column, c.text) for c in map_toml(TOML).comments]
    assert comments == [(1, 17, " a comment"), (10, 20, " wfgraph: ignore[WF052]")]


JSONC = '''\
// wrangler.jsonc
{
  "name": "app", /* block
  comment */ "routes": ["https://example.com//api/*"],
  unquoted: 1,
  "workflows": [
    {"name": "a", "class_name": "A"},  // first
    {
      "name": "b",
      "limits": {"steps": "10"},
    },
  ],
}
'''


def test_json_keys_arrays_and_comments() -> None:
    found = map_json(JSONC)
    assert found.value_at(("routes",)) == (4, 24)
    assert found.value_at(("unquoted",)) == (5, 13)
    assert found.value_at(("workflows", 0, "class_name")) == (7, 33)
    assert found.find(("workflows", 1)).line == 8
    assert found.value_at(("workflows", 1, "limits", "steps")) == (10, 27)
    assert [(c.line, c.column, c.text.strip()) for c in found.comments] == [
        (1, 3, "wrangler.jsonc"), (3, 20, "block\n  comment"), (7, 42, "first")]
