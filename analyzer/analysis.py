"""The analyzer's entry point: a file's text → its workflows' graphs and the walker's facts.

Nothing here imports or runs the analysed code: it is parsed with libcst and walked.
"""

from __future__ import annotations

import sys
from dataclasses import field
from pathlib import Path
from typing import Any

import libcst as cst

from wfgraph.schema import Graph, Workflow

from .python import facts as F
from .diagnostics import ANALYSIS_ERROR, PARSE_ERROR, NOT_FOLLOWED, Diagnostic
from .python.diagram_info import attach_sequence
from .python.facts import Fact
from .python.functions import has_steps, iter_nodes
from .project.imports import find_project
from .project.sources import DISK, Sources
from .python.classes import Classes, ClassRef
from .python.linker import LinkedModule, Linker
from .python.module_index import ModuleIndex
from .python.parse import parse_module, syntax_error
from .python.payload import PayloadReads, Shape
from .python.source import UNKNOWN_SPAN, SourceFile, Span
from .python.walker import Walker
from .records import record

RECURSION_LIMIT = 20_000


@record
class WorkflowAnalysis:
    class_name: str
    cls: cst.ClassDef
    run: cst.FunctionDef | None
    graph: Graph | None
    facts: list[Fact] = field(default_factory=list)
    reason: str = ""
    """Why there is no graph, when there is none."""
    declarations: list[Any] = field(default_factory=list)
    """Every ``@step.do`` declaration the walk met (``scope.StepDecl``), in walk order."""
    helper_bindings: list[tuple[cst.FunctionDef, dict[str, str]]] = field(default_factory=list)
    """Each helper analysed, with what its parameters received (``step``, ``event``,
    ``wrapper``, ``lazy``), once per distinct binding."""

    @property
    def workflow(self) -> Workflow | None:
        return self.graph.workflow if self.graph else None


@record
class FileAnalysis:
    path: str
    source: SourceFile | None
    workflows: list[WorkflowAnalysis] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    notes: list[Diagnostic] = field(default_factory=list)
    """Things worth saying that are not errors (a class that may be a workflow but cannot be
    followed)."""

    linked: list[tuple[str, SourceFile]] = field(default_factory=list)
    """The project's other modules the analysis read (SEMANTICS §2.4), each with its path as
    shown: graph nodes and facts may stand in them."""
    classes: Any = field(default=None, repr=False, compare=False)
    """The project model the analysis used (``python.classes.Classes``), for the checks that
    follow calls further than the walker did; None once detached from the tree."""

    def span(self, node: Any) -> Span:
        """Where a libcst node or a graph node (through its ``_src``) stands."""
        return self._where(node)[1]

    def source_of(self, path: str) -> SourceFile | None:
        """The text of this file or of one of the modules it read, by its path as shown."""
        if path == self.path:
            return self.source
        return dict(self.linked).get(path)

    def path_of(self, node: Any) -> str:
        """The file a libcst node or a graph node stands in: this one, or an imported module."""
        return self._where(node)[0]

    def _where(self, node: Any) -> tuple[str, Span]:
        if self.source is None:
            return self.path, UNKNOWN_SPAN
        src = getattr(node, "_src", node)
        if not isinstance(src, cst.CSTNode):
            return self.path, UNKNOWN_SPAN
        span = self.source.span(src)
        if span == UNKNOWN_SPAN:
            for shown, other in self.linked:
                if other.has(src):
                    return shown, other.span(src)
        return self.path, span

    def locate(self, node: Any) -> str | None:
        if getattr(node, "_src", None) is None:
            return None
        path, span = self._where(node)
        return f"{path}:{span.line}"

    @property
    def graphs(self) -> dict[str, Graph]:
        return {w.class_name: w.graph for w in self.workflows if w.graph is not None}


def read_text(path: Path) -> tuple[str | None, Diagnostic | None]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, _error(PARSE_ERROR, str(path), 1, 1, f"cannot read file: {exc.strerror or exc}")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, _error(PARSE_ERROR, str(path), line, col, "file is not valid UTF-8 "
                            f"(byte 0x{data[exc.start]:02x})")


