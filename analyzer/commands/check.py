"""``wfgraph check``: the step budget and the lint rules, for CI before ``wrangler deploy``.

Configuration first (``[tool.wfgraph]``, the wrangler file, the command line), so a bad setting
stops the run with status 2 before any file is read. Then each file is analysed and checked where
it was parsed (in worker processes when there are many files, ``commands.common.map_paths``):
the lint rules and the step budget run, disabled codes, ``per-file-ignores`` and
``# wfgraph: ignore[...]`` comments drop findings (never WF000 / WF009), and only the findings and
the few source lines the report needs come back. Last, the project checks that need every file
(WF052: each wrangler ``class_name`` is defined), the report on stdout, the summary on stderr.

Exit status (docs/design.md, CLI): 0 clean (warnings allowed), 1 error-level findings (0 with
``--exit-zero``), 2 usage or configuration errors, and files that cannot be read or parsed
(reported, while the other files are still checked).
"""

from __future__ import annotations

import argparse
import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from wfgraph import __version__

from ..checks.budget import BudgetResult
from ..checks.catalog import rule_infos
from ..diagnostics import ANALYSIS_ERROR, PARSE_ERROR, Diagnostic
from ..checks.project import covers_main, missing_workflow_classes
from ..checks.runner import check_file
from ..project.config import Config, load_config
from ..project.wrangler import ConfigError, WranglerConfig, find_wrangler, implicit_dependencies, load_wrangler
from ..report import ReportContext, render
from ..checks.suppress import is_suppressed, parse_suppressions
from .common import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, map_paths

if TYPE_CHECKING:
    from ..analysis import FileAnalysis

NEVER_DROPPED = (PARSE_ERROR[0], ANALYSIS_ERROR[0])
_SELECTOR = re.compile(r"WF\d{0,3}|ALL")


@dataclass
class CheckedFile:
    """What a worker sends back for one file: no libcst tree, only the report's material."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    budgets: list[BudgetResult] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    lines: dict[tuple[str, int], str] = field(default_factory=dict)
    suppressed: int = 0
    failed: bool = False


def run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    paths = [Path(p) for p in args.paths]
    try:
        config = _config(args, paths)
        wrangler = _wrangler(args, paths)
    except (ConfigError, _UsageError) as exc:
        print(f"wfgraph check: {exc}", file=err)
        return EXIT_ERROR
    implicit = args.implicit
    if implicit is None and wrangler is not None:
        implicit = implicit_dependencies(wrangler)
    exclude = (*args.exclude, *config.exclude)
    one = functools.partial(check_one, config=config, implicit=implicit, wrangler=wrangler)
    mapped = map_paths(args.paths, one, exclude, implicit, err)
    files: list[CheckedFile] = mapped.results

    diagnostics: list[Diagnostic] = list(mapped.errors)
    for checked in files:
        diagnostics.extend(checked.diagnostics)
    diagnostics = list(dict.fromkeys(diagnostics))  # a shared helper is checked from each file
    if wrangler is not None and covers_main(wrangler, paths, [Path(f.path) for f in files]):
        defined = {name for f in files for name in f.classes}
        diagnostics.extend(d for d in missing_workflow_classes(wrangler, defined)
                           if config.enabled(d.code, Path(d.path)))

    lines = {key: text for f in files for key, text in f.lines.items()}
    tty = _isatty(out)
    context = ReportContext(
        root=config.root or Path.cwd(),
        rules=rule_infos(),
        tool_version=__version__,
        color=tty and args.format == "text",
        source_lines=(lambda path, line: lines.get((path, line), ""))
        if tty or args.format != "text" else None,
    )
    out.write(render(args.format, diagnostics, context))
    _summary(files, diagnostics, err)

    broken = bool(mapped.errors) or any(f.failed for f in files) or any(
        d.code == ANALYSIS_ERROR[0] and d.severity == "error" for d in diagnostics)
    if broken:
        return EXIT_ERROR
    if any(d.severity == "error" for d in diagnostics) and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK


def check_one(file: "FileAnalysis", *, config: Config, implicit: bool | None,
              wrangler: WranglerConfig | None) -> CheckedFile:
    """One file's findings after the configuration and its suppression comments (runs in the
    process that parsed the file)."""
    checked = CheckedFile(path=file.path, classes=[w.class_name for w in file.workflows],
                          failed=bool(file.errors))
    result = check_file(file, config, implicit, wrangler)
    # Findings may stand in the project's other modules (SEMANTICS §2.4): each is suppressed by
    # the comments of its own file, and shown with its own source line.
    sources = dict(file.linked)
    if file.source is not None:
        sources[file.path] = file.source
    tables = {path: parse_suppressions(source.text) for path, source in sources.items()}
    kept = list(file.errors)
    for diag in result.diagnostics:
        if diag.code not in NEVER_DROPPED:
            if not config.enabled(diag.code, Path(diag.path)):
                continue
            if is_suppressed(diag, tables.get(diag.path, {})):
                checked.suppressed += 1
                continue
        kept.append(diag)
    checked.diagnostics = kept
    checked.budgets = [replace(b, diagnostics=[]) for b in result.budgets]
    checked.lines = {(d.path, d.line): sources[d.path].line_text(d.line)
                     for d in kept if d.path in sources}
    return checked


# --- configuration --------------------------------------------------------------------------------


class _UsageError(Exception):
    pass


def _config(args: argparse.Namespace, paths: list[Path]) -> Config:
    explicit = Path(args.config) if args.config else None
    config = load_config(paths[0] if paths else Path.cwd(), explicit)
    changes: dict[str, object] = {}
    if args.select is not None:
        changes["select"] = _selectors("--select", args.select)
    if args.ignore is not None:
        changes["ignore"] = (*config.ignore, *_selectors("--ignore", args.ignore))
    if args.plan:
        changes["plan"] = args.plan
    return replace(config, **changes) if changes else config  # type: ignore[arg-type]


def _selectors(option: str, value: str) -> tuple[str, ...]:
    codes = tuple(code.strip() for code in value.split(",") if code.strip())
    bad = [code for code in codes if not _SELECTOR.fullmatch(code)]
    if bad or not codes:
        raise _UsageError(f"{option}: {bad[0] if bad else value!r} is not a rule code or prefix "
                          "(like WF010, WF0 or ALL)")
    return codes


def _wrangler(args: argparse.Namespace, paths: list[Path]) -> WranglerConfig | None:
    if args.wrangler:
        return load_wrangler(Path(args.wrangler))
    found = find_wrangler([p for p in paths if p.exists()])
    return load_wrangler(found) if found is not None else None


# --- reporting ------------------------------------------------------------------------------------


def _summary(files: list[CheckedFile], diagnostics: list[Diagnostic], err: TextIO) -> None:
    for checked in files:
        for budget in checked.budgets:
            print(f"{checked.path}: {budget.summary()}", file=err)
    workflows = sum(len(f.classes) for f in files)
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = sum(1 for d in diagnostics if d.severity == "warning")
    suppressed = sum(f.suppressed for f in files)
    counts = f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    extra = f", {suppressed} suppressed" if suppressed else ""
    verdict = "all checks passed" if not diagnostics else counts
    print(f"wfgraph check: {len(files)} file{'s' if len(files) != 1 else ''}, {workflows} "
          f"workflow{'s' if workflows != 1 else ''}: {verdict}{extra}", file=err)


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
