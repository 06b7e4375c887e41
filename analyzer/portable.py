"""A file's analysis without its libcst tree, so that it can cross a process boundary.

A ``FileAnalysis`` holds the libcst module, and graph nodes and facts point into it. Pickling
that tree costs more than parsing the file again (and fails once positions are resolved), so a
worker process sends back a ``DetachedAnalysis`` instead: the same record with every libcst node
replaced by where it stood (a ``Span``, or a ``Ref`` that also keeps the node's name). Graphs,
facts, diagnostics and the source text survive; ``span`` and ``locate`` answer as before. What
does not survive is the tree itself: a consumer that walks libcst nodes (``wf.run.body``…) must
do that work in the worker (``parallel.map_files`` with its own per-file function).
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

import libcst as cst

from wfgraph.schema.base import Model

from .analysis import FileAnalysis, WorkflowAnalysis
from .diagnostics import ANALYSIS_ERROR, Diagnostic
from .python import facts as F
from .python.facts import Fact
from .python.source import UNKNOWN_SPAN, SourceFile, Span
from .records import record


@record(frozen=True)
class Ref:
    """A libcst node left behind: its type, where it stood, and its name or value if it had
    one (``wf.cls.name.value`` still reads the class name)."""

    kind: str
    span: Span
    name: "Ref | None" = None
    value: str | None = None
    path: str | None = None
    """The module it stood in, when not the analysed file (SEMANTICS §2.4)."""


@record
class DetachedAnalysis(FileAnalysis):
    """A ``FileAnalysis`` whose libcst nodes were replaced by ``Ref`` / ``Span`` records."""

    located: bool = True
    """False when positions of graph nodes and facts were not resolved (``positions=False``)."""
    reported: set[str] = field(default_factory=set)
    """Classes whose lack of a graph is already one of ``errors`` (not to be said twice)."""

    def span(self, node: Any) -> Span:
        src = getattr(node, "_src", node)
        if isinstance(src, Span):
            return src
        if isinstance(src, (Ref, Located)):
            return src.span
        return UNKNOWN_SPAN

    def path_of(self, node: Any) -> str:
        src = getattr(node, "_src", node)
        return (src.path if isinstance(src, (Ref, Located)) else None) or self.path

    def locate(self, node: Any) -> str | None:
        if getattr(node, "_src", None) is None:
            return None
        return f"{self.path_of(node)}:{self.span(node).line}"


@record(frozen=True)
class Located:
    """Where a graph node's source stood in another module of the project."""

    path: str
    span: Span


def detach(result: FileAnalysis, positions: bool = True) -> DetachedAnalysis:
    """``result`` without libcst nodes. ``positions=False`` skips resolving where graph nodes and
    facts stand (the costly part: one code-generation pass over the module); class and ``run``
    names are still located when a workflow has no graph, since that is reported."""
    if isinstance(result, DetachedAnalysis):
        return result
    trees = {id(w): _tree(w.graph) for w in result.workflows if w.graph is not None}
    unwritable = {key for key, (_, depth) in trees.items() if depth > SERIALISE_DEPTH}
    needs_positions = positions or any(
        w.graph is None or id(w) in unwritable or any(f.kind in ALWAYS_LOCATED for f in w.facts)
        for w in result.workflows)
    spans = _Spans(result, needs_positions)
    workflows = []
    errors = list(result.errors)
    reported: set[str] = set()
    for wf in result.workflows:
        graph, reason = wf.graph, wf.reason
        if id(wf) in unwritable:
            graph, reason = None, ("has a graph nested too deeply to write as JSON (about 60 "
                                   "nested if/match/try, or conditional expressions): not graphed")
            reported.add(wf.class_name)
            errors.append(_error(result.path, spans.span(getattr(wf.cls, "name", None)),
                                 f"{wf.class_name} {reason}"))
        if graph is not None:
            for model in trees[id(wf)][0]:
                _detach_side(model, spans, positions)
        workflows.append(WorkflowAnalysis(
            class_name=wf.class_name,
            cls=spans.ref(wf.cls),  # type: ignore[arg-type]
            run=spans.ref(wf.run) if wf.run is not None else None,  # type: ignore[arg-type]
            graph=graph,
            facts=[_detach_fact(f, spans, positions) for f in wf.facts],
            reason=reason,
        ))
    source = result.source
    text = source.text if source is not None else ""
    return DetachedAnalysis(
        path=result.path,
        source=SourceFile(result.path, text, None) if source is not None else None,
        workflows=workflows,
        errors=errors,
        notes=list(result.notes),
        located=positions,
        reported=reported,
    )


