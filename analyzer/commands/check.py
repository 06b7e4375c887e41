"""``wfgraph check``: the step budget and the lint rules, for CI before ``wrangler deploy``.

Configuration first: the command line (bad values and combinations are usage errors), then, for
each file, the ``[tool.wfgraph]`` table and the wrangler file that govern it
(project/settings.py: the nearest of each, so a monorepo's Workers are each checked by their own
limits and dependency mode, whatever the argument order or subset of files). A pyproject that
cannot be used stops the run with status 2 before any file is read. Then each file is analysed
and checked where it was parsed (in worker processes when there are many files): the lint rules
and the step budget run, disabled codes, ``per-file-ignores`` and ``# wfgraph: ignore[...]``
comments drop findings (never WF000 / WF009), suppressions that silence nothing are reported
(WF090), and only the findings and the few source lines the report needs come back. Last, the
checks that need the whole run: each wrangler file's ``class_name``s (WF052), trip-count keys
that match no loop (WF092); the report on stdout (or ``--output-file``), one summary line on
stderr.

Exit status (docs/design.md, CLI): 0 clean (warnings allowed), 1 error-level findings (0 with
``--exit-zero``), 2 usage or configuration errors, files that cannot be read or parsed
(reported, while the other files are still checked), and a run that checked no file.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Iterator
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from wfgraph import __version__

from ..checks.budget import BudgetResult
from ..checks.catalog import known_codes, rule_infos
from ..checks.directives import Directives, loop_lines, parse_directives, stale_inline_counts
from ..checks.project import WranglerReport, check_wrangler, covers_main
from ..checks.runner import check_file
from ..checks.suppress import NEVER_DROPPED, Suppressions, apply_suppressions
from ..diagnostics import STALE_TRIP_COUNT, UNUSED_SUPPRESSION, Diagnostic
from ..parallel import Progress, map_files, run_text
from ..project.config import Config, unknown_selector
from ..project.files import CONFIG_NAMES, Collected, collect_files, identity
from ..project.settings import Settings, SettingsResolver
from ..project.wrangler import ConfigError
from ..records import record
from ..report import ReportContext, render
from . import check_report as report
from .check_users import ThroughUsers, check_through_users
from .common import (EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UsageError, check_environment,
                     nothing_analysed, read_stdin, stdin_paths)

if TYPE_CHECKING:
    from ..analysis import FileAnalysis


@record
class CheckedFile:
    """What a worker sends back for one file: no libcst tree, only the report's material."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    budgets: list[BudgetResult] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    lines: dict[tuple[str, int], str] = field(default_factory=dict)
    """The source lines the report shows, by (path, line): findings may stand in the modules
    the file imports (SEMANTICS §2.4)."""
    suppressed: int = 0
    failed: bool = False
    stale_keys: list[str] = field(default_factory=list)
    """``loop-trip-counts`` keys naming this file at a line where no loop starts."""
    linked: list[str] = field(default_factory=list)
    """The project's other modules the analysis read (SEMANTICS §2.4), as shown."""


def run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    check_environment()
    stdin_name = stdin_paths(args.paths, args.stdin_filename)
    if args.statistics and args.format not in ("text", "json"):
        raise UsageError(f"--statistics prints counts as text or json, not {args.format}")
    known = known_codes()
    adjust = _overrides(args, known)
    try:
        resolver = SettingsResolver(
            config_file=Path(args.config) if args.config else None,
            wrangler_file=Path(args.wrangler) if args.wrangler else None,
            implicit=args.implicit, known_codes=known, adjust=adjust)
        collected, settings = _files(args, stdin_name, resolver)
    except ConfigError as exc:
        print(f"wfgraph check: {exc}", file=err)
        return EXIT_ERROR
    if args.show_settings:
        out.write(report.settings_report(settings, args.format))
        return EXIT_OK
    if not collected.files and not collected.errors:
        return _nothing_checked(args, collected, err)

    files = _check_files(collected, settings, stdin_name, err)
    through = (check_through_users(collected, files, resolver, check_one, tuple(args.exclude))
               if stdin_name is None else ThroughUsers())
    diagnostics: list[Diagnostic] = list(collected.errors)
    for checked in [*files, *through.files]:
        diagnostics.extend(checked.diagnostics)
    diagnostics = list(dict.fromkeys(diagnostics))  # a shared helper is checked from each file
    lines = {key: text for f in [*files, *through.files] for key, text in f.lines.items()}
    silenced = sum(f.suppressed for f in files)
    for wrangler_report in _wrangler_reports(resolver, collected, files, settings, known):
        diagnostics.extend(wrangler_report.findings)
        silenced += wrangler_report.silenced
        lines.update({(d.path, d.line): wrangler_report.lines.get(d.line, "")
                      for d in wrangler_report.findings})
    diagnostics.extend(_stale_keys(settings, files))

    code = _write_report(args, diagnostics, lines, out, err)
    if code != EXIT_OK:
        return code
    if args.statistics or args.verbose:
        for line in report.budget_lines(files):
            print(line, file=err)
    if not args.quiet:
        for line in report.through_lines(through.users, args.verbose):
            print(line, file=err)
        modules = sum(1 for names in through.users.values() if names)
        print(report.summary_line(files, diagnostics, silenced, through.extra, modules), file=err)
    return _exit_status(args, collected, files, diagnostics)


