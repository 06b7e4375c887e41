"""What ``wfgraph check`` prints besides the findings: the one summary line, the budget lines
(``--verbose``, ``--statistics``), the counts per code (``--statistics``), and the settings that
govern each file (``--show-settings``). Machine formats keep stdout for themselves: everything
here that is not the requested output goes to stderr.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO

from ..diagnostics import Diagnostic
from ..project.settings import display

if TYPE_CHECKING:
    from ..project.settings import Settings
    from .check import CheckedFile


def plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def color_enabled(choice: str, stream: TextIO) -> bool:
    """``--color``: ``always`` and ``never`` win; ``auto`` follows NO_COLOR (https://no-color.org),
    then FORCE_COLOR (https://force-color.org), then whether the stream is a terminal."""
    if choice in ("always", "never"):
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR", "")
    if force:
        return force.lower() not in ("0", "false")  # FORCE_COLOR=0 turns it off, as in Node
    return isatty(stream)


def isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


# --- the summary ----------------------------------------------------------------------------------


def summary_line(files: list["CheckedFile"], diagnostics: list[Diagnostic], silenced: int,
                 through: int = 0, modules: int = 0) -> str:
    """``wfgraph check: 2 files, 3 workflows (largest step budget: …): 1 error, 2 warnings``;
    ``through``: the other workflows that checked ``modules`` given modules without one
    (check_users.py)."""
    workflows = sum(len(f.classes) for f in files)
    counts = Counter(d.severity for d in diagnostics)
    parts = [plural(counts[sev], sev) for sev in ("error", "warning") if counts[sev]]
    if parts:
        verdict = ", ".join(parts)
    elif workflows or through:
        verdict = "all checks passed"
    else:  # never "passed" when no workflow was checked
        verdict = "nothing to check: no workflow is defined in these files or imports them"
    extras = [f"{counts['info']} info"] if counts["info"] else []
    if silenced:
        extras.append(f"{silenced} suppressed")
    tail = f" ({', '.join(extras)})" if extras else ""
    reach = (f", {plural(through, 'workflow')} importing {'it' if modules == 1 else 'them'}"
             if through else "")
    return (f"wfgraph check: {plural(len(files), 'file')}, {plural(workflows, 'workflow')}{reach}"
            f"{_largest_budget(files)}: {verdict}{tail}")


def through_lines(users: dict[str, list[str]], verbose: bool) -> Iterable[str]:
    """For each given module that defines no workflow: the workflows it was checked through."""
    for module, names in users.items():
        if names:
            yield f"{module}: defines no workflow; checked through {', '.join(names)}"
        elif verbose:
            yield f"{module}: defines no workflow, and no workflow of its project imports it"


def _largest_budget(files: list["CheckedFile"]) -> str:
    budgets = [(f, b) for f in files for b in f.budgets]
    if not budgets:
        return ""
    file, worst = max(budgets, key=lambda fb: (fb[1].lower_bound, fb[1].count / fb[1].limit.value))
    label = "step budget" if len(budgets) == 1 else "largest step budget"
    name = worst.class_name if len(files) == 1 else f"{file.path}::{worst.class_name}"
    return f" ({label}: {name} {worst.compact()})"


def budget_lines(files: list["CheckedFile"]) -> Iterable[str]:
    for checked in files:
        for budget in checked.budgets:
            yield f"{checked.path}: {budget.summary()}"


# --- --statistics ---------------------------------------------------------------------------------


def statistics(diagnostics: list[Diagnostic], fmt: str) -> str:
    """One row per code: count, code, name (most frequent first), as text or JSON."""
    counts = Counter((d.code, d.name) for d in diagnostics)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    if fmt == "json":
        return json.dumps([{"code": code, "name": name, "count": n} for (code, name), n in rows],
                          indent=2) + "\n"
    width = max((len(str(n)) for n in counts.values()), default=1)
    return "".join(f"{n:>{width}}\t{code}\t{name}\n" for (code, name), n in rows)


# --- --show-settings ------------------------------------------------------------------------------


def settings_report(settings: dict[str, "Settings"], fmt: str) -> str:
    records = {shown: _settings_record(s) for shown, s in settings.items()}
    if fmt == "json":
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    lines = []
    for shown, record in records.items():
        lines.append(shown)
        lines += [f"  {key + ':':<18} {_text(value)}" for key, value in record.items()]
    return "\n".join(lines) + ("\n" if lines else "")


def _settings_record(settings: "Settings") -> dict[str, Any]:
    config, wrangler = settings.config, settings.wrangler
    limits = {w.class_name: w.limits_steps for w in (wrangler.workflows if wrangler else ())
              if w.script_name is None and w.limits_steps is not None}
    fallback = (f"max-steps {config.max_steps:,}" if config.max_steps is not None
                else f"{config.plan} plan {config.step_limit(None):,}")
    return {
        "pyproject": display(config.path) if config.path else None,
        "wrangler": display(wrangler.path) if wrangler else None,
        "step.do": settings.mode,
        "step limit": {"limits.steps": limits, "otherwise": fallback},
        "select": list(config.select) if config.select is not None else ["ALL"],
        "ignore": list(config.ignore),
        "per-file-ignores": {glob: list(codes) for glob, codes in config.per_file_ignores},
        "loop-trip-count": config.loop_trip_count,
        "loop-trip-counts": dict(config.loop_trip_counts),
    }


def _text(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return ", ".join(value) or "none"
    if isinstance(value, dict):
        if set(value) == {"limits.steps", "otherwise"}:
            per_class = ", ".join(f"{k} {v:,}" for k, v in value["limits.steps"].items())
            return (f"limits.steps: {per_class}; otherwise " if per_class else "") + value["otherwise"]
        return ", ".join(f"{k} = {_text(v)}" for k, v in value.items()) or "none"
    return str(value)
