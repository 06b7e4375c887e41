"""Inputs that try to break wfgraph (issue 5, item 3).

Each case goes through the CLI (``python -m wfgraph.analyzer graph …``, where it must give a clear
message with ``path:line:col`` or a graph, never a traceback) and through ``analyze_file`` (which
must return, never raise). A last test gives every case to one run, with a good file among them,
both as explicit files and as a directory (worker processes): the good file's graph is there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from wfgraph.analyzer.analysis import analyze_file
from wfgraph.analyzer.python.deep import run_deep
from wfgraph.schema import Graph

from conftest import FIXTURES, ROOT

HEADER = "from workers import WorkflowEntrypoint\n\n\n"
RUN = "class W(WorkflowEntrypoint):\n    async def run(self, event, step):\n"
GOOD = FIXTURES / "realistic" / "cloudflare_docs.py"
LOCATION = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): ", re.M)


def cli(*args: str, env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wfgraph.analyzer", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def assert_clean(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Error:" not in proc.stderr.replace("error:", ""), proc.stderr
    assert proc.returncode in (0, 1, 2), proc.returncode


def located(proc: subprocess.CompletedProcess[str], path: Path) -> list[tuple[int, int, str]]:
    """(line, column, message) of the stderr lines about ``path``."""
    out = []
    for line in proc.stderr.splitlines():
        match = LOCATION.match(line)
        if match and match["path"] == str(path):
            out.append((int(match["line"]), int(match["col"]), line[match.end():]))
    return out


def graph_of(proc: subprocess.CompletedProcess[str]) -> dict:
    data = json.loads(proc.stdout)
    Graph.model_validate(data)
    return data


def step_names(graph: dict) -> list[str]:
    names = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if str(value.get("type", "")).startswith("step_"):
                names.append(value["name"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(graph)
    return names


# --- the cases -----------------------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_syntax_error(tmp_path: Path) -> None:
    bad = write(tmp_path, "syntax.py", HEADER + "class W(WorkflowEntrypoint):\n"
                "    async def run(self, event, step)\n        pass\n")
    proc = cli("graph", str(bad))
    assert_clean(proc)
    assert proc.returncode == 2 and proc.stdout == ""
    [(line, col, message)] = located(proc, bad)
    assert (line, message.split(":")[0]) == (5, "syntax error") and col > 1

    result = analyze_file(bad)
    [diag] = result.errors
    assert (diag.code, diag.line) == ("WF000", 5)
    assert result.workflows == []


def test_not_utf8(tmp_path: Path) -> None:
    bad = write(tmp_path, "latin1.py", b"# caf\xe9\n" + HEADER.encode() + RUN.encode()
                + b"        await step.sleep('s', 1)\n")
    proc = cli("graph", str(bad))
    assert_clean(proc)
    assert proc.returncode == 2 and proc.stdout == ""
    [(line, col, message)] = located(proc, bad)
    assert (line, col) == (1, 6) and "UTF-8" in message

    [diag] = analyze_file(bad).errors
    assert (diag.code, diag.line, diag.column) == ("WF000", 1, 6)


def test_empty_file(tmp_path: Path) -> None:
    empty = write(tmp_path, "empty.py", "")
    proc = cli("graph", str(empty))
    assert_clean(proc)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith(f"{empty}: no workflow")

    result = analyze_file(empty)
    assert result.errors == [] and result.workflows == []


def five_mb_of_data() -> str:
    rows, size, i = [], 0, 0
    while size < 5_000_000:
        row = f'    {{"id": {i}, "name": "item {i}", "tags": ["a", "b"], "price": {i}.5}},\n'
        rows.append(row)
        size += len(row)
        i += 1
    return (HEADER + "DATA = [\n" + "".join(rows) + "]\n\n\n" + RUN
            + "        await step.sleep('after the data', 1)\n")


def five_mb_of_text() -> str:
    blob = ("x" * 99 + "\n") * 50_000
    return HEADER + f'BLOB = """{blob}"""\n\n\n' + RUN + "        await step.sleep('after the blob', 1)\n"


def test_five_megabytes_is_refused_by_default_with_a_location(tmp_path: Path) -> None:
    """libcst needs over half a minute for 5 MB of dense code: over the size limit, the file is
    reported (quickly) instead of analysed."""
    big = write(tmp_path, "big.py", five_mb_of_data())
    assert big.stat().st_size >= 5_000_000
    proc = cli("graph", str(big), timeout=60)
    assert_clean(proc)
    assert proc.returncode == 2 and proc.stdout == ""
    [(line, col, message)] = located(proc, big)
    assert (line, col) == (1, 1)
    assert "larger than" in message and "WFGRAPH_MAX_FILE_SIZE" in message


def test_five_megabytes_analysed_when_the_limit_allows(tmp_path: Path) -> None:
    big = write(tmp_path, "blob.py", five_mb_of_text())
    assert big.stat().st_size >= 5_000_000
    proc = cli("graph", str(big), env={"WFGRAPH_MAX_FILE_SIZE": "0"})
    assert_clean(proc)
    assert proc.returncode == 0
    assert step_names(graph_of(proc)) == ["after the blob"]

    result = analyze_file(big)
    assert result.errors == []
    assert step_names(result.workflows[0].graph.model_dump(mode="json")) == ["after the blob"]


# --- nesting 200 levels deep ---------------------------------------------------------------------


def nested_ifs(levels: int) -> str:
    lines, indent = [HEADER, RUN], " " * 8
    for i in range(levels):
        lines.append(f"{indent}if c{i}:\n")
        indent += "    "
    lines.append(f"{indent}await step.sleep('bottom', 1)\n")
    return "".join(lines)


def test_two_hundred_nested_blocks_is_a_python_syntax_error(tmp_path: Path) -> None:
    """CPython allows 100 levels of indentation: deeper is invalid Python, reported as such."""
    deep = write(tmp_path, "deep_blocks.py", nested_ifs(200))
    proc = cli("graph", str(deep))
    assert_clean(proc)
    assert proc.returncode == 2
    [(line, _, message)] = located(proc, deep)
    assert line > 90 and "indentation" in message

    [diag] = analyze_file(deep).errors
    assert diag.code == "WF000" and diag.line == line


@pytest.mark.parametrize("opening, closing", [("(", ")"), ("[", "]"), ("f(", ")"), ("{'k': ", "}")])
def test_199_nested_brackets_in_a_step_argument(tmp_path: Path, opening: str, closing: str) -> None:
    """199 is CPython's limit of nested brackets (200 is a syntax error in CPython)."""
    text = HEADER + RUN + ("        await step.sleep('bracketed', " + opening * 199 + "1"
                           + closing * 199 + ")\n")
    deep = write(tmp_path, "deep_brackets.py", text)
    proc = cli("graph", str(deep))
    assert_clean(proc)
    assert step_names(graph_of(proc)) == ["bracketed"]
    assert step_names(analyze_file(deep).workflows[0].graph.model_dump(mode="json")) == ["bracketed"]


