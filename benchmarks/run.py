"""wfgraph's speed and memory against the floor: ``python benchmarks/run.py``.

(a) per-file cost: ``analyze_source`` on a large generated workflow (about 2,000 steps, deep
    nesting, 150 helpers, ~480 KB), divided by libcst's bare ``parse_module`` of the same text
    (target: at most 1.5×), and by ``ast.parse`` (for information).
(b) repository scan: ``wfgraph graph DIR`` (a fresh process, as a user runs it) on a generated
    tree of 5,000 Python files of which 50 hold workflows, divided by the time to read and parse
    just those 50 files with libcst in one process (target: at most 2×).
(c) peak memory: the resident set's high-water mark (VmHWM) of a process running ``wfgraph graph`` on the
    large workflow (target: under 200 MB).

Times are the best of ``--repeat`` runs (default 5 for (a), 3 for (b)); both sides of each ratio
are measured in the same run on the same machine. ``--profile`` adds where the time of (a)
goes, by analysis stage and by function. ``--quick`` uses smaller inputs (a smoke test, not the
targets). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import libcst as cst

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

from wfgraph.analyzer.analysis import analyze_source  # noqa: E402
from wfgraph.analyzer.python.deep import run_deep  # noqa: E402
from wfgraph.analyzer.parallel import cpu_count  # noqa: E402

TARGET_A, TARGET_B, TARGET_C = 1.5, 2.0, 200.0


def best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


# --- (a) ------------------------------------------------------------------------------------------


def bench_a(text: str, repeat: int) -> dict[str, float]:
    run_deep(analyze_source, text, "big.py")  # warm: imports, caches
    t_cst, t_ast, t_wf = [], [], []
    for _ in range(repeat):  # interleaved, so that noise hits all three alike
        t_cst.append(best(lambda: run_deep(cst.parse_module, text), 1))
        t_ast.append(best(lambda: ast.parse(text), 1))
        t_wf.append(best(lambda: run_deep(analyze_source, text, "big.py"), 1))
    result = run_deep(analyze_source, text, "big.py")
    [wf] = result.workflows
    assert wf.graph is not None and not result.errors
    return {"libcst": min(t_cst), "ast": min(t_ast), "wfgraph": min(t_wf)}


STAGES = [
    ("libcst parse_module", "entrypoints.py", "parse_module"),
    ("module index", "module_index.py", "build"),
    ("walker: run and helpers", "walker.py", "walk_run"),
    ("walker: uncalled methods", "functions.py", "analyze_uncalled_methods"),
    ("functions: fixed point, prune", "functions.py", "finish"),
    ("payload shapes (SEMANTICS §7)", "analysis.py", "apply_payloads"),
    ("schema models (Workflow/Graph)", "main.py", "__init__"),
]


def profile_a(text: str, top: int = 25) -> str:
    profiler = cProfile.Profile()
    run_deep(profiler.runcall, analyze_source, text, "big.py")
    stats = pstats.Stats(profiler)
    total = max(v[3] for k, v in stats.stats.items() if k[2] == "analyze_source")  # type: ignore[attr-defined]
    out = io.StringIO()
    out.write(f"\nWhere the time of (a) goes (cProfile, which inflates Python-heavy parts; "
              f"total {total:.2f} s):\n")
    for label, filename, func in STAGES:
        cum = sum(v[3] for k, v in stats.stats.items()  # type: ignore[attr-defined]
                  if k[0].endswith(filename) and k[2] == func)
        out.write(f"  {label:34} {cum:7.3f} s  {100 * cum / total:5.1f} %\n")
    out.write(f"\nTop {top} functions by own time:\n")
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]  # type: ignore[attr-defined]
    for (filename, line, func), (cc, nc, tt, ct, _) in rows:
        where = _short(filename)
        out.write(f"  {tt:7.3f} s own {ct:7.3f} s cum {nc:9d} calls  {where}:{line}({func})\n")
    out.write(f"\nTop {top} of wfgraph's own functions by cumulative time:\n")
    ours = [kv for kv in stats.stats.items() if "/analyzer/" in kv[0][0] or "/schema/" in kv[0][0]]  # type: ignore[attr-defined]
    for (filename, line, func), (cc, nc, tt, ct, _) in sorted(ours, key=lambda kv: kv[1][3], reverse=True)[:top]:
        out.write(f"  {ct:7.3f} s cum {tt:7.3f} s own {nc:9d} calls  {_short(filename)}:{line}({func})\n")
    return out.getvalue()


def _short(filename: str) -> str:
    for marker in ("/site-packages/", "/analyzer/", "/schema/", "/lib/python"):
        if marker in filename:
            return marker.strip("/") + "/" + filename.split(marker, 1)[1]
    return filename


# --- (b) ------------------------------------------------------------------------------------------


def wfgraph_command() -> list[str]:
    return [sys.executable, "-m", "wfgraph.analyzer"]


def bench_b(root: Path, files: int, workflows: int, repeat: int) -> dict[str, float]:
    found = generate.repo_tree(root, files=files, workflows=workflows)
    texts = [p.read_text() for p in found]
    for path in root.rglob("*.py"):  # a warm file cache for both sides
        path.read_bytes()

    def parse_all() -> None:
        for path in found:
            cst.parse_module(path.read_text(encoding="utf-8"))

    t_parse = min(best(lambda: run_deep(parse_all), 1) for _ in range(repeat))

    def cli(env: dict[str, str] | None = None) -> float:
        start = time.perf_counter()
        proc = subprocess.run([*wfgraph_command(), "graph", str(root), "--compact"],
                              capture_output=True, text=True, env={**os.environ, **(env or {})})
        elapsed = time.perf_counter() - start
        assert proc.returncode == 0, proc.stderr
        assert len(json.loads(proc.stdout)) == workflows, "every workflow, nothing ignored"
        return elapsed

    t_cli = min(cli() for _ in range(repeat))
    t_serial = min(cli({"WFGRAPH_JOBS": "1"}) for _ in range(max(1, repeat - 1)))
    start = time.perf_counter()
    subprocess.run([*wfgraph_command(), "--version"], capture_output=True, check=True)
    t_start = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import wfgraph.analyzer.cli, wfgraph.analyzer.commands.graph, "
                    "wfgraph.analyzer.analysis"], check=True)
    t_imports = time.perf_counter() - start
    from wfgraph.analyzer.project.files import collect_files

    t_walk = best(lambda: collect_files([root]), 1)
    return {"parse50": t_parse, "cli": t_cli, "cli_serial": t_serial, "startup": t_start,
            "imports": t_imports, "walk": t_walk, "kb": sum(len(t) for t in texts) / 1024}


# --- (c) ------------------------------------------------------------------------------------------

PEAK = r'''
def peak_bytes():
    # VmHWM: this process's own high-water mark. (ru_maxrss is not: Linux carries it over from
    # the parent across fork and exec, so a child of a big process reports at least its size.)
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak * (1 if sys.platform == "darwin" else 1024)
'''

MEMORY = r'''
import sys, io
from wfgraph.analyzer.cli import main
out = io.StringIO()
sys.stdout = out
code = main(["graph", sys.argv[1]])
sys.stdout = sys.__stdout__
assert code == 0 and len(out.getvalue()) > 1000
''' + PEAK + '''
print(peak_bytes())
'''

BASELINE = r'''
import sys
import wfgraph.analyzer.cli, wfgraph.analyzer.commands.graph, wfgraph.analyzer.analysis
''' + PEAK + '''
print(peak_bytes())
'''

PARSE_ONLY = r'''
import sys
import libcst
from wfgraph.analyzer.python.deep import run_deep
module = run_deep(libcst.parse_module, open(sys.argv[1], encoding="utf-8").read())
''' + PEAK + '''
print(peak_bytes())
'''

TRACEMALLOC = r'''
import sys, tracemalloc
from wfgraph.analyzer.analysis import analyze_source
from wfgraph.analyzer.python.deep import run_deep
text = open(sys.argv[1], encoding="utf-8").read()
tracemalloc.start()
result = run_deep(analyze_source, text, "big.py")
data = result.workflows[0].graph.model_dump(mode="json")
print(tracemalloc.get_traced_memory()[1])
'''


def bench_c(path: Path, with_tracemalloc: bool) -> dict[str, float]:
    def child(code: str) -> float:
        proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                              text=True, check=True)
        return int(proc.stdout.strip().splitlines()[-1]) / 1e6

    out = {"rss": child(MEMORY), "baseline": child(BASELINE), "libcst": child(PARSE_ONLY)}
    if with_tracemalloc:
        out["tracemalloc"] = child(TRACEMALLOC)
    return out


# --- the table ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small inputs: a smoke run")
    parser.add_argument("--profile", action="store_true", help="where the time of (a) goes")
    parser.add_argument("--tracemalloc", action="store_true", help="also Python-level peak of (c)")
    parser.add_argument("--repeat", type=int, default=0, help="runs per measurement")
    parser.add_argument("--only", default="abc", help="which benchmarks (default: abc)")
    parser.add_argument("--keep", metavar="DIR", help="generate the inputs in DIR and keep them")
    args = parser.parse_args()

    steps, files, workflows = (300, 500, 10) if args.quick else (2000, 5000, 50)
    text = generate.large_workflow(steps=steps)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="wfgraph-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    big = work / "big_workflow.py"
    big.write_text(text, encoding="utf-8")

    print(f"wfgraph benchmarks: Python {platform.python_version()}, libcst "
          f"{_version('libcst')}, {platform.machine()}, {cpu_count()} CPUs usable, "
          f"{platform.system()}")
    rows = []
    if "a" in args.only:
        a = bench_a(text, args.repeat or 5)
        ratio = a["wfgraph"] / a["libcst"]
        rows.append((f"(a) analyse_source, {len(text) / 1024:.0f} KB workflow",
                     f"{a['wfgraph']:.2f} s", f"libcst parse {a['libcst']:.2f} s",
                     f"{ratio:.2f}×", f"≤ {TARGET_A}×", ratio <= TARGET_A))
        rows.append(("", "", f"ast.parse {a['ast']:.3f} s", f"{a['wfgraph'] / a['ast']:.1f}×",
                     "(info)", None))
    if "b" in args.only:
        tree = work / "repo"
        b = bench_b(tree, files, workflows, args.repeat or 3)
        ratio = b["cli"] / b["parse50"]
        rows.append((f"(b) wfgraph graph DIR: {files:,} files, {workflows} workflows",
                     f"{b['cli']:.2f} s", f"parse the {workflows} ({b['kb']:.0f} KB) {b['parse50']:.2f} s",
                     f"{ratio:.2f}×", f"≤ {TARGET_B}×", ratio <= TARGET_B))
        rows.append(("    same, one process (WFGRAPH_JOBS=1)", f"{b['cli_serial']:.2f} s", "",
                     f"{b['cli_serial'] / b['parse50']:.2f}×", "(info)", None))
        rows.append(("    of which: start-up (wfgraph --version)", f"{b['startup']:.2f} s", "", "",
                     "(info)", None))
        rows.append(("    of which: walk + text test (in process)", f"{b['walk']:.2f} s", "", "",
                     "(info)", None))
    if "c" in args.only:
        c = bench_c(big, args.tracemalloc)
        rows.append((f"(c) peak RSS, wfgraph graph on the large workflow", f"{c['rss']:.0f} MB",
                     f"libcst parse alone {c['libcst']:.0f} MB", f"{c['rss'] / c['libcst']:.2f}×",
                     f"< {TARGET_C:.0f} MB", c["rss"] < TARGET_C))
        rows.append(("    after imports, before reading anything", f"{c['baseline']:.0f} MB", "", "",
                     "(info)", None))
        if "tracemalloc" in c:
            rows.append(("    Python allocations at peak (tracemalloc)", f"{c['tracemalloc']:.0f} MB",
                         "", "", "(info)", None))
    print(_table(rows))
    if args.profile:
        print(profile_a(text))
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return 0 if all(r[5] in (True, None) for r in rows) else 1


def _table(rows: list[tuple]) -> str:  # type: ignore[type-arg]
    head = ("benchmark", "wfgraph", "floor", "ratio", "target", "met")
    cells = [head] + [(*r[:5], "" if r[5] is None else ("yes" if r[5] else "NO")) for r in rows]
    widths = [max(len(str(c[i])) for c in cells) for i in range(6)]
    lines = []
    for n, c in enumerate(cells):
        lines.append("| " + " | ".join(str(x).ljust(w) for x, w in zip(c, widths)) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _version(name: str) -> str:
    from importlib.metadata import version

    try:
        return version(name)
    except Exception:  # noqa: BLE001
        return "?"


if __name__ == "__main__":
    sys.exit(main())
