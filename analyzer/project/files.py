"""Paths → the Python files worth parsing, in a canonical order.

Directories are walked skipping folders that never hold a project's own workflows (VCS and
tool caches, virtual environments, build output, hidden folders), files that ``.gitignore``
(at every level, and above the directory up to the repository root) or ``--exclude`` exclude,
and files whose text never mentions ``WorkflowEntrypoint`` (the cheap text test: no parsing);
``Skipped`` counts each kind, so a run that finds nothing can say why. Python files named
explicitly are always analysed; a configuration file named explicitly (``wrangler.toml``,
``wrangler.jsonc``, ``wrangler.json``, ``pyproject.toml``: what pre-commit passes when only the
configuration changed) stands for the files it governs, the Python files of its folder (for a
wrangler file, those that no deeper wrangler file governs); any other file is an error.

Canonical order: each file is listed once (by its resolved path; when it was reached by several
spellings, the spelling that sorts first is shown), and files are sorted by the components of the
path shown. So ``wfgraph graph a.py b.py`` and ``wfgraph graph b.py a.py`` give the same output,
and no output depends on the order the file system lists a directory in.
"""

from __future__ import annotations

import os
import re
from dataclasses import field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Hashable, TypeVar

from ..diagnostics import PARSE_ERROR, Diagnostic
from ..records import record
from .wrangler import WRANGLER_NAMES, find_wrangler

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", "venv", ".tox", ".nox",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", "build", "dist", ".eggs", "site-packages",
    ".wrangler",
})
MARKER = b"WorkflowEntrypoint"
K = TypeVar("K", bound=Hashable)
SUFFIXES = (".py",)
CONFIG_NAMES = (*WRANGLER_NAMES, "pyproject.toml")


@record
class Skipped:
    """What directory walks left out, by reason."""

    no_marker: int = 0
    """Python files whose text never mentions WorkflowEntrypoint."""
    gitignored: int = 0
    excluded: int = 0
    gitignored_dirs: int = 0
    excluded_dirs: int = 0

    def describe(self) -> str:
        """``12 Python files skipped (10 without WorkflowEntrypoint, 2 git-ignored); 1 folder
        excluded``, or "" when nothing was skipped."""
        parts = []
        files = self.no_marker + self.gitignored + self.excluded
        if files:
            kinds = [f"{n} {what}" for n, what in ((self.no_marker, "without WorkflowEntrypoint"),
                     (self.gitignored, "git-ignored"), (self.excluded, "excluded")) if n]
            parts.append(f"{_count(files, 'Python file')} skipped ({', '.join(kinds)})")
        for n, what in ((self.gitignored_dirs, "git-ignored"), (self.excluded_dirs, "excluded")):
            if n:
                parts.append(f"{_count(n, 'folder')} {what}")
        return "; ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


@record
class Collected:
    files: list[tuple[Path, str]] = field(default_factory=list)
    """(path to read, path to show) in canonical order."""
    errors: list[Diagnostic] = field(default_factory=list)
    scanned: int = 0
    """Python files looked at in directories, before the text test."""
    skipped: Skipped = field(default_factory=Skipped)
    walked: set[Path] = field(default_factory=set)
    """The resolved files that a directory walk found (not named explicitly): configuration
    ``exclude`` patterns apply to these only."""
    folders: list[Path] = field(default_factory=list)
    """The directories walked (named, or standing for a configuration file)."""


_CLASS = re.compile(rb"^[ \t]*class[ \t]+(\w+)[ \t]*(?:\(([^)]*)\))?", re.MULTILINE)


def workflow_candidates(files: list[tuple[K, bytes]]) -> set[K]:
    """The files worth parsing, given each file's content: those that mention
    WorkflowEntrypoint, and those whose classes derive (by name, through any number of modules)
    from a class of such a file, since a workflow may take its base from another module of the
    project (SEMANTICS §2.4). Nothing is parsed."""
    chosen: set[K] = set()
    known: set[bytes] = set()
    others: list[tuple[K, set[bytes], set[bytes]]] = []
    for key, data in files:
        classes = _CLASS.findall(data)
        if MARKER in data:
            chosen.add(key)
            known.update(name for name, _ in classes)
        elif any(bases for _, bases in classes):
            bases = {b.strip().rsplit(b".", 1)[-1] for _, text in classes for b in text.split(b",")}
            others.append((key, {name for name, _ in classes}, bases))
    grew = True
    while grew:
        grew = False
        for key, names, bases in others:
            if key not in chosen and bases & known:
                chosen.add(key)
                known |= names
                grew = True
    return chosen


def _read_candidates(files: list[Path]) -> set[Path]:
    """``workflow_candidates`` of files on disk, each read once; a file that cannot be read is
    kept, for the analysis to say why."""
    readable, chosen = [], set()
    for path in files:
        try:
            readable.append((path, path.read_bytes()))
        except OSError:
            chosen.add(path)
    return chosen | workflow_candidates(readable)


