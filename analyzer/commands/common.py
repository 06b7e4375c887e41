"""Shared by the subcommands: turning paths into analysed files, and reporting problems."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import field, replace
from pathlib import Path
from typing import Any, TextIO, TypeVar

from ..analysis import FileAnalysis
from ..diagnostics import Diagnostic
from ..python.facts import drawing_caveat
from ..python.limits import max_file_size
from ..project.files import Collected, collect_files
from ..project.settings import SettingsResolver, display
from ..parallel import Progress, jobs_from_env, map_files, run_text
from ..portable import detach
from ..records import record
from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK  # noqa: F401 - re-exported for the commands
from .usage import UsageError

STDIN = "-"

R = TypeVar("R")


def check_environment() -> None:
    """The environment variables every analysing command reads, checked before any work:
    a typo in CI should fail loudly, not fall back to a default."""
    for read in (jobs_from_env, max_file_size):
        try:
            read()
        except ValueError as exc:
            raise UsageError(str(exc), usage=False) from None


def read_stdin() -> str:
    """Standard input as UTF-8 text (``wfgraph check -``), whatever the locale says."""
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"standard input is not valid UTF-8 (byte {exc.start})", usage=False) from None


def stdin_paths(paths: list[str], stdin_filename: str | None) -> str | None:
    """The name to show for standard input when the paths are just ``-``; None when they are
    files and folders. ``-`` among other paths, or ``--stdin-filename`` without ``-``, is a
    usage error."""
    if STDIN not in paths:
        if stdin_filename is not None:
            raise UsageError("--stdin-filename names the text read from standard input: give "
                             "the path - as well")
        return None
    if len(paths) > 1:
        raise UsageError("- (standard input) cannot be combined with other paths")
    return stdin_filename or STDIN


def nothing_analysed(paths: list[str], collected: Collected) -> str:
    """Why a run found no file to analyse, in one line."""
    where = paths[0] if len(paths) == 1 else "the given paths"
    why = collected.skipped.describe()
    if not why:
        return f"{where}: no Python files"
    return f"{where}: no Python file to analyse: {why}"


@record
class Run:
    """The analysed files of one invocation, and the problems that stop it from being clean."""

    files: list[FileAnalysis] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    many: bool = False


@record
class Mapped:
    """What ``map_paths`` returns: one result per analysed file, in canonical file order."""

    results: list[Any] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    """Paths that do not exist (per-file problems are the per-file function's to report)."""
    many: bool = False


def analyze_paths(paths: list[str], exclude: tuple[str, ...] = (), implicit: bool | None = None,
                  err: TextIO = sys.stderr, *, portable: bool = False, positions: bool = True,
                  jobs: int | None = None, stdin_filename: str | None = None) -> Run:
    """Analyse the files the paths name (directories walked, see ``files.py``) in canonical
    order.

    ``portable=False`` (the default): full ``FileAnalysis`` records with their libcst trees,
    analysed in this process. ``portable=True``: ``DetachedAnalysis`` records (graphs, facts,
    diagnostics and positions, no tree), analysed in worker processes when there are many files;
    ``positions=False`` also skips locating graph nodes and facts, for consumers that need only
    the graphs. Either way the same input gives the same records in the same order."""
    check_environment()
    run = Run()
    if portable:
        fn: Callable[[FileAnalysis], Any] = functools.partial(detach, positions=positions)
        mapped = map_paths(paths, fn, exclude, implicit, err, jobs=jobs,
                           stdin_filename=stdin_filename)
    else:
        mapped = map_paths(paths, _identity, exclude, implicit, err, jobs=1,
                           stdin_filename=stdin_filename)
    run.files, run.errors, run.many = mapped.results, mapped.errors, mapped.many
    for result in run.files:
        run.errors.extend(result.errors)
    return run


def map_paths(paths: list[str], fn: Callable[[FileAnalysis], R], exclude: tuple[str, ...] = (),
              implicit: bool | None = None, err: TextIO | None = sys.stderr, *,
              jobs: int | None = None, stdin_filename: str | None = None) -> Mapped:
    """``fn`` applied to the analysis of each file, in the process that analysed it (a worker
    when there are many files: ``fn`` must then be picklable, a module-level function or a
    ``functools.partial`` of one, and so must what it returns). For commands whose per-file work
    needs the libcst tree (lint rules) and should run in parallel too. Each file's step.do mode
    comes from the wrangler file that governs it (settings.py) unless ``implicit`` is given; the
    path ``-`` reads standard input."""
    resolver = SettingsResolver(implicit=implicit)
    shown = stdin_paths(paths, stdin_filename)
    if shown is not None:
        mode = resolver.mode_for(Path(shown))[0]
        mapped = Mapped(results=[run_text(fn, read_stdin(), shown, mode)])
        _report_problems(resolver, mapped, err)
        return mapped
    collected = collect_files([Path(p) for p in paths], exclude=exclude)
    mapped = Mapped(errors=list(collected.errors))
    modes = {str(path): resolver.mode_for(path)[0] for path, _ in collected.files}
    _report_problems(resolver, mapped, err)
    mapped.many = len(paths) > 1 or bool(collected.folders)  # a folder, or a config standing for one
    if not collected.files and not collected.errors and err is not None:
        print(nothing_analysed(paths, collected), file=err)
    progress = Progress(len(collected.files), err)
    try:
        mapped.results = map_files(collected.files, fn, modes, jobs=jobs, progress=progress)
    finally:
        progress.close()
    return mapped


def _report_problems(resolver: SettingsResolver, mapped: Mapped, err: TextIO | None) -> None:
    """Wrangler files that cannot be used are errors of the run; placeholders, warnings."""
    for problem in resolver.problems:
        problem = replace(problem, path=display(Path(problem.path)))
        if problem.severity == "error":
            mapped.errors.append(problem)
        elif err is not None:
            print(f"{problem.location}: warning: {problem.message}", file=err)


def _identity(result: FileAnalysis) -> FileAnalysis:
    return result


def selected_workflows(run: Run, class_name: str | None,
                       err: TextIO) -> list[tuple[FileAnalysis, Any]] | None:
    """The workflows with a graph, as (file, workflow) in canonical order, restricted to
    ``class_name`` when given. Workflows without a graph are named on stderr with the reason;
    None (after saying so) when ``class_name`` matches no workflow class."""
    selected: list[tuple[FileAnalysis, Any]] = []
    matched = False
    for result in run.files:
        for note in result.notes:
            print(f"{note.location}: note: {note.message}", file=err)
        for wf in result.workflows:
            if class_name is not None and wf.class_name != class_name:
                continue
            matched = True
            for fact in wf.facts:
                caveat = drawing_caveat(fact)  # the graph is incomplete: always say so
                if caveat is not None:
                    print(f"{result.path_of(fact.node)}:{result.span(fact.node)}: warning: "
                          f"{wf.class_name}: {caveat}", file=err)
            if wf.graph is None:
                if wf.class_name in getattr(result, "reported", ()):
                    continue  # already among the run's errors
                print(f"{result.path}:{result.span(wf.cls.name)}: {wf.class_name} {wf.reason}",
                      file=err)
                continue
            selected.append((result, wf))
    if class_name is not None and not matched:
        names = sorted({wf.class_name for result in run.files for wf in result.workflows})
        print(f"no workflow class named {class_name!r} in the given paths; workflow classes "
              f"found: {', '.join(names) or 'none'}", file=err)
        return None
    return selected


def workflow_key(run: Run, result: FileAnalysis, wf: Any) -> str:
    """A workflow's key in multi-workflow output: its class name for one file, ``path::class``
    when several files or a directory were given."""
    return f"{result.path}::{wf.class_name}" if run.many else wf.class_name


def print_errors(errors: list[Diagnostic], err: TextIO) -> None:
    for diag in sorted(errors, key=Diagnostic.sort_key):
        print(f"{diag.location}: {diag.message}", file=err)
