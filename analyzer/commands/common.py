"""Shared by the subcommands: turning paths into analysed files, and reporting problems."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..analysis import FileAnalysis, WorkflowAnalysis, analyze_file
from ..checks.diagnostics import Diagnostic
from ..discover import ConfigError, find_wrangler, implicit_dependencies, load_wrangler
from ..files import collect_files

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@dataclass
class Run:
    """The analysed files of one invocation, and the problems that stop it from being clean."""

    files: list[FileAnalysis] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    many: bool = False


def analyze_paths(paths: list[str], exclude: tuple[str, ...] = (), implicit: bool | None = None,
                  err: TextIO = sys.stderr) -> Run:
    run = Run()
    if implicit is None:
        implicit = mode_from_wrangler([Path(p) for p in paths], run)
    collected = collect_files([Path(p) for p in paths], exclude=exclude)
    run.errors.extend(collected.errors)
    run.many = len(paths) > 1 or any(Path(p).is_dir() for p in paths)
    run.files = [analyze_file(path, implicit, display=shown) for path, shown in collected.files]
    for result in run.files:
        run.errors.extend(result.errors)
    return run


def mode_from_wrangler(paths: list[Path], run: Run) -> bool | None:
    """The step.do dependency mode the project's wrangler config implies (python-sdk §2.0);
    None (accept both forms) without one."""
    found = find_wrangler(paths)
    if found is None:
        return None
    try:
        return implicit_dependencies(load_wrangler(found))
    except ConfigError as exc:
        run.errors.append(Diagnostic("WF000", "config-error", "error", exc.message, str(exc.path),
                                     exc.line, exc.column, exc.line, exc.column + 1))
        return None


def selected_workflows(run: Run, class_name: str | None,
                       err: TextIO) -> list[tuple[FileAnalysis, WorkflowAnalysis]] | None:
    """The workflows with a graph (only ``class_name`` when given), in file order. Classes
    without a graph are named on stderr with the reason; an unknown ``class_name`` is None."""
    selected = []
    matched = False
    for result in run.files:
        for wf in result.workflows:
            if class_name is not None and wf.class_name != class_name:
                continue
            matched = True
            if wf.graph is None:
                print(f"{result.path}:{result.span(wf.cls.name)}: {wf.class_name} {wf.reason}", file=err)
            else:
                selected.append((result, wf))
    if class_name is not None and not matched:
        print(f"no workflow class named {class_name!r} in the given paths", file=err)
        return None
    return selected


def workflow_key(run: Run, result: FileAnalysis, wf: WorkflowAnalysis) -> str:
    """Class name for one file; ``path::class`` when several files are analysed."""
    return f"{result.path}::{wf.class_name}" if run.many else wf.class_name


def print_errors(errors: list[Diagnostic], err: TextIO) -> None:
    for diag in sorted(errors, key=Diagnostic.sort_key):
        print(f"{diag.location}: {diag.message}", file=err)