def test_two_hundred_brackets_is_a_syntax_error_with_a_location(tmp_path: Path) -> None:
    text = HEADER + RUN + "        await step.sleep('x', " + "(" * 200 + "1" + ")" * 200 + ")\n"
    text += "        pass  # " + "x" * 2_000 + "\n"  # a long line: CPython's parser checks first
    deep = write(tmp_path, "brackets200.py", text)
    proc = cli("graph", str(deep))
    assert_clean(proc)
    assert proc.returncode == 2
    [(line, _, message)] = located(proc, deep)
    assert line == 6 and "too many nested parentheses" in message


def test_two_hundred_nested_lambdas_and_nots(tmp_path: Path) -> None:
    text = (HEADER + RUN + "        f = " + "lambda: " * 200 + "1\n"
            + "        g = " + "not " * 200 + "f\n        await step.sleep('after', 1)\n")
    deep = write(tmp_path, "lambdas.py", text)
    proc = cli("graph", str(deep))
    assert_clean(proc)
    assert step_names(graph_of(proc)) == ["after"]
    assert analyze_file(deep).errors == []


def test_a_chain_of_two_hundred_helpers_is_cut_with_an_analysis_limit(tmp_path: Path) -> None:
    """Helpers analysed inside helpers nest too: past the walker's limit, an ``analysis-limit``
    finding with a location, and the graph of what was analysed."""
    parts = [HEADER]
    for i in range(200):
        parts.append(f"async def h{i}(step):\n    await step.sleep('s{i}', 1)\n    await h{i + 1}(step)\n\n\n")
    parts.append("async def h200(step):\n    await step.sleep('last', 1)\n\n\n")
    parts.append(RUN + "        await h0(step)\n")
    deep = write(tmp_path, "helper_chain.py", "".join(parts))
    proc = cli("graph", str(deep))
    assert_clean(proc)
    assert proc.returncode == 0
    graph_of(proc)
    [(line, col, message)] = located(proc, deep)
    assert line > 1 and "warning" in message and "not analysed" in message

    result = analyze_file(deep)
    [wf] = result.workflows
    limits = [f for f in wf.facts if f.kind == "analysis-limit"]
    assert limits and result.span(limits[0].node).line == line


