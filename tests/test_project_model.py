"""The project model (SEMANTICS §2.4): project roots, import resolution, the linker's answers,
and the module cache. Whole-project outputs are in test_projects.py."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from wfgraph.analyzer.analysis import analyze_file, analyze_source
from wfgraph.analyzer.project.imports import find_project
from wfgraph.analyzer.project.sources import MemorySources
from wfgraph.analyzer.python.linker import ModuleCache


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


WRANGLER = 'name = "app"\nmain = "src/entry.py"\ncompatibility_date = "2026-03-01"\n'


def test_the_project_root_is_the_wrangler_folder_else_the_repository_else_the_folder(tmp_path: Path) -> None:
    write(tmp_path, {"repo/.git/HEAD": "", "repo/app/wrangler.toml": WRANGLER,
                     "repo/app/src/entry.py": "", "repo/lib/x.py": "", "alone/y.py": ""})
    app = find_project(tmp_path / "repo/app/src/entry.py")
    assert (app.root, app.wrangler, app.main_dir) == (
        (tmp_path / "repo/app").resolve(), (tmp_path / "repo/app/wrangler.toml").resolve(),
        (tmp_path / "repo/app/src").resolve())
    assert find_project(tmp_path / "repo/lib/x.py").root == (tmp_path / "repo").resolve()
    assert find_project(tmp_path / "alone/y.py").root == (tmp_path / "alone").resolve()


def test_imports_resolve_next_to_main_then_the_file_then_the_root(tmp_path: Path) -> None:
    write(tmp_path, {"wrangler.toml": WRANGLER, "src/entry.py": "", "src/drill.py": "",
                     "src/pkg/__init__.py": "", "src/pkg/a.py": "", "src/pkg/sub/b.py": "",
                     "tools/helpers.py": "", "python_modules/vendored.py": "",
                     "src/ns/c.py": ""})
    project = find_project(tmp_path / "src/entry.py")
    entry = (tmp_path / "src/entry.py").resolve()

    def resolve(name: str | None, level: int = 0, importer: str = "src/entry.py") -> Path | None:
        found = project.resolve((tmp_path / importer).resolve(), name, level, entry)
        return found.file.relative_to(tmp_path.resolve()) if found and found.file else None

    assert resolve("drill") == Path("src/drill.py")                # next to main
    assert resolve("pkg") == Path("src/pkg/__init__.py")          # a package
    assert resolve("pkg.sub.b") == Path("src/pkg/sub/b.py")       # through a namespace folder
    assert resolve("tools.helpers") == Path("tools/helpers.py")   # from the project root
    assert resolve("a", 1, "src/pkg/__init__.py") == Path("src/pkg/a.py")  # relative, in a package
    assert resolve("drill", 2, "src/pkg/a.py") == Path("src/drill.py")      # two dots up
    assert resolve("vendored") is None and resolve("python_modules.vendored") is None
    assert resolve("json") is None                                 # the standard library
    assert project.resolve(entry, "ns", 0, entry).is_package       # a namespace package


def test_nothing_outside_the_project_root_is_read(tmp_path: Path) -> None:
    write(tmp_path, {"outside.py": "async def helper(step):\n    await step.sleep('x', '1 second')\n",
                     "app/wrangler.toml": WRANGLER, "app/src/entry.py": """\
        from workers import WorkflowEntrypoint
        from ... import outside
        from outside import helper


        class W(WorkflowEntrypoint):
            async def run(self, event, step):
                await helper(step)
        """})
    result = analyze_file(tmp_path / "app/src/entry.py")
    assert [w.graph for w in result.workflows] == [None]  # nothing reached: no steps
    assert result.linked == []


MODULES = {
    "wrangler.toml": WRANGLER,
    "src/entry.py": """\
        from workers import WorkflowEntrypoint
        from lib import charge, RETRY
        import lib.util as util


        class W(WorkflowEntrypoint):
            async def run(self, event, step):
                @step.do("configured", config=RETRY)
                async def configured():
                    return 1

                await configured()
                await charge(step)
                await util.ping(step)
        """,
    "src/lib/__init__.py": "from .money import charge\nfrom .settings import *\n",
    "src/lib/money.py": """\
        import lib.util


        async def charge(step):
            await step.sleep("charge", "1 second")
        """,
    "src/lib/settings.py": """\
        LIMIT = 3
        RETRY = {"retries": {"limit": LIMIT}}
        _PRIVATE = 1
        """,
    "src/lib/util.py": """\
        import lib.money


        async def ping(step):
            await step.sleep("ping", "1 second")
        """,
}


def test_re_exports_star_imports_cycles_and_constants_are_followed(tmp_path: Path) -> None:
    write(tmp_path, MODULES)
    [workflow] = analyze_file(tmp_path / "src/entry.py", display="src/entry.py").workflows
    graph = workflow.graph.workflow
    assert list(graph.functions) == ["charge", "ping"]
    [step_do, *_] = graph.nodes
    assert step_do.config.retries.limit == 3  # LIMIT, closed over where RETRY is defined


def test_each_module_is_parsed_once_per_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wfgraph.analyzer.python import linker

    write(tmp_path, MODULES)
    cache = ModuleCache()
    monkeypatch.setattr(linker, "CACHE", cache)
    for _ in range(3):
        analyze_file(tmp_path / "src/entry.py")
    assert cache.parses == 4  # lib/__init__, money, settings, util: each once


def test_a_module_that_does_not_parse_is_named_where_it_breaks(tmp_path: Path) -> None:
    write(tmp_path, {**MODULES, "src/lib/util.py": "async def ping(step:\n    pass\n"})
    result = analyze_file(tmp_path / "src/entry.py", display="src/entry.py")
    [note] = [n for n in result.notes if n.code == "WF008"]
    assert (note.path, note.line) == ("src/lib/util.py", 1)
    assert "syntax error" in note.message
    assert list(result.workflows[0].graph.workflow.functions) == ["charge"]


def test_another_version_of_the_project_is_read_from_memory(tmp_path: Path) -> None:
    """SEMANTICS §10.4: diff reads a revision's files without checking them out."""
    files = {tmp_path / name: textwrap.dedent(text) for name, text in MODULES.items()}
    files[tmp_path / "src/lib/util.py"] = "async def ping(step):\n    await step.sleep('pong', '2 seconds')\n"
    entry = tmp_path / "src/entry.py"
    result = analyze_source(files[entry], "src/entry.py", real_path=entry, sources=MemorySources(files))
    names = [n.name for n in result.workflows[0].graph.workflow.functions["ping"].nodes]
    assert names == ["pong"]
    assert not (tmp_path / "src").exists()


def test_a_workflow_module_without_the_marker_is_found_through_its_base(tmp_path: Path) -> None:
    """SEMANTICS §2.4: a directory walk keeps a module whose class derives from a workflow class
    of another module, although it never mentions WorkflowEntrypoint."""
    from wfgraph.analyzer.project.files import collect_files

    write(tmp_path, {"base.py": "from workers import WorkflowEntrypoint\nclass Base(WorkflowEntrypoint): pass\n",
                     "mid.py": "from base import Base\nclass Mid(Base): pass\n",
                     "leaf.py": "from mid import Mid\nclass Leaf(Mid): pass\n",
                     "other.py": "class Other(dict): pass\n"})
    found = [Path(shown).name for _, shown in collect_files([tmp_path]).files]
    assert found == ["base.py", "leaf.py", "mid.py"]
