"""Checks of the project rather than of one file: the wrangler configuration against the code.

WF052: each ``[[workflows]]`` entry (and ``exports`` entry of type workflow) without
``script_name`` names a ``class_name`` that the Worker's code must define. The check runs only
when the analysed paths cover the Worker's entry module (``main``), so checking one file of a
project does not report the classes that live in the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..project.wrangler import WranglerConfig, main_module
from ..diagnostics import Diagnostic


class MissingWorkflowClass:
    """A wrangler workflow entry whose `class_name` no analysed module defines.

    ## What it does
    For each workflow declared in `wrangler.toml` / `wrangler.jsonc` without a `script_name`
    (which would put the class in another Worker), checks that a `WorkflowEntrypoint` subclass of
    that name is defined in the analysed code. It runs when the analysed paths include the
    Worker's `main` module (checking a single file of a project does not report the others).

    ## Why is this bad?
    `wrangler deploy` fails, or the binding points at nothing, when the exported class is
    missing: usually a class renamed in the code but not in the configuration, or the other way
    round.

    ## Example
    ```toml
    [[workflows]]
    name = "checkout"
    binding = "CHECKOUT"
    class_name = "CheckoutFlow"   # the code defines `class Checkout(WorkflowEntrypoint)`
    ```

    ## Use instead:
    ```toml
    class_name = "Checkout"
    ```
    """

    code = "WF052"
    name = "missing-workflow-class"
    severity = "error"


def covers_main(wrangler: WranglerConfig, paths: Iterable[Path], files: Iterable[Path]) -> bool:
    """Whether the entry module is among the analysed files, or under an analysed directory."""
    main = main_module(wrangler)
    if main is None:
        return False
    main = main.resolve()
    if any(f.resolve() == main for f in files):
        return True
    for path in paths:
        if path.is_dir():
            try:
                main.relative_to(path.resolve())
                return True
            except ValueError:
                continue
    return False


def missing_workflow_classes(wrangler: WranglerConfig, defined: set[str]) -> list[Diagnostic]:
    out = []
    text = _read(wrangler.path)
    for entry in wrangler.workflows:
        if entry.script_name is not None or entry.class_name in defined:
            continue
        line, column, end = _locate(text, entry.class_name)
        known = ", ".join(sorted(defined)) or "none"
        out.append(Diagnostic(
            MissingWorkflowClass.code, MissingWorkflowClass.name, MissingWorkflowClass.severity,
            f"workflow {entry.name!r} names class_name {entry.class_name!r}, which no analysed "
            "module defines", str(wrangler.path), line, column, line, end,
            (f"workflow classes found: {known}",)))
    return out


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _locate(text: str, class_name: str) -> tuple[int, int, int]:
    """The line of ``class_name = "X"`` / ``"class_name": "X"`` (or an ``exports`` key "X"), for
    a location the reader can jump to; the file's start when it cannot be found."""
    quoted = (f'"{class_name}"', f"'{class_name}'")
    fallback = None
    for number, line in enumerate(text.splitlines(), 1):
        for q in quoted:
            col = line.find(q)
            if col < 0:
                continue
            if "class_name" in line:
                return number, col + 1, col + 1 + len(q)
            fallback = fallback or (number, col + 1, col + 1 + len(q))
    return fallback or (1, 1, 2)