# --- options --------------------------------------------------------------------------------------


def command_config(args: argparse.Namespace, path: Path) -> Config:
    """``[tool.wfgraph]`` governing ``path`` (or ``--config``), with the command line's
    ``--select`` / ``--ignore`` / ``--plan``: ``check`` and ``diff`` read them alike."""
    known = known_codes()
    resolver = SettingsResolver(config_file=Path(args.config) if args.config else None,
                                known_codes=known, adjust=_overrides(args, known))
    return resolver.config_for(path)


def _overrides(args: argparse.Namespace, known: frozenset[str]):
    """The command line's changes to every ``[tool.wfgraph]`` (checked against the known codes)."""
    select = _selectors("--select", args.select, known) if args.select is not None else None
    ignore = _selectors("--ignore", args.ignore, known) if args.ignore is not None else ()

    def adjust(config: Config) -> Config:
        changes: dict[str, object] = {}
        if select is not None:
            changes["select"] = select
        if ignore:
            changes["ignore"] = (*config.ignore, *ignore)
        if args.plan:
            changes["plan"] = args.plan
        return replace(config, **changes) if changes else config  # type: ignore[arg-type]

    return adjust


def _selectors(option: str, value: str, known: frozenset[str]) -> tuple[str, ...]:
    codes = tuple(code.strip() for code in value.split(",") if code.strip())
    if not codes:
        raise UsageError(f"{option}: give rule codes or prefixes (like WF010, WF0 or ALL)")
    bad = unknown_selector(codes, known)
    if bad is not None:
        raise UsageError(f"{option}: {bad!r} matches no rule code (`wfgraph rule --all` lists them)")
    return codes


# --- files and their settings ---------------------------------------------------------------------


def _files(args: argparse.Namespace, stdin_name: str | None,
           resolver: SettingsResolver) -> tuple[Collected, dict[str, Settings]]:
    """The files to check, each with its settings; directory walks drop what a configuration's
    ``exclude`` patterns name (relative to that configuration's folder)."""
    if stdin_name is not None:
        collected = Collected(files=[(Path(stdin_name), stdin_name)])
    else:
        collected = collect_files([Path(p) for p in args.paths], exclude=tuple(args.exclude))
    settings: dict[str, Settings] = {}
    kept = []
    for path, shown in collected.files:
        found = resolver.settings_for(path)
        if found.config.exclude and identity(path) in collected.walked and found.config.excluded(path):
            collected.skipped.excluded += 1
            continue
        settings[shown] = found
        kept.append((path, shown))
    collected.files = kept
    return collected, settings


def _nothing_checked(args: argparse.Namespace, collected: Collected, err: TextIO) -> int:
    """Nothing to check: a usage problem when files or folders were named (exit 2), not when
    only configuration files were and they govern no workflow file (pre-commit on a change to a
    JavaScript Worker's wrangler.toml)."""
    if all(Path(p).name in CONFIG_NAMES and Path(p).is_file() for p in args.paths):
        print(f"wfgraph check: {', '.join(args.paths)}: governs no Python workflow file; nothing "
              "to check", file=err)
        return EXIT_OK
    print(f"wfgraph check: nothing checked: {nothing_analysed(args.paths, collected)}", file=err)
    return EXIT_ERROR


