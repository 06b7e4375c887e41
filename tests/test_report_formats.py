"""Report formats: exact JSON, SARIF valid against the OASIS 2.1.0 schema with stable ids and
fingerprints, GitHub workflow-command escaping, and the text format's caret placement."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from wfgraph.analyzer.diagnostics import Diagnostic
from wfgraph.analyzer.report import FORMATS, ReportContext, RuleInfo, render
from wfgraph.analyzer.report.github import escape_data, escape_property

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
DOCS = "https://github.com/wfgraph/wfgraph/blob/main/docs/rules.md"
RULES = (
    RuleInfo("WF010", "nondeterministic-step-name", "error", "Step names must be deterministic.",
             f"{DOCS}#wf010-nondeterministic-step-name"),
    RuleInfo("WF020", "unbounded-loop", "warning", "A loop with steps has no static trip count.",
             f"{DOCS}#wf020-unbounded-loop"),
    RuleInfo("WF030", "step-in-step", "info", "A step runs inside another step.",
             f"{DOCS}#wf030-step-in-step"),
)


def make(code: str = "WF010", line: int = 3, column: int = 19, end_line: int | None = None,
         end_column: int = 23, path: str = "src/flow.py", message: str = "step name is dynamic",
         severity: str = "error", notes: tuple[str, ...] = ()) -> Diagnostic:
    name = {"WF010": "nondeterministic-step-name", "WF020": "unbounded-loop"}.get(code, "other")
    return Diagnostic(code, name, severity, message, path, line, column,
                      line if end_line is None else end_line, end_column, notes)


def context(root: Path, lines: dict[tuple[str, int], str] | None = None, color: bool = False) -> ReportContext:
    source = None if lines is None else (lambda path, line: lines.get((Path(path).name, line), ""))
    return ReportContext(root=root, rules=RULES, tool_version="0.1.0", color=color, source_lines=source)


def sample(root: Path) -> list[Diagnostic]:
    return [
        make("WF020", line=8, column=5, end_line=9, end_column=1, path=str(root / "src" / "flow.py"),
             message="loop has no static trip count", severity="warning", notes=("assume one with loop-trip-count",)),
        make("WF010", path=str(root / "src" / "flow.py")),
        make("WF010", line=1, column=1, end_column=5, path=str(root / "a.py"), message="x"),
    ]


# --- JSON -----------------------------------------------------------------------------------------


def test_json_exact(tmp_path: Path) -> None:
    out = render("json", sample(tmp_path), context(tmp_path))
    assert out == """\