ALWAYS_LOCATED = F.DRAWING_CAVEATS
"""Facts every command reports (the graph is incomplete), so located even with positions=False."""

SERIALISE_DEPTH = 128
"""Graphs nested deeper than this many objects are not written: pydantic (hence Cloudflare's SDK
and our own validation) refuses to serialise past that depth. About 60 nested ``if`` statements,
since each is an If and a Branch; the walker's depth limit keeps its graphs well inside."""


def _tree(root: Model) -> tuple[list[Model], int]:
    """Every schema object inside ``root`` (graph nodes, branches, blocks, functions…), and how
    deep they nest (``root`` is 1; a list adds no level)."""
    models: list[Model] = []
    deepest = 0
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Model):
            models.append(item)
            deepest = max(deepest, depth)
            state = item.__dict__
            stack.extend((state[name], depth + 1) for name in item._fields
                         if isinstance(state[name], (Model, list, dict)))
        elif isinstance(item, list):
            stack.extend((x, depth) for x in item)
        elif isinstance(item, dict):
            stack.extend((x, depth) for x in item.values())
    return models, deepest


def _error(path: str, span: Span, message: str) -> Diagnostic:
    code, name = ANALYSIS_ERROR
    return Diagnostic(code, name, "error", message, path, span.line, span.column,
                      span.end_line, span.end_column)


class _Spans:
    def __init__(self, result: FileAnalysis, resolve: bool) -> None:
        self.result = result
        self.resolve = resolve

    def span(self, node: Any) -> Span:
        if not self.resolve or not isinstance(node, cst.CSTNode):
            return UNKNOWN_SPAN
        return self.result.span(node)

    def elsewhere(self, node: Any) -> str | None:
        """The module ``node`` stands in when it is not the analysed file."""
        if not self.resolve or not isinstance(node, cst.CSTNode) or not self.result.linked:
            return None
        path = self.result.path_of(node)
        return path if path != self.result.path else None

    def located(self, node: Any) -> Span | Located:
        other = self.elsewhere(node)
        return Located(other, self.span(node)) if other is not None else self.span(node)

    def ref(self, node: Any) -> Any:
        if node is None or not isinstance(node, cst.CSTNode):
            return node
        name = getattr(node, "name", None)
        name_ref = None
        if isinstance(name, cst.Name):
            name_ref = Ref("Name", self.span(name), value=name.value)
        value = getattr(node, "value", None)
        return Ref(type(node).__name__, self.span(node), name_ref,
                   value if isinstance(value, str) else None, self.elsewhere(node))


def _detach_fact(fact: Fact, spans: _Spans, positions: bool) -> Fact:
    located = positions or fact.kind in ALWAYS_LOCATED
    node = Ref(type(fact.node).__name__, spans.span(fact.node) if located else UNKNOWN_SPAN,
               path=spans.elsewhere(fact.node) if located else None)
    data = {k: _detach_value(v, spans, positions) for k, v in fact.data.items()}
    return Fact(fact.kind, node, fact.message, data)  # type: ignore[arg-type]


def _detach_value(value: Any, spans: _Spans, positions: bool) -> Any:
    if isinstance(value, cst.CSTNode):
        return Ref(type(value).__name__, spans.span(value) if positions else UNKNOWN_SPAN)
    if isinstance(value, (list, tuple)):
        return type(value)(_detach_value(v, spans, positions) for v in value)
    if isinstance(value, dict):
        return {k: _detach_value(v, spans, positions) for k, v in value.items()}
    return value


def _detach_side(model: Model, spans: _Spans, positions: bool) -> None:
    """A graph node's side attributes without libcst nodes: ``_src`` becomes where it stood
    (nothing when ``positions`` is off), libcst nodes in any other ``_`` attribute become
    ``Ref`` records, and everything else is kept as it is."""
    for name, value in list(vars(model).items()):
        if not name.startswith("_") or value is None:
            continue
        if name == "_src":
            setattr(model, name, spans.located(value) if positions else None)
        else:
            setattr(model, name, _detach_value(value, spans, positions))


__all__ = ["DetachedAnalysis", "Ref", "detach"]