def analyze_file(path: Path | str, implicit: bool | None = None, display: str | None = None) -> FileAnalysis:
    path = Path(path)
    name = display or str(path)
    text, error = read_text(path)
    if text is None:
        return FileAnalysis(path=name, source=None, errors=[error] if error else [])
    return analyze_source(text, name, implicit, real_path=path)


def analyze_source(text: str, path: str = "<string>", implicit: bool | None = None, *,
                   real_path: Path | None = None, sources: Sources | None = None) -> FileAnalysis:
    """Parse and walk ``text``. ``implicit`` selects the step.do mode (docs/python-api.md §2.0): True
    (parameters name dependencies), False (legacy ``depends=``), None (accept both).

    With ``real_path`` (where the file is, read through ``sources``: the disk by default), the
    file is analysed in its project: imports of the project's modules are followed (SEMANTICS
    §2.4). Without it, the text is analysed alone."""
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, RECURSION_LIMIT))
    try:
        return _analyze(text, path, implicit, real_path, sources)
    except RecursionError:
        return FileAnalysis(path=path, source=None, errors=[_error(
            ANALYSIS_ERROR, path, 1, 1, "nesting is too deep to analyse")])
    finally:
        sys.setrecursionlimit(old_limit)


def _analyze(text: str, path: str, implicit: bool | None, real_path: Path | None,
             sources: Sources | None) -> FileAnalysis:
    try:
        module = parse_module(text)
    except cst.ParserSyntaxError as exc:
        return FileAnalysis(path=path, source=None, errors=[syntax_error(text, path, exc)])
    result = FileAnalysis(path=path, source=SourceFile(path, text, module))
    classes = Classes(link(result.source, real_path, sources))  # type: ignore[arg-type]
    home = classes.linker.home
    workflows = classes.workflow_classes(home)
    bases = {id(b.node) for c in workflows for b in classes.bases(c) if isinstance(b, ClassRef)}
    for cls in workflows:
        analysis = analyze_class(classes, cls, implicit)
        if analysis.run is None and id(cls.node) in bases and not analysis.facts:
            continue  # an abstract base of other workflows: not an entrypoint of its own
        result.workflows.append(analysis)
    for cls, base in unresolved_candidates(classes, home):
        span = result.span(cls.node.name)
        result.notes.append(Diagnostic(
            *NOT_FOLLOWED, "info", f"{cls.name} has a run(self, event, step) method but "
            f"derives from {base}, which is not a class of this project: not analysed", path,
            span.line, span.column, span.end_line, span.end_column))
    linker = classes.linker
    result.linked = linker.linked_sources()
    result.classes = classes
    for missing in linker.not_followed.values():
        result.notes.append(missing.note)
    return result


def link(source: SourceFile, real_path: Path | None, sources: Sources | None) -> Linker:
    """The linker of a file in its project (none: the file alone)."""
    absolute = real_path.resolve() if real_path is not None else None
    home = LinkedModule(absolute, source, ModuleIndex.build(source.module))
    project = find_project(absolute, sources or DISK) if absolute is not None else None
    linker = Linker(home, project)
    if absolute is not None:
        linker.cache.put(absolute, source.text, home)
    return linker


def unresolved_candidates(classes: Classes, module: LinkedModule) -> list[tuple[ClassRef, str]]:
    """Classes that are not known workflows but look like one (an async ``run`` taking the
    event and the step) and derive from a base that is not a class of the project."""
    out = []
    for node in module.index.classes.values():
        ref = ClassRef(node, module)
        if classes.is_workflow(ref):
            continue
        run = classes.find_method(ref, "run")
        if run is None or run.fn.asynchronous is None or len(run.fn.params.params) < 3:
            continue
        base = classes.unresolved_bases(ref)
        if base is not None:
            out.append((ref, base))
    return out


