"""The analyzer's entry point: a file's text → its workflows' graphs and the walker's facts.

Nothing here imports or runs the analysed code: it is parsed with libcst and walked.
"""

from __future__ import annotations

import ast
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libcst as cst

from wfgraph.schema import Graph, Workflow

from .python import facts as F
from .diagnostics import ANALYSIS_ERROR, PARSE_ERROR, UNRESOLVED_BASE, Diagnostic
from .python.diagram_info import attach_sequence
from .python.facts import Fact
from .python.functions import has_steps, iter_nodes
from .python.module_index import ModuleIndex
from .python.parse import parse_module
from .python.payload import PayloadReads, Shape
from .python.source import SourceFile, Span
from .python.walker import Walker

RECURSION_LIMIT = 20_000


@dataclass
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


@dataclass
class FileAnalysis:
    path: str
    source: SourceFile | None
    workflows: list[WorkflowAnalysis] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    notes: list[Diagnostic] = field(default_factory=list)
    """Things worth saying that are not errors (a class that may be a workflow but cannot be
    followed)."""

    def span(self, node: Any) -> Span:
        """Where a libcst node or a graph node (through its ``_src``) stands."""
        if self.source is None:
            return Span(1, 1, 1, 1)
        src = getattr(node, "_src", node)
        return self.source.span(src if isinstance(src, cst.CSTNode) else None)

    def locate(self, node: Any) -> str | None:
        if getattr(node, "_src", None) is None:
            return None
        return f"{self.path}:{self.span(node).line}"

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
    return analyze_source(text, name, implicit)


def analyze_source(text: str, path: str = "<string>", implicit: bool | None = None) -> FileAnalysis:
    """Parse and walk ``text``. ``implicit`` selects the step.do mode (python-sdk §2.0): True
    (parameters name dependencies), False (legacy ``depends=``), None (accept both)."""
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, RECURSION_LIMIT))
    try:
        return _analyze(text, path, implicit)
    except RecursionError:
        return FileAnalysis(path=path, source=None, errors=[_error(
            ANALYSIS_ERROR, path, 1, 1, "nesting is too deep to analyse")])
    finally:
        sys.setrecursionlimit(old_limit)


def _analyze(text: str, path: str, implicit: bool | None) -> FileAnalysis:
    try:
        module = parse_module(text)
    except cst.ParserSyntaxError as exc:
        return FileAnalysis(path=path, source=None, errors=[syntax_error(text, path, exc)])
    result = FileAnalysis(path=path, source=SourceFile(path, text, module))
    index = ModuleIndex.build(module)
    classes = index.workflow_classes()
    bases = {id(b) for c in classes for b in index.local_bases(c)}
    for cls in classes:
        analysis = analyze_class(index, cls, implicit)
        if analysis.run is None and id(cls) in bases and not analysis.facts:
            continue  # an abstract base of other workflows: not an entrypoint of its own
        result.workflows.append(analysis)
    for cls, base in index.unresolved_workflow_candidates():
        span = result.span(cls.name)
        result.notes.append(Diagnostic(
            *UNRESOLVED_BASE, "info", f"{cls.name.value} has a run(self, event, step) method but "
            f"derives from {base}, which this module does not define: not analysed (wfgraph reads "
            "one module at a time)", path, span.line, span.column, span.end_line, span.end_column))
    return result


def analyze_class(index: ModuleIndex, cls: cst.ClassDef, implicit: bool | None) -> WorkflowAnalysis:
    name = cls.name.value
    run = index.find_method(cls, "run")
    walker = Walker(index, cls, implicit)
    if run is None:
        legacy = index.find_method(cls, "on_run")
        if legacy is not None:
            walker.fact(F.LEGACY_ON_RUN, legacy.name, f"{name} defines on_run, the legacy entry "
                        "point; the runtime calls run(self, event, step)")
            return WorkflowAnalysis(name, cls, None, None, walker.facts,
                                    "defines on_run (the legacy API), not run: not graphed")
        return WorkflowAnalysis(name, cls, None, None, walker.facts, "has no run method: no graph")
    if run.asynchronous is None:
        walker.fact(F.RUN_NOT_ASYNC, run.name, f"{name}.run is not async: its steps cannot be awaited")
    nodes = walker.walk_run(run)
    params = [p.name.value for p in run.params.params]
    event_name = params[1] if len(params) > 1 else None
    step_name = params[2] if len(params) > 2 else None
    walker.functions.analyze_uncalled_methods(event_name, step_name)
    walker.report_leftovers()
    functions = walker.functions.finish(nodes)
    if not has_steps(nodes) and not functions:
        return finished(WorkflowAnalysis(name, cls, run, None, reason="runs no steps: no graph"), walker)
    workflow = attach_sequence(Workflow(class_name=name, functions=functions, nodes=nodes),
                               walker.run_seq)
    apply_payloads(walker, run, event_name, workflow)
    return finished(WorkflowAnalysis(name, cls, run, Graph(workflow=workflow)), walker)


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
    roots: list[tuple[cst.FunctionDef, tuple[str, ...]]] = [(run, (event_name,) if event_name else ())]
    roots.extend(walker.functions.event_helpers)
    if walker.wait_results:
        roots.extend((entry.fn, ()) for entry in walker.functions.entries.values())
    visited: set[tuple[int, tuple[str, ...]]] = set()
    for fn, names in roots:
        if (id(fn), names) not in visited:
            visited.add((id(fn), names))
            roots_map = {n: ("event", None) for n in names}
            PayloadReads(roots_map, walker.wait_results, event_shape, wait_shapes).walk(fn.body)
    if event_shape.fields:
        workflow.payload = event_shape.model()
    nodes = list(iter_nodes(workflow.nodes))
    for fdef in workflow.functions.values():
        nodes.extend(iter_nodes(fdef.nodes))
    for node in nodes:
        shape = wait_shapes.get(id(node))
        if shape is not None and shape.fields:
            node.payload = shape.model()


def syntax_error(text: str, path: str, exc: cst.ParserSyntaxError) -> Diagnostic:
    """Python's own message and position when it agrees the text is invalid (it words them
    better); libcst's otherwise."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as py:
        if py.lineno:
            return _error(PARSE_ERROR, path, py.lineno, py.offset or 1, f"syntax error: {py.msg}")
    except (ValueError, RecursionError, MemoryError):
        pass
    message = str(exc.message).splitlines()[0] if exc.message else "invalid syntax"
    return _error(PARSE_ERROR, path, exc.raw_line, exc.raw_column + 1, f"syntax error: {message}")


def _error(kind: tuple[str, str], path: str, line: int, col: int, message: str) -> Diagnostic:
    code, name = kind
    return Diagnostic(code, name, "error", message, path, line, col, line, col + 1)
