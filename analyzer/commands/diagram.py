"""``wfgraph dot`` and ``wfgraph mermaid``: diagrams of every workflow found in the paths."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from wfgraph.schema import Workflow

from ..analysis import FileAnalysis
from ..python.functions import iter_nodes
from .common import (EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Run, analyze_paths, print_errors,
                     selected_workflows, workflow_key)


def run_diagram(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    run = analyze_paths(args.paths, tuple(args.exclude), args.implicit, err, portable=True)
    print_errors(run.errors, err)
    workflows, owners = select(run, args.class_name, err)
    if workflows is None:
        return EXIT_ERROR
    if not workflows:
        if not run.errors:
            print(f"{args.paths[0] if len(args.paths) == 1 else 'the given paths'}: "
                  "no workflow with steps found", file=err)
        return EXIT_ERROR if run.errors else EXIT_FINDINGS
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

    code = _write(args, workflows, locate, overlay, out, err)
    if overlay is not None:
        for step in overlay.unmatched:
            print(f"{args.instance}: run step matches no node of the graph: {step.describe()}", file=err)
    return code if code != EXIT_OK else (EXIT_ERROR if run.errors else EXIT_OK)


def _write(args: argparse.Namespace, workflows: list[tuple[str, Workflow]], locate: Any,
           overlay: Any, out: TextIO, err: TextIO) -> int:
    if args.command == "mermaid":
        from ..emit.mermaid import render_mermaid

        diagram = render_mermaid(workflows, depth=args.depth, overlay=overlay)
        for note in diagram.notes:
            print(f"note: {note}", file=err)
        return _emit_text(str(diagram), args.output, out, err)
    from ..emit.dot import render_dot

    text = render_dot(workflows, locate, depth=args.depth, overlay=overlay)
    return _emit_dot(text, args.output, out, err)


def _emit_dot(text: str, output: str | None, out: TextIO, err: TextIO) -> int:
    """DOT text to stdout, or rendered to ``output`` by its suffix (.dot, .svg, .png…)."""
    from ..emit.dot import GraphvizNotFound, render_image

    if not output:
        out.write(text)
        return EXIT_OK
    try:
        render_image(text, output)
    except GraphvizNotFound as exc:
        print(f"{output}: {exc}", file=err)
        return EXIT_ERROR
    except (ValueError, RuntimeError, OSError) as exc:
        print(exc, file=err)
        return EXIT_ERROR
    return EXIT_OK


def _emit_text(text: str, output: str | None, out: TextIO, err: TextIO) -> int:
    if not output:
        out.write(text)
        return EXIT_OK
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"{output}: cannot write: {exc.strerror or exc}", file=err)
        return EXIT_ERROR
    return EXIT_OK


def select(run: Run, class_name: str | None,
           err: TextIO) -> tuple[list[tuple[str, Workflow]] | None, dict[int, FileAnalysis]]:
    """The workflows to draw with their titles, and which file each graph node came from (for
    ``file:line`` tooltips)."""
    selected = selected_workflows(run, class_name, err)
    owners: dict[int, FileAnalysis] = {}
    if selected is None:
        return None, owners
    workflows: list[tuple[str, Workflow]] = []
    for result, wf in selected:
        assert wf.graph is not None
        workflow = wf.graph.workflow
        workflows.append((workflow_key(run, result, wf), workflow))
        for fdef in [workflow, *workflow.functions.values()]:
            for node in iter_nodes(fdef.nodes):
                owners[id(node)] = result
    return workflows, owners
