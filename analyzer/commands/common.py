"""Shared by the subcommands: turning paths into analysed files, and reporting problems."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar

from ..analysis import FileAnalysis
from ..diagnostics import Diagnostic
from ..project.wrangler import ConfigError, find_wrangler, implicit_dependencies, load_wrangler
from ..python.facts import ANALYSIS_LIMIT
from ..project.files import collect_files
from ..parallel import Progress, map_files
from ..portable import detach
from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK  # re-exported for the commands

R = TypeVar("R")


@dataclass
class Run:
    """The analysed files of one invocation, and the problems that stop it from being clean."""

    files: list[FileAnalysis] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    many: bool = False


@dataclass
class Mapped:
    """What ``map_paths`` returns: one result per analysed file, in canonical file order."""

    results: list[Any] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    """Paths that do not exist (per-file problems are the per-file function's to report)."""
    many: bool = False


def analyze_paths(paths: list[str], exclude: tuple[str, ...] = (), implicit: bool | None = None,
                  err: TextIO = sys.stderr, *, portable: bool = False, positions: bool = True,
                  jobs: int | None = None) -> Run:
    """Analyse the files the paths name (directories walked, see ``files.py``) in canonical
    order.

    ``portable=False`` (the default): full ``FileAnalysis`` records with their libcst trees,
    analysed in this process. ``portable=True``: ``DetachedAnalysis`` records (graphs, facts,
    diagnostics and positions, no tree), analysed in worker processes when there are many files;
    ``positions=False`` also skips locating graph nodes and facts, for consumers that need only
    the graphs. Either way the same input gives the same records in the same order."""
    run = Run()
    if portable:
        fn: Callable[[FileAnalysis], Any] = functools.partial(detach, positions=positions)
        mapped = map_paths(paths, fn, exclude, implicit, err, jobs=jobs)
    else:
        mapped = map_paths(paths, _identity, exclude, implicit, err, jobs=1)
    run.files, run.errors, run.many = mapped.results, mapped.errors, mapped.many
    for result in run.files:
        run.errors.extend(result.errors)
    return run


def map_paths(paths: list[str], fn: Callable[[FileAnalysis], R], exclude: tuple[str, ...] = (),
              implicit: bool | None = None, err: TextIO | None = sys.stderr, *,
              jobs: int | None = None) -> Mapped:
    """``fn`` applied to the analysis of each file, in the process that analysed it (a worker
    when there are many files: ``fn`` must then be picklable, a module-level function or a
    ``functools.partial`` of one, and so must what it returns). For commands whose per-file work
    needs the libcst tree (lint rules) and should run in parallel too."""
    collected = collect_files([Path(p) for p in paths], exclude=exclude)
    mapped = Mapped(errors=list(collected.errors))
    modes: bool | dict[str, bool | None] | None = implicit
    if implicit is None:
        modes = modes_from_wrangler([path for path, _ in collected.files], mapped.errors)
    mapped.many = len(paths) > 1 or any(Path(p).is_dir() for p in paths)
    progress = Progress(len(collected.files), err)
    try:
        mapped.results = map_files(collected.files, fn, modes, jobs=jobs, progress=progress)
    finally:
        progress.close()
    return mapped


def modes_from_wrangler(files: list[Path], errors: list[Diagnostic]) -> dict[str, bool | None]:
    """Each file's step.do dependency mode, from the wrangler config that governs it (the
    nearest one next to it or above it; python-sdk §2.0). None (accept both forms) without one.
    A project's configuration never leaks into the files of another."""
    modes: dict[str, bool | None] = {}
    by_config: dict[Path | None, bool | None] = {}
    for path in files:
        found = find_wrangler([path])
        if found not in by_config:
            by_config[found] = None
            if found is not None:
                try:
                    by_config[found] = implicit_dependencies(load_wrangler(found))
                except ConfigError as exc:
                    errors.append(Diagnostic("WF000", "config-error", "error", exc.message,
                                             str(exc.path), exc.line, exc.column, exc.line,
                                             exc.column + 1))
        modes[str(path)] = by_config[found]
    return modes


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
                if fact.kind == ANALYSIS_LIMIT:  # the graph is incomplete: always say so
                    print(f"{result.path}:{result.span(fact.node)}: warning: {wf.class_name}: "
                          f"{fact.message}", file=err)
            if wf.graph is None:
                if wf.class_name in getattr(result, "reported", ()):
                    continue  # already among the run's errors
                print(f"{result.path}:{result.span(wf.cls.name)}: {wf.class_name} {wf.reason}",
                      file=err)
                continue
            selected.append((result, wf))
    if class_name is not None and not matched:
        print(f"no workflow class named {class_name!r} in the given paths", file=err)
        return None
    return selected


def workflow_key(run: Run, result: FileAnalysis, wf: Any) -> str:
    """A workflow's key in multi-workflow output: its class name for one file, ``path::class``
    when several files or a directory were given."""
    return f"{result.path}::{wf.class_name}" if run.many else wf.class_name


def print_errors(errors: list[Diagnostic], err: TextIO) -> None:
    for diag in sorted(errors, key=Diagnostic.sort_key):
        print(f"{diag.location}: {diag.message}", file=err)
