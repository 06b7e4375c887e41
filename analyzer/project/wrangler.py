"""Wrangler configuration: which workflows a Worker declares, their step limits, and the API mode.

`wfgraph check` needs three facts that live outside the Python source: each workflow's
``limits.steps`` (the step budget's limit, SEMANTICS §8.2), the Worker's ``compatibility_date`` and
``compatibility_flags`` (they choose between the implicit-dependency and the legacy ``step.do`` API,
docs/python-api.md §2.0), and ``main`` (the entry module). They come from ``wrangler.toml``,
``wrangler.jsonc`` or ``wrangler.json`` (docs/python-api.md §8).

TOML is read with the standard library's ``tomllib``; JSONC and JSON with ``json5``, a maintained
parser that knows comments, trailing commas and strings containing ``//`` (docs/design.md,
Dependencies). Neither reports where a value stands, so a semantic error (a wrong type, a missing
key) names the offending key, and ``locate.py`` finds the key's line and column in the text.

Templates keep values for a build step to fill in (``"compatibility_date": "%COMPAT_DATE"``,
``{{date}}``): such a date is a warning (WF091) at its position, and the date is unknown, so the
``step.do`` mode comes from the flags alone (or from ``--implicit-deps`` / ``--legacy-deps``).

Only the top level is read; per-environment overrides (``[env.NAME]``) are not.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import replace
from pathlib import Path
from typing import Any


from ..diagnostics import CONFIG_PLACEHOLDER, Diagnostic
from ..records import record
from .locate import KeyPath, TextMap, map_config

WRANGLER_NAMES = ("wrangler.toml", "wrangler.jsonc", "wrangler.json")

# workerd `pythonWorkflowsImplicitDeps`: enable flag, disable flag, implied from this date on.
IMPLICIT_DEPS_FLAG = "python_workflows_implicit_dependencies"
NO_IMPLICIT_DEPS_FLAG = "no_python_workflows_implicit_dependencies"
IMPLICIT_DEPS_DATE = "2026-02-25"

# What templates put where a build step fills in a value: %DATE%, {{date}}, ${DATE}, $DATE, <date>.
_PLACEHOLDER = re.compile(r"%\w+%?|\{\{.*\}\}|\$\{.*\}|\$[A-Za-z_]\w*|<[^<>]+>|__\w+__")


class ConfigError(Exception):
    """A configuration file that cannot be used, with where the problem is (``path:line:col``).

    The CLI prints ``str(error)`` and exits with status 2 (docs/design.md, CLI); it never shows a
    traceback for bad input. ``key`` names the setting at fault, for ``relocate`` to find its
    line when the raiser did not know it.
    """

    def __init__(self, message: str, path: Path | str, line: int = 1, column: int = 1,
                 key: KeyPath | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path)
        self.line = line
        self.column = column
        self.key = key

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    def relocate(self, text_map: TextMap) -> "ConfigError":
        """Point at the value of ``key`` (or the nearest enclosing key found in the text)."""
        if self.key is not None:
            self.line, self.column = text_map.value_at(self.key)
        return self


@record(frozen=True, slots=True)
class WorkflowBinding:
    """One workflow the Worker declares, from ``[[workflows]]`` or from ``exports``.

    ``binding`` is None for an ``exports`` entry that no ``[[workflows]]`` binding matches (an
    export declares the class, not an ``env`` attribute). ``script_name`` set means the class lives
    in another Worker. ``key`` is where the entry stands in the file (``("workflows", 0)`` or
    ``("exports", "Pipe")``, see locate.py), and ``line`` its first line.
    """

    name: str
    binding: str | None
    class_name: str
    script_name: str | None = None
    limits_steps: int | None = None
    line: int | None = None
    key: KeyPath = ()


@record(frozen=True, slots=True)
class WranglerConfig:
    """The parts of a wrangler configuration file that the analyzer uses. ``warnings``: values
    it could not use as written (a placeholder date, WF091), located in the file."""

    path: Path
    main: str | None
    compatibility_date: str | None
    compatibility_flags: tuple[str, ...]
    workflows: tuple[WorkflowBinding, ...]
    warnings: tuple[Diagnostic, ...] = ()
    date_placeholder: str | None = None
    """The placeholder written where the compatibility date belongs, if any."""

    def workflow_for(self, class_name: str) -> WorkflowBinding | None:
        """The entry for a class defined in this Worker (entries with ``script_name`` live elsewhere)."""
        for wf in self.workflows:
            if wf.class_name == class_name and wf.script_name is None:
                return wf
        return None


def find_wrangler(paths: list[Path]) -> Path | None:
    """The wrangler file nearest to the first of ``paths`` that has one, searching upwards.

    For each path, the search starts in the path itself when it is a directory, else in its folder,
    and climbs to the filesystem root; in one folder ``wrangler.toml`` wins over ``wrangler.jsonc``,
    which wins over ``wrangler.json`` (the order wrangler itself prefers).
    """
    for path in paths:
        start = path if path.is_dir() else path.parent
        start = start.resolve()
        for folder in (start, *start.parents):
            found = wrangler_in(folder)
            if found is not None:
                return found
    return None


def wrangler_in(folder: Path) -> Path | None:
    """The wrangler file of ``folder`` itself, in wrangler's order of preference."""
    for name in WRANGLER_NAMES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def load_wrangler(path: Path) -> WranglerConfig:
    """Read and check one wrangler file; raises ConfigError with a location when it is unusable."""
    return parse_wrangler(_read_text(path), path)


