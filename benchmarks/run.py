"""wfgraph's speed and memory against the floor: ``python benchmarks/run.py``.

Whole processes, as users run them (measure.py: interleaved rounds, medians, spread, bytecode
compiled as an installed package has it), each against its floor measured in the same run:

(s) start-up: ``wfgraph --version`` and ``wfgraph --help`` against ``python -c "import json"``
    (target: at most 3×; neither imports libcst, pydantic or networkx).
(f) one typical file, each of fixtures/realistic/: ``wfgraph graph FILE`` and ``wfgraph check
    FILE`` against ``python -c "import libcst; libcst.parse_module(open(FILE).read())"`` (target:
    at most 1.5×): what pre-commit and editors pay per run.
(l) large generated workflows of two shapes (generate.py): ``large_workflow`` (about 2,000
    steps, 150 helpers, deep nesting, ~475 KB) and ``helper_heavy_workflow`` (600 small helpers
    calling each other, long flat runs, deep nesting, ~380 KB): ``wfgraph graph`` (target: at
    most 1.5×) and ``wfgraph check`` (at most 1.7×) against the same floor on that file.
(b) repository scan: ``wfgraph graph DIR`` on a generated tree of 5,000 Python files of which 50
    hold workflows, against reading and parsing just those 50 with libcst in one process (target:
    at most 2×; worker processes).
(c) peak memory: the resident set's high-water mark (VmHWM) of ``wfgraph graph`` on each large
    workflow (target: under 200 MB).
(a) in one process (information): ``analyze_source`` on the first large workflow against
    libcst's ``parse_module`` of the same text, and ``ast.parse``.

``--profile`` adds where the time of ``graph`` and ``check`` on the first large workflow goes
(stages.py). ``--quick`` uses smaller inputs and fewer rounds (a smoke run, not the targets).
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import libcst as cst

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import measure  # noqa: E402
from measure import Timing, child_env, interleaved, parse_floor, wfgraph_command  # noqa: E402

from wfgraph.analyzer.analysis import analyze_source  # noqa: E402
from wfgraph.analyzer.parallel import cpu_count  # noqa: E402
from wfgraph.analyzer.python.deep import run_deep  # noqa: E402

ROOT = HERE.parent
TARGETS = {"startup": 3.0, "file": 1.5, "graph": 1.5, "check": 1.7, "scan": 2.0, "memory": 200.0,
           "in-process": 1.5}

Row = tuple[str, str, str, str, str, str, "bool | None"]


def ratio_row(label: str, ours: Timing, floor: Timing, floor_label: str, target: float) -> Row:
    ratio = ours.median / floor.median
    return (label, f"{ours.median:.3f} s ({ours.spread()})",
            f"{floor_label} {floor.median:.3f} s ({floor.spread()})", f"{ratio:.2f}×",
            f"{ours.cpu_median / floor.cpu_median:.2f}×", f"≤ {target}×", ratio <= target)


# --- (s), (f), (l): whole processes against their floors ---------------------------------------------


def bench_startup(rounds: int, env: dict[str, str]) -> list[Row]:
    wfgraph = wfgraph_command()
    t = interleaved({"floor": [sys.executable, "-c", "import json"],
                     "version": [*wfgraph, "--version"], "help": [*wfgraph, "--help"],
                     "pass": [sys.executable, "-c", "pass"]}, rounds, env)
    floor = 'python -c "import json"'
    return [ratio_row("(s) wfgraph --version", t["version"], t["floor"], floor, TARGETS["startup"]),
            ratio_row("    wfgraph --help", t["help"], t["floor"], floor, TARGETS["startup"]),
            (f"    (python -c pass: {t['pass'].median:.3f} s)", "", "", "", "", "(info)", None)]


def bench_files(paths: list[Path], rounds: int, env: dict[str, str],
                targets: tuple[float, float], label: str) -> list[Row]:
    """``graph`` and ``check`` on each file against the parse floor on that file."""
    wfgraph, rows = wfgraph_command(), []
    for path in paths:
        t = interleaved({"floor": parse_floor(path), "graph": [*wfgraph, "graph", str(path)],
                         "check": [*wfgraph, "check", str(path)]}, rounds, env)
        size = f"{path.stat().st_size / 1024:.0f} KB" if path.stat().st_size > 20_000 else \
            f"{len(path.read_text(encoding='utf-8').splitlines())} lines"
        rows.append(ratio_row(f"{label} wfgraph graph {path.name} ({size})", t["graph"],
                              t["floor"], "parse", targets[0]))
        rows.append(ratio_row(f"    wfgraph check {path.name}", t["check"], t["floor"], "parse",
                              targets[1]))
    return rows


# --- (b) ------------------------------------------------------------------------------------------


def bench_scan(root: Path, files: int, workflows: int, repeat: int, env: dict[str, str]) -> list[Row]:
    found = generate.repo_tree(root, files=files, workflows=workflows)
    kb = sum(p.stat().st_size for p in found) / 1024
    for path in root.rglob("*.py"):  # a warm file cache for both sides
        path.read_bytes()

    def parse_all() -> None:
        for path in found:
            cst.parse_module(path.read_text(encoding="utf-8"))

    floor = min(_best(lambda: run_deep(parse_all)) for _ in range(repeat))
    command = [*wfgraph_command(), "graph", str(root), "--compact"]

    def cli(extra: dict[str, str] | None = None) -> float:
        start = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, env={**env, **(extra or {})})
        elapsed = time.perf_counter() - start
        assert proc.returncode == 0, proc.stderr
        assert len(json.loads(proc.stdout)) == workflows, "every workflow, nothing ignored"
        return elapsed

    cli()  # bytecode
    t_cli = min(cli() for _ in range(repeat))
    t_serial = min(cli({"WFGRAPH_JOBS": "1"}) for _ in range(max(1, repeat - 1)))
    ratio = t_cli / floor
    return [(f"(b) wfgraph graph DIR: {files:,} files, {workflows} workflows", f"{t_cli:.2f} s (best)",
             f"parse the {workflows} ({kb:.0f} KB) {floor:.2f} s", f"{ratio:.2f}×", "",
             f"≤ {TARGETS['scan']}×", ratio <= TARGETS["scan"]),
            ("    same, one process (WFGRAPH_JOBS=1)", f"{t_serial:.2f} s", "",
             f"{t_serial / floor:.2f}×", "", "(info)", None)]


def _best(fn) -> float:  # type: ignore[no-untyped-def]
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# --- (c), (a) -------------------------------------------------------------------------------------


def bench_memory(paths: list[Path], env: dict[str, str], with_tracemalloc: bool) -> list[Row]:
    rows: list[Row] = []
    for path in paths:
        rss = measure.peak_mb(measure.MEMORY, path, env)
        parse = measure.peak_mb(measure.PARSE_ONLY, path, env)
        rows.append((f"(c) peak RSS, wfgraph graph {path.name}", f"{rss:.0f} MB",
                     f"libcst parse alone {parse:.0f} MB", f"{rss / parse:.2f}×", "",
                     f"< {TARGETS['memory']:.0f} MB", rss < TARGETS["memory"]))
        if with_tracemalloc:
            rows.append(("    Python allocations at peak (tracemalloc)",
                         f"{measure.peak_mb(measure.TRACEMALLOC, path, env):.0f} MB", "", "", "",
                         "(info)", None))
    rows.append(("    after imports, before reading anything",
                 f"{measure.peak_mb(measure.BASELINE, paths[0], env):.0f} MB", "", "", "", "(info)", None))
    return rows


def bench_in_process(text: str, repeat: int) -> list[Row]:
    run_deep(analyze_source, text, "big.py")  # warm: imports, caches
    t_cst, t_ast, t_wf = [], [], []
    for _ in range(repeat):  # interleaved, so that noise hits all three alike
        t_cst.append(_best(lambda: run_deep(cst.parse_module, text)))
        t_ast.append(_best(lambda: ast.parse(text)))
        t_wf.append(_best(lambda: run_deep(analyze_source, text, "big.py")))
    ratio = min(t_wf) / min(t_cst)
    return [(f"(a) analyze_source in one process, {len(text) / 1024:.0f} KB", f"{min(t_wf):.2f} s (best)",
             f"libcst parse {min(t_cst):.2f} s", f"{ratio:.2f}×", "", f"≤ {TARGETS['in-process']}×",
             ratio <= TARGETS["in-process"]),
            ("", "", f"ast.parse {min(t_ast):.3f} s", f"{min(t_wf) / min(t_ast):.1f}×", "", "(info)", None)]


# --- the table ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small inputs, few rounds: a smoke run")
    parser.add_argument("--profile", action="store_true", help="where the time of graph and check goes")
    parser.add_argument("--tracemalloc", action="store_true", help="also Python-level peak of (c)")
    parser.add_argument("--rounds", type=int, default=0, help="rounds per whole-process group")
    parser.add_argument("--only", default="sflbca", help="which benchmarks (default: sflbca)")
    parser.add_argument("--keep", metavar="DIR", help="generate the inputs in DIR and keep them")
    args = parser.parse_args()

    quick = args.quick
    rounds = args.rounds or (3 if quick else 7)
    large_rounds = args.rounds or (2 if quick else 5)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="wfgraph-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = child_env(work)
    shapes = [("big_workflow.py", generate.large_workflow(steps=300 if quick else 2000)),
              ("helper_heavy.py", generate.helper_heavy_workflow(
                  helpers=100 if quick else 600, runs=2 if quick else 8))]
    large = []
    for name, text in shapes:
        (work / name).write_text(text, encoding="utf-8")
        large.append(work / name)

    print(f"wfgraph benchmarks: Python {platform.python_version()}, libcst {_version('libcst')}, "
          f"{platform.machine()}, {cpu_count()} CPUs usable, {platform.system()}; "
          f"{rounds} rounds ({large_rounds} for large files), medians (lowest–highest)")
    rows: list[Row] = []
    if "s" in args.only:
        rows += bench_startup(rounds, env)
    if "f" in args.only:
        realistic = sorted((ROOT / "fixtures" / "realistic").glob("*.py"))
        rows += bench_files(realistic, rounds, env, (TARGETS["file"], TARGETS["file"]), "(f)")
    if "l" in args.only:
        rows += bench_files(large, large_rounds, env, (TARGETS["graph"], TARGETS["check"]), "(l)")
    if "b" in args.only:
        files, workflows = (500, 10) if quick else (5000, 50)
        rows += bench_scan(work / "repo", files, workflows, 2 if quick else 3, env)
    if "c" in args.only:
        rows += bench_memory(large, env, args.tracemalloc)
    if "a" in args.only:
        rows += bench_in_process(shapes[0][1], 2 if quick else 5)
    print(_table(rows))
    if args.profile:
        from stages import profile_command

        for command in ("graph", "check"):
            print(profile_command(command, large[0]))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if all(r[6] in (True, None) for r in rows) else 1


def _table(rows: list[Row]) -> str:
    head = ("benchmark", "wfgraph", "floor", "ratio", "CPU ratio", "target", "met")
    cells = [head] + [(*r[:6], "" if r[6] is None else ("yes" if r[6] else "NO")) for r in rows]
    widths = [max(len(str(c[i])) for c in cells) for i in range(7)]
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
