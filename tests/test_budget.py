"""The step budget (SEMANTICS §8): exact bounds for each construct, unbounded loops and recursion
(WF002), the limit from wrangler / plan / configuration (§8.2), and WF001 located at what takes
the count over the limit."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wfgraph.analyzer.analysis import analyze_source
from wfgraph.analyzer.python.trip_count import iterable_length
from wfgraph.analyzer.checks.budget import BudgetResult, check_budget
from wfgraph.analyzer.checks.call_cycles import strongly_connected
from wfgraph.analyzer.checks.budget_codes import Limit, limit_for
from wfgraph.analyzer.checks.rule import Shared
from wfgraph.analyzer.cli import main
from wfgraph.analyzer.project.config import Config
from wfgraph.analyzer.project.wrangler import WorkflowBinding, WranglerConfig

import libcst as cst

HEADER = "from workers import WorkflowEntrypoint\n\n\nclass W(WorkflowEntrypoint):\n"


def workflow(*parts: str, extra: str = "") -> str:
    """A module whose ``W.run`` runs ``parts`` one after the other (each dedented on its own),
    with further methods in ``extra``; run's first body line is line 6."""
    body = "\n".join(textwrap.dedent(part).strip("\n") for part in parts)
    run = "    async def run(self, event, step):\n" + textwrap.indent(body, " " * 8)
    methods = textwrap.indent(textwrap.dedent(extra).strip("\n"), "    ") + "\n" if extra else ""
    return HEADER + run + "\n" + methods


def budget(source: str, config: Config | None = None, limit: int = 10_000) -> BudgetResult:
    analysis = analyze_source(source, "flow.py")
    assert not analysis.errors, analysis.errors
    wf = analysis.workflows[0]
    result = check_budget(analysis, wf, Limit(limit, "test"), config or Config(),
                          Shared(analysis).workflow_code(wf))
    assert result is not None
    return result


def count(*parts: str, extra: str = "", prelude: str = "", **kwargs) -> tuple[int, bool]:
    """``prelude``: module-level lines before the workflow (imports)."""
    result = budget(prelude + workflow(*parts, extra=extra), **kwargs)
    return result.count, result.unbounded


STEPS = """
@step.do("a")
async def a():
    return 1

@step.do("b")
async def b():
    return 2
"""


# --- exact bounds ---------------------------------------------------------------------------------


def test_sequence_counts_do_and_wait_but_not_sleeps() -> None:
    assert count(STEPS, """
        await a()
        await b()
        await step.sleep("nap", "1 second")
        await step.sleep_until("later", when)
        await step.wait_for_event("wait", "ready")
        """) == (3, False)


def test_if_takes_the_worst_branch() -> None:
    assert count(STEPS, """
        if event["payload"]["x"]:
            await a()
        elif event["payload"]["y"]:
            await a()
            await b()
            await step.wait_for_event("w", "ready")
        else:
            await step.sleep("nap", "1 second")
        """) == (3, False)


def test_switch_takes_the_worst_case() -> None:
    assert count(STEPS, """
        match event["payload"]["kind"]:
            case "one":
                await a()
            case "two":
                await a()
                await b()
            case _:
                return
        """) == (2, False)


def test_try_counts_try_catch_and_finally() -> None:
    assert count(STEPS, """
        try:
            await a()
            await b()
        except KeyError:
            await a()
        except ValueError:
            await a()
            await b()
        finally:
            await step.wait_for_event("w", "ready")
        """) == (5, False)


def test_parallel_adds_its_members() -> None:
    assert count(STEPS, """
        await asyncio.gather(a(), b(), step.wait_for_event("w", "ready"))
        """, prelude="import asyncio\n") == (3, False)