def _check_files(collected: Collected, settings: dict[str, Settings], stdin_name: str | None,
                 err: TextIO) -> list[CheckedFile]:
    if stdin_name is not None:
        found = settings[stdin_name]
        fn = functools.partial(check_one, context=found)
        return [run_text(fn, read_stdin(), stdin_name, found.implicit)]
    modes = {str(path): settings[shown].implicit for path, shown in collected.files}
    progress = Progress(len(collected.files), err)
    try:
        return map_files(collected.files, check_one, modes, progress=progress, contexts=settings)
    finally:
        progress.close()


def check_one(file: "FileAnalysis", *, context: Settings) -> CheckedFile:
    """One file's findings after the configuration and its suppression comments (runs in the
    process that parsed the file)."""
    config = context.config
    path = Path(file.path)
    checked = CheckedFile(path=file.path, classes=[w.class_name for w in file.workflows],
                          failed=bool(file.errors))
    result = check_file(file, config, context.implicit, context.wrangler)
    checked.budgets = [replace(b, diagnostics=[]) for b in result.budgets]
    checked.linked = [path for path, _ in file.linked]
    if file.source is None:
        checked.diagnostics = list(file.errors)
        return checked

    def enabled(code: str) -> bool:
        return code in NEVER_DROPPED or config.enabled(code, path)

    text = file.source.text
    directives = parse_directives(text)
    loops = _loop_lines(text, directives, _keys_of(config, path))
    findings = [d for d in result.diagnostics if enabled(d.code)]
    if enabled(STALE_TRIP_COUNT[0]):
        findings += stale_inline_counts(file.path, directives, loops)
        checked.stale_keys = [key for key in _keys_of(config, path)
                              if loops is not None and int(key.rsplit(":", 1)[1]) not in loops]
    own = [d for d in findings if d.path == file.path]
    kept, checked.suppressed = apply_suppressions(
        own, Suppressions(file.path, directives.suppressions), enabled, known_codes())
    kept += _elsewhere(file, [d for d in findings if d.path != file.path], enabled, checked)
    checked.diagnostics = [*file.errors, *kept]
    sources = {**dict(file.linked), file.path: file.source}
    checked.lines = {(d.path, d.line): sources[d.path].line_text(d.line)
                     for d in checked.diagnostics if d.path in sources}
    return checked


def _elsewhere(file: "FileAnalysis", findings: list[Diagnostic], enabled: Any,
               checked: CheckedFile) -> list[Diagnostic]:
    """Findings in the modules ``file`` imports (a helper's body), each silenced by its own
    module's comments; unused suppressions there are that module's own run's to report."""
    kept: list[Diagnostic] = []
    for path, source in file.linked:
        mine = [d for d in findings if d.path == path]
        if mine:
            left, silenced = apply_suppressions(
                mine, Suppressions(path, parse_directives(source.text).suppressions),
                lambda code: code != UNUSED_SUPPRESSION[0] and enabled(code), known_codes())
            kept += left
            checked.suppressed += silenced
    return kept + [d for d in findings if all(d.path != path for path, _ in file.linked)]


def _keys_of(config: Config, path: Path) -> list[str]:
    """The ``loop-trip-counts`` keys that name ``path``."""
    if not config.loop_trip_counts:
        return []
    rel = config.relative(path)
    return [key for key in config.loop_trip_counts if key.rsplit(":", 1)[0] == rel]


def _loop_lines(text: str, directives: Directives, keys: list[str]) -> set[int] | None:
    """Loop lines, computed only for a file that has trip counts to check."""
    return loop_lines(text) if directives.trip_counts or keys else None


# --- the whole run --------------------------------------------------------------------------------


