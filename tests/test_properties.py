"""Property test (issue 5, item 4): for any program, wfgraph emits graphs that validate against
the schema and round-trip to identical JSON, or clean diagnostics; it never raises.

Programs are random Python from hypothesmith with workflow fragments spliced in: a
``class W(WorkflowEntrypoint)`` whose ``run`` (and helpers) hold random statements with step
declarations, awaits, sleeps, waits, ``if``/``match``/``try``/loops, ``gather``, tasks, task groups,
early returns, aliases and shadowing of the step object, and random hypothesmith statements.

The normal suite runs ``NORMAL_EXAMPLES`` derandomised examples (the same ones on every run, so CI
is reproducible). The long run: ``WFGRAPH_LONG_FUZZ=20000 python -m pytest
tests/test_properties.py`` (or ``python benchmarks/fuzz.py``), random and with Hypothesis's
example database, so that failures found are replayed first next time.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import hypothesmith
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wfgraph.analyzer.analysis import analyze_source
from wfgraph.analyzer.diagnostics import Diagnostic
from wfgraph.analyzer.commands.graph import run_graph
from wfgraph.analyzer.python.deep import run_deep
from wfgraph.analyzer.emit import json as emit_json
from wfgraph.analyzer.portable import detach
from wfgraph.schema import Graph

NORMAL_EXAMPLES = 300
LONG = os.environ.get("WFGRAPH_LONG_FUZZ", "").strip()
if LONG:
    SETTINGS = settings(max_examples=int(LONG) if LONG.isdigit() and int(LONG) > 1 else 20_000,
                        deadline=None, suppress_health_check=list(HealthCheck))
else:
    SETTINGS = settings(max_examples=NORMAL_EXAMPLES, deadline=None, derandomize=True,
                        database=None, suppress_health_check=list(HealthCheck))

# --- the pieces of a workflow ----------------------------------------------------------------------

IDENT = st.sampled_from(["a", "b", "item", "order", "payload", "result", "i", "x"])
STRING = st.sampled_from(['"fetch"', '"charge card"', "'ship'", '"ünïcode 😴"', '""', "'a\\nb'",
                          '"x" "y"', "NAME", 'f"item {i}"', 'f"{a!r:>{b}}"', "a.b", "str(i)",
                          "1", "None"])
DURATION = st.sampled_from(['"1 second"', '"10 minutes"', "5", "1.5", "-1", "10**20",
                            "float('inf')", "a", '"bad"', "TIMEOUT", "0"])
CONFIG = st.sampled_from(["", ", config=RETRY", ", config={}",
                          ', config={"retries": {"limit": 3, "delay": "1 s", "backoff": "linear"}}',
                          ', config={"retries": {"limit": a, "backoff": "nope"}, "timeout": 2.5}',
                          ", config={**RETRY}", ", config=dict(timeout=1)", ", config=[1]",
                          ", concurrent=True", ", depends=[NAME]"])
CONDITION = st.sampled_from(["a", "not b", "a and b", "x > 1", "event['payload']['flag']",
                             "(yield_ := 1)", "a if b else x", "await step.sleep('in test', 1)",
                             "len(order)", "i % 2", "payload.get('k') is None"])


@dataclass
class Ctx:
    steps: list[str] = field(default_factory=list)
    helpers: list[str] = field(default_factory=list)
    serial: int = 0

    def next(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}{self.serial}"


def indent(lines: list[str], by: int = 4) -> list[str]:
    return [" " * by + line if line else line for line in lines]


RANDOM_PROGRAM = hypothesmith.from_grammar()  # built once: building the grammar is costly


@st.composite
def spliced(draw: st.DrawFn) -> list[str]:
    """A random hypothesmith program, as statements of the current block."""
    program = draw(RANDOM_PROGRAM)
    lines = program.splitlines()
    return lines or ["pass"]


@st.composite
def statement(draw: st.DrawFn, ctx: Ctx, depth: int, in_loop: bool) -> list[str]:
    # The first kinds are where Hypothesis's small examples go: make them run steps.
    simple = ["sleep", "declare", "await", "sleep_task", "wait", "gather", "task", "helper",
              "payload", "alias", "shadow", "plain", "return", "spliced"]
    compound = ["if", "early", "for", "while", "try", "with", "taskgroup", "match", "nested_def"]
    kinds = simple + (compound if depth < 4 else []) + (["break", "continue"] if in_loop else [])
    kind = draw(st.sampled_from(kinds))
    block = lambda: draw(stmts(ctx, depth + 1, in_loop))  # noqa: E731
    loop_block = lambda: draw(stmts(ctx, depth + 1, True))  # noqa: E731
    if kind == "declare":
        name = ctx.next("s")
        params = draw(st.sampled_from(["", "ctx", *[p for p in ctx.steps[-2:]], "x=1"]))
        body = draw(stmts(ctx, depth + 1, False)) if draw(st.booleans()) else ["return 1"]
        ctx.steps.append(name)
        run = [f"await {name}()"] if draw(st.integers(0, 3)) else []
        return [f"@step.do({draw(STRING)}{draw(CONFIG)})", f"async def {name}({params}):",
                *indent(body), *run]
    if kind == "await":
        if not ctx.steps:
            return ["await step.sleep('nothing declared yet', 1)"]
        name = draw(st.sampled_from(ctx.steps))
        form = draw(st.sampled_from(["await {n}()", "r = await {n}()", "c = {n}()\nawait c",
                                     "{n}()", "await asyncio.wait_for({n}(), 1)",
                                     "return await {n}()", "x = a or await {n}()",
                                     "y = await ({n}() if a else {n}())"]))
        return form.format(n=name).split("\n")
    if kind == "sleep":
        method = draw(st.sampled_from(["sleep", "sleep_until"]))
        return [f"await step.{method}({draw(STRING)}, {draw(DURATION)})"]
    if kind == "sleep_task":
        return [f"t = step.sleep({draw(STRING)}, {draw(DURATION)})", "await t"]
    if kind == "wait":
        return [f"ev = await step.wait_for_event({draw(STRING)}, {draw(STRING)}, "
                f"timeout={draw(DURATION)})", "v = ev['payload']['answer'].get('k')"]
    if kind == "gather":
        names = draw(st.lists(st.sampled_from(ctx.steps), max_size=3)) if ctx.steps else []
        members = ", ".join([f"{n}()" for n in names] + ["step.sleep('g', 1)"])
        form = draw(st.sampled_from([
            "await asyncio.gather({m})", "await asyncio.gather({m}, return_exceptions=True)",
            "await asyncio.gather(*[{first} for _ in range(3)])",
            "await asyncio.wait([{m}], return_when=asyncio.FIRST_COMPLETED)",
            "g = asyncio.gather({m})\nawait g"]))
        first = f"{names[0]}()" if names else "step.sleep('g', 1)"
        return form.format(m=members, first=first).split("\n")
    if kind == "task":
        target = f"{draw(st.sampled_from(ctx.steps))}()" if ctx.steps else "step.sleep('t', 1)"
        return [f"task = asyncio.create_task({target})", "await step.sleep('meanwhile', 1)",
                "await task"]
    if kind == "helper":
        name = ctx.next("h")
        ctx.helpers.append(name)
        call = draw(st.sampled_from([f"await self.{name}(step, event)", f"await {name}(step)",
                                     f"{name}(step)", f"await self.{name}(step=step, event=event)"]))
        return [call]
    if kind == "payload":
        return [draw(st.sampled_from(["p = event['payload']", "q = event.payload.order.id",
                                      "r = event.get('payload', {}).get('x')",
                                      "event['payload']['k'] = 1"]))]
    if kind == "alias":
        return ["s = step", f"await s.sleep({draw(STRING)}, 1)"]
    if kind == "shadow":
        return [draw(st.sampled_from(["step = object()", "for step in range(2): pass",
                                      "step: int = 3", "(step := other)"]))]
    if kind == "plain":
        return [f"{draw(IDENT)} = {draw(IDENT)} + 1"]
    if kind == "return":
        return [draw(st.sampled_from(["return", "return 1", "raise ValueError('x')"]))]
    if kind == "spliced":
        return draw(spliced())
    if kind in ("break", "continue"):
        return [kind]
    if kind == "if":
        lines = [f"if {draw(CONDITION)}:", *indent(block())]
        if draw(st.booleans()):
            lines += [f"elif {draw(CONDITION)}:", *indent(block())]
        if draw(st.booleans()):
            lines += ["else:", *indent(block())]
        return lines
    if kind == "early":
        return [f"if {draw(CONDITION)}:", *indent(block()), "    return"]
    if kind == "for":
        head = draw(st.sampled_from(["for i in range(3):", "async for i in stream():",
                                     "for i, x in enumerate(order):"]))
        lines = [head, *indent(loop_block())]
        if draw(st.booleans()):
            lines += ["else:", *indent(block())]
        return lines
    if kind == "while":
        return [f"while {draw(CONDITION)}:", *indent(loop_block())]
    if kind == "try":
        lines = ["try:", *indent(block())]
        handlers = draw(st.sampled_from([["except KeyError:"], ["except (KeyError, ValueError) as e:",
                                                                "except:"], []]))
        for handler in handlers:
            lines += [handler, *indent(block())]
        if not handlers or draw(st.booleans()):
            lines += ["finally:", *indent(block())]
        return lines
    if kind == "with":
        return [draw(st.sampled_from(["with lock:", "async with session() as s2:"])), *indent(block())]
    if kind == "taskgroup":
        target = f"{draw(st.sampled_from(ctx.steps))}()" if ctx.steps else "step.sleep('tg', 1)"
        return ["async with asyncio.TaskGroup() as tg:", f"    tg.create_task({target})",
                *indent(block())]
    if kind == "match":
        return [f"match {draw(IDENT)}:", "    case 'a' | 'b':", *indent(block(), 8),
                "    case {'k': v} if v:", *indent(block(), 8), "    case _:", *indent(block(), 8)]
    # nested_def: a closure that captures the step object
    name = ctx.next("inner")
    return [f"async def {name}():", *indent(block()), f"await {name}()"]


@st.composite
def stmts(draw: st.DrawFn, ctx: Ctx, depth: int, in_loop: bool) -> list[str]:
    count = draw(st.integers(min_value=1, max_value=4 if depth else 8))
    lines: list[str] = []
    for _ in range(count):
        lines += draw(statement(ctx, depth, in_loop))
    return lines


@st.composite
def programs(draw: st.DrawFn) -> str:
    ctx = Ctx()
    run_body = draw(stmts(ctx, 0, False))
    helpers: list[str] = []
    done: set[str] = set()
    while len(done) < len(ctx.helpers):
        name = next(h for h in ctx.helpers if h not in done)
        done.add(name)
        body = draw(stmts(ctx, 2, False))
        as_method = draw(st.booleans())
        sync = draw(st.sampled_from(["async ", "async ", ""]))
        params = "self, step, event=None" if as_method else "step, event=None"
        helpers.append((as_method, [f"{sync}def {name}({params}):", *indent(body)]))
    prefix = draw(spliced()) if draw(st.booleans()) else []
    suffix = draw(spliced()) if draw(st.booleans()) else []
    run_kw = draw(st.sampled_from(["async def run(self, event, step):",
                                   "async def run(self, ev, st_, *rest):",
                                   "def run(self, event, step):"]))
    if "st_" in run_kw:
        run_body = [re.sub(r"\bstep\b", "st_", re.sub(r"\bevent\b", "ev", line)) for line in run_body]
    lines = [*prefix, "import asyncio", "from workers import WorkflowEntrypoint as WE",
             "RETRY = {'retries': {'limit': 2}}", "NAME = 'constant name'", "TIMEOUT = '1 hour'"]
    for as_method, helper in helpers:
        if not as_method:
            lines += ["", *helper]
    lines += ["", "class W(WE):", "    " + run_kw, *indent(run_body, 8)]
    for as_method, helper in helpers:
        if as_method:
            lines += ["", *indent(helper)]
    lines += ["", *suffix]
    return "\n".join(lines) + "\n"


# --- the property ---------------------------------------------------------------------------------

LOCATED = re.compile(r"^fuzz\.py:\d+:\d+: |^fuzz\.py: no workflow with steps found$")


def check_diagnostic(diag: Diagnostic, text: str) -> None:
    assert diag.path.endswith("fuzz.py")
    assert diag.message and "Traceback" not in diag.message
    assert 1 <= diag.line <= max(1, text.count("\n") + 2) and diag.column >= 1


def check_graph(graph: Graph) -> None:
    data = graph.model_dump(mode="json")
    text = emit_json.dumps(data)
    again = Graph.model_validate(json.loads(text))
    assert emit_json.dumps(again.model_dump(mode="json")) == text


def check(text: str) -> None:
    result = run_deep(analyze_source, text, "fuzz.py")  # the API: must return, never raise
    for diag in result.errors:
        check_diagnostic(diag, text)
    portable = detach(result)  # what commands see: unwritable graphs become findings
    for diag in portable.errors:
        check_diagnostic(diag, text)
    for wf in portable.workflows:
        if wf.graph is not None:
            check_graph(wf.graph)
        else:
            assert wf.reason
        for fact in wf.facts:
            assert portable.span(fact.node).line >= 1

    with tempfile.TemporaryDirectory() as folder:  # and the command, in this process
        path = Path(folder) / "fuzz.py"
        path.write_text(text, encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        code = run_graph([str(path)], None, False, False, out, err)
        assert code in (0, 1, 2)
        for line in err.getvalue().splitlines():
            assert LOCATED.match(line.replace(str(path), "fuzz.py")), line
        if code == 0:
            data = json.loads(out.getvalue())
            graphs = [data] if "version" in data else list(data.values())
            for graph in graphs:
                check_graph(Graph.model_validate(graph))


@SETTINGS
@given(programs())
def test_workflow_programs_give_graphs_or_clean_diagnostics(text: str) -> None:
    check(text)


@SETTINGS
@given(RANDOM_PROGRAM)
def test_any_program_gives_a_clean_result(text: str) -> None:
    check("from workers import WorkflowEntrypoint\n" + text)


def test_the_strategy_makes_graphs() -> None:
    """The generated programs are mostly valid workflows (else the property tests little)."""
    produced = []

    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(programs())
    def sample(text: str) -> None:
        result = run_deep(analyze_source, text, "fuzz.py")
        produced.append(any(w.graph is not None for w in result.workflows))

    sample()
    assert sum(produced) >= len(produced) // 3


def test_a_known_shape() -> None:
    check(textwrap.dedent("""\
        import asyncio
        from workers import WorkflowEntrypoint

        class W(WorkflowEntrypoint):
            async def run(self, event, step):
                @step.do("a")
                async def a():
                    return 1

                t = asyncio.create_task(a())
                await step.sleep("s", "1 second")
                await t
        """))