@pytest.mark.parametrize(("header", "trips"), [
    ("for i in range(20):", 20),
    ("for i in range(1_000):", 1000),
    ("for i in range(5, 15):", 10),
    ("for i in range(0, 10, 3):", 4),
    ("for i in range(10, 0, -2):", 5),
    ("for x in [1, 2, 3]:", 3),
    ("for x in (1, 2):", 2),
    ("for x in {'a': 1, 'b': 2}:", 2),
    ("for ch in 'abcd':", 4),
    ("for i, x in enumerate(['a', 'b']):", 2),
    ("for a1, b1 in zip(range(3), 'ab'):", 2),
    ("for i in range(N):", 7),
])
def test_static_loops_multiply_their_body(header: str, trips: int) -> None:
    source = workflow(STEPS, f"""
        {header}
            await a()
            await step.wait_for_event("w", "ready")
        """).replace("from workers", "N = 7\nfrom workers")
    result = budget(source)
    assert (result.count, result.unbounded) == (2 * trips, False)


def test_nested_loops_and_comprehensions() -> None:
    assert count(STEPS, """
        for i in range(3):
            for j in range(4):
                await a()
        await asyncio.gather(*(a() for i in range(5)))
        results = [await b() for x in "xy" for y in range(3)]
        """, prelude="import asyncio\n") == (23, False)


@pytest.mark.parametrize("header", [
    "while True:",
    "for x in event['payload']['items']:",
    "for x in await a():",
    "for i in range(n):",
])
def test_loops_without_a_static_count_are_unbounded(header: str) -> None:
    result = budget(workflow(STEPS, f"""
        n = len(event["payload"])
        {header}
            await b()
        """))
    assert (result.count, result.unbounded) == (2 if "await a()" in header else 1, True)
    unbounded = [d for d in result.diagnostics if d.code == "WF002"]
    assert [(d.line, d.severity) for d in unbounded] == [(14, "warning")]
    assert "flow.py:14" in unbounded[0].notes[0]


def test_loop_of_sleeps_costs_nothing() -> None:
    result = budget(workflow("""
        while True:
            await step.sleep("poll", "1 minute")
        """))
    assert (result.count, result.unbounded, result.diagnostics) == (0, False, [])


def test_function_calls_add_the_callee_budget() -> None:
    assert count("""
        await self.notify(step)
        await self.notify(step)
        for i in range(10):
            await self.notify(step)
        """, extra="""
        async def notify(self, step):
            @step.do("notify")
            async def send():
                return 1

            await send()
            await step.wait_for_event("ack", "ack")
        """) == (24, False)


def test_recursion_is_unbounded_at_the_recursive_call() -> None:
    result = budget(workflow("""
        await self.again(step, 0)
        """, extra="""
        async def again(self, step, i):
            @step.do(f"round {i}")
            async def round_():
                return i

            await round_()
            if i < 3:
                await self.again(step, i + 1)
        """))
    assert (result.count, result.unbounded) == (1, True)
    assert [(d.code, d.line) for d in result.diagnostics] == [("WF002", 14)]


def test_recursion_through_sleeps_only_is_bounded() -> None:
    result = budget(workflow("""
        await self.again(step, 0)
        """, extra="""
        async def again(self, step, i):
            await step.sleep(f"nap {i}", "1 second")
            if i < 3:
                await self.again(step, i + 1)
        """))
    assert (result.count, result.unbounded, result.diagnostics) == (0, False, [])


def test_steps_nested_in_a_step_body_count() -> None:
    assert count("""
        @step.do("outer")
        async def outer():
            @step.do("inner")
            async def inner():
                return 1

            await inner()
            await step.wait_for_event("w", "ready")

        await outer()
        """) == (3, False)


def test_a_step_run_twice_reports_its_loop_once_at_its_own_line() -> None:
    result = budget(workflow("""
        @step.do("outer")
        async def outer():
            for x in event["payload"]["items"]:
                await step.wait_for_event(f"w {x}", "ready")

        await outer()
        await outer()
        """))
    assert (result.count, result.unbounded) == (4, True)
    assert [(d.code, d.line) for d in result.diagnostics] == [("WF002", 8)]


# --- assumed trip counts --------------------------------------------------------------------------


