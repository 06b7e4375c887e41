"""Analysing many files: in worker processes when there are enough of them, in input order.

``map_files(files, fn)`` analyses each file and applies ``fn`` to its ``FileAnalysis`` in the
same process, returning the results in the order of ``files`` whichever way they were computed
(so output never depends on scheduling). With fewer than ``THRESHOLD`` files, or one CPU, or
``WFGRAPH_JOBS=1``, everything runs in this process; otherwise a ``ProcessPoolExecutor``
(``fork`` on Linux, where starting a worker costs a few milliseconds; ``spawn`` elsewhere) runs
the largest files first, so one big file does not finish last alone.

``fn`` must be picklable (a module-level function, or ``functools.partial`` of one) and return a
picklable value: a ``FileAnalysis`` holds a libcst tree and is not one, so commands send back what
they need (``portable.detach``, or their own summary). Per-file data (each file's step.do mode,
and the settings ``contexts`` give ``fn``) is resolved before a task is sent, so each worker
receives its own file's share only, not the table of every file.

Nothing a file contains can stop the others: an exception while analysing a file becomes an
``analysis-error`` diagnostic on that file, and a worker that dies (a crash in native code, the
OOM killer) costs only the file it was working on: the few files in flight with it are analysed
again, each alone in a fresh process, and the one that kills its process again is reported.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from .analysis import FileAnalysis, analyze_source, read_text
from .diagnostics import ANALYSIS_ERROR, Diagnostic
from .garbage import collect_garbage_less_often
from .python.deep import run_deep
from .python.limits import check_size, check_text

if TYPE_CHECKING:  # imported where a pool is started: one file never needs them
    from concurrent.futures import Future, ProcessPoolExecutor

R = TypeVar("R")
FileItem = tuple[Path, str]  # (path to read, path to show)

THRESHOLD = 8
"""Fewer candidate files than this are analysed in this process: a worker pool costs more."""
MAX_JOBS = 32
JOBS_ENV = "WFGRAPH_JOBS"
PROGRESS_AFTER = 2.0
"""Seconds before a progress line appears (only when stderr is a terminal)."""


def cpu_count() -> int:
    if hasattr(os, "sched_getaffinity"):
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except OSError:  # pragma: no cover
            pass
    return os.cpu_count() or 1


def jobs_from_env() -> int | None:
    """``$WFGRAPH_JOBS`` as a number (None when unset or empty); ValueError, with a message for
    the user, when it is not a whole number."""
    env = os.environ.get(JOBS_ENV, "").strip()
    if not env:
        return None
    try:
        return int(env)
    except ValueError:
        raise ValueError(f"{JOBS_ENV} must be a whole number of worker processes (1: none, 0: "
                         f"one per CPU), got {env!r}") from None


def job_count(files: int, jobs: int | None = None) -> int:
    """Worker processes for ``files`` files: ``jobs`` if given, else ``$WFGRAPH_JOBS``, else one
    per CPU; 1 (this process) below ``THRESHOLD`` files unless ``jobs`` asks for more."""
    if jobs is None:
        jobs = jobs_from_env()
        if jobs is None and files < THRESHOLD:
            return 1
    wanted = cpu_count() if jobs is None or jobs <= 0 else jobs
    return max(1, min(wanted, files, MAX_JOBS))


# --- analysing one file, whatever it contains ----------------------------------------------------


def internal_error(path: str, exc: BaseException) -> Diagnostic:
    """An exception the analysis did not expect: reported on the file, with the place in
    wfgraph's code that raised it (to put in a bug report), never as a traceback."""
    import traceback  # only on a failure

    where = ""
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        last = frames[-1]
        where = f" at {Path(last.filename).name}:{last.lineno} in {last.name}"
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    message = (f"wfgraph could not analyse this file: internal error {type(exc).__name__}"
               f"{': ' + detail if detail else ''}{where} (please report it)")
    code, name = ANALYSIS_ERROR
    return Diagnostic(code, name, "error", message, path, 1, 1, 1, 2)


def crash_error(path: str, detail: str) -> Diagnostic:
    code, name = ANALYSIS_ERROR
    return Diagnostic(code, name, "error", f"wfgraph could not analyse this file: {detail}",
                      path, 1, 1, 1, 2)


def failed(path: str, diagnostic: Diagnostic) -> FileAnalysis:
    return FileAnalysis(path=path, source=None, errors=[diagnostic])


