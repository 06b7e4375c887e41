"""Paths → the Python files worth parsing.

Directories are walked in sorted order (so output does not depend on the file system), skipping
folders that never hold a project's own workflows. A file that cannot contain a workflow (its
text never mentions ``WorkflowEntrypoint``) is skipped before parsing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from .checks.diagnostics import PARSE_ERROR, Diagnostic

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", "venv", ".tox", ".nox",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", "build", "dist", ".eggs", "site-packages",
})
MARKER = b"WorkflowEntrypoint"


@dataclass
class Collected:
    files: list[tuple[Path, str]] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)


def may_contain_workflow(path: Path) -> bool:
    """The cheap text test: no mention of WorkflowEntrypoint, no workflow."""
    try:
        with path.open("rb") as handle:
            return MARKER in handle.read()
    except OSError:
        return True  # let the analysis report why it cannot be read


def collect_files(paths: list[Path], exclude: tuple[str, ...] = ()) -> Collected:
    """Files named explicitly are always analysed; directories yield their candidate files."""
    out = Collected()
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            spec = _ignore_spec(path, exclude)
            for found in _walk(path, spec):
                if found.resolve() not in seen and may_contain_workflow(found):
                    seen.add(found.resolve())
                    out.files.append((found, str(found)))
        elif path.exists():
            if path.resolve() not in seen:
                seen.add(path.resolve())
                out.files.append((path, str(path)))
        else:
            out.errors.append(Diagnostic(*PARSE_ERROR, "error", "no such file or directory",
                                         str(path), 1, 1, 1, 1))
    return out


def _ignore_spec(root: Path, exclude: tuple[str, ...]) -> pathspec.PathSpec:
    lines = list(exclude)
    gitignore = root / ".gitignore"
    if gitignore.is_file():
        try:
            lines.extend(gitignore.read_text(encoding="utf-8", errors="replace").splitlines())
        except OSError:
            pass
    return pathspec.PathSpec.from_lines("gitwildmatch", lines)


def _walk(root: Path, spec: pathspec.PathSpec) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        rel_folder = Path(folder).relative_to(root)
        dirs[:] = sorted(
            d for d in dirs
            if d not in SKIP_DIRS and not d.startswith(".")
            and not spec.match_file(str(rel_folder / d) + "/")
        )
        for name in sorted(files):
            if name.endswith(".py") and not spec.match_file(str(rel_folder / name)):
                found.append(Path(folder) / name)
    return found
