"""Each side of a diff as workflow versions: a snapshot analysed, or a graph JSON file read
(SEMANTICS §10.4).

A ``Version`` is one workflow class on one side: its graph, and, when it comes from source, the
analysis behind it (step bodies, source positions) and the wrangler configuration that governs
its file (the dependency mode and ``limits.steps``: WF109, WF110).
"""

from __future__ import annotations

import json
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wfgraph.schema import Graph, Workflow

from ...analysis import FileAnalysis, WorkflowAnalysis, analyze_source
from ...diagnostics import PARSE_ERROR, Diagnostic
from ...garbage import collect_garbage_less_often
from ...project.wrangler import ConfigError, WranglerConfig, implicit_dependencies, parse_wrangler
from ...records import record
from .sources import Snapshot

if TYPE_CHECKING:
    from .identity import Where


@record
class Wrangler:
    """A wrangler file of one side: where it is shown, its text, and what it says."""

    path: str
    text: str
    config: WranglerConfig


@record(eq=False)
class Version:
    """One workflow class on one side."""

    class_name: str
    path: str
    """The file that defines it (or the graph JSON file it was read from)."""
    workflow: Workflow
    file: FileAnalysis | None = None
    analysis: WorkflowAnalysis | None = None
    wrangler: Wrangler | None = None

    @property
    def has_source(self) -> bool:
        return self.file is not None and self.file.source is not None

    def where(self, node: Any) -> "Where":
        """Where a node of this version stands: its module (a helper may be written in another
        module of the project, SEMANTICS §2.4) and, with source, its span."""
        from .identity import Where

        if not self.has_source or getattr(node, "_src", node) is None:
            return Where(self.path)
        assert self.file is not None
        return Where(self.file.path_of(node), self.file.span(node))


@record
class Side:
    label: str
    prefix: str = ""
    """Put before the paths of this side's files (``REV:`` for a base revision)."""
    versions: list[Version] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Said on stderr: workflows this side has but that cannot be compared, and why."""
    unreadable: set[str] = field(default_factory=set)
    """Files whose workflows are unknown (they do not parse): not reported as removed or added."""
    texts: dict[str, str] = field(default_factory=dict)
    """Path → text of what findings may point at (suppression comments, source lines)."""


# --- from source ----------------------------------------------------------------------------------


def analyse_snapshot(snapshot: Snapshot, prefix: str = "", implicit: bool | None = None) -> Side:
    """Every workflow of the snapshot's modules. ``prefix`` goes before each path shown (``REV:``
    for a base revision, so its locations are not mistaken for the working tree's);
    ``implicit`` overrides the dependency mode the governing wrangler file chooses."""
    collect_garbage_less_often()
    side = Side(snapshot.label, prefix, errors=list(snapshot.errors))
    wranglers = _wranglers(snapshot, prefix, side)
    for path, text in snapshot.files.items():
        shown = prefix + path
        wrangler = wranglers.get(snapshot.governing.get(path, ""))
        mode = implicit
        if mode is None and wrangler is not None:
            mode = implicit_dependencies(wrangler.config)
        # Imports are followed in the side's own version of the project (SEMANTICS §2.4).
        result = analyze_source(text, shown, mode, real_path=Path(path).resolve(),
                                sources=snapshot.sources)
        side.texts[shown] = text
        side.texts.update((path, source.text) for path, source in result.linked)
        side.errors.extend(result.errors)
        if result.errors:
            side.unreadable.add(path)
        for workflow in result.workflows:
            graph = workflow.graph
            if graph is None and workflow.run is None:
                side.notes.append(f"{shown}: {workflow.class_name} {workflow.reason}")
                continue
            wf = graph.workflow if graph is not None else Workflow(
                class_name=workflow.class_name, functions={}, nodes=[])
            side.versions.append(Version(workflow.class_name, shown, wf, result, workflow, wrangler))
    return side


def _wranglers(snapshot: Snapshot, prefix: str, side: Side) -> dict[str, Wrangler]:
    found = {}
    for path, text in snapshot.wranglers.items():
        shown = prefix + path
        side.texts[shown] = text
        try:
            found[path] = Wrangler(shown, text, parse_wrangler(text, Path(path)))
        except ConfigError as exc:
            side.errors.append(Diagnostic("WF000", "config-error", "error", exc.message, shown,
                                          exc.line, exc.column, exc.line, exc.column + 1))
    return found


# --- from graph JSON ------------------------------------------------------------------------------


def read_graph_json(path: str) -> Side:
    """A file of ``wfgraph graph`` output (one graph, or several keyed by class or
    ``path::class``; with or without ``--envelope``) or a saved Cloudflare API response
    (``{"result": {...}, "success": true}``). Errors say where the file is wrong."""
    side = Side(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        side.errors.append(_json_error(path, 1, 1, f"cannot read: {getattr(exc, 'strerror', None) or exc}"))
        return side
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        side.errors.append(_json_error(path, exc.lineno, exc.colno, f"not valid JSON: {exc.msg}"))
        return side
    side.texts[path] = text
    from pydantic import ValidationError  # validating graph JSON is pydantic's job

    for key, raw in _graphs(data):
        try:
            graph = Graph.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in (*key, *first["loc"]))
            side.errors.append(_json_error(path, 1, 1, f"not a workflow graph at {where or 'the top'}: "
                                           f"{first['msg']}"))
            continue
        wf = graph.workflow
        side.versions.append(Version(wf.class_name, path, wf))
    if not side.versions and not side.errors:
        side.errors.append(_json_error(path, 1, 1, "no workflow graph found: expected the output "
                                       "of `wfgraph graph` or a saved API response"))
    return side


def looks_like_graph_json(path: str) -> bool:
    """A JSON file, by its name or its first character (``wfgraph graph > base.out`` too)."""
    if path.endswith(".json"):
        return True
    try:
        with open(path, "rb") as handle:
            head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head.startswith(b"{")


def _graphs(data: Any, key: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """The graph objects in ``data``, each with the keys that lead to it."""
    if not isinstance(data, dict):
        return [(key, data)]
    if "result" in data and ("success" in data or "errors" in data):  # the API's envelope
        return _graphs(data["result"], (*key, "result"))
    if "graph" in data and "class_name" in data:  # a VersionGraphResponse (--envelope)
        return [] if data["graph"] is None else [((*key, "graph"), data["graph"])]
    if "workflow" in data or "version" in data:
        return [(key, data)]
    found = []
    for name, value in data.items():  # several workflows, by class or path::class
        found.extend(_graphs(value, (*key, str(name))))
    return found


def _json_error(path: str, line: int, column: int, message: str) -> Diagnostic:
    return Diagnostic(*PARSE_ERROR, "error", message, path, line, column, line, column + 1)
