"""Whole repositories (issue 5, item 1): the directory walk and its ignore rules, the canonical
file order, worker processes, and what survives a crash in one of them."""

from __future__ import annotations

import functools
import io
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

from typing import Any

import pytest

from wfgraph.analyzer import parallel
from wfgraph.analyzer.analysis import FileAnalysis, analyze_file
from wfgraph.analyzer.commands.common import analyze_paths, map_paths
from wfgraph.analyzer.project.files import collect_files, walk
from wfgraph.analyzer.parallel import Progress, job_count, map_files
from wfgraph.analyzer.portable import DetachedAnalysis, detach

from conftest import FIXTURES, ROOT

WORKFLOW = """from workers import WorkflowEntrypoint


class {name}(WorkflowEntrypoint):
    async def run(self, event, step):
        await step.sleep("{name} sleeps", 1)
"""


def tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def names(root: Path, found: list[Path]) -> list[str]:
    return [p.relative_to(root).as_posix() for p in found]


# --- the walk --------------------------------------------------------------------------------------


def test_walk_is_sorted_and_skips_tool_folders(tmp_path: Path) -> None:
    tree(tmp_path, {
        "b.py": "", "a.py": "", "a/z.py": "", "a.b.py": "", "notes.txt": "",
        ".venv/lib/x.py": "", "node_modules/x.py": "", "__pycache__/x.py": "", ".hidden/x.py": "",
        "build/x.py": "", "pkg/__init__.py": "", "pkg/sub/mod.py": "",
    })
    assert names(tmp_path, walk(tmp_path)) == [
        "a/z.py", "a.b.py", "a.py", "b.py", "pkg/__init__.py", "pkg/sub/mod.py"]


def test_gitignore_at_every_level_with_negation(tmp_path: Path) -> None:
    tree(tmp_path, {
        ".gitignore": "generated/\n*_pb2.py\n",
        "generated/x.py": "",
        "api_pb2.py": "",
        "app/.gitignore": "scratch_*.py\n!scratch_keep.py\n/local.py\n",
        "app/scratch_1.py": "", "app/scratch_keep.py": "", "app/local.py": "", "app/ok.py": "",
        "app/deeper/local.py": "", "app/deeper/scratch_2.py": "",
        "app/deeper/.gitignore": "!api_pb2.py\n", "app/deeper/api_pb2.py": "",
        "other/scratch_1.py": "",
    })
    assert names(tmp_path, walk(tmp_path)) == [
        "app/deeper/api_pb2.py", "app/deeper/local.py", "app/ok.py", "app/scratch_keep.py",
        "other/scratch_1.py"]


def test_gitignore_above_the_directory_up_to_the_repository_root(tmp_path: Path) -> None:
    tree(tmp_path, {
        ".gitignore": "src/gen/\nignored_everywhere.py\n",
        "src/gen/x.py": "", "src/a.py": "", "src/ignored_everywhere.py": "",
        ".git/info/exclude": "src/private.py\n", "src/private.py": "",
    })
    assert names(tmp_path, walk(tmp_path / "src")) == ["src/a.py"]


def test_gitignore_above_a_directory_outside_any_repository_is_ignored(tmp_path: Path) -> None:
    tree(tmp_path, {".gitignore": "src/\n*.py\n", "src/a.py": ""})
    assert names(tmp_path, walk(tmp_path / "src")) == ["src/a.py"]


def test_exclude_patterns_win_over_negations(tmp_path: Path) -> None:
    tree(tmp_path, {
        ".gitignore": "!tests/\n", "tests/test_x.py": "", "src/a.py": "", "src/tests/b.py": "",
        "src/legacy/c.py": "", "src/d_test.py": "",
    })
    found = walk(tmp_path, exclude=("tests", "src/legacy/", "*_test.py"))
    assert names(tmp_path, found) == ["src/a.py"]


