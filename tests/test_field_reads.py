"""Which names hold the workflow event or a wait_for_event result for WF036 and WF037
(checks/field_reads.py, docs/python-api.md §2.4, §2.7): aliases and helpers are followed,
and a name that may hold anything else is left alone, so the rules never guess."""

from __future__ import annotations

import textwrap

from wfgraph.analyzer.analysis import analyze_source
from wfgraph.analyzer.checks.runner import check_file


def findings(body: str) -> list[tuple[str, int]]:
    source = "from workers import WorkflowEntrypoint\n\n\nclass W(WorkflowEntrypoint):\n"
    source += textwrap.indent(textwrap.dedent(body).lstrip("\n"), "    ")
    analysis = analyze_source(source, "example.py")
    assert not analysis.errors, analysis.errors
    return sorted((d.code, d.line) for d in check_file(analysis, budget=False).diagnostics)


def test_aliases_and_helpers_given_the_event_are_followed() -> None:
    assert findings("""
        async def run(self, event, step):
            e = event
            await step.sleep(e["order"], "1 second")
            await step.sleep(self.label(e), "1 second")
            await step.sleep(self.label(event["payload"]), "1 second")

        def label(self, source):
            return source.get("label")
    """) == [("WF036", 7), ("WF036", 12)]


def test_names_that_may_hold_something_else_are_not_followed() -> None:
    assert findings("""
        async def run(self, event, step):
            if "order" in event:
                await step.sleep("has order", "1 second")
            names = [event["name"] for event in event["payload"]["events"]]
            pick = lambda event: event["city"]
            await step.sleep(pick(names), "1 second")
            event = event["payload"]
            await step.sleep(event["city"], "1 second")
    """) == []


def test_writes_are_event_mutation_not_reads() -> None:
    assert findings("""
        async def run(self, event, step):
            event["order"] = 1
            await step.sleep("nap", "1 second")
    """) == [("WF032", 6)]


def test_a_misspelt_field_is_named() -> None:
    source = textwrap.dedent("""
        from workers import WorkflowEntrypoint


        class W(WorkflowEntrypoint):
            async def run(self, event, step):
                await step.sleep(event["instance_id"], "1 second")
    """).lstrip()
    [diag] = check_file(analyze_source(source, "example.py"), budget=False).diagnostics
    assert (diag.code, diag.line) == ("WF036", 6)
    assert "`instanceId`" in diag.notes[0]


def test_wait_results_from_every_branch_and_in_helpers() -> None:
    assert findings("""
        async def run(self, event, step):
            try:
                reply = await step.wait_for_event("wait", "approval")
            except Exception:
                reply = await step.wait_for_event("wait again", "approval")
            await step.sleep(reply["decision"], "1 second")
            await self.second(step)

        async def second(self, step):
            answer = await step.wait_for_event("second", "answer")
            await step.sleep(answer.payload["text"] + answer.text, "1 second")
    """) == [("WF037", 10), ("WF037", 15)]


def test_a_wait_result_name_bound_to_anything_else_is_not_followed() -> None:
    assert findings("""
        async def run(self, event, step):
            reply = {"decision": "default"}
            if event["payload"]["wait"]:
                reply = await step.wait_for_event("wait", "approval")
            await step.sleep(reply["decision"], "1 second")
    """) == []
