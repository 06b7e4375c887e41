"""``wfgraph diff BASE [HEAD] [-- PATH...]``: what a change does to each workflow, and whether
instances running when it deploys survive it (SEMANTICS §10).

Each side is a git revision (read through git, never checked out), a file or directory, or a
graph JSON file; HEAD defaults to the working tree. The change list goes to stdout (text
format), then the findings, reported like ``wfgraph check``'s: the same formats,
``--select`` / ``--ignore``, ``[tool.wfgraph]``, ``# wfgraph: ignore[WF101]`` on the line a
finding points at, ``--exit-zero`` and exit statuses 0 / 1 / 2. ``--format mermaid|dot`` draws
HEAD's diagram with the changes marked instead.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path
from typing import TextIO

from wfgraph import __version__

from ..checks.catalog import rule_infos
from ..checks.diff.compare import DiffResult, compare
from ..checks.diff.listing import render_changes
from ..checks.diff.sides import Side, analyse_snapshot, looks_like_graph_json, read_graph_json
from ..checks.diff.sources import GitError, git_snapshot, worktree_snapshot
from ..checks.suppress import SuppressionTable, is_suppressed, parse_suppressions
from ..diagnostics import ANALYSIS_ERROR, PARSE_ERROR, Diagnostic
from ..project.config import Config
from ..project.wrangler import ConfigError
from ..report import ReportContext, render
from .check import command_config
from .check_report import isatty
from .usage import UsageError
from .common import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK

NEVER_DROPPED = (PARSE_ERROR[0], ANALYSIS_ERROR[0])
DIAGRAMS = ("mermaid", "dot")


def run_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    paths = list(args.paths or [])
    try:
        if args.output and args.format not in DIAGRAMS:
            raise UsageError("-o/--output writes a diagram: use it with --format mermaid or dot")
        config = command_config(args, Path(paths[0]) if paths else Path.cwd())
        base = load_side(args.base, paths, "base", args)
        head = load_side(args.head, paths, "head", args)
    except (ConfigError, UsageError, GitError) as exc:
        print(f"wfgraph diff: {exc}", file=err)
        return EXIT_ERROR
    result = compare(base, head, config, args.class_name)
    for note in result.notes:
        print(f"note: {note}", file=err)
    if args.class_name is not None and not result.workflows:
        print(f"wfgraph diff: no workflow class named {args.class_name!r} on either side", file=err)
        return EXIT_ERROR
    errors = list(dict.fromkeys([*base.errors, *head.errors]))  # one file may be both sides
    kept, suppressed = _filter(result.diagnostics, config, {**base.texts, **head.texts})
    reported = sorted(errors, key=Diagnostic.sort_key) + kept
    if args.format in DIAGRAMS:
        from .diff_diagram import write_diagram

        code = write_diagram(args, result, f"{base.label} → {head.label}", out, err)
        _print_findings(reported, err)
        if code != EXIT_OK:
            return code
    else:
        if args.format == "text":
            out.write(render_changes(result.workflows, base.label, head.label))
            if reported:
                out.write("\n")
        out.write(render(args.format, reported, _context(args, config, base, head, out)))
    _summary(result, kept, suppressed, err)
    if errors or any(d.code == ANALYSIS_ERROR[0] and d.severity == "error" for d in kept):
        return EXIT_ERROR
    if any(d.severity == "error" for d in kept) and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK


# --- the two sides --------------------------------------------------------------------------------


def load_side(spec: str | None, paths: list[str], role: str, args: argparse.Namespace) -> Side:
    """A side from what the command line names: nothing (the working tree, for HEAD), a graph
    JSON file, a file or directory, or a git revision."""
    exclude, implicit = tuple(args.exclude), args.implicit
    if spec is None:
        return analyse_snapshot(worktree_snapshot([Path(p) for p in paths or ["."]], exclude,
                                                  "the working tree"), "", implicit)
    path = Path(spec)
    if path.exists():
        if not spec.startswith((".", "/")) and _is_revision(spec):
            raise UsageError(f"{spec!r} is both a revision and a file or directory: write "
                              f"./{spec} for the path, or {spec}^{{commit}} for the revision")
        if path.is_file() and looks_like_graph_json(spec):
            return read_graph_json(spec)
        roots = [path / p for p in paths] if path.is_dir() and paths else [path]
        return analyse_snapshot(worktree_snapshot(roots, exclude, spec), "", implicit)
    snapshot = git_snapshot(spec, paths, exclude)
    return analyse_snapshot(snapshot, f"{spec}:" if role == "base" else "", implicit)


def _is_revision(spec: str) -> bool:
    try:
        done = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "--end-of-options",
                               f"{spec}^{{commit}}"], capture_output=True, check=False)
    except OSError:
        return False
    return done.returncode == 0


# --- findings -------------------------------------------------------------------------------------


def _filter(diagnostics: list[Diagnostic], config: Config,
            texts: dict[str, str]) -> tuple[list[Diagnostic], int]:
    """The configuration's codes, then the suppression comments on each finding's line."""
    tables: dict[str, SuppressionTable] = {}
    kept, suppressed = [], 0
    for diag in sorted(diagnostics, key=Diagnostic.sort_key):
        if diag.code not in NEVER_DROPPED:
            if not config.enabled(diag.code, Path(diag.path)):
                continue
            if diag.path not in tables:
                tables[diag.path] = _suppressions(diag.path, texts.get(diag.path, ""))
            if is_suppressed(diag, tables[diag.path]):
                suppressed += 1
                continue
        kept.append(diag)
    return kept, suppressed


def _suppressions(path: str, text: str) -> SuppressionTable:
    """Python comments through ``parse_suppressions``; a wrangler file's ``#`` / ``//``
    comments line by line (TOML and JSONC are not Python)."""
    if path.endswith(".py"):
        return parse_suppressions(text)
    table: SuppressionTable = {}
    for number, line in enumerate(text.splitlines(), 1):
        for mark in ("#", "//"):
            if mark in line:
                found = parse_suppressions("#" + line.split(mark, 1)[1])
                if found:
                    table[number] = found[1]
    return table


def _context(args: argparse.Namespace, config: Config, base: Side, head: Side,
             out: TextIO) -> ReportContext:
    texts = {**base.texts, **head.texts}
    lines = {path: text.splitlines() for path, text in texts.items()}

    def source_line(path: str, line: int) -> str:
        found = lines.get(path, [])
        return found[line - 1] if 0 < line <= len(found) else ""

    tty = isatty(out)
    return ReportContext(root=config.root or Path.cwd(), rules=rule_infos(),
                         tool_version=__version__, color=tty and args.format == "text",
                         source_lines=source_line if tty or args.format != "text" else None)


def _print_findings(diagnostics: list[Diagnostic], err: TextIO) -> None:
    for diag in diagnostics:
        print(f"{diag.location}: {diag.code} [{diag.severity}] {diag.message}", file=err)


def _summary(result: DiffResult, kept: list[Diagnostic], suppressed: int, err: TextIO) -> None:
    counts = {s: sum(1 for d in kept if d.severity == s) for s in ("error", "warning", "info")}
    found = ", ".join(f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for s, n in counts.items() if n)
    changed = sum(1 for w in result.workflows if w.status != "unchanged")
    extra = f", {suppressed} suppressed" if suppressed else ""
    print(f"wfgraph diff: {len(result.workflows)} workflow{'s' if len(result.workflows) != 1 else ''}"
          f" compared, {changed} changed: {found or 'no findings'}{extra}", file=err)
