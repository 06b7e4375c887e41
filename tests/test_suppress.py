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


# --- unused suppressions (WF090) ------------------------------------------------------------------

from wfgraph.analyzer.checks.directives import parse_directives  # noqa: E402
from wfgraph.analyzer.checks.suppress import Suppressions, apply_suppressions  # noqa: E402

KNOWN = {"WF010", "WF011", "WF020", "WF031", "WF090"}


def run(text: str, findings: list[Diagnostic], enabled=lambda code: True) -> tuple[list[tuple[str, int, str]], int]:
    table = Suppressions("flow.py", parse_directives(text).suppressions)
    kept, silenced = apply_suppressions(findings, table, enabled, KNOWN)
    return [(d.code, d.line, d.message) for d in kept], silenced


def test_used_suppressions_are_quiet() -> None:
    text = "a = 1  # wfgraph: ignore[WF010]\nb = 2  # wfgraph: ignore\n"
    assert run(text, [diag("WF010", 1), diag("WF020", 2)]) == ([], 2)


def test_unused_unknown_and_bare_suppressions_are_reported_at_the_comment() -> None:
    text = ("a = 1  # wfgraph: ignore[WF010, WF011]\n"
            "b = 2  # wfgraph: ignore[WF099]\n"
            "c = 3  # wfgraph: ignore\n")
    kept, silenced = run(text, [diag("WF010", 1)])
    assert silenced == 1
    assert kept == [("WF090", 1, "unused suppression: WF011 not reported on this line"),
                    ("WF090", 2, "unused suppression: no rule has the code WF099"),
                    ("WF090", 3, "unused suppression: nothing is reported on this line")]
    table = Suppressions("flow.py", parse_directives(text).suppressions)
    [first, *_] = table.unused(lambda code: True, KNOWN)
    assert (first.column, first.end_column) == (10, 39), "the directive's span in the comment"


def test_disabled_codes_and_a_disabled_wf090_are_not_reported() -> None:
    text = "a = 1  # wfgraph: ignore[WF031]\n"
    assert run(text, [], enabled=lambda code: code != "WF031") == ([], 0)
    assert run(text, [], enabled=lambda code: code != "WF090") == ([], 0)


def test_never_dropped_codes_cannot_be_silenced() -> None:
    text = "a = (  # wfgraph: ignore[WF000]\n"
    kept, silenced = run(text, [diag("WF000", 1)])
    assert silenced == 0 and [k[0] for k in kept] == ["WF000", "WF090"]


def test_naming_wf090_keeps_a_suppression_on_purpose() -> None:
    text = "a = 1  # wfgraph: ignore[WF031, WF090]\n"
    assert run(text, []) == ([], 1)


# --- trip-count comments --------------------------------------------------------------------------


def test_trip_count_directives() -> None:
    from wfgraph.analyzer.checks.directives import inline_trip_counts

    text = ("for x in xs:  # wfgraph: trip-count=500\n"
            "    pass\n"
            "while go():  # noqa  # wfgraph: trip-count = 7, reason\n"
            "    pass\n"
            "for y in ys:  # wfgraph: trip-count=many\n"
            "s = '# wfgraph: trip-count=9'\n")
    assert inline_trip_counts(text) == {1: 500, 3: 7}
    found = parse_directives(text).trip_counts
    assert sorted(found) == [1, 3, 5] and found[5].count is None
