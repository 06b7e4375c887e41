"""Which code runs as workflow code (checks/call_graph.py, checks/workflow_code.py): every function
reachable from ``run`` outside step bodies, whatever it contains (docs/python-api.md §2.6),
with ``self.env`` and the workflow instance followed into the helpers they are passed to. Seen
through WF030 and WF031, the rules that depend on it: codes and lines, not wording."""

from __future__ import annotations

import textwrap

from wfgraph.analyzer.analysis import analyze_source
from wfgraph.analyzer.checks.runner import check_file


def findings(source: str) -> list[tuple[str, int]]:
    text = textwrap.dedent(source).lstrip("\n")
    analysis = analyze_source(text, "example.py")
    assert not analysis.errors, analysis.errors
    found = check_file(analysis, budget=False).diagnostics
    return sorted((d.code, d.line) for d in found)


HEADER = """
import time
from workers import WorkflowEntrypoint
"""


def test_closure_without_steps_called_from_run() -> None:
    assert findings(HEADER + """
class W(WorkflowEntrypoint):
    async def run(self, event, step):
        def stamp():
            return time.time()

        started = stamp()

        @step.do("save")
        async def save():
            return started

        await save()
""") == [("WF031", 7)]


def test_helper_called_only_inside_a_step_runs_in_the_step() -> None:
    assert findings(HEADER + """
def stamp():
    return time.time()


class W(WorkflowEntrypoint):
    async def run(self, event, step):
        @step.do("save")
        async def save():
            return stamp()

        await save()
""") == []


def test_helper_called_from_a_step_and_from_run_is_reported_once() -> None:
    assert findings(HEADER + """
def stamp():
    return time.time()


class W(WorkflowEntrypoint):
    async def run(self, event, step):
        @step.do("save")
        async def save():
            return stamp()

        await save()
        return stamp()
""") == [("WF031", 5)]


def test_mutual_recursion_terminates() -> None:
    assert findings(HEADER + """
def ping(n):
    return pong(n - 1) if n else time.time()


def pong(n):
    return ping(n)


class W(WorkflowEntrypoint):
    async def run(self, event, step):
        @step.do("save")
        async def save():
            return 1

        await save()
        return ping(3)
""") == [("WF031", 5)]


def test_env_followed_into_static_methods_and_module_functions_given_self() -> None:
    assert findings(HEADER + """
async def audit(workflow):
    await workflow.env.AUDIT.write("run")


class W(WorkflowEntrypoint):
    async def run(self, event, step):
        await self.send(self.env.QUEUE)
        await audit(self)

        @step.do("save")
        async def save():
            return 1

        await save()

    @staticmethod
    async def send(queue):
        await queue.send({"id": 1})
""") == [("WF030", 5), ("WF030", 21)]


def test_arguments_after_star_args_are_not_guessed() -> None:
    assert findings(HEADER + """
async def notify(first, env):
    await env.QUEUE.send(first)


class W(WorkflowEntrypoint):
    async def run(self, event, step):
        await notify(*event["payload"]["ids"], self.env)

        @step.do("save")
        async def save():
            return 1

        await save()
""") == []


def test_a_local_value_hides_the_module_function_of_that_name() -> None:
    assert findings(HEADER + """
def stamp():
    return time.time()


class W(WorkflowEntrypoint):
    async def run(self, event, step):
        stamp = event["payload"].get
        started = stamp("started")

        @step.do("save")
        async def save():
            return started

        await save()
""") == []


def test_functions_called_by_helpers_with_steps_are_workflow_code() -> None:
    assert findings(HEADER + """
def deadline(hours):
    return time.time() + hours * 3600


class W(WorkflowEntrypoint):
    async def run(self, event, step):
        await self.phase(step)

    async def phase(self, step):
        until = deadline(2)

        @step.do("plan")
        async def plan():
            return until

        await plan()
""") == [("WF031", 5)]


def test_getattr_on_env_is_a_binding() -> None:
    assert findings(HEADER + """
class W(WorkflowEntrypoint):
    async def run(self, event, step):
        queue = getattr(self.env, "QUEUE")
        await queue.send({"id": 1})
        await getattr(self.env, event["payload"]["binding"]).put("k", "v")
        prefix = getattr(self.env, "PREFIX", "").strip()

        @step.do("save")
        async def save():
            return prefix

        await save()
""") == [("WF030", 7), ("WF030", 8)]