def nested_conditional_steps(levels: int) -> str:
    """``await (s('0') if c0 else (s('1') if c1 else …))``: one ``if`` node per level."""
    expr = "step.sleep('last', 1)"
    for i in reversed(range(levels)):
        expr = f"(step.sleep('s{i}', 1) if c{i} else {expr})"
    return HEADER + RUN + f"        await {expr}\n"


def test_two_hundred_nested_conditional_steps_give_a_finding_not_a_traceback(tmp_path: Path) -> None:
    """Conditional expressions nested 200 deep: the walker stops at its depth limit (so the graph
    can still be written as JSON; pydantic's serializer stops at 128 levels), says where on
    stderr, and goes on with other files."""
    deep = write(tmp_path, "deep_ifexp.py", nested_conditional_steps(199))
    proc = cli("graph", str(deep), str(GOOD))
    assert_clean(proc)
    assert proc.returncode == 0
    [(line, col, message)] = located(proc, deep)
    assert line == 6 and "nesting deeper than" in message
    assert sorted(json.loads(proc.stdout)) == sorted([f"{deep}::W", f"{GOOD}::MyWorkflow"])

    result = analyze_file(deep)
    assert result.errors == []
    assert any(f.kind == "analysis-limit" for f in result.workflows[0].facts)


@pytest.mark.filterwarnings("ignore")
def test_analyze_file_graph_of_deep_conditionals_serialises(tmp_path: Path) -> None:
    deep = write(tmp_path, "deep_ifexp.py", nested_conditional_steps(199))
    result = analyze_file(deep)
    [wf] = result.workflows
    if wf.graph is not None:
        Graph.model_validate(wf.graph.model_dump(mode="json"))
    else:
        assert any(f.kind == "analysis-limit" for f in wf.facts)


def test_a_chain_of_thousands_of_operators_is_refused_before_libcst(tmp_path: Path) -> None:
    """libcst is quadratic on ``a + a + …`` and overflows the C stack on longer ones (a
    segmentation fault); CPython cannot compile them either. Refused, at the line, in no time."""
    text = HEADER + RUN + "        x = a" + ".b" * 20_000 + "\n        await step.sleep('s', x)\n"
    deep = write(tmp_path, "attr_chain.py", text)
    proc = cli("graph", str(deep), timeout=60)
    assert_clean(proc)
    assert proc.returncode == 2
    [(line, col, message)] = located(proc, deep)
    assert (line, col) == (6, 1) and "nested too deeply" in message


def test_deep_input_cannot_crash_the_process_through_analyze_file_on_a_large_stack(tmp_path: Path) -> None:
    """What the CLI does for every file: ``run_deep`` gives the parser and walker a large stack,
    so 1,000 nested lambdas (a segmentation fault on the main thread's stack with the recursion
    limit analysis.py sets) parse and are walked."""
    text = HEADER + RUN + "        f = " + "lambda: " * 1000 + "1\n        await step.sleep('after', 1)\n"
    deep = write(tmp_path, "lambdas1000.py", text)
    result = run_deep(analyze_file, deep)
    assert result.errors == []
    assert step_names(result.workflows[0].graph.model_dump(mode="json")) == ["after"]


# --- helpers, bases, run, shadowing ----------------------------------------------------------------

CYCLE = HEADER + '''
async def ping(step, n):
    await step.sleep("ping", 1)
    if n:
        await pong(step, n - 1)


async def pong(step, n):
    await step.sleep("pong", 1)
    await ping(step, n - 1)


async def alone(step):
    await alone(step)


class W(WorkflowEntrypoint):
    async def run(self, event, step):
        await ping(step, 3)
        await self.a(step)
        await alone(step)

    async def a(self, step):
        await step.sleep("a", 1)
        await self.b(step)

    async def b(self, step):
        await self.c(step)

    async def c(self, step):
        await self.a(step)
'''


def test_helpers_calling_each_other_in_a_cycle(tmp_path: Path) -> None:
    path = write(tmp_path, "cycle.py", CYCLE)
    proc = cli("graph", str(path))
    assert_clean(proc)
    assert proc.returncode == 0
    graph = graph_of(proc)
    functions = graph["workflow"]["functions"]
    assert {"ping", "pong", "a", "b", "c"} <= set(functions)
    assert "alone" not in functions  # recursion without steps has none (SEMANTICS §6.1)

    result = analyze_file(path)
    assert result.errors == [] and result.workflows[0].graph is not None


UNRESOLVABLE = HEADER + '''
from elsewhere import Base, make_base


class FromElsewhere(Base):
    async def run(self, event, step):
        await step.sleep("unseen", 1)


class Computed(make_base(WorkflowEntrypoint)):
    async def run(self, event, step):
        await step.sleep("unseen either", 1)


class Fine(WorkflowEntrypoint, metaclass=Meta):
    async def run(self, event, step):
        await step.sleep("seen", 1)
'''


