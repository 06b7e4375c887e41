"""Modules that define no workflow, checked through the workflows that import them.

pre-commit passes only the changed files (SEMANTICS §2.4, "one file given"). A change to a helper
module (shared steps, a step-less helper that reads the clock) would then be checked by nothing,
and ``check`` would pass a commit that breaks every instance. So each given module without a
workflow is checked through its project: every workflow module of the project is analysed as a
directory walk would find it, and of their findings only those located in the given module are
kept (each still silenced by that module's own comments, as ``check_one`` does).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..parallel import map_files
from ..project.files import Collected, collect_files, identity
from ..project.imports import find_project
from ..project.settings import Settings, SettingsResolver
from ..records import record

if TYPE_CHECKING:
    from .check import CheckedFile


@record
class ThroughUsers:
    """What checking the given modules' users added: their findings in the given modules, and
    for each given module the workflows whose analysis read it."""

    files: list["CheckedFile"] = field(default_factory=list)
    users: dict[str, list[str]] = field(default_factory=dict)
    """Given module (as shown) → ``path::Class`` of each workflow that imports it."""
    extra: int = 0
    """Workflows analysed beyond those of the files given."""


def check_through_users(collected: Collected, checked: list["CheckedFile"],
                        resolver: SettingsResolver, check_one: Callable[..., "CheckedFile"],
                        exclude: tuple[str, ...]) -> ThroughUsers:
    given = {identity(path): shown for path, shown in collected.files}
    helpers = {identity(path): shown for path, shown in collected.files
               if any(f.path == shown and not f.classes and not f.failed for f in checked)}
    out = ThroughUsers(users={shown: [] for shown in helpers.values()})
    if not helpers:
        return out
    roots = sorted({_shown(find_project(path).root) for path in helpers})
    users = collect_files([Path(root) for root in roots], exclude)
    users.files = [(path, shown) for path, shown in users.files if identity(path) not in given]
    settings: dict[str, Settings] = {shown: resolver.settings_for(path) for path, shown in users.files}
    modes = {str(path): settings[shown].implicit for path, shown in users.files}
    more = map_files(users.files, check_one, modes, contexts=settings)
    for user in [*checked, *more]:  # a file given may import the module too
        reached = {helpers[key] for key in map(_identity_of, user.linked) if key in helpers}
        for shown in sorted(reached):
            out.users[shown] += [f"{user.path}::{name}" for name in user.classes]
        if reached and user in more:
            out.extra += len(user.classes)
    out.files = [_kept(user, helpers) for user in more]
    return out


def _kept(user: "CheckedFile", helpers: dict[Path, str]) -> "CheckedFile":
    """``user``'s findings located in the given modules, shown under their given paths; no
    classes or budgets, which belong to the files given."""
    from .check import CheckedFile

    kept = []
    lines = {}
    for diag in user.diagnostics:
        shown = helpers.get(_identity_of(diag.path))
        if shown is not None:
            kept.append(replace(diag, path=shown))
            lines[(shown, diag.line)] = user.lines.get((diag.path, diag.line), "")
    return CheckedFile(path=user.path, diagnostics=kept, lines=lines, suppressed=0)


def _identity_of(shown: str) -> Path:
    return identity(Path(shown))


def _shown(root: Path) -> str:
    """The project folder relative to the current one when inside it, so the users' paths are
    shown as a directory walk from here shows them."""
    try:
        relative = os.path.relpath(root)
    except ValueError:  # another drive (Windows)
        return str(root)
    return str(root) if relative.startswith(os.pardir) else relative