Modes = "bool | None | Mapping[str, bool | None]"
"""The step.do dependency mode: one for every file, or per file (by the path read)."""


def safe_analyze(path: Path, implicit: Any, shown: str) -> FileAnalysis:
    """``analyze_file`` that refuses what it cannot parse in reasonable time (limits.py) and
    turns any exception into a finding on the file. ``implicit`` is a mode or a per-file map."""
    return _guarded(shown, _read_and_analyze, path, _mode(implicit, path), shown)


def safe_analyze_text(text: str, shown: str, implicit: bool | None) -> FileAnalysis:
    """The same for text that is not read from a file (standard input)."""
    # Imports are followed as if the text were the file it names (SEMANTICS §2.4).
    return _guarded(shown, _analyze_text, text, implicit, shown, Path(shown) if shown != "-" else None)


def _mode(implicit: Any, path: Path) -> bool | None:
    return implicit.get(str(path)) if isinstance(implicit, Mapping) else implicit


def _guarded(shown: str, fn: Callable[..., FileAnalysis], *args: Any) -> FileAnalysis:
    try:
        return fn(*args)
    except RecursionError:
        code, name = ANALYSIS_ERROR
        return failed(shown, Diagnostic(code, name, "error", "nesting is too deep to analyse",
                                        shown, 1, 1, 1, 2))
    except MemoryError:
        return failed(shown, crash_error(shown, "out of memory"))
    except Exception as exc:  # noqa: BLE001 - one bad file never stops the others
        return failed(shown, internal_error(shown, exc))


def _read_and_analyze(path: Path, implicit: bool | None, shown: str) -> FileAnalysis:
    refused = check_size(path, shown)
    if refused is not None:
        return failed(shown, refused)
    text, error = read_text(path)
    if text is None:
        return FileAnalysis(path=shown, source=None, errors=[error] if error else [])
    return _analyze_text(text, implicit, shown, path)


def _analyze_text(text: str, implicit: bool | None, shown: str, path: Path | None) -> FileAnalysis:
    refused = check_text(text, shown)
    if refused is not None:
        return failed(shown, refused)
    return analyze_source(text, shown, implicit, real_path=path)


def _apply(fn: Callable[[FileAnalysis], R], result: FileAnalysis) -> R:
    try:
        return fn(result)
    except Exception as exc:  # noqa: BLE001
        return fn(failed(result.path, internal_error(result.path, exc)))


def run_one(fn: Callable[[FileAnalysis], R], path: Path, shown: str, implicit: bool | None) -> R:
    """Analyse one file and apply ``fn``, on a large stack (deep.py): deep nesting gives a
    finding, not a crash."""
    return run_deep(_analyze_and_apply, fn, path, shown, implicit)


def run_text(fn: Callable[[FileAnalysis], R], text: str, shown: str, implicit: bool | None) -> R:
    """``run_one`` for text given directly (``wfgraph check -`` reads standard input)."""
    return run_deep(_text_and_apply, fn, text, shown, implicit)


def _text_and_apply(fn: Callable[[FileAnalysis], R], text: str, shown: str,
                    implicit: bool | None) -> R:
    return _apply(fn, safe_analyze_text(text, shown, implicit))


def _analyze_and_apply(fn: Callable[[FileAnalysis], R], path: Path, shown: str,
                       implicit: bool | None) -> R:
    return _apply(fn, safe_analyze(path, implicit, shown))


def _task(fn: Callable[..., R], contexts: Mapping[str, Any] | None, implicit: Any,
          item: FileItem) -> tuple[Callable[[FileAnalysis], R], bool | None]:
    """The function and the mode for one file, resolved here so that a worker receives only
    its own file's share of the per-file data."""
    path, shown = item
    if contexts is not None:
        fn = functools.partial(fn, context=contexts.get(shown))
    return fn, _mode(implicit, path)


# --- many files ----------------------------------------------------------------------------------