def test_collect_applies_the_text_test_to_directories_only(tmp_path: Path) -> None:
    tree(tmp_path, {
        "wf.py": WORKFLOW.format(name="A"), "plain.py": "x = 1\n",
        "mentions.py": "# WorkflowEntrypoint in a comment\n",
    })
    collected = collect_files([tmp_path])
    assert [shown for _, shown in collected.files] == [str(tmp_path / "mentions.py"),
                                                        str(tmp_path / "wf.py")]
    assert collected.scanned == 3
    explicit = collect_files([tmp_path / "plain.py"])
    assert [shown for _, shown in explicit.files] == [str(tmp_path / "plain.py")]


def test_an_explicit_file_is_analysed_even_when_ignored(tmp_path: Path) -> None:
    tree(tmp_path, {".gitignore": "gen.py\n", "gen.py": WORKFLOW.format(name="G")})
    assert collect_files([tmp_path]).files == []
    assert len(collect_files([tmp_path / "gen.py"]).files) == 1


def test_canonical_order_whatever_the_argument_order(tmp_path: Path) -> None:
    tree(tmp_path, {f"{n}.py": WORKFLOW.format(name=n.upper()) for n in "cab"})
    tree(tmp_path, {"d/e.py": WORKFLOW.format(name="E")})
    a, b, c = (tmp_path / f"{n}.py" for n in "abc")
    orders = [[a, b, c], [c, b, a], [b, tmp_path / "d", a, c], [tmp_path / "d", c, a, b]]
    results = {tuple(shown for _, shown in collect_files(o).files) for o in orders[:2]}
    assert results == {(str(a), str(b), str(c))}
    mixed = {tuple(shown for _, shown in collect_files(o).files) for o in orders[2:]}
    assert mixed == {(str(a), str(b), str(c), str(tmp_path / "d" / "e.py"))}


def test_a_file_reached_twice_is_listed_once_under_its_first_spelling(tmp_path: Path) -> None:
    tree(tmp_path, {"w.py": WORKFLOW.format(name="W")})
    spellings = [tmp_path / "w.py", tmp_path / "." / "w.py", tmp_path]
    for order in (spellings, spellings[::-1]):
        files = collect_files(order).files
        assert [shown for _, shown in files] == [str(tmp_path / "w.py")]


def test_missing_path_is_an_error_and_the_rest_goes_on(tmp_path: Path) -> None:
    tree(tmp_path, {"w.py": WORKFLOW.format(name="W")})
    collected = collect_files([tmp_path / "nope.py", tmp_path / "w.py"])
    assert [d.message for d in collected.errors] == ["no such file or directory"]
    assert len(collected.files) == 1


# --- worker processes -----------------------------------------------------------------------------


def test_job_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WFGRAPH_JOBS", raising=False)
    monkeypatch.setattr(parallel, "cpu_count", lambda: 4)
    assert job_count(1) == 1
    assert job_count(parallel.THRESHOLD - 1) == 1
    assert job_count(parallel.THRESHOLD) == 4
    assert job_count(2, jobs=2) == 2
    monkeypatch.setenv("WFGRAPH_JOBS", "1")
    assert job_count(1000) == 1
    monkeypatch.setenv("WFGRAPH_JOBS", "3")
    assert job_count(2) == 2 and job_count(1000) == 3
    monkeypatch.setenv("WFGRAPH_JOBS", "0")
    assert job_count(1000) == 4


def graphs_of(result: FileAnalysis) -> dict[str, str]:
    return {w.class_name: json.dumps(w.graph.model_dump(mode="json")) for w in result.workflows
            if w.graph is not None}


def fixture_items() -> list[tuple[Path, str]]:
    return [(p, str(p)) for p in sorted(FIXTURES.rglob("*.py"))]


def test_workers_give_what_this_process_gives_in_input_order() -> None:
    items = fixture_items()
    assert len(items) >= parallel.THRESHOLD
    here = map_files(items, graphs_of, jobs=1)
    there = map_files(items, graphs_of, jobs=2)
    assert there == here
    assert any(here)


