"""Running ``wfgraph diff`` in tests without a repository: each side a Snapshot made in memory
or read from a fixture folder (as ``git_snapshot`` would read it: paths relative to the side)."""

from __future__ import annotations

from pathlib import Path

from wfgraph.analyzer.checks.diff.compare import DiffResult, compare
from wfgraph.analyzer.checks.diff.sides import Side, analyse_snapshot
from wfgraph.analyzer.checks.diff.sources import Snapshot
from wfgraph.analyzer.project.config import Config
from wfgraph.analyzer.project.wrangler import WRANGLER_NAMES

BASE_PREFIX = "BASE:"


def snapshot(label: str, files: dict[str, str], wrangler: str | None = None) -> Snapshot:
    """Modules (path → text) governed by one ``wrangler.toml`` at the top, when given."""
    snap = Snapshot(label, files=dict(files))
    if wrangler is not None:
        snap.wranglers["wrangler.toml"] = wrangler
        snap.governing = {path: "wrangler.toml" for path in files}
    return snap


def folder_snapshot(folder: Path) -> Snapshot:
    """A fixture side: its ``.py`` files and its top-level wrangler file, paths relative to it."""
    files = {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
             for p in sorted(folder.rglob("*.py"))}
    wrangler = next((folder / n for n in WRANGLER_NAMES if (folder / n).exists()), None)
    snap = Snapshot(folder.name, files=files)
    if wrangler is not None:
        snap.wranglers[wrangler.name] = wrangler.read_text(encoding="utf-8")
        snap.governing = {path: wrangler.name for path in files}
    return snap


def run_diff(base: Snapshot, head: Snapshot, config: Config | None = None) -> DiffResult:
    """Both sides analysed (BASE's paths shown as ``BASE:path``) and compared; either side's
    parse or configuration errors fail the test."""
    return compare_sides(analyse_snapshot(base, BASE_PREFIX), head, config)


def compare_sides(base: Side, head: Snapshot, config: Config | None = None) -> DiffResult:
    sides = base, analyse_snapshot(head)
    for side in sides:
        assert not side.errors, side.errors
    return compare(*sides, config or Config())


def codes_and_lines(result: DiffResult) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in sorted(result.diagnostics, key=lambda d: (d.line, d.code))]