def sort_key(shown: str) -> tuple[str, ...]:
    """The canonical order of files: by path components, so ``a/b.py`` precedes ``a.b.py``
    whatever the separator's code point."""
    return PurePath(shown).parts


def is_python_file(path: Path) -> bool:
    """A ``.py`` file, or a file without a suffix that starts with a Python ``#!`` line."""
    if path.suffix:
        return path.suffix in SUFFIXES
    try:
        with path.open("rb") as handle:
            first = handle.readline(200)
    except OSError:
        return True  # let the analysis report why it cannot be read
    return first.startswith(b"#!") and b"python" in first


def collect_files(paths: list[Path], exclude: tuple[str, ...] = ()) -> Collected:
    """Python files named explicitly are always analysed; directories (and configuration files,
    for the folder they govern) yield their candidate files."""
    out = Collected()
    chosen: dict[Path, tuple[Path, str]] = {}

    def add(found: Path) -> None:
        key = identity(found)
        shown = str(found)
        current = chosen.get(key)
        if current is None or sort_key(shown) < sort_key(current[1]):
            chosen[key] = (found, shown)

    named = {identity(p) for p in paths if p.is_file() and p.name not in CONFIG_NAMES}
    for path in paths:
        if path.is_dir() or (path.is_file() and path.name in CONFIG_NAMES):
            folder = path if path.is_dir() else path.parent
            out.folders.append(folder)
            found = [f for f in walk(folder, exclude, out.skipped)
                     if path.is_dir() or _governed(f, path)]
            candidates = _read_candidates(found)
            for file in found:
                out.scanned += 1
                key = identity(file)
                if key in named or file in candidates:
                    if key not in named:
                        out.walked.add(key)
                    add(file)
                else:
                    out.skipped.no_marker += 1
        elif not path.exists():
            out.errors.append(Diagnostic(*PARSE_ERROR, "error", "no such file or directory",
                                         str(path), 1, 1, 1, 1))
        elif not is_python_file(path):
            out.errors.append(Diagnostic(*PARSE_ERROR, "error", "not a Python file (wfgraph reads "
                                         ".py files, and wrangler or pyproject files for the "
                                         "files they govern)", str(path), 1, 1, 1, 1))
        else:
            add(path)
    out.files = sorted(chosen.values(), key=lambda item: sort_key(item[1]))
    return out


def _governed(found: Path, config: Path) -> bool:
    """Whether ``config`` governs ``found``: a wrangler file governs the files for which it is the
    nearest one (SEMANTICS §2.4); a pyproject.toml, every file of its folder."""
    if config.name not in WRANGLER_NAMES:
        return True
    nearest = find_wrangler([found])
    return nearest is not None and nearest.resolve() == config.resolve()


def identity(path: Path) -> Path:
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

    def ignored(self, rel: str, is_dir: bool) -> str | None:
        """Why ``rel`` (posix, relative to the walked root) is skipped: ``"excluded"`` by
        ``--exclude``, ``"gitignored"``, or None when it is not."""
        probe = rel + "/" if is_dir else rel
        if self.exclude is not None and self.exclude.match_file(probe):
            return "excluded"
        for folder, spec in reversed(self.inner):
            if folder and not rel.startswith(folder + "/"):
                continue
            result = spec.check_file(probe[len(folder) + 1:] if folder else probe)
            if result.include is not None:
                return "gitignored" if result.include else None
        for prefix, spec in self.outer:
            result = spec.check_file(f"{prefix}/{probe}" if prefix else probe)
            if result.include is not None:
                return "gitignored" if result.include else None
        return None


def walk(root: Path, exclude: tuple[str, ...] = (), skipped: Skipped | None = None) -> list[Path]:
    """The ``.py`` files under ``root`` that no ignore rule excludes, in sorted order; what the
    rules left out is counted in ``skipped``."""
    skipped = skipped if skipped is not None else Skipped()
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
                reason = rules.ignored(rel, is_dir=True)
                if reason is None:
                    subdirs.append((rel, Path(entry.path)))
                elif reason == "excluded":
                    skipped.excluded_dirs += 1
                else:
                    skipped.gitignored_dirs += 1
            elif is_file and entry.name.endswith(SUFFIXES):
                reason = rules.ignored(rel, is_dir=False)
                if reason is None:
                    found.append(Path(entry.path))
                elif reason == "excluded":
                    skipped.excluded += 1
                else:
                    skipped.gitignored += 1
        stack.extend(reversed(subdirs))
    found.sort(key=lambda p: p.parts)  # the canonical order (sort_key), folders and files mixed
    return found
