"""Lint rules (docs/design.md, Conventions; docs/python-api.md §6): every rule's inline INVALID
examples raise exactly its code and its VALID examples raise nothing (Fixit's habit), the rule
modules follow the house style, and a realistic workflow with several problems gets exactly the
expected findings. Assertions are on codes and lines, not wording (pyflakes' habit)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from wfgraph.analyzer.analysis import analyze_file, analyze_source
from wfgraph.analyzer.diagnostics import Diagnostic
from wfgraph.analyzer.checks.rule import Invalid, Rule, Valid, example_settings
from wfgraph.analyzer.checks.rules import RULES
from wfgraph.analyzer.checks.runner import check_file
from wfgraph.analyzer.project.wrangler import WranglerConfig

from conftest import FIXTURES


def lint(source: str, implicit: bool | None = None,
         wrangler: WranglerConfig | None = None) -> list[Diagnostic]:
    """The lint findings (no step budget) of a module, sorted by position."""
    text = textwrap.dedent(source).lstrip("\n")
    analysis = analyze_source(text, "example.py", implicit)
    assert not analysis.errors, analysis.errors
    result = check_file(analysis, implicit=implicit, wrangler=wrangler, budget=False)
    return sorted(result.diagnostics, key=lambda d: (d.line, d.column, d.code))


def codes_and_lines(source: str, implicit: bool | None = None) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in lint(source, implicit)]


VALID_CASES = [pytest.param(rule, example, id=f"{rule.code}-valid-{i}")
               for rule in RULES for i, example in enumerate(rule.VALID)]
INVALID_CASES = [pytest.param(rule, example, id=f"{rule.code}-invalid-{i}")
                 for rule in RULES for i, example in enumerate(rule.INVALID)]


@pytest.mark.parametrize(("rule", "example"), VALID_CASES)
def test_valid_examples_raise_nothing(rule: type[Rule], example: Valid) -> None:
    assert lint(example.source, *example_settings(example)) == []


@pytest.mark.parametrize(("rule", "example"), INVALID_CASES)
def test_invalid_examples_raise_exactly_their_code(rule: type[Rule], example: Invalid) -> None:
    found = lint(example.source, *example_settings(example))
    assert found, f"{rule.code} found nothing"
    assert {d.code for d in found} == {rule.code}, [(d.code, d.line, d.message) for d in found]
    assert all(d.name == rule.name for d in found)
    if example.lines:
        assert tuple(d.line for d in found) == example.lines


# --- the house style ------------------------------------------------------------------------------

SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead:")


def test_registry_lists_each_rule_once_in_code_order() -> None:
    codes = [rule.code for rule in RULES]
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)
    assert codes == ["WF010", "WF011", "WF012", "WF020", "WF021", "WF022", "WF023", "WF024",
                     "WF025", "WF030", "WF031", "WF032", "WF033", "WF034", "WF035", "WF036",
                     "WF037", "WF040", "WF041", "WF042", "WF043", "WF044", "WF045", "WF050",
                     "WF051"]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_follows_the_house_style(rule: type[Rule]) -> None:
    assert re.fullmatch(r"WF\d{3}", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.severity in ("error", "warning", "info")
    module = rule.__module__.rsplit(".", 1)[-1]
    assert module == rule.name.replace("-", "_"), "one module per rule, named after it"
    doc = rule.documentation()
    positions = [doc.find(section) for section in SECTIONS]
    assert all(p > 0 for p in positions), f"{rule.code} docstring lacks a section"
    assert positions == sorted(positions), "sections in ruff's order"
    assert rule.summary() and not rule.summary().startswith("#")
    assert rule.VALID and rule.INVALID, "inline examples the tests run"


# --- one realistic workflow, several problems -----------------------------------------------------

REALISTIC = '''\
import asyncio
import random
import uuid
from datetime import datetime as dt

from workers import NonRetryableError, WorkflowEntrypoint

RETRY = {"retries": {"limit": 3, "delay": "10s"}, "timeout": "2 hours"}


class Checkout(WorkflowEntrypoint):
    async def run(self, event, step):
        cart = event["payload"]["cart"]
        cart["seen"] = True
        started = dt.now().isoformat()
        totals = []

        @step.do(f"price cart {started}", config=RETRY)
        async def price():
            totals.append(sum(item["price"] for item in cart["items"]))
            return totals[-1]

        @step.do("charge")
        async def charge():
            return await self.env.PAYMENTS.charge(cart["id"])

        @step.do("charge")
        async def charge_again():
            return 2

        await price()
        charge()
        if random.random() < 0.5:
            await asyncio.sleep(5)
        await self.env.AUDIT.put(cart["id"], "charged")
        await step.sleep("cool down", 60)
        await step.wait_for_event("wait for pickup", "picked up", timeout="400 days")
        await step.sleep("archive later", "2 years")
        await charge_again()
        await step.do("callback", lambda: 1)
        await step.sleep(f"done {uuid.uuid4()}", "1 minute")
'''

EXPECTED = {
    ("WF051", 6),   # NonRetryableError from workers
    ("WF040", 8),   # "10s"
    ("WF043", 8),   # timeout "2 hours"
    ("WF032", 14),  # cart["seen"] = True
    ("WF031", 15),  # dt.now() outside a step
    ("WF010", 18),  # name built from `started`
    ("WF033", 20),  # totals.append in the step body
    ("WF011", 27),  # "charge" declared twice
    ("WF020", 32),  # charge() never awaited
    ("WF031", 33),  # random.random()
    ("WF034", 34),  # asyncio.sleep in run
    ("WF030", 35),  # binding call outside a step
    ("WF041", 36),  # sleep of 60 (milliseconds)
    ("WF045", 37),  # "picked up" has a space
    ("WF044", 38),  # sleep of 2 years
    ("WF022", 40),  # JavaScript callback form
    ("WF010", 41),  # uuid4 in a name
}


def test_realistic_workflow_gets_exactly_the_expected_findings() -> None:
    found = codes_and_lines(REALISTIC)
    assert set(found) == EXPECTED
    assert len(found) == len(EXPECTED), "each problem reported once"


@pytest.mark.parametrize("path", sorted((FIXTURES / "realistic").glob("*.py")), ids=lambda p: p.name)
def test_realistic_fixtures_have_no_lint_findings(path: Path) -> None:
    analysis = analyze_file(path)
    result = check_file(analysis, budget=False)
    assert result.diagnostics == []


# --- finer points ---------------------------------------------------------------------------------


def test_names_are_resolved_through_imports_and_aliases() -> None:
    found = codes_and_lines('''
        import time as clock
        from random import choice
        from workers import WorkflowEntrypoint


        class W(WorkflowEntrypoint):
            async def run(self, event, step):
                stamp = clock.time_ns()
                label = f"run {stamp}"
                await step.sleep(label, "1 second")
                await step.sleep(f"pick {choice('abc')}", "1 second")
                time = "local"
                await step.sleep(f"not the module {time}", "1 second")
        ''')
    assert found == [("WF031", 8), ("WF010", 10), ("WF010", 11)]


def test_step_object_and_event_followed_into_helpers() -> None:
    found = codes_and_lines('''
        import uuid
        from workers import WorkflowEntrypoint


        async def record(flow, payload):
            payload["recorded"] = True
            await flow.sleep(f"record {uuid.uuid4()}", "1 second")


        class W(WorkflowEntrypoint):
            async def run(self, ev, s):
                await record(s, ev["payload"])
        ''')
    assert found == [("WF032", 6), ("WF010", 7)]


def test_duplicate_names_in_exclusive_handlers_are_fine_but_not_after_a_plain_if() -> None:
    found = codes_and_lines('''
        from workers import WorkflowEntrypoint


        class W(WorkflowEntrypoint):
            async def run(self, event, step):
                try:
                    await step.sleep("try", "1 second")
                except KeyError:
                    @step.do("recover")
                    async def a():
                        return 1
                    await a()
                except ValueError:
                    @step.do("recover")
                    async def b():
                        return 2
                    await b()
                if event["payload"]:
                    @step.do("send")
                    async def c():
                        return 3
                    await c()
                @step.do("send")
                async def d():
                    return 4
                await d()
        ''')
    assert found == [("WF011", 23)]


def test_unawaited_step_severities() -> None:
    found = lint('''
        import asyncio
        from workers import WorkflowEntrypoint


        class W(WorkflowEntrypoint):
            async def run(self, event, step):
                @step.do("a")
                async def a():
                    return 1

                @step.do("b")
                async def b():
                    return 2

                @step.do("c")
                async def c():
                    return 3

                a()
                asyncio.create_task(b())
        ''')
    assert [(d.code, d.line, d.severity) for d in found] == [
        ("WF020", 16, "warning"),  # c: declared, never run
        ("WF020", 19, "error"),    # a(): a coroutine nobody awaits
        ("WF020", 20, "warning"),  # a task nobody awaits
    ]


def test_missing_name_is_an_error_only_in_legacy_mode() -> None:
    source = '''
        from workers import WorkflowEntrypoint


        class W(WorkflowEntrypoint):
            async def run(self, event, step):
                @step.do()
                async def fetch():
                    return 1

                await fetch()
        '''
    assert codes_and_lines(source, implicit=True) == []
    assert codes_and_lines(source, implicit=None) == []
    assert codes_and_lines(source, implicit=False) == [("WF022", 6)]


def test_chained_binding_call_is_reported_once_and_env_strings_are_not_calls() -> None:
    found = lint('''
        from workers import WorkflowEntrypoint


        class W(WorkflowEntrypoint):
            async def run(self, event, step):
                table = self.env.TABLE_NAME.strip()
                env = self.env
                rows = await env.DB.prepare("SELECT 1").bind(table).all()
                await step.sleep("nap", "1 second")
        ''')
    assert [(d.code, d.line, d.column) for d in found] == [("WF030", 8, 22)]
    assert "DB" in found[0].message


def test_invalid_duration_suggests_the_spelling() -> None:
    found = lint('''
        from workers import WorkflowEntrypoint


        class W(WorkflowEntrypoint):
            async def run(self, event, step):
                await step.sleep("nap", "10 sec")
        ''')
    assert [d.code for d in found] == ["WF040"]
    assert "'10 seconds'" in found[0].message


def test_state_owned_by_the_step_body_is_not_outer_state() -> None:
    found = codes_and_lines('''
        from workers import WorkflowEntrypoint


        class W(WorkflowEntrypoint):
            async def run(self, event, step):
                @step.do("collect")
                async def collect():
                    rows = []

                    def add(x):
                        rows.append(x)

                    add(1)
                    self.env.KV.put("k", "v")
                    return rows

                await collect()
        ''')
    assert found == []


def test_a_rule_that_fails_becomes_an_analysis_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from wfgraph.analyzer.checks.rules.nested_step import NestedStep

    def boom(self, ctx):  # noqa: ANN001
        raise RuntimeError("boom")

    monkeypatch.setattr(NestedStep, "check", boom)
    found = lint('''
        from workers import WorkflowEntrypoint


        class W(WorkflowEntrypoint):
            async def run(self, event, step):
                await step.sleep("nap", "1 second")
        ''')
    assert [(d.code, d.severity, d.line) for d in found] == [("WF009", "error", 4)]
    assert "WF021" in found[0].message and "boom" in found[0].message


def test_coroutines_handed_to_a_locally_imported_asyncio_are_not_unawaited() -> None:
    found = codes_and_lines('''
        from workers import WorkflowEntrypoint


        class W(WorkflowEntrypoint):
            async def run(self, event, step):
                import asyncio as aio

                @step.do("a")
                async def a():
                    return 1

                await aio.gather(a(), a())
        ''')
    assert found == []