def parse_wrangler(text: str, path: Path) -> WranglerConfig:
    """``load_wrangler`` for text read elsewhere (``wfgraph diff`` reads it from git); ``path``
    chooses the syntax by its suffix and locates errors."""
    data = _parse_toml(text, path) if path.suffix == ".toml" else _parse_json5(text, path)
    text_map = map_config(path, text)
    try:
        return _build(data, path, text_map)
    except ConfigError as exc:
        raise exc.relocate(text_map) from None


def _build(data: Any, path: Path, text_map: TextMap) -> WranglerConfig:
    if not isinstance(data, dict):
        raise ConfigError("the top level must be a table/object", path)
    bindings = _workflow_bindings(data.get("workflows"), path, text_map)
    exports = _workflow_exports(data.get("exports"), path, text_map)
    date, placeholder = _compatibility_date(data.get("compatibility_date"), path)
    warnings: tuple[Diagnostic, ...] = ()
    if placeholder is not None:
        line, column = text_map.value_at(("compatibility_date",))
        warnings = (Diagnostic(
            *CONFIG_PLACEHOLDER, "warning", f"compatibility_date is a placeholder "
            f"({placeholder!r}), not a date: the step.do dependency mode follows "
            "compatibility_flags, else both forms are accepted", str(path), line, column, line,
            column + len(placeholder) + 2,
            ("give --implicit-deps or --legacy-deps to choose the mode, or set the flag "
             f"{IMPLICIT_DEPS_FLAG} / {NO_IMPLICIT_DEPS_FLAG}",)),)
    return WranglerConfig(
        path=path,
        main=_optional_str(data, "main", path),
        compatibility_date=date,
        compatibility_flags=_str_list(data.get("compatibility_flags"), "compatibility_flags", path),
        workflows=_merge_exports(bindings, exports, path),
        warnings=warnings,
        date_placeholder=placeholder,
    )


def implicit_dependencies(cfg: WranglerConfig) -> bool | None:
    """Whether ``step.do`` uses the implicit-dependency API (docs/python-api.md §2.0).

    An explicit flag decides; otherwise a ``compatibility_date`` on or after 2026-02-25 turns it
    on. None (unknown: both forms accepted) when the date is a template placeholder.
    (ISO dates compare correctly as strings; load_wrangler has checked the format.)
    """
    if IMPLICIT_DEPS_FLAG in cfg.compatibility_flags:
        return True
    if NO_IMPLICIT_DEPS_FLAG in cfg.compatibility_flags:
        return False
    if cfg.date_placeholder is not None:
        return None
    return cfg.compatibility_date is not None and cfg.compatibility_date >= IMPLICIT_DEPS_DATE


def main_module(cfg: WranglerConfig) -> Path | None:
    """The entry module named by ``main``, relative to the configuration file's folder."""
    if cfg.main is None:
        return None
    return cfg.path.parent / cfg.main


# --- parsing --------------------------------------------------------------------------------------

_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")
_JSON5_POS = re.compile(r":(\d+) .* at column (\d+)")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the file: {exc}", path) from exc


def _parse_toml(text: str, path: Path) -> Any:
    """tomllib reports the position only inside its message (attributes arrive in Python 3.14)."""
    import tomllib  # here, and json5 below: only a project with a wrangler file needs them

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line, col = _position_from(message, _TOML_POS)
        if "at end of document" in message:
            line, col = max(1, len(text.splitlines())), 1
        raise ConfigError(f"invalid TOML: {_TOML_POS.sub('', message).strip()}", path, line, col) from exc


def _parse_json5(text: str, path: Path) -> Any:
    """json5 reports ``<string>:LINE Unexpected … at column COL`` for syntax errors."""
    import json5

    try:
        return json5.loads(text)
    except ValueError as exc:
        line, col = _position_from(str(exc), _JSON5_POS)
        raise ConfigError(f"invalid JSON/JSONC: {exc}", path, line, col) from exc


def _position_from(message: str, pattern: re.Pattern[str]) -> tuple[int, int]:
    match = pattern.search(message)
    return (int(match.group(1)), int(match.group(2))) if match else (1, 1)


# --- checking -------------------------------------------------------------------------------------


