"""Where a project's files are read from: the working tree, or a snapshot held in memory.

The project model (SEMANTICS §2.4) reads modules lazily, when the walk needs a name they define.
It reads them through a ``Sources`` object so that the same resolution works on the files on disk
and on another version of the project (``wfgraph diff`` reads a git revision into a
``MemorySources`` without checking it out).
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import Protocol


class Sources(Protocol):
    def read(self, path: Path) -> str | None:
        """The text of ``path`` (UTF-8), or None when it cannot be read."""

    def is_file(self, path: Path) -> bool: ...

    def is_dir(self, path: Path) -> bool: ...


def decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


class DiskSources:
    """The working tree."""

    def read(self, path: Path) -> str | None:
        try:
            return decode(path.read_bytes())
        except OSError:
            return None

    def is_file(self, path: Path) -> bool:
        return path.is_file()

    def is_dir(self, path: Path) -> bool:
        return path.is_dir()


class MemorySources:
    """Files given as a mapping of absolute path → text (a snapshot of another version)."""

    def __init__(self, files: dict[PurePath, str]) -> None:
        self.files = {Path(p): text for p, text in files.items()}
        self.dirs = {parent for p in self.files for parent in p.parents}

    def read(self, path: Path) -> str | None:
        return self.files.get(path)

    def is_file(self, path: Path) -> bool:
        return path in self.files

    def is_dir(self, path: Path) -> bool:
        return path in self.dirs


DISK = DiskSources()
