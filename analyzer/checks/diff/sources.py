"""One side of a diff as text: the Python modules and the wrangler files that govern them, read
from the working tree or from a git revision (SEMANTICS §10.4).

A ``Snapshot`` is all the analysis of a side reads, so a revision is analysed exactly like the
working tree without being checked out. Git is asked for the tree (``git ls-tree``) and the
blobs' raw bytes (``git cat-file --batch``, what ``git show REV:path`` prints for a blob, read
in one process however many files there are); no hook, filter or textconv runs, and nothing
is written to the repository or the working tree.

Paths are shown relative to the current directory, as the working tree's would be, so one
file has the same path on both sides.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import field
from pathlib import Path, PurePosixPath

import pathspec

from ...analysis import read_text
from ...diagnostics import PARSE_ERROR, Diagnostic
from ...project.files import SKIP_DIRS, collect_files, sort_key, workflow_candidates
from ...project.sources import DISK, Sources, decode
from ...project.wrangler import WRANGLER_NAMES, find_wrangler
from ...records import record


@record
class Snapshot:
    """The sources of one side: ``files`` (Python modules, path → text) and ``wranglers``
    (wrangler files, path → text), with ``governing`` naming the wrangler file of each module
    (SEMANTICS §2.4: the nearest one in its folder or above)."""

    label: str
    files: dict[str, str] = field(default_factory=dict)
    wranglers: dict[str, str] = field(default_factory=dict)
    governing: dict[str, str] = field(default_factory=dict)
    errors: list[Diagnostic] = field(default_factory=list)
    """Files that could not be read (the other files are still analysed)."""
    sources: Sources = DISK
    """Where the project's other modules are read from, for imports (SEMANTICS §2.4): the disk,
    or the revision itself."""


class GitError(Exception):
    """A revision cannot be read: git is missing, this is not a repository, or the revision does
    not exist. The message says which, for the user."""


# --- the working tree -----------------------------------------------------------------------------


def worktree_snapshot(paths: list[Path], exclude: tuple[str, ...] = (), label: str = "") -> Snapshot:
    """The files ``paths`` name (directories walked as ``wfgraph check`` walks them)."""
    collected = collect_files(paths, exclude)
    snap = Snapshot(label or "the working tree", errors=list(collected.errors))
    found: dict[Path, Path | None] = {}
    for path, shown in collected.files:
        text, error = read_text(path)
        if text is None:
            snap.errors.extend([error] if error else [])
            continue
        snap.files[shown] = text
        folder = path.parent
        if folder not in found:
            found[folder] = find_wrangler([path])
        config = found[folder]
        if config is not None:
            key = _shown(config)
            if key not in snap.wranglers:
                config_text, config_error = read_text(config)
                snap.wranglers[key] = config_text or ""
                snap.errors.extend([config_error] if config_error else [])
            snap.governing[shown] = key
    return snap


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)


# --- a git revision -------------------------------------------------------------------------------


def git_snapshot(rev: str, paths: list[str], exclude: tuple[str, ...] = ()) -> Snapshot:
    """The files of revision ``rev`` under ``paths`` (relative to the current directory, as
    for the working tree): ``.py`` files that mention WorkflowEntrypoint in folders, any file
    named explicitly, and the wrangler files that govern them."""
    git = _Git()
    top = Path(git.run("rev-parse", "--show-toplevel").strip())
    commit = git.commit(rev)
    snap = Snapshot(rev)
    named: set[str] = set()
    wanted: list[str] = []
    for path in paths or ["."]:
        rel = _repo_path(top, path)
        wanted.append(rel)
        named.add(rel)
    everything = git.tree(commit, [])
    snap.sources = GitSources(git, top, everything)
    entries = everything if not all(wanted) else git.tree(commit, [w for w in wanted if w])
    spec = pathspec.GitIgnoreSpec.from_lines(list(exclude)) if exclude else None
    blobs = {p: sha for p, sha in entries.items() if p.endswith(".py") and _walkable(p, wanted, spec)}
    texts = git.blobs(sorted(set(blobs.values())))
    candidates = workflow_candidates([(path, texts[sha]) for path, sha in blobs.items()])
    for path in sorted(blobs, key=sort_key):
        data = texts[blobs[path]]
        if path not in named and path not in candidates:
            continue
        shown = _relative(top, path)
        text = _decode(data, f"{rev}:{shown}", snap.errors)
        if text is not None:
            snap.files[shown] = text
    _add_wranglers(git, commit, top, snap, rev)
    return snap


def _add_wranglers(git: "_Git", commit: str, top: Path, snap: Snapshot, rev: str) -> None:
    """The nearest wrangler file above each module, within the repository (SEMANTICS §2.4)."""
    folders: dict[str, None] = {}
    for shown in snap.files:
        for folder in PurePosixPath(_repo_path(top, shown)).parents:
            folders[folder.as_posix()] = None
    candidates = [f"{folder}/{name}" if folder != "." else name
                  for folder in folders for name in WRANGLER_NAMES]
    present = git.tree(commit, candidates, recursive=False) if candidates else {}
    texts = git.blobs(sorted(set(present.values())))
    for shown in snap.files:
        for folder in PurePosixPath(_repo_path(top, shown)).parents:
            hit = next((c for name in WRANGLER_NAMES
                        if (c := (PurePosixPath(folder) / name).as_posix()) in present), None)
            if hit is None:
                continue
            key = _relative(top, hit)
            if key not in snap.wranglers:
                snap.wranglers[key] = _decode(texts[present[hit]], f"{rev}:{key}", snap.errors) or ""
            snap.governing[shown] = key
            break


def _repo_path(top: Path, path: str) -> str:
    """``path`` (relative to the current directory, or absolute) relative to the repository's
    top, POSIX style; "" for the top itself."""
    full = Path(path) if Path(path).is_absolute() else Path.cwd() / path
    rel = os.path.relpath(os.path.normpath(full), os.path.realpath(top))
    if rel == os.curdir:
        return ""
    if rel.startswith(os.pardir):
        raise GitError(f"{path}: outside the repository at {top}")
    return PurePosixPath(*Path(rel).parts).as_posix()


def _relative(top: Path, repo_path: str) -> str:
    return PurePosixPath(*Path(os.path.relpath(top / repo_path)).parts).as_posix()


def _walkable(path: str, roots: list[str], exclude: pathspec.PathSpec | None) -> bool:
    """What a directory walk would read: no skipped or hidden folder below the root named, no
    ``--exclude`` match (relative to that root). Files named explicitly always are."""
    for root in roots:
        if path == root:
            return True
        if root and not path.startswith(root + "/"):
            continue
        rel = path[len(root) + 1:] if root else path
        folders = rel.split("/")[:-1]
        if any(part in SKIP_DIRS or part.startswith(".") for part in folders):
            continue
        if exclude is not None and exclude.match_file(rel):
            continue
        return True
    return False


def _decode(data: bytes, shown: str, errors: list[Diagnostic]) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.append(Diagnostic(*PARSE_ERROR, "error", "file is not valid UTF-8 "
                                 f"(byte 0x{data[exc.start]:02x})", shown, line, 1, line, 2))
        return None


class _Git:
    """The git command line, read-only: every call either answers or raises GitError."""

    def run(self, *args: str, stdin: bytes | None = None) -> str:
        return self.raw(*args, stdin=stdin).decode("utf-8", "surrogateescape")

    def raw(self, *args: str, stdin: bytes | None = None) -> bytes:
        try:
            done = subprocess.run(["git", *args], input=stdin, capture_output=True, check=False)
        except FileNotFoundError:
            raise GitError("git is not installed (or not on PATH): `wfgraph diff` reads "
                           "revisions with it; install git, or compare files, directories or "
                           "graph JSON instead") from None
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror or exc}") from None
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            detail = message[0] if message else f"git {args[0]} failed"
            if "not a git repository" in detail:
                raise GitError(f"not a git repository ({os.getcwd()}): a revision can only be "
                               "read inside one") from None
            raise GitError(detail.removeprefix("fatal: "))
        return done.stdout

    def commit(self, rev: str) -> str:
        if rev.startswith("-"):
            raise GitError(f"{rev!r} is not a revision")
        try:
            return self.run("rev-parse", "--verify", "--quiet", "--end-of-options",
                            f"{rev}^{{commit}}").strip()
        except GitError as exc:
            if "not a git repository" in str(exc):
                raise
            raise GitError(f"{rev!r} is neither a file or directory nor a revision of this "
                           "repository (a commit, branch or tag: fetch it first, e.g. `git fetch "
                           "origin main`)") from None

    def tree(self, commit: str, paths: list[str], recursive: bool = True) -> dict[str, str]:
        """Blob paths (relative to the top) → object ids, under ``paths`` (everything if none)."""
        args = ["ls-tree", "-z", "--full-tree"] + (["-r"] if recursive else [])
        out = self.raw(*args, commit, "--", *paths).decode("utf-8", "surrogateescape")
        found = {}
        for entry in out.split("\0"):
            if not entry:
                continue
            meta, path = entry.split("\t", 1)
            mode, kind, sha = meta.split()
            if kind == "blob" and mode != "120000":  # not submodules, not symbolic links
                found[path] = sha
        return found

    def blobs(self, shas: list[str]) -> dict[str, bytes]:
        """The raw contents of blobs, in one ``git cat-file --batch``."""
        if not shas:
            return {}
        out = self.raw("cat-file", "--batch", stdin="".join(s + "\n" for s in shas).encode())
        found, pos = {}, 0
        for sha in shas:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            size = int(header[2])
            found[sha] = out[end + 1:end + 1 + size]
            pos = end + 1 + size + 1
        return found


class GitSources:
    """A revision's files for the project model (``project/sources.Sources``): the tree is
    listed once, a blob is read when the walk first needs it (SEMANTICS §2.4, §10.4). Paths are
    where the files would be in the working tree."""

    def __init__(self, git: _Git, top: Path, tree: dict[str, str]) -> None:
        self.git = git
        self.top = top.resolve()
        self.blobs = {self.top / path: sha for path, sha in tree.items()}
        self.dirs = {parent for path in self.blobs for parent in path.parents}
        self.dirs.add(self.top / ".git")  # the repository root, as on disk
        self.texts: dict[Path, str | None] = {}

    def read(self, path: Path) -> str | None:
        if path not in self.texts:
            sha = self.blobs.get(path)
            data = self.git.blobs([sha]).get(sha) if sha is not None else None
            self.texts[path] = decode(data) if data is not None else None
        return self.texts[path]

    def is_file(self, path: Path) -> bool:
        return path in self.blobs

    def is_dir(self, path: Path) -> bool:
        return path in self.dirs
