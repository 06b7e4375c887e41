"""``[tool.wfgraph]`` in pyproject.toml: which rules run where, the plan, and loop assumptions.

Users configure linters in ``pyproject.toml`` (PEP 518's tool table, docs/peer-tools.md §C.4), and they
expect ruff's vocabulary: ``select`` / ``ignore`` with code prefixes, ``per-file-ignores`` with
globs, ``exclude`` with gitignore-style patterns. The settings that are ours: ``plan`` and
``max-steps`` give the step limit when wrangler sets none (SEMANTICS §8.2), and ``loop-trip-count``
/ ``loop-trip-counts`` give a trip count to loops whose count is not static, which the step budget
otherwise reports as unbounded (SEMANTICS §8.1).

Discovery follows ruff: the nearest ``pyproject.toml`` upwards that has a ``[tool.wfgraph]`` table
(a subpackage's pyproject without one does not hide the repository's). Unknown keys and wrong types
are errors that name the key, because a misspelt ``ignore`` silently ignoring nothing is worse.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..records import record
from .locate import KeyPath, map_toml
from .wrangler import ConfigError

if TYPE_CHECKING:
    import pathspec

PLAN_LIMITS = {"paid": 10_000, "free": 1_024}  # SEMANTICS §8.2; paid is configurable up to 25,000
_CODE = re.compile(r"WF\d{0,3}")
_LOOP_KEY = re.compile(r"(?P<path>.+):(?P<line>[1-9]\d*)")


def plan_limit(plan: str) -> int:
    """The plan's default maximum number of steps per workflow instance (SEMANTICS §8.2)."""
    return PLAN_LIMITS[plan]


@record(frozen=True)
class Config:
    """The resolved ``[tool.wfgraph]`` settings; ``root`` is the folder that globs are relative to.

    ``select`` None means every rule. ``exclude`` adds to the folders that directory scans always
    skip (analyzer/files.py, SKIP_DIRS).
    """

    root: Path | None = None
    path: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    plan: str = "paid"
    loop_trip_count: int | None = None
    loop_trip_counts: Mapping[str, int] = field(default_factory=dict, hash=False)
    exclude: tuple[str, ...] = ()
    max_steps: int | None = None

    def enabled(self, code: str, path: Path) -> bool:
        """Ruff's precedence: the longest selector matching ``code`` wins between select and ignore
        (ignore on a tie); a matching per-file-ignores entry always turns the code off."""
        selected = _longest_match(code, ("",) if self.select is None else self.select)
        ignored = _longest_match(code, self.ignore)
        if selected < 0 or ignored >= selected:
            return False
        rel = self.relative(path)
        return not any(_longest_match(code, codes) >= 0 and _glob(pattern).match_file(rel)
                       for pattern, codes in self.per_file_ignores)

    def excluded(self, path: Path) -> bool:
        """Whether a directory scan skips ``path`` (a file or folder), by the ``exclude`` patterns."""
        rel = self.relative(path)
        spec = _spec(self.exclude)
        return spec.match_file(rel) or (path.is_dir() and spec.match_file(rel + "/"))

    def trip_count(self, path: Path, line: int) -> int | None:
        """The assumed trip count of the loop at ``path:line``: its own entry, else the default."""
        return self.loop_trip_counts.get(f"{self.relative(path)}:{line}", self.loop_trip_count)

    def step_limit(self, wrangler_steps: int | None) -> int:
        """The limit a workflow is checked against: wrangler's ``limits.steps``, else ``max-steps``,
        else the plan's default."""
        if wrangler_steps is not None:
            return wrangler_steps
        return self.max_steps if self.max_steps is not None else plan_limit(self.plan)

    def locate(self, *key: str) -> tuple[int, int]:
        """Line and column of a setting's value in the configuration file (1:1 when unknown)."""
        if self.path is None:
            return 1, 1
        return _locate(self.path, (*_prefix(self.path), *key))

    def relative(self, path: Path) -> str:
        """``path`` relative to ``root`` with forward slashes, or as given when outside it."""
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix()


def load_config(start: Path, explicit: Path | None = None,
                known_codes: Collection[str] | None = None) -> Config:
    """The configuration for files under ``start``; defaults when there is none.

    ``explicit`` (``--config``) names the file to use: a ``pyproject.toml`` is read for its
    ``[tool.wfgraph]`` table, any other TOML file (say ``wfgraph.toml``) holds the keys at top level.
    ``known_codes``, when given, are the codes that exist: a selector that matches none of them
    (``ignore = ["WF099"]``) is an error, not a silent no-op.
    """
    if explicit is not None:
        explicit = explicit.resolve()
        data = _read_toml(explicit)
        table = _tool_table(data) if explicit.name == "pyproject.toml" else data
        return _build(table or {}, explicit, known_codes)
    found = find_pyproject(start)
    if found is None:
        return Config()
    path, table = found
    return _build(table, path, known_codes)


def unknown_selector(selectors: Iterable[str], known_codes: Collection[str]) -> str | None:
    """The first selector (a code or a prefix; ``ALL``) that matches no known code."""
    for selector in selectors:
        if selector != "ALL" and not any(code.startswith(selector) for code in known_codes):
            return selector
    return None


# --- discovery ------------------------------------------------------------------------------------


