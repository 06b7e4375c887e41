"""Inline ``# wfgraph: ignore[...]`` comments, found with tokenize (docs/design.md, CLI)."""

from __future__ import annotations

from wfgraph.analyzer.diagnostics import Diagnostic
from wfgraph.analyzer.checks.suppress import is_suppressed, parse_suppressions


def diag(code: str, line: int, end_line: int | None = None) -> Diagnostic:
    return Diagnostic(code, "rule", "error", "message", "flow.py", line, 1, end_line or line, 2)


def test_codes_and_bare() -> None:
    text = (
        "a = 1  # wfgraph: ignore[WF010]\n"
        "b = 2  # wfgraph: ignore[WF010, WF011]\n"
        "c = 3  # wfgraph: ignore\n"
        "d = 4  # an ordinary comment\n"
    )
    assert parse_suppressions(text) == {
        1: frozenset({"WF010"}),
        2: frozenset({"WF010", "WF011"}),
        3: None,
    }


def test_spacing_and_other_tools_on_the_same_comment() -> None:
    text = "x = 1  # noqa: E501  # wfgraph:ignore[ WF010 ,WF020 ]\n"
    assert parse_suppressions(text) == {1: frozenset({"WF010", "WF020"})}


def test_hash_inside_strings_is_not_a_comment() -> None:
    text = (
        'a = "# wfgraph: ignore"\n'
        "b = '''\n"
        "# wfgraph: ignore[WF010]\n"
        "'''\n"
        'c = f"{a} # wfgraph: ignore"  # wfgraph: ignore[WF030]\n'
    )
    assert parse_suppressions(text) == {5: frozenset({"WF030"})}


def test_malformed_or_empty_comments_suppress_nothing() -> None:
    text = (
        "a = 1  # wfgraph: ignore[WF010\n"
        "b = 2  # wfgraph: ignore[]\n"
        "c = 3  # wfgraph: ignore-file\n"
        "d = 4  # wfgraph: ignored\n"
    )
    assert parse_suppressions(text) == {}


def test_tokenize_error_keeps_what_came_before() -> None:
    text = "a = 1  # wfgraph: ignore[WF010]\nb = (\n# wfgraph: ignore\n"
    assert parse_suppressions(text) == {1: frozenset({"WF010"}), 3: None}
    text = "a = 1  # wfgraph: ignore[WF010]\ns = '''never closed\n# wfgraph: ignore\n"
    assert parse_suppressions(text) == {1: frozenset({"WF010"})}


def test_comment_only_line_applies_to_itself() -> None:
    assert parse_suppressions("# wfgraph: ignore\nx = 1\n") == {1: None}


def test_is_suppressed() -> None:
    table = parse_suppressions(
        "await step.do(name)  # wfgraph: ignore[WF010]\n"
        "await step.do(other)  # wfgraph: ignore\n"
        "await step.do(x)\n"
    )
    assert is_suppressed(diag("WF010", 1), table)
    assert not is_suppressed(diag("WF011", 1), table)
    assert is_suppressed(diag("WF999", 2), table)
    assert not is_suppressed(diag("WF010", 3), table)


def test_only_the_first_line_of_a_span_counts() -> None:
    table = parse_suppressions("f(\n    x,  # wfgraph: ignore\n)\n")
    assert not is_suppressed(diag("WF010", 1, end_line=3), table)
    assert is_suppressed(diag("WF010", 2, end_line=3), table)


def test_codes_match_exactly() -> None:
    table = parse_suppressions("x = 1  # wfgraph: ignore[WF01]\n")
    assert not is_suppressed(diag("WF010", 1), table)
