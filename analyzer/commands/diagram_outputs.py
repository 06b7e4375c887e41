"""Where ``wfgraph dot`` / ``wfgraph mermaid`` write, and whether what is there is fresh.

``-o FILE`` writes one diagram of every selected workflow. ``-o DIR/`` and templates with
``{class}`` / ``{module}`` (``-o 'docs/{class}.svg'``) write one file per workflow. ``--check``
writes nothing and compares: DOT and Mermaid as text, SVG and PNG by the DOT recorded in them
(``emit/recorded.py``), since Graphviz versions draw the same DOT differently.
"""

from __future__ import annotations

import os
import re
from dataclasses import field
from pathlib import Path

from wfgraph.schema import Workflow

from ..records import record

__all__ = ["Drawn", "Output", "OutputError", "module_name", "plan_outputs"]

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDERS = ("class", "module")
DIRECTORY_SUFFIX = {"dot": "svg", "mermaid": "mmd"}
"""What ``-o DIR/`` writes for each workflow: SVG for docs (DOT needs ``'DIR/{class}.dot'``)."""


class OutputError(ValueError):
    """An ``-o`` target that cannot be used (a usage error)."""


@record
class Drawn:
    """A workflow to draw: its title in a diagram of several, its class and module names."""

    title: str
    class_name: str
    module: str
    workflow: Workflow


@record
class Output:
    """One file to write (or check), and the workflows its diagram holds."""

    path: Path
    drawn: list[Drawn] = field(default_factory=list)
    own: bool = False
    """One workflow's own file (``{class}`` in the path): titled by its class alone."""

    @property
    def fmt(self) -> str:
        return self.path.suffix.lower().lstrip(".")

    def workflows(self) -> list[tuple[str, Workflow]]:
        """(title, workflow) pairs, as the diagram titles them."""
        return [(d.class_name if self.own else d.title, d.workflow) for d in self.drawn]


def module_name(path: str, roots: list[str]) -> str:
    """The dotted module of ``path`` as seen from the PATH argument it was found under: a file
    argument is its own stem, a directory argument's files are named from inside it
    (``src/app/flows.py`` under ``src`` → ``app.flows``)."""
    target = Path(path)
    for root in roots:
        base = Path(root)
        if base.is_dir():
            try:
                rel = target.relative_to(base)
            except ValueError:
                continue
            parts = list(rel.with_suffix("").parts)
            if parts and parts[-1] == "__init__" and len(parts) > 1:
                parts.pop()
            return ".".join(parts)
    return target.stem


def plan_outputs(target: str, command: str, drawn: list[Drawn]) -> list[Output]:
    """The files ``-o target`` stands for, each with its workflows."""
    if _is_directory(target):
        target = os.path.join(target, "{class}." + DIRECTORY_SUFFIX[command])
    names = PLACEHOLDER.findall(target)
    unknown = sorted({n for n in names if n not in PLACEHOLDERS})
    if unknown:
        raise OutputError(f"-o {target}: unknown placeholder {{{unknown[0]}}}; "
                          "use {class} and {module}")
    if not names:
        return [Output(Path(target), list(drawn))]
    outputs: dict[Path, Output] = {}
    for item in drawn:
        values = {"class": item.class_name, "module": item.module}
        path = Path(PLACEHOLDER.sub(lambda m: values[m.group(1)], target))
        if path in outputs:
            other = outputs[path].drawn[0]
            missing = "{module}" if "{module}" not in target else "{class}"
            raise OutputError(f"-o {target}: {other.title} and {item.title} would both be "
                              f"written to {path}; add {missing} to the path")
        outputs[path] = Output(path, [item], own=True)
    return list(outputs.values())


def _is_directory(target: str) -> bool:
    return target.endswith(("/", os.sep)) or (not PLACEHOLDER.search(target) and Path(target).is_dir())
