"""Whole-process measurements: commands run as users run them, against a floor in the same run.

Each group of commands is run in rounds, the floor first in every round (A B C A B C …), so that
a busy machine slows both sides of a ratio alike; one round first warms the file cache and the
bytecode and is not counted. Per command: the median wall time of the rounds and its spread
(lowest and highest), and the median CPU time (user + system of the child), which the other
processes of a busy machine disturb much less than wall time.

The children run with compiled bytecode, as an installed package has it (pip compiles it at
install): ``PYTHONDONTWRITEBYTECODE`` is dropped and ``PYTHONPYCACHEPREFIX`` points into the
benchmark's work folder, so nothing is written into the checkout or the environment, and the
warm-up round compiles both sides.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    def spread(self) -> str:
        return f"{min(self.wall):.3f}–{max(self.wall):.3f}"


def wfgraph_command() -> list[str]:
    """The ``wfgraph`` console script next to this interpreter, as users run it (else
    ``python -m wfgraph.analyzer``)."""
    script = Path(sys.executable).parent / "wfgraph"
    return [str(script)] if script.exists() else [sys.executable, "-m", "wfgraph.analyzer"]


def parse_floor(path: Path) -> list[str]:
    """The floor for a command on one file: start Python, import libcst, parse the file."""
    return [sys.executable, "-c", f"import libcst; libcst.parse_module(open({str(path)!r}, "
            "encoding='utf-8').read())"]


def child_env(work: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env.update(extra or {})
    return env


def run_once(command: list[str], env: dict[str, str], ok: tuple[int, ...] = (0, 1)) -> tuple[float, float]:
    """(wall, cpu) seconds of one run of ``command``, its output discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        raise RuntimeError(f"{' '.join(command)} exited {proc.returncode}: {proc.stderr.decode()[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def interleaved(commands: dict[str, list[str]], rounds: int, env: dict[str, str]) -> dict[str, Timing]:
    """Every command once per round, in the order given (put the floor first)."""
    for command in commands.values():  # warm-up: file cache, bytecode
        run_once(command, env)
    timings = {name: Timing() for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            wall, cpu = run_once(command, env)
            timings[name].wall.append(wall)
            timings[name].cpu.append(cpu)
    return timings


# --- peak memory ---------------------------------------------------------------------------------

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
from wfgraph.analyzer.emit.json import dumps
from wfgraph.analyzer.python.deep import run_deep
text = open(sys.argv[1], encoding="utf-8").read()
tracemalloc.start()
result = run_deep(analyze_source, text, "big.py")
data = dumps(result.workflows[0].graph)
print(tracemalloc.get_traced_memory()[1])
'''


def peak_mb(code: str, path: Path, env: dict[str, str]) -> float:
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, check=True, env=env)
    return int(proc.stdout.strip().splitlines()[-1]) / 1e6
