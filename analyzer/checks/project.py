"""Checks of the project rather than of one file: each wrangler configuration against the code.

WF052: each ``[[workflows]]`` entry (and ``exports`` entry of type workflow) without
``script_name`` names a ``class_name`` that the Worker's main module must export (exports.py):
a class statement there, a class imported from a project file that defines it, or, defined but
not analysable (SEMANTICS §2.4, an info-level finding), a name bound by an assignment or
imported from elsewhere. The check runs for a wrangler file when the analysed paths cover its
``main`` module (checking one file of a project does not report the classes that live in the
others).

Findings in a wrangler file honour ``# wfgraph: ignore[WF052]`` (TOML) and
``// wfgraph: ignore[WF052]`` (JSONC) on the entry's ``class_name`` line or its first line.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from pathlib import Path

from ..diagnostics import CONFIG_PLACEHOLDER, Diagnostic
from ..project.locate import TextMap, map_config
from ..project.settings import display
from ..project.wrangler import WorkflowBinding, WranglerConfig, main_module
from ..records import record
from .directives import directives_in
from .exports import MainModule, main_module as load_main_module
from .suppress import Suppressions, apply_suppressions


class MissingWorkflowClass:
    """A wrangler workflow entry whose `class_name` the Worker's main module does not define.

    ## What it does
    For each workflow declared in `wrangler.toml` / `wrangler.jsonc` without a `script_name`
    (which would put the class in another Worker), checks that the Worker's `main` module binds
    that name at its top level: a class defined there, or imported there from a module of the
    project that defines it. A name bound by an assignment (`W = make_workflow(...)`) or imported
    from outside the project is defined, but wfgraph cannot analyse it: that is reported as
    information. It runs when the analysed paths include the `main` module (checking a single
    file of a project does not report the others).

    ## Why is this bad?
    `wrangler deploy` fails, or the binding points at nothing, when the exported class is
    missing: usually a class renamed in the code but not in the configuration, or the other way
    round, or a class moved to another module and no longer imported by `main`.

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


class ConfigPlaceholder:
    """A wrangler setting that holds a template placeholder instead of a value.

    ## What it does
    Reports a `compatibility_date` written as a placeholder that a build step fills in
    (`"%COMPAT_DATE%"`, `"{{date}}"`, `"${DATE}"`), at its position. The date is then unknown,
    so the `step.do` dependency mode follows `compatibility_flags` alone, and without a flag
    both the implicit-dependency and the `depends=[...]` forms are accepted.

    ## Why is this bad?
    The compatibility date decides how `step.do` declares dependencies (from 2026-02-25,
    parameters name them; before, `depends=[...]`). The checks that depend on the mode cannot
    tell which one the deployed Worker will use.

    ## Example
    ```jsonc
    "compatibility_date": "%COMPAT_DATE%",
    ```

    ## Use instead:
    Check the filled-in file, set the mode with a flag
    (`"compatibility_flags": ["python_workflows_implicit_dependencies"]`), or give
    `--implicit-deps` / `--legacy-deps` to `wfgraph check`.
    """

    code, name = CONFIG_PLACEHOLDER
    severity = "warning"


def covers_main(wrangler: WranglerConfig, folders: Iterable[Path], files: Iterable[Path]) -> bool:
    """Whether the Python entry module is among the analysed files, or under a folder walked."""
    main = main_module(wrangler)
    if main is None or main.suffix != ".py":
        return False
    main = main.resolve()
    if any(f.resolve() == main for f in files):
        return True
    for folder in folders:
        try:
            main.relative_to(folder.resolve())
            return True
        except ValueError:
            continue
    return False


@record
class WranglerReport:
    findings: list[Diagnostic]
    silenced: int
    lines: dict[int, str]
    """The source lines the findings point at (for snippets and SARIF fingerprints)."""