def find_pyproject(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest ``pyproject.toml`` at or above ``start`` with a ``[tool.wfgraph]`` table, and
    that table."""
    start = (start if start.is_dir() else start.parent).resolve()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            text = _read_text(candidate)
            # A file that never says "wfgraph" has no such table: not parsed (most projects' own
            # pyproject.toml; tomllib's import and parse are a noticeable part of one file's run).
            table = _tool_table(_parse_toml(text, candidate)) if "wfgraph" in text else None
            if table is not None:
                return candidate, table
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    return _parse_toml(_read_text(path), path)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the file: {exc}", path) from exc


def _parse_toml(text: str, path: Path) -> dict[str, Any]:
    import tomllib  # here, and pathspec below: only when a configuration needs them

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, col = (int(match.group(1)), int(match.group(2))) if match else (1, 1)
        raise ConfigError(f"invalid TOML: {exc}", path, line, col) from exc


def _tool_table(data: dict[str, Any]) -> dict[str, Any] | None:
    tool = data.get("tool")
    return tool.get("wfgraph") if isinstance(tool, dict) else None


# --- checking -------------------------------------------------------------------------------------


def _build(table: Any, path: Path, known_codes: Collection[str] | None = None) -> Config:
    if not isinstance(table, dict):
        raise _error(path, "[tool.wfgraph] must be a table")
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise _error(path, f"unknown key {unknown[0]!r} in [tool.wfgraph] "
                           f"(known: {', '.join(sorted(_KEYS))})", (unknown[0],), value=False)
    checker = _Checker(path, known_codes)
    values = {_KEYS[key]: check(checker, (key,), value) for key, check in _CHECKS.items()
              if (value := table.get(key)) is not None}
    return Config(root=path.parent, path=path, **values)


def _prefix(path: Path) -> KeyPath:
    return ("tool", "wfgraph") if path.name == "pyproject.toml" else ()


def _locate(path: Path, key: KeyPath, value: bool = True) -> tuple[int, int]:
    try:
        text_map = map_toml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return 1, 1
    if value:
        return text_map.value_at(key)
    found = text_map.find(key)
    return (found.line, found.column) if found is not None else (1, 1)


def _error(path: Path, message: str, key: KeyPath = (), value: bool = True) -> ConfigError:
    """tomllib gives no positions: point at the key's value (locate.py), else at the
    ``[tool.wfgraph]`` header."""
    line, column = _locate(path, (*_prefix(path), *key), value)
    return ConfigError(message, path, line, column)


@record(frozen=True)
class _Checker:
    path: Path
    known_codes: Collection[str] | None

    def error(self, key: KeyPath, message: str) -> ConfigError:
        return _error(self.path, message, key)


def _name(key: KeyPath) -> str:
    """How messages name a setting: ``per-file-ignores.'tests/*'``."""
    return ".".join([str(key[0]), *(repr(part) for part in key[1:])])


def _codes(ctx: _Checker, key: KeyPath, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ctx.error(key, f"{_name(key)} must be a list of rule codes or prefixes, got {value!r}")
    bad = [v for v in value if v != "ALL" and not _CODE.fullmatch(v)]
    if bad:
        raise ctx.error(key, f"{_name(key)}: {bad[0]!r} is not a rule code or prefix (like "
                             "'WF010', 'WF0', 'ALL')")
    if ctx.known_codes is not None:
        unknown = unknown_selector(value, ctx.known_codes)
        if unknown is not None:
            raise ctx.error(key, f"{_name(key)}: {unknown!r} matches no rule code (`wfgraph rule "
                                 "--all` lists them)")
    return tuple(value)


def _per_file(ctx: _Checker, key: KeyPath, value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ctx.error(key, f"{_name(key)} must be a table of glob = [codes], got {value!r}")
    return tuple((glob, _codes(ctx, (*key, glob), codes)) for glob, codes in value.items())


def _plan(ctx: _Checker, key: KeyPath, value: Any) -> str:
    if value not in PLAN_LIMITS:
        raise ctx.error(key, f"{_name(key)} must be one of {sorted(PLAN_LIMITS)}, got {value!r}")
    return value


def _int(ctx: _Checker, key: KeyPath, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ctx.error(key, f"{_name(key)} must be an integer >= {minimum}, got {value!r}")
    return value


def _trip_counts(ctx: _Checker, key: KeyPath, value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ctx.error(key, f"{_name(key)} must be a table of \"path.py:LINE\" = count, got "
                             f"{value!r}")
    for loop in value:
        if not _LOOP_KEY.fullmatch(loop):
            raise ctx.error((*key, loop), f"{_name(key)}: {loop!r} is not \"relative/path.py:LINE\"")
    return {loop.replace("\\", "/"): _int(ctx, (*key, loop), n, 0) for loop, n in value.items()}


def _patterns(ctx: _Checker, key: KeyPath, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ctx.error(key, f"{_name(key)} must be a list of gitignore-style patterns, got {value!r}")
    return tuple(value)


_CHECKS = {
    "select": _codes,
    "ignore": _codes,
    "per-file-ignores": _per_file,
    "plan": _plan,
    "loop-trip-count": lambda c, k, v: _int(c, k, v, 0),
    "loop-trip-counts": _trip_counts,
    "exclude": _patterns,
    "max-steps": lambda c, k, v: _int(c, k, v, 1),
}
_KEYS = {key: key.replace("-", "_") for key in _CHECKS}


# --- matching -------------------------------------------------------------------------------------


def _longest_match(code: str, selectors: Iterable[str]) -> int:
    """The length of the longest selector that is a prefix of ``code`` ("ALL" counts as 0); -1 if none."""
    lengths = [0 if s == "ALL" else len(s) for s in selectors if s == "ALL" or code.startswith(s)]
    return max(lengths, default=-1)


@lru_cache(maxsize=256)
def _glob(pattern: str) -> pathspec.GitIgnoreSpec:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines([pattern])


@lru_cache(maxsize=64)
def _spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns)
