"""``wfgraph dot`` and ``wfgraph mermaid``: diagrams of every workflow found in the paths, to
stdout, to files (``-o``), or into Markdown (``mermaid --update``); ``--check`` compares
instead of writing (diagram_outputs.py, markdown_update.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from ..analysis import FileAnalysis
from ..python.functions import iter_nodes
from .common import (EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Run, analyze_paths, print_errors,
                     selected_workflows, workflow_key)
from .diagram_outputs import Drawn, Output, OutputError, module_name, plan_outputs


def run_diagram(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    problem = _usage_problem(args)
    if problem:
        print(f"wfgraph {args.command}: error: {problem}", file=err)
        return EXIT_ERROR
    if getattr(args, "update", None):
        from .markdown_update import run_update

        return run_update(args, err)
    run = analyze_paths(args.paths, tuple(args.exclude), args.implicit, err, portable=True)
    print_errors(run.errors, err)
    drawn, owners = select(run, args.class_name, args.paths, err)
    if drawn is None:
        return EXIT_ERROR
    if not drawn:
        if not run.errors:
            print(f"{args.paths[0] if len(args.paths) == 1 else 'the given paths'}: "
                  "no workflow with steps found", file=err)
        return EXIT_ERROR if run.errors else EXIT_FINDINGS
    try:
        outputs = plan_outputs(args.output, args.command, drawn) if args.output else None
    except OutputError as exc:
        print(f"wfgraph {args.command}: error: {exc}", file=err)
        return EXIT_ERROR
    if args.instance and outputs is not None and len(outputs) > 1:
        print(f"wfgraph {args.command}: error: --instance colours one run: write one diagram "
              "(select a workflow with --class, or -o without {class})", file=err)
        return EXIT_ERROR
    overlay = None
    if args.instance:
        from ..flow.overlay import OverlayError, load_instance

        try:
            overlay = load_instance(args.instance)
        except OverlayError as exc:
            print(exc, file=err)
            return EXIT_ERROR

    def locate(node: Any) -> str | None:
        result = owners.get(id(node))
        return result.locate(node) if result is not None else None

    renderer = Renderer(args, locate, overlay, err)
    if outputs is None:
        code = renderer.to_stdout([(d.title, d.workflow) for d in drawn], out)
    elif args.check:
        code = renderer.check(outputs)
    else:
        code = renderer.write(outputs)
    if overlay is not None:
        for step in overlay.unmatched:
            print(f"{args.instance}: run step matches no node of the graph: {step.describe()}", file=err)
    return code if code != EXIT_OK else (EXIT_ERROR if run.errors else EXIT_OK)


def _usage_problem(args: argparse.Namespace) -> str | None:
    update = getattr(args, "update", None)
    if update:
        if args.paths or args.output or args.instance:
            return "--update takes its paths from the markers in the Markdown file: give no " \
                   "PATH, -o or --instance with it"
        return None
    if not args.paths:
        return "give a PATH (a file or directory)" + (
            ", or --update FILE.md" if args.command == "mermaid" else "")
    if args.check and not args.output:
        return "--check compares files: give -o" + (
            " or --update" if args.command == "mermaid" else "")
    return None


class Renderer:
    """Turns workflows into the text or bytes of one output, and writes or checks them."""

    def __init__(self, args: argparse.Namespace, locate: Any, overlay: Any, err: TextIO) -> None:
        self.args, self.locate, self.overlay, self.err = args, locate, overlay, err
        self.scale = getattr(args, "scale", 1.0) or 1.0

    def text(self, workflows: list[tuple[str, Any]]) -> str:
        """DOT or Mermaid text of one diagram."""
        if self.args.command == "mermaid":
            from ..emit.mermaid import render_mermaid

            diagram = render_mermaid(workflows, depth=self.args.depth, overlay=self.overlay)
            for note in diagram.notes:
                print(f"note: {note}", file=self.err)
            return str(diagram)
        from ..emit.dot import render_dot

        return render_dot(workflows, self.locate, depth=self.args.depth, overlay=self.overlay)

    def to_stdout(self, workflows: list[tuple[str, Any]], out: TextIO) -> int:
        out.write(self.text(workflows))
        return EXIT_OK

    def write(self, outputs: list[Output]) -> int:
        for output in outputs:
            code = write_diagram(self.text(output.workflows()), output.path, self.args.command,
                                 output.fmt, self.scale, self.err)
            if code != EXIT_OK:
                return code
        return EXIT_OK

    def check(self, outputs: list[Output]) -> int:
        """Exit 1 naming each output that is missing or differs from what would be written."""
        from ..emit.image import IMAGE_FORMATS, TEXT_FORMATS, rendered_dot
        from ..emit.recorded import RECORDING_FORMATS, recorded_source

        stale = 0
        for output in outputs:
            text = self.text(output.workflows())
            fmt = output.fmt
            if self.args.command == "dot" and fmt not in (*TEXT_FORMATS, *IMAGE_FORMATS):
                print(f"{output.path}: unknown diagram format {'.' + fmt!r}; use .dot, .svg or "
                      ".png", file=self.err)
                return EXIT_ERROR
            reason = None
            try:
                data = output.path.read_bytes()
            except FileNotFoundError:
                reason = "missing"
            except OSError as exc:
                print(f"{output.path}: cannot read: {exc.strerror or exc}", file=self.err)
                return EXIT_ERROR
            if reason is None:
                if self.args.command == "mermaid" or fmt in TEXT_FORMATS:
                    found: str | None = data.decode("utf-8", "replace")
                    expected = text
                elif fmt in RECORDING_FORMATS:
                    found = recorded_source(data, fmt)
                    expected = rendered_dot(text, fmt, self.scale)
                    if found is None:
                        reason = "records no DOT to compare with (written by another tool?)"
                else:
                    found, expected = None, text
                    reason = "cannot be checked: only .dot, .svg and .png record what they draw"
                if reason is None and found != expected:
                    reason = "stale: the code draws something else now"
            if reason is not None:
                stale += 1
                print(f"{output.path}: {reason}", file=self.err)
        if stale:
            print(f"{stale} of {len(outputs)} diagram{'s' if len(outputs) != 1 else ''} not up "
                  "to date; run the same command without --check to write them", file=self.err)
            return EXIT_FINDINGS
        return EXIT_OK


def emit_one(text: str, output: str | None, command: str, out: TextIO, err: TextIO) -> int:
    """One diagram's text to stdout, or to ``output`` (DOT rendered by its suffix): for
    diagrams drawn elsewhere (``wfgraph diff --format dot|mermaid``)."""
    if not output:
        out.write(text)
        return EXIT_OK
    path = Path(output)
    return write_diagram(text, path, command, path.suffix.lstrip(".").lower(), 1.0, err)


def write_diagram(text: str, path: Path, command: str, fmt: str, scale: float, err: TextIO) -> int:
    """Mermaid text as is; DOT rendered to ``fmt`` (.dot, .svg, .png), then written."""
    from ..emit.image import GraphvizNotFound, render_bytes

    try:
        data = text.encode("utf-8") if command == "mermaid" else render_bytes(text, fmt, scale, path)
    except GraphvizNotFound as exc:
        print(f"{path}: {exc}", file=err)
        return EXIT_ERROR
    except (ValueError, RuntimeError) as exc:
        print(exc, file=err)
        return EXIT_ERROR
    return EXIT_OK if write_bytes(path, data, err) else EXIT_ERROR


def write_bytes(path: Path, data: bytes, err: TextIO) -> bool:
    """Write ``data``, making the folders it goes in (``-o 'docs/diagrams/{class}.svg'`` in a
    fresh checkout); on failure say ``path: cannot write: reason`` (dot and mermaid alike)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        print(f"{path}: cannot write: {exc.strerror or exc}", file=err)
        return False
    return True


def select(run: Run, class_name: str | None, roots: list[str],
           err: TextIO) -> tuple[list[Drawn] | None, dict[int, FileAnalysis]]:
    """The workflows to draw, and which file each graph node came from (for ``file:line``
    tooltips)."""
    selected = selected_workflows(run, class_name, err)
    owners: dict[int, FileAnalysis] = {}
    if selected is None:
        return None, owners
    drawn: list[Drawn] = []
    for result, wf in selected:
        assert wf.graph is not None
        workflow = wf.graph.workflow
        drawn.append(Drawn(workflow_key(run, result, wf), wf.class_name,
                           module_name(result.path, roots), workflow))
        for fdef in [workflow, *workflow.functions.values()]:
            for node in iter_nodes(fdef.nodes):
                owners[id(node)] = result
    return drawn, owners
