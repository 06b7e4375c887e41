"""wfgraph never imports, executes or evaluates the code it reads (issue 5, item 6).

The analysed tree is booby-trapped: importing or running any of its files writes a marker file,
and modules named like wfgraph's own dependencies (``libcst.py``, ``pathspec.py``…) sit where
``python -m`` would look first. Every command runs over it, from inside it, with and without
worker processes; no marker may appear. An audit hook also watches an in-process run for code of
the tree being executed and for files being opened for writing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT

TRAP = "open({marker!r} + '/' + {name!r}, 'w').write('ran')"


def booby_trapped(root: Path, markers: Path) -> Path:
    tree = root / "repo"
    pkg = tree / "app"
    pkg.mkdir(parents=True)
    markers.mkdir()

    def trap(name: str) -> str:
        return TRAP.format(marker=str(markers), name=name)

    (pkg / "__init__.py").write_text(trap("package_init") + "\n")
    (pkg / "workflow.py").write_text(textwrap.dedent(f'''\
        import os
        from workers import WorkflowEntrypoint
        {trap("module_top_level")}
        os.system("touch {markers}/os_system")
        exec({trap("exec_string")!r})


        def side_effect(name=open({str(markers)!r} + "/default_argument", "w")):
            {trap("function_body")}
            return name


        class Meta(type):
            def __new__(mcs, *args):
                {trap("metaclass")}
                return super().__new__(mcs, *args)


        class Base(WorkflowEntrypoint, metaclass=Meta):
            {trap("class_body")}

            def __init_subclass__(cls, **kwargs):
                {trap("init_subclass")}

            def __init__(self, *args):
                {trap("dunder_init")}


        @(lambda cls: (open({str(markers)!r} + "/decorator", "w"), cls)[1])
        class Trapped(Base):
            async def run(self, event, step):
                @step.do(f"name {{open({str(markers)!r} + '/fstring', 'w')}}",
                         config=eval("__import__('os').system('touch {markers}/eval')"))
                async def first():
                    {trap("step_body")}

                await first()
                await step.sleep(side_effect(), __import__("os").getpid())


        if __name__ == "__main__":
            {trap("dunder_main")}
        '''))
    for name in ("sitecustomize", "usercustomize", "libcst", "pathspec", "json5", "graphviz",
                 "networkx", "pydantic", "tomllib", "json", "conftest", "wfgraph"):
        (tree / f"{name}.py").write_text(trap(f"shadow_{name}") + "\n")
    (tree / "pyproject.toml").write_text("[tool.wfgraph]\nplan = \"paid\"\n")
    (tree / "wrangler.toml").write_text('name = "x"\n[[workflows]]\nname = "t"\nbinding = "T"\n'
                                        'class_name = "Trapped"\n')
    # Enough files for worker processes.
    for i in range(10):
        (pkg / f"more_{i}.py").write_text(f"from workers import WorkflowEntrypoint\n{trap(f'more_{i}')}\n"
                                         f"class W{i}(WorkflowEntrypoint):\n"
                                         "    async def run(self, event, step):\n"
                                         f"        await step.sleep('s{i}', 1)\n")
    return tree


def commands(tree: Path) -> list[list[str]]:
    target = str(tree / "app")
    out = [["graph", target], ["graph", str(tree / "app" / "workflow.py")], ["mermaid", target],
           ["dot", target], ["dot", target, "-o", str(tree.parent / "out.dot")]]
    try:
        import wfgraph.analyzer.commands.check  # noqa: F401
    except ImportError:
        pass
    else:
        out += [["check", target], ["check", target, "--format", "sarif"], ["check", "."]]
    out += [["diff", target, target], ["diff", target, target, "--format", "mermaid"]]
    return out


@pytest.fixture
def trapped(tmp_path: Path) -> tuple[Path, Path]:
    markers = tmp_path / "markers"
    return booby_trapped(tmp_path, markers), markers


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_no_command_runs_the_analysed_code(trapped: tuple[Path, Path], jobs: str) -> None:
    tree, markers = trapped
    env = {**os.environ, "WFGRAPH_JOBS": jobs}
    env.pop("PYTHONSAFEPATH", None)
    # ``python -m`` imports the top-level package ``wfgraph`` itself from the current directory
    # before any of wfgraph's code runs: only ``-P`` (or the console script) avoids that one.
    # Every other shadow (libcst.py, pathspec.py…) is harmless to plain ``python -m`` too.
    shadow = tree / "wfgraph.py"
    launchers = [[sys.executable, "-m", "wfgraph.analyzer"], [sys.executable, "-P", "-m", "wfgraph.analyzer"],
                 [sys.executable, "-m", "wfgraph"]]
    script = shutil.which("wfgraph", path=str(Path(sys.executable).parent))
    if script:
        launchers.append([script])
    if jobs != "1":  # worker processes: one launcher is enough
        launchers = launchers[1:2]
    for launcher in launchers:
        if launcher[1:2] == ["-m"]:
            shadow.rename(tree.parent / "wfgraph.py.aside")
        elif not shadow.exists():
            (tree.parent / "wfgraph.py.aside").rename(shadow)
        for args in commands(tree):
            proc = subprocess.run([*launcher, *args], cwd=tree, capture_output=True, text=True,
                                  env=env, timeout=120)
            assert "Traceback" not in proc.stderr, (args, proc.stderr)
            assert sorted(os.listdir(markers)) == [], (launcher, args)
    # It did analyse the file: the graph has the step, with its name never evaluated.
    proc = subprocess.run([sys.executable, "-m", "wfgraph.analyzer", "graph",
                           str(tree / "app" / "workflow.py")], cwd=ROOT, capture_output=True,
                          text=True, env=env)
    graph = json.loads(proc.stdout)
    names = [n["name"] for n in graph["workflow"]["nodes"]]
    assert names == ["name ${...}", "<dynamic>"]


AUDIT = r'''
import io, json, sys
tree, markers = sys.argv[1], sys.argv[2]
bad = []

def hook(event, args):
    if event == "exec":
        code = args[0]
        if getattr(code, "co_filename", "").startswith(tree):
            bad.append(("exec", code.co_filename))
    elif event == "open":
        path, mode = str(args[0]), args[1]
        if isinstance(mode, str) and any(c in mode for c in "wax+") and path.startswith(tree):
            bad.append(("open for writing", path))
        if isinstance(args[2], int) and args[2] & 0o3 and path.startswith(tree):
            bad.append(("open for writing", path))
    elif event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn"):
        bad.append((event, repr(args)[:200]))
    elif event == "compile" and args[1] and str(args[1]).startswith(tree):
        pass  # compiling to an AST (PyCF_ONLY_AST) to ask CPython's parser is fine

sys.addaudithook(hook)
from wfgraph.analyzer.cli import main
from wfgraph.analyzer.commands.common import analyze_paths
sys.stdout = io.StringIO()
sys.stderr = io.StringIO()
analyze_paths([tree], portable=False)
analyze_paths([tree], portable=True)
for args in json.loads(sys.argv[3]):
    main(args)
sys.__stdout__.write(json.dumps(bad))
'''


def test_audit_hook_sees_no_execution_of_the_tree(trapped: tuple[Path, Path]) -> None:
    tree, markers = trapped
    args = [a for a in commands(tree) if "-o" not in a and a != ["check", "."]]
    proc = subprocess.run([sys.executable, "-c", AUDIT, str(tree), str(markers), json.dumps(args)],
                          cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "WFGRAPH_JOBS": "1"}, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []
    assert sorted(os.listdir(markers)) == []


def test_the_source_never_reaches_exec_eval_or_import() -> None:
    """A static guard on wfgraph's own code: no exec/eval/import machinery anywhere, and
    ``compile`` only to an AST. The one ``exec`` is ``record``'s, which compiles the
    ``__init__`` of wfgraph's own classes from their field names when wfgraph is imported, as
    ``dataclasses`` does (analyzer/records.py); no text of an analysed file can reach it."""
    import re

    allowed = {("analyzer/records.py", "exec(init_text, names)")}
    offenders = []
    for path in sorted((ROOT / "analyzer").rglob("*.py")) + sorted((ROOT / "schema").rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if re.search(r"\b(exec|eval|__import__|import_module|run_path|run_module)\s*\(", code) \
                    and (str(path.relative_to(ROOT)), line.strip()) not in allowed:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
            if re.search(r"(?<![\w.])compile\(", code):
                window = path.read_text().splitlines()[number - 1:number + 2]
                if not any("PyCF_ONLY_AST" in w for w in window):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