def test_loop_trip_count_applies_to_loops_without_a_static_count() -> None:
    body = (STEPS, """
        for i in range(3):
            await a()
        while True:
            await b()
        """)
    config = Config(loop_trip_count=50)
    assert count(*body, config=config) == (53, False)
    assert budget(workflow(*body), config=config).diagnostics == []


def test_loop_trip_counts_names_one_loop_by_path_and_line() -> None:
    body = (STEPS, """
        while True:
            await a()
        while True:
            await b()
        """)
    config = Config(loop_trip_counts={"flow.py:13": 40})
    result = budget(workflow(*body), config=config)
    assert (result.count, result.unbounded) == (41, True)
    assert [(d.code, d.line) for d in result.diagnostics] == [("WF002", 15)]


# --- the limit and WF001 --------------------------------------------------------------------------

BIG_LOOP = (STEPS, """
    await a()
    for i in range(20_000):
        await b()
    """)


def test_exceeding_the_limit_is_reported_at_the_loop() -> None:
    result = budget(workflow(*BIG_LOOP), limit=10_000)
    assert (result.count, result.exceeded) == (20_001, True)
    [diag] = result.diagnostics
    assert (diag.code, diag.severity, diag.line, diag.column) == ("WF001", "error", 14, 9)
    assert "20,001" in diag.message and "10,000" in diag.message and "line 14" in diag.message
    assert any("flow.py:14 × 20,000" in note for note in diag.notes)


def test_the_node_that_crosses_the_limit_is_blamed() -> None:
    result = budget(workflow(STEPS, """
        for i in range(600):
            await a()
        for i in range(600):
            await b()
        """), limit=1_000)
    assert [(d.code, d.line) for d in result.diagnostics] == [("WF001", 15)]


def test_within_the_limit_nothing_is_reported() -> None:
    result = budget(workflow(*BIG_LOOP), limit=25_000)
    assert (result.count, result.exceeded, result.diagnostics) == (20_001, False, [])


def test_limit_precedence() -> None:
    wrangler = WranglerConfig(Path("wrangler.toml"), None, None, (), (
        WorkflowBinding("w", "W", "W", limits_steps=25_000),
        WorkflowBinding("other", "O", "Other", script_name="elsewhere", limits_steps=5),
    ))
    free = Config(plan="free")
    assert limit_for("W", free, wrangler) == Limit(25_000, "limits.steps in wrangler.toml")
    assert limit_for("Other", Config(max_steps=300), wrangler) == Limit(300, "max-steps in [tool.wfgraph]")
    assert limit_for("X", Config(max_steps=300, plan="free")).value == 300
    assert limit_for("X", free) == Limit(1_024, "free plan")
    assert limit_for("X", Config()) == Limit(10_000, "paid plan default")


def test_iterable_length() -> None:
    def n(text: str) -> int | None:
        return iterable_length(cst.parse_expression(text))

    assert (n("range(3)"), n("range(0)"), n("range(3, 1)"), n("range(1, 2, 0)"), n("[*xs]"),
            n("sorted({1, 2, 2})"), n("range(True)"), n("range(x)")) == (3, 0, 0, None, None, 3, None, None)


# --- end to end: a project with a wrangler file ---------------------------------------------------

PROJECT_FLOW = HEADER + textwrap.indent(textwrap.dedent('''\
    async def run(self, event, step):
        @step.do("item")
        async def item():
            return 1

        for i in range(20_000):
            await item()
    '''), "    ")


def project(tmp_path: Path, limits: str = "") -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "flow.py").write_text(PROJECT_FLOW, encoding="utf-8")
    (tmp_path / "wrangler.toml").write_text(
        'name = "app"\nmain = "src/flow.py"\ncompatibility_date = "2026-03-01"\n\n'
        '[[workflows]]\nname = "w"\nbinding = "W"\nclass_name = "W"\n' + limits, encoding="utf-8")
    return tmp_path


