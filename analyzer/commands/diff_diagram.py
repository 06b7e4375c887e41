"""``wfgraph diff --format mermaid|dot``: HEAD's diagram with the changes marked (added,
renamed with "was: …", changed, moved; removed steps as dashed ghosts where BASE had them) and
a legend, for a pull-request comment."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TextIO

from ..analysis import FileAnalysis
from ..checks.diff.compare import DiffResult
from ..checks.diff.marking import mark_changes
from ..python.functions import iter_nodes
from .common import EXIT_OK
from .diagram import emit_one


def write_diagram(args: argparse.Namespace, result: DiffResult, title: str, out: TextIO,
                  err: TextIO) -> int:
    workflows, marks = mark_changes(result.workflows, title)
    for wf in result.workflows:
        if wf.status == "removed":
            print(f"note: {wf.class_name} is removed: not drawn", file=err)
    if not workflows:
        print("note: no workflow changed: nothing to draw", file=err)
        return EXIT_OK
    if args.format == "mermaid":
        from ..emit.mermaid import render_mermaid

        diagram = render_mermaid(workflows, marks=marks)
        for note in diagram.notes:
            print(f"note: {note}", file=err)
        return emit_one(str(diagram), args.output, "mermaid", out, err)
    from ..emit.dot import render_dot

    return emit_one(render_dot(workflows, _locate(result), marks=marks), args.output, "dot", out, err)


def _locate(result: DiffResult) -> Callable[[object], str | None]:
    """``file:line`` tooltips for HEAD's nodes."""
    owners: dict[int, FileAnalysis] = {}
    for wf in result.workflows:
        if wf.head is not None and wf.head.file is not None:
            workflow = wf.head.workflow
            for body in [workflow.nodes, *(f.nodes for f in workflow.functions.values())]:
                for node in iter_nodes(body):
                    owners[id(node)] = wf.head.file

    def locate(node: object) -> str | None:
        file = owners.get(id(node))
        return file.locate(node) if file is not None else None

    return locate