class Progress:
    """``wfgraph: 120/5000 files`` on one rewritten stderr line, only on a terminal and only once
    the run has taken ``PROGRESS_AFTER`` seconds; erased at the end."""

    def __init__(self, total: int, err: TextIO | None, label: str = "analysing") -> None:
        self.total = total
        self.err = err if err is not None and _isatty(err) else None
        self.label = label
        self.start = time.monotonic()
        self.last = 0.0
        self.done = 0
        self.shown = False

    def tick(self, count: int = 1) -> None:
        self.done += count
        if self.err is None:
            return
        now = time.monotonic()
        if now - self.start < PROGRESS_AFTER or now - self.last < 0.1:
            return
        self.last = now
        self.shown = True
        self.err.write(f"\rwfgraph: {self.label} {self.done}/{self.total} files")
        self.err.flush()

    def close(self) -> None:
        if self.err is not None and self.shown:
            self.err.write("\r\x1b[K")
            self.err.flush()
            self.shown = False


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def map_files(files: Sequence[FileItem], fn: Callable[..., R],
              implicit: Any = None, jobs: int | None = None,
              progress: Progress | None = None,
              contexts: Mapping[str, Any] | None = None) -> list[R]:
    """``fn(analysis of file)`` for each file, in the order of ``files``. ``implicit``: one mode,
    or a mode per path read. ``contexts``, when given, holds per-file data by the path shown,
    passed as ``fn(analysis, context=...)``."""
    workers = job_count(len(files), jobs)
    if workers <= 1:
        collect_garbage_less_often()
        out = []
        for item in files:
            task, mode = _task(fn, contexts, implicit, item)
            out.append(run_one(task, item[0], item[1], mode))
            if progress is not None:
                progress.tick()
        return out
    try:
        return _map_in_workers(files, fn, implicit, workers, progress, contexts)
    except _NO_PROCESSES:
        # No worker processes here (no fork, no /dev/shm for multiprocessing's semaphores, a
        # sandbox): the same work in this process, from the start, so the output is the same.
        if progress is not None:
            progress.done = 0
        return map_files(files, fn, implicit, jobs=1, progress=progress, contexts=contexts)


_NO_PROCESSES = (OSError, NotImplementedError, ImportError)


def _context() -> Any:
    import multiprocessing

    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)


def _init_worker() -> None:
    # Ctrl-C is the parent's to handle: it cancels the run and the pool shuts down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    collect_garbage_less_often()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _new_pool(workers: int) -> ProcessPoolExecutor:
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_init_worker)


def _map_in_workers(files: Sequence[FileItem], fn: Callable[..., R], implicit: Any,
                    workers: int, progress: Progress | None,
                    contexts: Mapping[str, Any] | None) -> list[R]:
    results: list[Any] = [None] * len(files)
    # Largest first (longest-processing-time scheduling); ties in input order.
    order = sorted(range(len(files)), key=lambda i: (-_size(files[i][0]), i))
    tasks = [_task(fn, contexts, implicit, item) for item in files]
    suspects = _run_pool(files, tasks, workers, order, results, progress)
    for i in suspects:  # the files in flight when a worker died: each alone in a fresh process
        if _run_pool(files, tasks, 1, [i], results, None):
            results[i] = _apply(tasks[i][0], failed(files[i][1], crash_error(
                files[i][1], "the worker process analysing it died (a crash in native code, "
                "or the system ran out of memory)")))
        if progress is not None:
            progress.tick()
    return results


def _run_pool(files: Sequence[FileItem], tasks: list[tuple[Callable[[FileAnalysis], Any], Any]],
              workers: int, order: list[int], results: list[Any],
              progress: Progress | None) -> list[int]:
    """Fill ``results`` for the files at ``order``; return those in flight when a worker died.

    At most two files per worker are in flight, so a worker that dies takes few files with it;
    the pool is then replaced and the run goes on."""
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    pending = deque(order)
    in_flight: dict[Future[Any], int] = {}
    suspects: list[int] = []
    pool = _new_pool(workers)
    try:
        while pending or in_flight:
            while pending and len(in_flight) < 2 * workers:
                i = pending.popleft()
                path, shown = files[i]
                task, mode = tasks[i]
                in_flight[pool.submit(run_one, task, path, shown, mode)] = i
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                i = in_flight.pop(future)
                try:
                    results[i] = future.result()
                except BrokenProcessPool:
                    suspects.append(i)
                    broken = True
                    continue
                except Exception as exc:  # noqa: BLE001 - e.g. a result that does not pickle
                    results[i] = _apply(tasks[i][0], failed(files[i][1],
                                                            internal_error(files[i][1], exc)))
                if progress is not None:
                    progress.tick()
            if broken:
                for future, i in in_flight.items():
                    if future.done() and future.exception() is None:
                        results[i] = future.result()
                        if progress is not None:
                            progress.tick()
                    else:
                        suspects.append(i)
                in_flight.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                pool = _new_pool(workers)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return sorted(suspects)