def check_wrangler(wrangler: WranglerConfig, problems: Iterable[Diagnostic], *, covered: bool,
                   found_classes: Collection[str], enabled: Callable[[str], bool],
                   known: Collection[str]) -> WranglerReport:
    """WF052 for a covered wrangler file, with the ``problems`` found while loading it (WF000,
    WF091), after the file's suppression comments and the configuration."""
    text = _read(wrangler.path)
    text_map = map_config(wrangler.path, text)
    findings = [d for d in problems if enabled(d.code)]
    entry_lines: dict[Diagnostic, int] = {}
    if covered and enabled(MissingWorkflowClass.code):
        main = main_module(wrangler)
        assert main is not None
        exports = load_main_module(main)
        if exports is not None:
            for entry, diag in _class_findings(wrangler, exports, found_classes, text_map):
                findings.append(diag)
                if entry.line is not None:
                    entry_lines[diag] = entry.line
    suppressions = Suppressions(str(wrangler.path), directives_in(
        (c.line, c.column, c.text) for c in text_map.comments).suppressions)

    def checked(code: str) -> bool:  # a WF052 suppression is unused only if WF052 ran
        return enabled(code) and (covered or code != MissingWorkflowClass.code)

    kept, silenced = apply_suppressions(findings, suppressions, checked, known,
                                        lambda d: [entry_lines[d]] if d in entry_lines else [])
    all_lines = text.splitlines()
    lines = {d.line: all_lines[d.line - 1] for d in kept if 0 < d.line <= len(all_lines)}
    return WranglerReport(kept, silenced, lines)


def _class_findings(wrangler: WranglerConfig, exports: MainModule, found_classes: Collection[str],
                    text_map: TextMap) -> Iterable[tuple[WorkflowBinding, Diagnostic]]:
    main = display(exports.path)
    for entry in wrangler.workflows:
        if entry.script_name is not None:
            continue
        verdict = _verdict(entry.class_name, exports, main)
        if verdict is None:
            continue
        severity, message, notes = verdict
        if severity == "error":
            found = ", ".join(sorted(found_classes)) or "none"
            notes = (f"workflow classes found in the analysed files: {found}",)
        yield entry, _diagnostic(wrangler, entry, text_map, severity,
                                 f"workflow {entry.name!r}: class_name {entry.class_name!r} "
                                 f"{message}", notes)


def _verdict(name: str, exports: MainModule, main: str) -> tuple[str, str, tuple[str, ...]] | None:
    """None when ``main`` exports a class of the project by that name (defined there or
    re-exported, SEMANTICS §2.4), else (severity, message, notes)."""
    found = exports.export(name)
    where = f"{main}:{found.line}" if found.line is not None else main
    if found.kind == "class":
        return None
    if found.kind == "outside":
        return ("info", f"is imported by {where} from {found.source}, which is outside the "
                "project: defined, but not analysed", ())
    if found.kind in ("assignment", "def"):
        how = "an assignment" if found.kind == "assignment" else "a def"
        return ("info", f"is bound by {how} at {where}, not by a class statement: defined, but "
                "not analysable", ())
    if found.kind == "unresolved":
        return ("error", f"is imported by {where} from a module of the project that does not "
                "define it: the import fails when the Worker starts", ())
    if found.kind == "star":
        return ("info", f"may come from `from {found.source} import *` in {main}, which wfgraph "
                "did not read: not checked", ())
    return ("error", f"is not defined or imported by the main module {main}", ())


def _diagnostic(wrangler: WranglerConfig, entry: WorkflowBinding, text_map: TextMap,
                severity: str, message: str, notes: tuple[str, ...]) -> Diagnostic:
    if entry.key and entry.key[0] == "exports":
        found = text_map.find(entry.key)
        line, column = (found.line, found.column) if found is not None else (1, 1)
    else:
        line, column = text_map.value_at((*entry.key, "class_name"))
    width = len(entry.class_name) + 2  # with its quotes
    return Diagnostic(MissingWorkflowClass.code, MissingWorkflowClass.name, severity,  # type: ignore[arg-type]
                      message, str(wrangler.path), line, column, line, column + width, notes)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