def test_detached_analysis_keeps_graphs_facts_and_positions() -> None:
    path = FIXTURES / "realistic" / "order_pipeline.py"
    full = analyze_file(path)
    detached = pickle.loads(pickle.dumps(detach(analyze_file(path))))
    assert isinstance(detached, DetachedAnalysis)
    assert graphs_of(detached) == graphs_of(full)
    for wf_full, wf_det in zip(full.workflows, detached.workflows):
        assert detached.span(wf_det.cls.name) == full.span(wf_full.cls.name)
        assert wf_det.cls.name.value == wf_full.class_name
        assert [(f.kind, detached.span(f.node)) for f in wf_det.facts] == \
            [(f.kind, full.span(f.node)) for f in wf_full.facts]
        nodes_full = list(_graph_nodes(wf_full.graph))
        nodes_det = list(_graph_nodes(wf_det.graph))
        assert [full.locate(n) for n in nodes_full] == [detached.locate(n) for n in nodes_det]
        assert any(detached.locate(n) for n in nodes_det)
    assert detached.source is not None and detached.source.line_text(1) == full.source.line_text(1)


def test_side_attributes_of_graph_nodes_cross_to_the_caller_without_libcst_nodes() -> None:
    """Any ``_`` attribute the walker sets on a node (``_src``, and whatever the diagrams add)
    survives detach and pickling; libcst nodes in them become ``Ref`` records with positions."""
    from wfgraph.analyzer.portable import Ref

    path = FIXTURES / "realistic" / "order_pipeline.py"
    full = analyze_file(path)
    [node, *_] = [n for n in _graph_nodes(full.workflows[0].graph) if n._src is not None]
    site = node._src
    node._exits = [site, "return"]
    node._label = "a label"
    detached = pickle.loads(pickle.dumps(detach(full)))
    [same, *_] = [n for n in _graph_nodes(detached.workflows[0].graph) if n._src is not None]
    assert same._label == "a label" and same._exits[1] == "return"
    assert isinstance(same._exits[0], Ref) and same._exits[0].span == full.span(site)
    assert same._src == full.span(site)


def test_a_graph_too_deep_to_write_is_an_error_not_output() -> None:
    """SEMANTICS §1.2: every graph written validates; past ``SERIALISE_DEPTH`` nested objects
    pydantic (so Cloudflare's SDK) cannot take it, so the class is reported instead."""
    from wfgraph.schema import Branch, If, StepSleep

    def nested(levels: int) -> list:
        node = StepSleep(name="s", duration=1)
        for _ in range(levels):
            node = If(branches=[Branch(condition="c", nodes=[node])])
        return [node]

    path = FIXTURES / "realistic" / "order_pipeline.py"
    for levels, writable in ((62, True), (63, False)):  # Graph, Workflow, then If and Branch each
        full = analyze_file(path)
        full.workflows[0].graph.workflow.nodes = nested(levels)
        detached = detach(full, positions=False)
        assert (detached.workflows[0].graph is not None) is writable
        assert any(e.code == "WF009" for e in detached.errors) is not writable


def _graph_nodes(graph):  # type: ignore[no-untyped-def]
    from wfgraph.analyzer.python.functions import iter_nodes

    workflow = graph.workflow
    for fdef in [workflow, *workflow.functions.values()]:
        yield from iter_nodes(fdef.nodes)


def test_analyze_paths_portable_or_not_same_graphs_same_order() -> None:
    full = analyze_paths([str(FIXTURES)], err=io.StringIO())
    portable = analyze_paths([str(FIXTURES)], err=io.StringIO(), portable=True, jobs=2)
    assert [r.path for r in full.files] == [r.path for r in portable.files]
    assert [graphs_of(r) for r in full.files] == [graphs_of(r) for r in portable.files]
    assert sorted(full.errors, key=lambda d: d.sort_key()) == \
        sorted(portable.errors, key=lambda d: d.sort_key())


def errors_of(result: FileAnalysis) -> list[tuple[str, str]]:
    return [(e.code, e.message) for e in result.errors]


def test_a_worker_crash_is_reported_on_its_file(tmp_path: Path) -> None:
    tree(tmp_path, {f"w{i:02d}.py": WORKFLOW.format(name=f"W{i}") for i in range(10)})
    items = [(p, str(p)) for p in sorted(tmp_path.glob("*.py"))]
    fn = functools.partial(_crash_or_errors, "w03.py")
    results = map_files(items, fn, jobs=2)
    assert [r for i, r in enumerate(results) if i != 3] == [[]] * 9
    [(code, message)] = results[3]
    assert code == "WF009" and "worker process" in message