def test_unresolvable_bases_do_not_stop_the_rest_of_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "bases.py", UNRESOLVABLE)
    proc = cli("graph", str(path))
    assert_clean(proc)
    assert proc.returncode == 0
    assert step_names(graph_of(proc)) == ["seen"]

    result = analyze_file(path)
    assert result.errors == []
    assert [w.class_name for w in result.workflows] == ["Fine"]


def test_unresolvable_base_is_named_with_a_location(tmp_path: Path) -> None:
    path = write(tmp_path, "only_unresolvable.py", HEADER + "from elsewhere import Base\n\n\n"
                 "class FromElsewhere(Base):\n    async def run(self, event, step):\n"
                 "        await step.sleep('unseen', 1)\n")
    proc = cli("graph", str(path))
    assert_clean(proc)
    assert any("FromElsewhere" in message for _, _, message in located(proc, path))


def test_run_that_is_not_async(tmp_path: Path) -> None:
    path = write(tmp_path, "sync_run.py", HEADER + "class W(WorkflowEntrypoint):\n"
                 "    def run(self, event, step):\n        step.sleep('s', 1)\n")
    proc = cli("graph", str(path))
    assert_clean(proc)
    assert proc.returncode in (0, 1)
    if proc.returncode == 0:
        graph_of(proc)
    else:
        assert located(proc, path)

    result = analyze_file(path)
    [wf] = result.workflows
    [fact] = [f for f in wf.facts if f.kind == "run-not-async"]
    assert result.span(fact.node).line == 5


SHADOWED = HEADER + '''
class W(WorkflowEntrypoint):
    async def run(self, event, step):
        await step.sleep("real", 1)
        s = step
        await s.sleep("alias", 1)

        def local(step):
            return step.sleep("a parameter named step", 1)

        await local(object())
        for step in range(3):
            await step.do("loop variable")
        step = Other()
        await step.sleep("rebound", 1)
        await s.sleep("alias still", 1)
'''


def test_step_object_shadowed_by_local_names(tmp_path: Path) -> None:
    path = write(tmp_path, "shadowed.py", SHADOWED)
    proc = cli("graph", str(path))
    assert_clean(proc)
    assert step_names(graph_of(proc)) == ["real", "alias", "alias still"]

    result = analyze_file(path)
    assert step_names(result.workflows[0].graph.model_dump(mode="json")) == \
        ["real", "alias", "alias still"]


# --- all of them in one run ------------------------------------------------------------------------


def every_bad_file(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "repo"
    folder.mkdir()
    files = {
        "a_syntax.py": HEADER + "class W(WorkflowEntrypoint:\n",
        "b_latin1.py": b"# caf\xe9 WorkflowEntrypoint\n",
        "c_empty.py": "# WorkflowEntrypoint\n",
        "d_deep_blocks.py": nested_ifs(200),
        "e_deep_ifexp.py": nested_conditional_steps(199),
        "f_cycle.py": CYCLE,
        "g_bases.py": UNRESOLVABLE,
        "h_shadowed.py": SHADOWED,
        "i_chain.py": HEADER + RUN + "        x = a" + " + a" * 20_000 + "\n",
        "j_big.py": HEADER + "# " + "x" * 100 + "\n" + "X = 1\n" * 400_000,
    }
    paths = [write(folder, name, text) for name, text in files.items()]
    good = folder / "z_good.py"
    good.write_text(GOOD.read_text())
    return [*paths, good]


def test_one_bad_file_never_stops_the_others(tmp_path: Path) -> None:
    paths = every_bad_file(tmp_path)
    env = {"WFGRAPH_MAX_FILE_SIZE": "1000000"}
    by_dir = cli("graph", str(paths[0].parent), env=env, timeout=180)  # 11 files: worker processes
    by_files = cli("graph", *map(str, reversed(paths)), env={**env, "WFGRAPH_JOBS": "1"},
                   timeout=180)
    for proc in (by_dir, by_files):
        assert_clean(proc)
        assert proc.returncode == 2
        graphs = json.loads(proc.stdout)
        assert f"{paths[-1]}::MyWorkflow" in graphs
        assert f"{paths[0].parent / 'f_cycle.py'}::W" in graphs
        for name in ("a_syntax", "b_latin1", "d_deep_blocks", "e_deep_ifexp", "i_chain", "j_big"):
            assert located(proc, paths[0].parent / f"{name}.py"), (name, proc.stderr)
    assert by_dir.stdout == by_files.stdout
    assert by_dir.stderr == by_files.stderr