[
  {
    "code": "WF010",
    "name": "nondeterministic-step-name",
    "severity": "error",
    "message": "x",
    "path": "a.py",
    "line": 1,
    "column": 1,
    "end_line": 1,
    "end_column": 5,
    "notes": [],
    "url": "https://github.com/wfgraph/wfgraph/blob/main/docs/rules.md#wf010-nondeterministic-step-name"
  },
  {
    "code": "WF010",
    "name": "nondeterministic-step-name",
    "severity": "error",
    "message": "step name is dynamic",
    "path": "src/flow.py",
    "line": 3,
    "column": 19,
    "end_line": 3,
    "end_column": 23,
    "notes": [],
    "url": "https://github.com/wfgraph/wfgraph/blob/main/docs/rules.md#wf010-nondeterministic-step-name"
  },
  {
    "code": "WF020",
    "name": "unbounded-loop",
    "severity": "warning",
    "message": "loop has no static trip count",
    "path": "src/flow.py",
    "line": 8,
    "column": 5,
    "end_line": 9,
    "end_column": 1,
    "notes": [
      "assume one with loop-trip-count"
    ],
    "url": "https://github.com/wfgraph/wfgraph/blob/main/docs/rules.md#wf020-unbounded-loop"
  }
]
"""


def test_json_url_is_null_for_a_code_without_documentation(tmp_path: Path) -> None:
    [record] = json.loads(render("json", [make("WF999", path="a.py")], context(tmp_path)))
    assert record["url"] is None


def test_json_keeps_paths_outside_the_root_and_non_ascii(tmp_path: Path) -> None:
    outside = make(path="/elsewhere/flow.py", message="名前 is dynamic")
    [record] = json.loads(render("json", [outside], context(tmp_path / "root")))
    assert record["path"] == "/elsewhere/flow.py"
    assert "名前" in render("json", [outside], context(tmp_path / "root"))


def test_json_empty(tmp_path: Path) -> None:
    assert json.loads(render("json", [], context(tmp_path))) == []


# --- SARIF ----------------------------------------------------------------------------------------


def sarif(diagnostics: list[Diagnostic], ctx: ReportContext) -> dict:
    log = json.loads(render("sarif", diagnostics, ctx))
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    validator.validate(log)
    return log


def test_bundled_schema_is_the_sarif_schema() -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": "2.1.0", "runs": [{"tool": {}}]}, SCHEMA)


def test_sarif_is_valid_and_complete(tmp_path: Path) -> None:
    log = sarif(sample(tmp_path), context(tmp_path, {("flow.py", 3): "    await step.do(name)"}))
    assert log["version"] == "2.1.0"
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("wfgraph", "0.1.0")
    assert [r["id"] for r in driver["rules"]] == ["WF010", "WF020", "WF030"]
    wf010 = driver["rules"][0]
    assert wf010["helpUri"] == f"{DOCS}#wf010-nondeterministic-step-name"
    assert wf010["help"]["markdown"].endswith(f"({DOCS}#wf010-nondeterministic-step-name)")
    assert wf010["help"]["text"].startswith("Step names must be deterministic.")
    assert wf010["defaultConfiguration"]["level"] == "error"
    assert driver["rules"][2]["defaultConfiguration"]["level"] == "note"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [
        ("WF010", "error"), ("WF010", "error"), ("WF020", "warning")]
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_uris_are_relative_with_forward_slashes(tmp_path: Path) -> None:
    log = sarif(sample(tmp_path), context(tmp_path))
    locations = [r["locations"][0]["physicalLocation"] for r in log["runs"][0]["results"]]
    uris = [loc["artifactLocation"]["uri"] for loc in locations]
    assert uris == ["a.py", "src/flow.py", "src/flow.py"]
    assert all(loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%" for loc in locations)
    region = locations[2]["region"]
    assert region == {"startLine": 8, "startColumn": 5, "endLine": 9, "endColumn": 1}


def test_sarif_path_outside_the_root_is_an_absolute_uri(tmp_path: Path) -> None:
    log = sarif([make(path=str(tmp_path / "other" / "my flow.py"))], context(tmp_path / "root"))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"].startswith("file:///")
    assert "uriBaseId" not in location


def test_sarif_rule_ids_do_not_depend_on_the_findings(tmp_path: Path) -> None:
    ctx = context(tmp_path)
    one = sarif([make("WF020", path=str(tmp_path / "a.py"))], ctx)
    two = sarif(sample(tmp_path), ctx)
    assert one["runs"][0]["tool"] == two["runs"][0]["tool"]
    assert one["runs"][0]["results"][0]["ruleIndex"] == 1


def test_sarif_unknown_codes_get_a_rule(tmp_path: Path) -> None:
    parse_error = Diagnostic("WF000", "parse-error", "error", "invalid syntax", str(tmp_path / "a.py"), 1, 1, 1, 2)
    log = sarif([parse_error], context(tmp_path))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    result = log["runs"][0]["results"][0]
    assert rules[result["ruleIndex"]]["id"] == "WF000"


def fingerprints(log: dict) -> list[str]:
    return [r["partialFingerprints"]["wfgraph/v1"] for r in log["runs"][0]["results"]]


def test_sarif_fingerprints_survive_line_moves(tmp_path: Path) -> None:
    path = str(tmp_path / "flow.py")
    before = sarif([make(line=3, path=path)], context(tmp_path, {("flow.py", 3): "    await step.do(name)"}))
    after = sarif([make(line=10, path=path)], context(tmp_path, {("flow.py", 10): "        await step.do(name)"}))
    changed = sarif([make(line=3, path=path)], context(tmp_path, {("flow.py", 3): "    await step.do(other)"}))
    assert fingerprints(before) == fingerprints(after)
    assert fingerprints(before) != fingerprints(changed)


def test_sarif_fingerprints_tell_identical_lines_apart(tmp_path: Path) -> None:
    path = str(tmp_path / "flow.py")
    lines = {("flow.py", 3): "await step.do(name)", ("flow.py", 7): "await step.do(name)"}
    log = sarif([make(line=7, path=path), make(line=3, path=path)], context(tmp_path, lines))
    first, second = fingerprints(log)
    assert first != second
    moved = {("flow.py", 5): "await step.do(name)", ("flow.py", 9): "await step.do(name)"}
    assert fingerprints(sarif([make(line=5, path=path), make(line=9, path=path)], context(tmp_path, moved))) == [
        first, second]


def test_sarif_empty_is_valid(tmp_path: Path) -> None:
    assert sarif([], context(tmp_path))["runs"][0]["results"] == []


# --- GitHub ---------------------------------------------------------------------------------------


def test_github_commands(tmp_path: Path) -> None:
    out = render("github", sample(tmp_path), context(tmp_path))
    assert out.splitlines() == [
        "::error file=a.py,line=1,endLine=1,col=1,endColumn=5,title=WF010 (nondeterministic-step-name)::x",
        "::error file=src/flow.py,line=3,endLine=3,col=19,endColumn=23,"
        "title=WF010 (nondeterministic-step-name)::step name is dynamic",
        "::warning file=src/flow.py,line=8,endLine=9,col=5,endColumn=1,"
        "title=WF020 (unbounded-loop)::loop has no static trip count%0Aassume one with loop-trip-count",
    ]


def test_github_escaping(tmp_path: Path) -> None:
    diag = make(path=str(tmp_path / "a,b:c.py"), message="100% sure:\r\nnext, line", severity="info")
    [line] = render("github", [diag], context(tmp_path)).splitlines()
    assert line.startswith("::notice file=a%2Cb%3Ac.py,line=3,")
    assert line.endswith("::100%25 sure:%0D%0Anext, line")
    assert escape_property("WF010 (a:b, c) 5%\n") == "WF010 (a%3Ab%2C c) 5%25%0A"
    assert escape_data("a:b,c%\r\n") == "a:b,c%25%0D%0A"


def test_github_empty(tmp_path: Path) -> None:
    assert render("github", [], context(tmp_path)) == ""


# --- text -----------------------------------------------------------------------------------------


def test_text_caret_under_the_span(tmp_path: Path) -> None:
    lines = {("flow.py", 3): "    await step.do(name)"}
    out = render("text", [make(path=str(tmp_path / "flow.py"))], context(tmp_path, lines))
    block = out.splitlines()[:4]
    assert block[0] == "flow.py:3:19: WF010 step name is dynamic"
    assert block[2] == "3 |     await step.do(name)"
    assert block[3] == "  |                   ^^^^"
    assert block[2].index("name") == block[3].index("^")


def test_text_caret_keeps_tabs_and_runs_to_the_end_of_a_multiline_span(tmp_path: Path) -> None:
    lines = {("flow.py", 12): "\tfor x in items:"}
    diag = make("WF020", line=12, column=2, end_line=14, end_column=1, path=str(tmp_path / "flow.py"),
                severity="warning")
    source, carets = render("text", [diag], context(tmp_path, lines)).splitlines()[2:4]
    assert source == "12 | \tfor x in items:"
    assert carets == "   | \t" + "^" * len("for x in items:")


def test_text_caret_is_at_least_one_wide_and_stays_on_the_line(tmp_path: Path) -> None:
    lines = {("flow.py", 1): "abc"}
    empty = make(line=1, column=2, end_column=2, path=str(tmp_path / "flow.py"))
    past = make(line=1, column=3, end_column=40, path=str(tmp_path / "flow.py"))
    assert render("text", [empty], context(tmp_path, lines)).splitlines()[3] == "  |  ^"
    assert render("text", [past], context(tmp_path, lines)).splitlines()[3] == "  |   ^"


def test_text_without_source_is_one_line_each_and_no_totals(tmp_path: Path) -> None:
    """The totals are the CLI's summary line (printed once, on stderr), not the report's."""
    diagnostics = [d for d in sample(tmp_path) if not d.notes] + [make("WF030", severity="info", path="b.py")]
    lines = render("text", diagnostics, context(tmp_path)).splitlines()
    assert lines == [
        "a.py:1:1: WF010 x",
        "b.py:3:19: WF030 step name is dynamic",
        "src/flow.py:3:19: WF010 step name is dynamic",
    ]


def test_text_show_source_off_keeps_one_line_each(tmp_path: Path) -> None:
    lines = {("flow.py", 3): "    await step.do(name)"}
    ctx = ReportContext(root=tmp_path, rules=RULES, source_lines=lambda p, n: lines.get((Path(p).name, n), ""),
                        show_source=False)
    assert render("text", [make(path=str(tmp_path / "flow.py"))], ctx) == (
        "flow.py:3:19: WF010 step name is dynamic\n")


def test_text_notes_follow_their_diagnostic(tmp_path: Path) -> None:
    lines = render("text", sample(tmp_path), context(tmp_path)).splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("src/flow.py:8:5: WF020 "))
    assert lines[index + 1].strip() == "= note: assume one with loop-trip-count"


def test_text_nothing_found_prints_nothing(tmp_path: Path) -> None:
    assert render("text", [], context(tmp_path)) == ""


def test_text_colour_only_when_asked(tmp_path: Path) -> None:
    """The CLI decides (--color, NO_COLOR, FORCE_COLOR: tests/test_cli_options.py)."""
    assert "\x1b[" not in render("text", sample(tmp_path), context(tmp_path))
    assert "\x1b[" in render("text", sample(tmp_path), context(tmp_path, color=True))


# --- all formats ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_deterministic_and_independent_of_input_order(tmp_path: Path, fmt: str) -> None:
    ctx = context(tmp_path, {("flow.py", 3): "    await step.do(name)"})
    diagnostics = sample(tmp_path)
    first = render(fmt, diagnostics, ctx)
    assert render(fmt, list(reversed(diagnostics)), ctx) == first
    assert render(fmt, diagnostics, ctx) == first


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        render("xml", [], context(tmp_path))