def _wrangler_reports(resolver: SettingsResolver, collected: Collected, files: list[CheckedFile],
                      settings: dict[str, Settings], known: frozenset[str]
                      ) -> Iterator[WranglerReport]:
    """Each wrangler file of the run: WF052 when the run covers its main module, and what
    loading it found (WF000, WF091), through its own suppressions and configuration."""
    analysed = [Path(f.path) for f in files]
    classes: dict[str, set[str]] = {}  # wrangler file → workflow classes of the files it governs
    for checked in files:
        wrangler = settings[checked.path].wrangler
        if wrangler is not None:
            classes.setdefault(str(wrangler.path), set()).update(checked.classes)
    by_path: dict[str, list[Diagnostic]] = {}
    for problem in resolver.problems:
        by_path.setdefault(problem.path, []).append(problem)
    wranglers = {str(w.path): w for w in resolver.wranglers()}
    for shown in sorted(set(wranglers) | set(by_path)):
        wrangler = wranglers.get(shown)
        config = resolver.config_for(Path(shown))
        problems = by_path.get(shown, [])
        if wrangler is None:  # could not be loaded: its WF000 is never silenced
            yield WranglerReport(problems, 0, {})
            continue
        yield check_wrangler(
            wrangler, problems, covered=covers_main(wrangler, collected.folders, analysed),
            found_classes=classes.get(shown, set()), known=known,
            enabled=lambda code, cfg=config, p=wrangler.path: code in NEVER_DROPPED or cfg.enabled(code, p))


def _stale_keys(settings: dict[str, Settings], files: list[CheckedFile]) -> list[Diagnostic]:
    """WF092 in the configuration file for each ``loop-trip-counts`` key whose file was checked
    and has no loop on that line, or whose file does not exist."""
    configs = {id(s.config): s.config for s in settings.values() if s.config.loop_trip_counts}
    by_path = {f.path: f for f in files}
    stale: dict[tuple[int, str], str] = {}
    for shown, found in settings.items():
        checked = by_path.get(shown)
        for key in checked.stale_keys if checked is not None else ():
            stale[(id(found.config), key)] = "no loop starts on that line"
    for ident, config in configs.items():
        assert config.root is not None
        for key in config.loop_trip_counts:
            if not (config.root / key.rsplit(":", 1)[0]).is_file():
                stale[(ident, key)] = "no such file"
    out = []
    for (ident, key), why in sorted(stale.items(), key=lambda item: item[0][1]):
        config = configs[ident]
        if config.path is None or not config.enabled(STALE_TRIP_COUNT[0], config.path):
            continue
        line, column = config.locate("loop-trip-counts", key)
        out.append(Diagnostic(*STALE_TRIP_COUNT, "warning", f"loop-trip-counts {key!r} matches no "
                              f"loop ({why}): the key applies to nothing", str(config.path),
                              line, column, line, column + 1,
                              ("put `# wfgraph: trip-count=N` on the loop's line instead: it moves "
                               "with the loop",)))
    return out


# --- output ---------------------------------------------------------------------------------------


def _write_report(args: argparse.Namespace, diagnostics: list[Diagnostic],
                  lines: dict[tuple[str, int], str], out: TextIO, err: TextIO) -> int:
    destination = out
    if args.output_file:
        try:  # the folder made if need be, as for diagrams (a CI job's fresh `reports/`)
            Path(args.output_file).parent.mkdir(parents=True, exist_ok=True)
            destination = open(args.output_file, "w", encoding="utf-8", newline="\n")
        except OSError as exc:
            print(f"wfgraph check: {args.output_file}: cannot write: {exc.strerror or exc}", file=err)
            return EXIT_ERROR
    show_source = args.show_source if args.show_source is not None else report.isatty(destination)
    context = ReportContext(
        # SARIF describes every rule; the other formats only the rules of the findings.
        root=Path.cwd(), tool_version=__version__,
        rules=rule_infos(None if args.format == "sarif" else {d.code for d in diagnostics}),
        color=args.format == "text" and report.color_enabled(args.color, destination),
        source_lines=lambda path, line: lines.get((path, line), ""),
        show_source=show_source,
    )
    text = (report.statistics(diagnostics, args.format) if args.statistics
            else render(args.format, diagnostics, context))
    try:
        destination.write(text)
    finally:
        if destination is not out:
            destination.close()
    return EXIT_OK


def _exit_status(args: argparse.Namespace, collected: Collected, files: list[CheckedFile],
                 diagnostics: list[Diagnostic]) -> int:
    broken = bool(collected.errors) or any(f.failed for f in files) or any(
        d.code in NEVER_DROPPED and d.severity == "error" for d in diagnostics)
    if broken:
        return EXIT_ERROR
    if any(d.severity == "error" for d in diagnostics) and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK

