"""Which configuration governs each file, so that every file is checked by its own project's
settings whatever else the run contains (SEMANTICS §2.4, §8.2):

- ``[tool.wfgraph]``: from ``--config``, else the nearest ``pyproject.toml`` at or above the file
  that has the table (ruff's discovery, config.py);
- the wrangler file: from ``--wrangler``, else the nearest ``wrangler.toml`` / ``wrangler.jsonc``
  / ``wrangler.json`` in the file's folder or above (wrangler.py ``find_wrangler``);
- the ``step.do`` dependency mode: ``--implicit-deps`` / ``--legacy-deps``, else the wrangler
  file's flags and compatibility date, else both forms accepted.

Each folder is resolved once and each file read once per run. A pyproject or an explicitly named
file that cannot be used stops the run (``ConfigError``, exit 2); a discovered wrangler file that
cannot be used is reported (WF000 at its position) and the files it governs are analysed as if
it were absent, so one broken Worker does not hide the findings of the others. Values a wrangler
file holds that cannot be used as written (a placeholder date) are warnings in ``problems``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from ..diagnostics import PARSE_ERROR, Diagnostic
from ..records import record
from .config import Config, load_config
from .wrangler import (IMPLICIT_DEPS_DATE, IMPLICIT_DEPS_FLAG, NO_IMPLICIT_DEPS_FLAG, ConfigError,
                       WranglerConfig, find_wrangler, implicit_dependencies, load_wrangler)


@record(frozen=True)
class Settings:
    """Everything that governs one file's analysis and checks."""

    config: Config
    wrangler: WranglerConfig | None
    implicit: bool | None
    mode: str
    """Why ``implicit`` is what it is, in words (``--show-settings``)."""


class SettingsResolver:
    """Per-file settings for one run. ``adjust`` applies the command line's overrides (``--select``,
    ``--plan``…) to each ``[tool.wfgraph]`` found; ``known_codes`` makes selectors that match no
    code errors."""

    def __init__(self, *, config_file: Path | None = None, wrangler_file: Path | None = None,
                 implicit: bool | None = None, known_codes: Collection[str] | None = None,
                 adjust: Callable[[Config], Config] | None = None) -> None:
        self.implicit = implicit
        self.known_codes = known_codes
        self.adjust = adjust or (lambda config: config)
        self.problems: list[Diagnostic] = []
        self._configs: dict[Path, Config] = {}
        self._config_by_folder: dict[Path, Config] = {}
        self._wranglers: dict[Path, WranglerConfig | None] = {}
        self._wrangler_by_folder: dict[Path, Path | None] = {}
        self._fixed_config = (self.adjust(load_config(Path.cwd(), config_file, known_codes))
                              if config_file is not None else None)
        self._fixed_wrangler = load_wrangler(wrangler_file) if wrangler_file is not None else None
        if self._fixed_wrangler is not None:
            self.problems.extend(self._fixed_wrangler.warnings)

    # --- per file ---------------------------------------------------------------------------------

    def settings_for(self, path: Path) -> Settings:
        wrangler = self.wrangler_for(path)
        implicit, mode = self.mode_for(path)
        return Settings(self.config_for(path), wrangler, implicit, mode)

    def config_for(self, path: Path) -> Config:
        """``[tool.wfgraph]`` for ``path`` (a file or a folder); ConfigError when it is unusable."""
        if self._fixed_config is not None:
            return self._fixed_config
        folder = _folder(path)
        found = self._config_by_folder.get(folder)
        if found is None:
            loaded = load_config(folder, None, self.known_codes)
            key = loaded.path or Path()
            found = self._configs.get(key)
            if found is None:
                found = self._configs[key] = self.adjust(loaded)
            self._config_by_folder[folder] = found
        return found

    def wrangler_for(self, path: Path) -> WranglerConfig | None:
        if self._fixed_wrangler is not None:
            return self._fixed_wrangler
        folder = _folder(path)
        if folder not in self._wrangler_by_folder:
            self._wrangler_by_folder[folder] = find_wrangler([folder])
        found = self._wrangler_by_folder[folder]
        return self._load(found) if found is not None else None

    def mode_for(self, path: Path) -> tuple[bool | None, str]:
        """The step.do dependency mode (docs/python-api.md §2.0) and where it comes from."""
        if self.implicit is not None:
            return self.implicit, "--implicit-deps" if self.implicit else "--legacy-deps"
        wrangler = self.wrangler_for(path)
        if wrangler is None:
            return None, "no wrangler file: both forms accepted"
        return implicit_dependencies(wrangler), describe_mode(wrangler)

    def wranglers(self) -> list[WranglerConfig]:
        """The wrangler files that governed some file of the run (or ``--wrangler``)."""
        if self._fixed_wrangler is not None:
            return [self._fixed_wrangler]
        return [w for w in self._wranglers.values() if w is not None]

    def _load(self, path: Path) -> WranglerConfig | None:
        if path not in self._wranglers:
            try:
                loaded: WranglerConfig | None = load_wrangler(path)
            except ConfigError as exc:
                loaded = None
                self.problems.append(Diagnostic(
                    *PARSE_ERROR, "error", exc.message, str(exc.path), exc.line, exc.column,
                    exc.line, exc.column + 1,
                    ("the files it governs are analysed as if it were absent",)))
            else:
                self.problems.extend(loaded.warnings)
            self._wranglers[path] = loaded
        return self._wranglers[path]


def describe_mode(wrangler: WranglerConfig) -> str:
    """``implicit dependencies (compatibility_date 2026-03-01 in wrangler.toml)`` and the like."""
    where = f"in {display(wrangler.path)}"
    if IMPLICIT_DEPS_FLAG in wrangler.compatibility_flags:
        return f"implicit dependencies (flag {IMPLICIT_DEPS_FLAG} {where})"
    if NO_IMPLICIT_DEPS_FLAG in wrangler.compatibility_flags:
        return f"legacy depends=[...] (flag {NO_IMPLICIT_DEPS_FLAG} {where})"
    if wrangler.date_placeholder is not None:
        return (f"unknown: compatibility_date is a placeholder ({wrangler.date_placeholder!r}) "
                f"{where}; both forms accepted")
    date = wrangler.compatibility_date
    if date is None:
        return f"legacy depends=[...] (no compatibility_date {where})"
    if date >= IMPLICIT_DEPS_DATE:
        return f"implicit dependencies (compatibility_date {date} {where})"
    return f"legacy depends=[...] (compatibility_date {date} {where}, before {IMPLICIT_DEPS_DATE})"


def display(path: Path) -> str:
    """A path as messages show it: relative to the working directory when under it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return str(path)


def _folder(path: Path) -> Path:
    """The folder whose configuration governs ``path`` (a file that may not exist, as
    ``--stdin-filename`` names, or a folder)."""
    try:
        return (path if path.is_dir() else path.parent).resolve()
    except (OSError, RuntimeError):
        return (path if path.is_dir() else path.parent).absolute()