def _describe(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


def _where(key: KeyPath) -> str:
    """``workflows[0].`` for ``("workflows", 0)``: how messages name an entry."""
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out + "." if out else ""


def _optional_str(table: dict[str, Any], key: str, path: Path, at: KeyPath = ()) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{_where(at)}{key} must be a string, got {_describe(value)}", path,
                          key=(*at, key))
    return value


def _required_str(table: dict[str, Any], key: str, path: Path, at: KeyPath) -> str:
    value = _optional_str(table, key, path, at)
    if value is None:
        raise ConfigError(f"{_where(at)}{key} is required", path, key=at)
    return value


def _str_list(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of strings, got {_describe(value)}", path, key=(key,))
    return tuple(value)


def _compatibility_date(value: Any, path: Path) -> tuple[str | None, str | None]:
    """A ``YYYY-MM-DD`` string (an unquoted TOML date is accepted as the same date), and the
    placeholder written instead of a date, if that is what the value is."""
    if value is None:
        return None, None
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.isoformat(), None
    if isinstance(value, str) and _PLACEHOLDER.search(value):
        return None, value
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        _dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"compatibility_date must be a YYYY-MM-DD date, got {_describe(value)}",
                          path, key=("compatibility_date",)) from None
    return value, None


def _limits_steps(entry: dict[str, Any], path: Path, at: KeyPath) -> int | None:
    limits = entry.get("limits")
    if limits is None:
        return None
    if not isinstance(limits, dict):
        raise ConfigError(f"{_where(at)}limits must be a table/object, got {_describe(limits)}",
                          path, key=(*at, "limits"))
    steps = limits.get("steps")
    if steps is None:
        return None
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ConfigError(f"{_where(at)}limits.steps must be a positive integer, got "
                          f"{_describe(steps)}", path, key=(*at, "limits", "steps"))
    return steps


def _workflow_bindings(value: Any, path: Path, text_map: TextMap) -> list[WorkflowBinding]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ConfigError(f"workflows must be a list of tables/objects, got {_describe(value)}",
                          path, key=("workflows",))
    return [_binding(entry, ("workflows", i), path, text_map) for i, entry in enumerate(value)]


def _binding(entry: Any, at: KeyPath, path: Path, text_map: TextMap) -> WorkflowBinding:
    if not isinstance(entry, dict):
        raise ConfigError(f"{_where(at)[:-1]} must be a table/object, got {_describe(entry)}",
                          path, key=at)
    found = text_map.find(at)
    return WorkflowBinding(
        name=_required_str(entry, "name", path, at),
        binding=_required_str(entry, "binding", path, at),
        class_name=_required_str(entry, "class_name", path, at),
        script_name=_optional_str(entry, "script_name", path, at),
        limits_steps=_limits_steps(entry, path, at),
        line=found.line if found is not None else None,
        key=at,
    )


def _workflow_exports(value: Any, path: Path, text_map: TextMap) -> list[WorkflowBinding]:
    """``exports`` (Wrangler ≥ 4.139): keyed by class name; only ``type = "workflow"`` entries count."""
    if value is None:
        return []
    if not isinstance(value, dict):
        raise ConfigError(f"exports must be a table/object keyed by class name, got "
                          f"{_describe(value)}", path, key=("exports",))
    found = []
    for class_name, entry in value.items():
        at: KeyPath = ("exports", class_name)
        if not isinstance(entry, dict):
            raise ConfigError(f"exports.{class_name} must be a table/object, got {_describe(entry)}",
                              path, key=at)
        if entry.get("type") != "workflow":
            continue
        where = text_map.find(at)
        found.append(WorkflowBinding(
            name=_required_str(entry, "name", path, at),
            binding=None,
            class_name=class_name,
            limits_steps=_limits_steps(entry, path, at),
            line=where.line if where is not None else None,
            key=at,
        ))
    return found


def _merge_exports(
    bindings: list[WorkflowBinding], exports: list[WorkflowBinding], path: Path
) -> tuple[WorkflowBinding, ...]:
    """An export and a local binding of the same class describe one workflow; they must agree."""
    merged = list(bindings)
    for export in exports:
        index = next((i for i, b in enumerate(merged)
                      if b.class_name == export.class_name and b.script_name is None
                      and b.binding is not None), None)
        if index is None:
            merged.append(export)
            continue
        merged[index] = _agree(merged[index], export, path)
    return tuple(merged)


def _agree(binding: WorkflowBinding, export: WorkflowBinding, path: Path) -> WorkflowBinding:
    where = f"exports.{export.class_name} conflicts with its [[workflows]] binding"
    if binding.name != export.name:
        raise ConfigError(f"{where}: name {export.name!r} != {binding.name!r}", path,
                          key=(*export.key, "name"))
    steps = (binding.limits_steps, export.limits_steps)
    if None not in steps and steps[0] != steps[1]:
        raise ConfigError(f"{where}: limits.steps {steps[1]} != {steps[0]}", path,
                          key=(*export.key, "limits", "steps"))
    return replace(binding, limits_steps=binding.limits_steps or export.limits_steps)
