"""Wrangler configuration: which workflows a Worker declares, their step limits, and the API mode.

`wfgraph check` needs three facts that live outside the Python source: each workflow's
``limits.steps`` (the step budget's limit, SEMANTICS §8.2), the Worker's ``compatibility_date`` and
``compatibility_flags`` (they choose between the implicit-dependency and the legacy ``step.do`` API,
reference/python-sdk.md §2.0), and ``main`` (the entry module). They come from ``wrangler.toml``,
``wrangler.jsonc`` or ``wrangler.json`` (python-sdk.md §8).

TOML is read with the standard library's ``tomllib``; JSONC and JSON with ``json5``, a maintained
parser that knows comments, trailing commas and strings containing ``//`` (DESIGN.md,
Dependencies). Neither reports where a value stands, so a semantic error (a wrong type, a missing
key) is located at the start of the file and its message names the offending key instead.

Only the top level is read; per-environment overrides (``[env.NAME]``) are not.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

WRANGLER_NAMES = ("wrangler.toml", "wrangler.jsonc", "wrangler.json")

# workerd `pythonWorkflowsImplicitDeps`: enable flag, disable flag, implied from this date on.
IMPLICIT_DEPS_FLAG = "python_workflows_implicit_dependencies"
NO_IMPLICIT_DEPS_FLAG = "no_python_workflows_implicit_dependencies"
IMPLICIT_DEPS_DATE = "2026-02-25"


class ConfigError(Exception):
    """A configuration file that cannot be used, with where the problem is (``path:line:col``).

    The CLI prints ``str(error)`` and exits with status 2 (DESIGN.md, CLI); it never shows a
    traceback for bad input.
    """

    def __init__(self, message: str, path: Path | str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path)
        self.line = line
        self.column = column

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True, slots=True)
class WorkflowBinding:
    """One workflow the Worker declares, from ``[[workflows]]`` or from ``exports``.

    ``binding`` is None for an ``exports`` entry that no ``[[workflows]]`` binding matches (an
    export declares the class, not an ``env`` attribute). ``script_name`` set means the class lives
    in another Worker. ``line`` is reserved for the entry's position: neither tomllib nor json5
    reports positions, so it is None for now.
    """

    name: str
    binding: str | None
    class_name: str
    script_name: str | None = None
    limits_steps: int | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class WranglerConfig:
    """The parts of a wrangler configuration file that the analyzer uses."""

    path: Path
    main: str | None
    compatibility_date: str | None
    compatibility_flags: tuple[str, ...]
    workflows: tuple[WorkflowBinding, ...]

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
            for name in WRANGLER_NAMES:
                candidate = folder / name
                if candidate.is_file():
                    return candidate
    return None


def load_wrangler(path: Path) -> WranglerConfig:
    """Read and check one wrangler file; raises ConfigError with a location when it is unusable."""
    text = _read_text(path)
    data = _parse_toml(text, path) if path.suffix == ".toml" else _parse_json5(text, path)
    if not isinstance(data, dict):
        raise ConfigError("the top level must be a table/object", path)
    bindings = _workflow_bindings(data.get("workflows"), path)
    exports = _workflow_exports(data.get("exports"), path)
    return WranglerConfig(
        path=path,
        main=_optional_str(data, "main", path),
        compatibility_date=_compatibility_date(data.get("compatibility_date"), path),
        compatibility_flags=_str_list(data.get("compatibility_flags"), "compatibility_flags", path),
        workflows=_merge_exports(bindings, exports, path),
    )


def implicit_dependencies(cfg: WranglerConfig) -> bool:
    """Whether ``step.do`` uses the implicit-dependency API (python-sdk.md §2.0).

    An explicit flag decides; otherwise a ``compatibility_date`` on or after 2026-02-25 turns it on.
    (ISO dates compare correctly as strings; load_wrangler has checked the format.)
    """
    if IMPLICIT_DEPS_FLAG in cfg.compatibility_flags:
        return True
    if NO_IMPLICIT_DEPS_FLAG in cfg.compatibility_flags:
        return False
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


def _optional_str(table: dict[str, Any], key: str, path: Path, where: str = "") -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{where}{key} must be a string, got {_describe(value)}", path)
    return value


def _required_str(table: dict[str, Any], key: str, path: Path, where: str) -> str:
    value = _optional_str(table, key, path, where)
    if value is None:
        raise ConfigError(f"{where}{key} is required", path)
    return value


def _str_list(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of strings, got {_describe(value)}", path)
    return tuple(value)


def _compatibility_date(value: Any, path: Path) -> str | None:
    """A ``YYYY-MM-DD`` string; an unquoted TOML date is accepted as the same date."""
    if value is None:
        return None
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.isoformat()
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        _dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"compatibility_date must be a YYYY-MM-DD date, got {_describe(value)}", path) from None
    return value


def _limits_steps(entry: dict[str, Any], path: Path, where: str) -> int | None:
    limits = entry.get("limits")
    if limits is None:
        return None
    if not isinstance(limits, dict):
        raise ConfigError(f"{where}limits must be a table/object, got {_describe(limits)}", path)
    steps = limits.get("steps")
    if steps is None:
        return None
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ConfigError(f"{where}limits.steps must be a positive integer, got {_describe(steps)}", path)
    return steps


def _workflow_bindings(value: Any, path: Path) -> list[WorkflowBinding]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ConfigError(f"workflows must be a list of tables/objects, got {_describe(value)}", path)
    return [_binding(entry, i, path) for i, entry in enumerate(value)]


def _binding(entry: Any, index: int, path: Path) -> WorkflowBinding:
    where = f"workflows[{index}]."
    if not isinstance(entry, dict):
        raise ConfigError(f"workflows[{index}] must be a table/object, got {_describe(entry)}", path)
    return WorkflowBinding(
        name=_required_str(entry, "name", path, where),
        binding=_required_str(entry, "binding", path, where),
        class_name=_required_str(entry, "class_name", path, where),
        script_name=_optional_str(entry, "script_name", path, where),
        limits_steps=_limits_steps(entry, path, where),
    )


def _workflow_exports(value: Any, path: Path) -> list[WorkflowBinding]:
    """``exports`` (Wrangler ≥ 4.139): keyed by class name; only ``type = "workflow"`` entries count."""
    if value is None:
        return []
    if not isinstance(value, dict):
        raise ConfigError(f"exports must be a table/object keyed by class name, got {_describe(value)}", path)
    found = []
    for class_name, entry in value.items():
        where = f"exports.{class_name}."
        if not isinstance(entry, dict):
            raise ConfigError(f"exports.{class_name} must be a table/object, got {_describe(entry)}", path)
        if entry.get("type") != "workflow":
            continue
        found.append(WorkflowBinding(
            name=_required_str(entry, "name", path, where),
            binding=None,
            class_name=class_name,
            limits_steps=_limits_steps(entry, path, where),
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
        raise ConfigError(f"{where}: name {export.name!r} != {binding.name!r}", path)
    steps = (binding.limits_steps, export.limits_steps)
    if None not in steps and steps[0] != steps[1]:
        raise ConfigError(f"{where}: limits.steps {steps[1]} != {steps[0]}", path)
    return replace(binding, limits_steps=binding.limits_steps or export.limits_steps)
