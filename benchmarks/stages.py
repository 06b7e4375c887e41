"""Where the time goes (``run.py --profile``): a command profiled in this process, by stage and
by function. cProfile inflates Python-heavy parts (the walker) against C ones (the parser), so
read the shares, not the seconds; the start-up imports are left out (the command runs once
before it is profiled), and are what ``python -X importtime -m wfgraph.analyzer …`` shows.
"""

from __future__ import annotations

import cProfile
import io
import pstats
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from wfgraph.analyzer.cli import main
from wfgraph.analyzer.python.deep import run_deep

STAGES = {
    "graph": [
        ("libcst parse_module", "entrypoints.py", "parse_module"),
        ("module index", "module_index.py", "build"),
        ("walker: run and helpers", "walker.py", "walk_run"),
        ("walker: uncalled methods", "functions.py", "analyze_uncalled_methods"),
        ("functions: fixed point, prune", "functions.py", "finish"),
        ("payload shapes (SEMANTICS §7)", "analysis.py", "apply_payloads"),
        ("detach for the caller (portable)", "portable.py", "detach"),
        ("write the JSON (schema/encode)", "encode.py", "dumps"),
    ],
    "check": [
        ("analysis (parse and walk)", "analysis.py", "analyze_source"),
        ("lint rules", "runner.py", "lint"),
        ("step budget", "budget.py", "check_budget"),
        ("positions of findings", "source.py", "span"),
        ("suppression comments", "suppress.py", "parse_suppressions"),
        ("report", "report/__init__.py", "render"),
    ],
}


def profile_command(command: str, path: Path, top: int = 25) -> str:
    args = [command, str(path)]
    _quiet(main, args)  # imports and caches first: the profile is the work itself
    profiler = cProfile.Profile()
    # In a deep thread of its own, so the analysis's run_deep runs inline, under the profiler.
    _quiet(run_deep, profiler.runcall, main, args)
    stats = pstats.Stats(profiler)
    table = stats.stats  # type: ignore[attr-defined]
    total = max(v[3] for k, v in table.items() if k[2] == "main" and k[0].endswith("cli.py"))
    out = io.StringIO()
    out.write(f"\nwfgraph {command} {path.name} in one process (cProfile; imports excluded; "
              f"total {total:.2f} s):\n")
    for label, filename, func in STAGES[command]:
        cum = sum(v[3] for k, v in table.items() if k[0].endswith(filename) and k[2] == func)
        out.write(f"  {label:34} {cum:7.3f} s  {100 * cum / total:5.1f} %\n")
    out.write(f"\nTop {top} functions by own time:\n")
    for (filename, line, func), (cc, nc, tt, ct, _) in sorted(
            table.items(), key=lambda kv: kv[1][2], reverse=True)[:top]:
        out.write(f"  {tt:7.3f} s own {ct:7.3f} s cum {nc:9d} calls  {_short(filename)}:{line}({func})\n")
    out.write(f"\nTop {top} of wfgraph's own functions by cumulative time:\n")
    ours = [kv for kv in table.items() if "/analyzer/" in kv[0][0] or "/schema/" in kv[0][0]]
    for (filename, line, func), (cc, nc, tt, ct, _) in sorted(
            ours, key=lambda kv: kv[1][3], reverse=True)[:top]:
        out.write(f"  {ct:7.3f} s cum {tt:7.3f} s own {nc:9d} calls  {_short(filename)}:{line}({func})\n")
    return out.getvalue()


def _quiet(fn, *args):  # type: ignore[no-untyped-def]
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        return fn(*args)


def _short(filename: str) -> str:
    for marker in ("/site-packages/", "/analyzer/", "/schema/", "/lib/python"):
        if marker in filename:
            return marker.strip("/") + "/" + filename.split(marker, 1)[1]
    return filename