def run_check(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", str(tmp_path / "src"), "--format", "json", "--verbose", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_range_20000_fails_on_the_paid_default_naming_the_loop_line(tmp_path: Path, capsys) -> None:
    code, out, err = run_check(project(tmp_path), capsys)
    assert code == 1
    assert '"code": "WF001"' in out and '"line": 10' in out
    assert "line 10" in out and "(paid plan default)" in out
    assert "W: at most 20,000 counted steps per instance; limit 10,000" in err


def test_wrangler_limits_steps_is_the_limit(tmp_path: Path, capsys) -> None:
    code, out, err = run_check(project(tmp_path, "limits = { steps = 25000 }\n"), capsys)
    assert (code, out.strip()) == (0, "[]")
    assert "limit 25,000 (limits.steps in wrangler.toml)" in err

    (tmp_path / "wrangler.toml").write_text(
        (tmp_path / "wrangler.toml").read_text().replace("25000", "15000"), encoding="utf-8")
    code, out, _ = run_check(tmp_path, capsys)
    assert code == 1 and "over its limit of 15,000 (limits.steps in wrangler.toml)" in out


def test_tool_wfgraph_loop_trip_count_and_plan_free(tmp_path: Path, capsys) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "flow.py").write_text(HEADER + textwrap.indent(textwrap.dedent('''\
        async def run(self, event, step):
            @step.do("item")
            async def item():
                return 1

            for x in event["payload"]["items"]:
                await item()
        '''), "    "), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.wfgraph]\nloop-trip-count = 2000\n", encoding="utf-8")
    code, out, err = run_check(tmp_path, capsys)
    assert code == 0 and out.strip() == "[]"
    assert "at most 2,000 counted steps" in err
    code, out, _ = run_check(tmp_path, capsys, "--plan", "free")
    assert code == 1 and '"WF001"' in out and "1,024 (free plan)" in out

    (tmp_path / "pyproject.toml").write_text('[tool.wfgraph]\nplan = "free"\n', encoding="utf-8")
    code, out, _ = run_check(tmp_path, capsys)
    assert code == 0 and '"WF002"' in out and '"line": 10' in out


def test_step_passed_where_it_cannot_be_followed_makes_the_budget_unknown() -> None:
    """SEMANTICS §6.4, §8.3: the count so far is a lower bound, and WF002 names the call."""
    result = budget(workflow(STEPS, "await a()", "await external_retry(step, b)", "callback(step)"))
    assert (result.count, result.unbounded) == (1, True)
    assert [(d.code, d.line) for d in result.diagnostics] == [("WF002", 14), ("WF002", 15)]
    assert len(result.unknown) == 2
    assert result.summary().startswith("W: at least 1 counted step per instance, unknown past flow.py:14")


def test_helpers_that_run_never_calls_are_not_a_bound_of_zero() -> None:
    """SEMANTICS §8.3: never "at most 0" for a workflow whose helpers run steps."""
    result = budget(workflow('await step.sleep("nap", "1 second")', extra="""
        async def helper(self, step):
            await step.wait_for_event("w", "e")
        """))
    assert result.count == 0 and result.unknown
    assert "at most" not in result.summary()
    assert [d.code for d in result.diagnostics] == ["WF002"]


def test_logging_the_step_object_is_not_an_unknown() -> None:
    result = budget(workflow(STEPS, "await a()", "print(step)", "logger.info('step %s', step)"))
    assert (result.count, result.unbounded, result.diagnostics) == (1, False, [])
@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.dictionaries(st.sampled_from("abcdefgh"), st.lists(st.sampled_from("abcdefgh")), max_size=8))
def test_strongly_connected_components_match_networkx(calls: dict[str, list[str]]) -> None:
    """The budget's cycle finder (SEMANTICS §8: recursion through counted steps) without
    networkx, which only the diagram commands import."""
    import networkx as nx

    edges = {name: [c for c in callees if c in calls] for name, callees in calls.items()}
    graph = nx.DiGraph()
    graph.add_nodes_from(edges)
    graph.add_edges_from((a, b) for a, bs in edges.items() for b in bs)
    expected = {frozenset(c) for c in nx.strongly_connected_components(graph)}
    assert set(strongly_connected(edges)) == expected