def analyze_class(classes: Classes, cls: ClassRef, implicit: bool | None) -> WorkflowAnalysis:
    name = cls.name
    found = classes.find_method(cls, "run")
    run = found.fn if found is not None else None
    walker = Walker(classes, cls, implicit)
    if run is None:
        legacy = classes.find_method(cls, "on_run")
        if legacy is not None:
            walker.fact(F.LEGACY_ON_RUN, legacy.fn.name, f"{name} defines on_run, the legacy entry "
                        "point; the runtime calls run(self, event, step)")
            return WorkflowAnalysis(name, cls.node, None, None, walker.facts,
                                    "defines on_run (the legacy API), not run: not graphed")
        return WorkflowAnalysis(name, cls.node, None, None, walker.facts, "has no run method: no graph")
    if run.asynchronous is None:
        walker.fact(F.RUN_NOT_ASYNC, run.name, f"{name}.run is not async: its steps cannot be awaited")
    nodes = walker.walk_run(run, walker.scope_of(found.module))  # type: ignore[union-attr]
    params = [p.name.value for p in run.params.params]
    event_name = params[1] if len(params) > 1 else None
    step_name = params[2] if len(params) > 2 else None
    walker.functions.analyze_uncalled_methods(event_name, step_name)
    walker.report_leftovers()
    functions = walker.functions.finish(nodes)
    if not has_steps(nodes) and not functions:
        return finished(WorkflowAnalysis(name, cls.node, run, None, reason="runs no steps: no graph"), walker)
    workflow = attach_sequence(Workflow(class_name=name, functions=functions, nodes=nodes),
                               walker.run_seq)
    apply_payloads(walker, run, event_name, workflow)
    return finished(WorkflowAnalysis(name, cls.node, run, Graph(workflow=workflow)), walker)


def finished(analysis: WorkflowAnalysis, walker: Walker) -> WorkflowAnalysis:
    """Attach what the walk learnt: facts (each once), declarations, helper bindings."""
    seen: set[tuple[str, int, str]] = set()
    for fact in walker.facts:
        key = (fact.kind, id(fact.node), fact.message)
        if key not in seen:
            seen.add(key)
            analysis.facts.append(fact)
    analysis.declarations = list(walker.declared)
    analysis.helper_bindings = [
        (target_fn, {k: v.kind for k, v in binding.items()})
        for target_fn, binding in walker.functions.bindings
    ]
    return analysis


def apply_payloads(walker: Walker, run: cst.FunctionDef, event_name: str | None, workflow: Workflow) -> None:
    """SEMANTICS §7: the event payload read anywhere, and each wait result's payload."""
    event_shape, wait_shapes = Shape(), {}
    event: Any = ("event", None)
    roots: list[tuple[cst.FunctionDef, dict[str, Any]]] = [(run, {event_name: event} if event_name else {})]
    roots.extend((fn, {n: event for n in names}) for fn, names in walker.functions.event_helpers)
    roots.extend((fn, {n: ("wait", nodes) for n, nodes in params.items()})
                 for fn, params in walker.functions.wait_helpers)
    if walker.wait_results:
        roots.extend((entry.fn, {}) for entry in walker.functions.entries.values())
    visited: set[tuple[Any, ...]] = set()
    ranks: dict[int, int] = {}
    for fn, roots_map in roots:
        key = (id(fn), *((n, id(r[1])) for n, r in sorted(roots_map.items())))
        if key not in visited:
            visited.add(key)
            PayloadReads(roots_map, walker.wait_results, event_shape, wait_shapes,
                         ranks).walk_function(fn.body)
    if event_shape.fields:
        workflow.payload = event_shape.model()
    nodes = list(iter_nodes(workflow.nodes))
    for fdef in workflow.functions.values():
        nodes.extend(iter_nodes(fdef.nodes))
    for node in nodes:
        shape = wait_shapes.get(id(node))
        if shape is not None and shape.fields:
            node.payload = shape.model()


def _error(kind: tuple[str, str], path: str, line: int, col: int, message: str) -> Diagnostic:
    code, name = kind
    return Diagnostic(code, name, "error", message, path, line, col, line, col + 1)
