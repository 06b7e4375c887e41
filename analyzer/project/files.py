"""Paths → the Python files worth parsing, in a canonical order.

Directories are walked skipping folders that never hold a project's own workflows (VCS and
tool caches, virtual environments, build output, hidden folders), files that ``.gitignore``
(at every level, and above the directory up to the repository root) or ``--exclude`` exclude,
and files whose text never mentions ``WorkflowEntrypoint`` (the cheap text test: no parsing).
Files named explicitly are always analysed.

Canonical order: each file is listed once (by its resolved path; when it was reached by several
spellings, the spelling that sorts first is shown), and files are sorted by the components of the
path shown. So ``wfgraph graph a.py b.py`` and ``wfgraph graph b.py a.py`` give the same output,
and no output depends on the order the file system lists a directory in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from ..diagnostics import PARSE_ERROR, Diagnostic

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", "venv", ".tox", ".nox",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", "build", "dist", ".eggs", "site-packages",
    ".wrangler",
})
MARKER = b"WorkflowEntrypoint"
SUFFIXES = (".py",)


@dataclass
class Collected:
    files: list[tuple[Path, str]] = field(default_factory=list)
    """(path to read, path to show) in canonical order."""
    errors: list[Diagnostic] = field(default_factory=list)
    scanned: int = 0
    """Python files looked at in directories, before the text test."""


def may_contain_workflow(path: Path) -> bool:
    """The cheap text test: no mention of WorkflowEntrypoint, no workflow."""
    try:
        with path.open("rb") as handle:
            return MARKER in handle.read()
    except OSError:
        return True  # let the analysis report why it cannot be read


def sort_key(shown: str) -> tuple[str, ...]:
    """The canonical order of files: by path components, so ``a/b.py`` precedes ``a.b.py``
    whatever the separator's code point."""
    return PurePath(shown).parts


def collect_files(paths: list[Path], exclude: tuple[str, ...] = ()) -> Collected:
    """Files named explicitly are always analysed; directories yield their candidate files."""
    out = Collected()
    chosen: dict[Path, tuple[Path, str]] = {}

    def add(found: Path) -> None:
        key = _identity(found)
        shown = str(found)
        current = chosen.get(key)
        if current is None or sort_key(shown) < sort_key(current[1]):
            chosen[key] = (found, shown)

    named = {_identity(p) for p in paths if not p.is_dir() and p.exists()}
    for path in paths:
        if path.is_dir():
            for found in walk(path, exclude):
                out.scanned += 1
                if _identity(found) in named or may_contain_workflow(found):
                    add(found)
        elif path.exists():
            add(path)
        else:
            out.errors.append(Diagnostic(*PARSE_ERROR, "error", "no such file or directory",
                                         str(path), 1, 1, 1, 1))
    out.files = sorted(chosen.values(), key=lambda item: sort_key(item[1]))
    return out


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return path.absolute()


# --- ignore rules ------------------------------------------------------------------------------


if TYPE_CHECKING:  # imported when ignore rules are read: a single file never needs them
    import pathspec


def _read_spec(path: Path) -> pathspec.PathSpec | None:
    import pathspec

    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines) if any(
        line.strip() and not line.lstrip().startswith("#") for line in lines) else None


class IgnoreRules:
    """git's rules for one walked directory: the ``--exclude`` patterns (relative to it, and
    never overridden), then ``.gitignore`` files from the deepest to the repository root (a
    deeper file, and a later line, win; ``!pattern`` re-includes)."""

    def __init__(self, root: Path, exclude: tuple[str, ...]) -> None:
        import pathspec

        self.exclude = pathspec.GitIgnoreSpec.from_lines(list(exclude)) if exclude else None
        self.inner: list[tuple[str, pathspec.PathSpec]] = []  # (folder relative to root, spec)
        self.outer: list[tuple[str, pathspec.PathSpec]] = []  # (root relative to the folder, spec)
        self._load_ancestors(root)

    def _load_ancestors(self, root: Path) -> None:
        """``.gitignore`` files above ``root``, up to the enclosing repository's top (the nearest
        folder with ``.git``), nearest first; nothing when ``root`` is not in a repository."""
        try:
            start = root.resolve()
        except (OSError, RuntimeError):
            return
        chain = []
        for folder in [start, *start.parents]:
            chain.append(folder)
            if (folder / ".git").exists():
                break
        else:
            return  # not in a repository: only the .gitignore files inside root count
        top = chain[-1]
        for folder in chain[1:]:
            spec = _read_spec(folder / ".gitignore")
            if spec is not None:
                self.outer.append((start.relative_to(folder).as_posix(), spec))
        info = _read_spec(top / ".git" / "info" / "exclude")
        if info is not None:
            prefix = start.relative_to(top).as_posix()
            self.outer.append((prefix if prefix != "." else "", info))

    def push(self, folder: str, directory: Path) -> bool:
        """Load ``directory/.gitignore`` (``folder`` relative to root, "" for root itself)."""
        spec = _read_spec(directory / ".gitignore")
        if spec is None:
            return False
        self.inner.append((folder, spec))
        return True

    def ignored(self, rel: str, is_dir: bool) -> bool:
        """``rel``: posix path relative to the walked root."""
        probe = rel + "/" if is_dir else rel
        if self.exclude is not None and self.exclude.match_file(probe):
            return True
        for folder, spec in reversed(self.inner):
            if folder and not rel.startswith(folder + "/"):
                continue
            result = spec.check_file(probe[len(folder) + 1:] if folder else probe)
            if result.include is not None:
                return bool(result.include)
        for prefix, spec in self.outer:
            result = spec.check_file(f"{prefix}/{probe}" if prefix else probe)
            if result.include is not None:
                return bool(result.include)
        return False


def walk(root: Path, exclude: tuple[str, ...] = ()) -> list[Path]:
    """The ``.py`` files under ``root`` that no ignore rule excludes, in sorted order."""
    rules = IgnoreRules(root, exclude)
    found: list[Path] = []
    # Depth first, iteratively (deep trees cannot exhaust the stack): (folder relative to root,
    # its path), and None where a folder's own .gitignore stops applying.
    stack: list[tuple[str, Path] | None] = [("", root)]
    while stack:
        item = stack.pop()
        if item is None:  # leaving a folder that pushed a .gitignore
            rules.inner.pop()
            continue
        rel_folder, directory = item
        if rules.push(rel_folder, directory):
            stack.append(None)
        try:
            with os.scandir(directory) as entries:
                listing = sorted(entries, key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in listing:
            rel = f"{rel_folder}/{entry.name}" if rel_folder else entry.name
            try:
                is_dir = entry.is_dir()  # follows symlinks to folders; os.walk would not
                is_file = not is_dir and entry.is_file()
            except OSError:
                continue
            if is_dir:
                if entry.is_symlink() or entry.name in SKIP_DIRS or entry.name.startswith("."):
                    continue
                if not rules.ignored(rel, is_dir=True):
                    subdirs.append((rel, Path(entry.path)))
            elif is_file and entry.name.endswith(SUFFIXES) and not rules.ignored(rel, is_dir=False):
                found.append(Path(entry.path))
        stack.extend(reversed(subdirs))
    found.sort(key=lambda p: p.parts)  # the canonical order (sort_key), folders and files mixed
    return found