def _crash_or_errors(name: str, result: FileAnalysis) -> list[tuple[str, str]]:
    if result.path.endswith(name) and not result.errors:
        os._exit(70)
    return errors_of(result)


def test_an_exception_in_the_analysis_is_a_finding_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path, {f"w{i:02d}.py": WORKFLOW.format(name=f"W{i}") for i in range(9)})
    real = parallel.analyze_source

    def flaky(text: str, path: str, implicit: bool | None = None, **kwargs: Any) -> FileAnalysis:
        if path.endswith("w04.py"):
            raise KeyError("boom")
        return real(text, path, implicit, **kwargs)

    monkeypatch.setattr(parallel, "analyze_source", flaky)  # workers are forked: they see it
    items = [(p, str(p)) for p in sorted(tmp_path.glob("*.py"))]
    for jobs in (1, 2):
        results = map_files(items, errors_of, jobs=jobs)
        assert [r for i, r in enumerate(results) if i != 4] == [[]] * 8
        [(code, message)] = results[4]
        assert code == "WF009" and "internal error KeyError" in message and "flaky" in message


def test_map_paths_for_commands_with_their_own_per_file_work(tmp_path: Path) -> None:
    tree(tmp_path, {f"d{i}/w.py": WORKFLOW.format(name=f"W{i}") for i in range(9)})
    mapped = map_paths([str(tmp_path), str(tmp_path / "missing")], _class_names, jobs=2)
    assert mapped.many
    assert mapped.results == [[f"W{i}"] for i in range(9)]
    assert [e.path for e in mapped.errors] == [str(tmp_path / "missing")]


def _class_names(result: FileAnalysis) -> list[str]:
    return [w.class_name for w in result.workflows]


# --- progress ------------------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal_and_only_for_long_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    quiet = io.StringIO()
    progress = Progress(10, quiet)
    monkeypatch.setattr(parallel, "PROGRESS_AFTER", 0.0)
    progress.tick()
    progress.close()
    assert quiet.getvalue() == ""

    monkeypatch.setattr(parallel, "PROGRESS_AFTER", 3600.0)
    term = FakeTerminal()
    short = Progress(10, term)
    short.tick()
    short.close()
    assert term.getvalue() == ""

    monkeypatch.setattr(parallel, "PROGRESS_AFTER", 0.0)
    long = Progress(10, term)
    long.tick(3)
    long.close()
    assert term.getvalue() == "\rwfgraph: analysing 3/10 files\r\x1b[K"


def test_cli_progress_stays_off_stderr_when_it_is_not_a_terminal(tmp_path: Path) -> None:
    tree(tmp_path, {f"w{i:02d}.py": WORKFLOW.format(name=f"W{i}") for i in range(9)})
    proc = subprocess.run([sys.executable, "-m", "wfgraph.analyzer", "graph", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == ""
    assert len(json.loads(proc.stdout)) == 9


def test_graph_dir_is_keyed_by_path_and_class(tmp_path: Path) -> None:
    tree(tmp_path, {"b/w.py": WORKFLOW.format(name="B"), "a.py": WORKFLOW.format(name="A") +
                    WORKFLOW.format(name="Z").split("\n", 2)[2]})
    proc = subprocess.run([sys.executable, "-m", "wfgraph.analyzer", "graph", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True)
    assert list(json.loads(proc.stdout)) == [f"{tmp_path / 'a.py'}::A", f"{tmp_path / 'a.py'}::Z",
                                             f"{tmp_path / 'b' / 'w.py'}::B"]


def test_no_worker_processes_available_falls_back_to_this_process(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(workers: int) -> None:
        raise OSError(38, "Function not implemented")  # e.g. no /dev/shm for semaphores

    items = fixture_items()
    expected = map_files(items, graphs_of, jobs=1)
    monkeypatch.setattr(parallel, "_new_pool", refuse)
    assert map_files(items, graphs_of, jobs=2) == expected
