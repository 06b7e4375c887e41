"""``wfgraph graph``: the JSON Cloudflare's API serves for each workflow (SEMANTICS §1)."""

from __future__ import annotations

from typing import Any, TextIO

from ..emit import json as emit_json
from .common import (EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Run, analyze_paths, print_errors,
                     selected_workflows, workflow_key)
from .usage import UsageError


def run_graph(paths: list[str], class_name: str | None, with_envelope: bool, compact: bool,
              out: TextIO, err: TextIO, exclude: tuple[str, ...] = (),
              implicit: bool | None = None, ids: dict[str, Any] | None = None,
              stdin_filename: str | None = None) -> int:
    if with_envelope and not (ids or {}).get("created_on"):
        try:
            emit_json.source_date_epoch()
        except ValueError as exc:
            raise UsageError(str(exc), usage=False) from None
    # Graphs only: analysed in worker processes when there are many files, without locating
    # graph nodes (the JSON has no positions).
    run = analyze_paths(paths, exclude, implicit, err, portable=True, positions=False,
                        stdin_filename=stdin_filename)
    print_errors(run.errors, err)
    documents = collect(run, class_name, with_envelope, ids or {}, err)
    if documents is None:
        return EXIT_ERROR
    if not documents:
        if run.errors:
            return EXIT_ERROR
        where = paths[0] if len(paths) == 1 else "the given paths"
        print(f"{where}: no workflow with steps found", file=err)
        return EXIT_FINDINGS
    if len(documents) == 1 and not run.many:
        payload: Any = next(iter(documents.values()))
    else:
        payload = documents
    out.write(emit_json.dumps(payload, compact))
    return EXIT_ERROR if run.errors else EXIT_OK


def collect(run: Run, class_name: str | None, with_envelope: bool, ids: dict[str, Any],
            err: TextIO) -> dict[str, Any] | None:
    """Graphs keyed by class name (one file) or by ``path::class`` (several files), in the
    canonical file order (files.py) and, within a file, in source order."""
    selected = selected_workflows(run, class_name, err)
    if selected is None:
        return None
    documents: dict[str, Any] = {}
    for result, wf in selected:
        assert wf.graph is not None
        key = workflow_key(run, result, wf)
        if with_envelope:
            documents[key] = emit_json.envelope(wf.class_name, wf.graph, **ids)
        else:
            documents[key] = emit_json.graph_data(wf.graph)
    return documents
