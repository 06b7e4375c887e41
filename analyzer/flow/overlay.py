"""Run overlay: colour a workflow's diagram by what one instance of it did.

:func:`load_instance` reads the JSON that ``GET …/accounts/{id}/workflows/{name}/instances/{id}``
returns (the bare ``result`` or the whole v4 envelope ``{"result": …, "success": …}``; the shape
of ``cloudflare.types.workflows.InstanceGetResponse``). :meth:`Overlay.bind` matches its
``steps[]`` to the step nodes of the graph:

* by type: ``step`` (and ``rollback``) ↔ ``step_do``, ``sleep`` ↔ ``step_sleep`` /
  ``step_sleep_until``, ``waitForEvent`` ↔ ``step_wait_for_event``; ``termination`` entries are
  not steps;
* by name: an exact name first; else a graph name with ``${...}`` placeholders (SEMANTICS §3.5)
  as a pattern, the one with the most literal text winning; else a ``<dynamic>`` name, which
  could be anything. A name that occurs at several places of the graph colours all of them
  (the engine keys steps by name, so they share one result), and the many runs of a step in a
  loop all land on its one node.

Each step node of the graph is then ``complete``, ``errored``, ``running``, ``waiting`` (a sleep
or a wait for an event in progress) or ``not_reached``; :attr:`Overlay.unmatched` lists the run
steps that match no node (the CLI prints them on stderr: the code has changed since that run,
or a name is built in a way the analyzer could not follow).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from wfgraph.schema import StepDo, StepSleep, StepSleepUntil, StepWaitForEvent, Workflow

from ..records import record
from .regions import iter_step_nodes

__all__ = [
    "STATUSES",
    "STATUS_LABELS",
    "NodeStatus",
    "Overlay",
    "OverlayError",
    "RunStep",
    "load_instance",
    "parse_instance",
]

STATUSES = ("complete", "errored", "running", "waiting", "not_reached")
"""Node statuses, in legend order."""

STATUS_LABELS = {
    "complete": "complete",
    "errored": "errored",
    "running": "running",
    "waiting": "waiting",
    "not_reached": "not reached",
}

# When one node stands for several runs (a loop), the most pressing status wins.
_PRIORITY = ("errored", "running", "waiting", "complete", "not_reached")

_TERMINAL = frozenset({"errored", "terminated", "complete"})

_CATEGORY = {"step": "step", "rollback": "step", "sleep": "sleep", "waitForEvent": "waitForEvent"}

PLACEHOLDER = "${...}"
DYNAMIC = "<dynamic>"


class OverlayError(ValueError):
    """The instance JSON cannot be read; the message says where and why."""


@record(frozen=True)
class RunStep:
    """One entry of the instance's ``steps[]``, classified."""

    type: str
    """``step``, ``rollback``, ``sleep`` or ``waitForEvent``."""
    name: str
    status: str
    """``complete``, ``errored``, ``running`` or ``waiting``."""
    error: str | None = None
    attempts: int = 0
    index: int = 0
    """Position in ``steps[]``."""

    def describe(self) -> str:
        text = f"{self.type} {self.name!r}: {STATUS_LABELS[self.status]}"
        if self.error:
            text += f" ({self.error})"
        return text


@record(frozen=True)
class NodeStatus:
    """The status of one graph node and the run steps behind it."""

    status: str
    runs: tuple[RunStep, ...] = ()

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def detail(self) -> str:
        """A short text for a tooltip: the status, attempts, and the last error message."""
        runs = self.runs
        if not runs:
            return STATUS_LABELS[self.status]
        if len(runs) == 1:
            run = runs[0]
            text = STATUS_LABELS[run.status]
            if run.attempts > 1:
                text += f" after {run.attempts} attempts"
            if run.error:
                text += f": {run.error}"
            return text
        counts: dict[str, int] = {}
        for run in runs:
            counts[run.status] = counts.get(run.status, 0) + 1
        parts = [f"{counts[s]} {STATUS_LABELS[s]}" for s in STATUSES if s in counts]
        text = f"{len(runs)} runs: " + ", ".join(parts)
        errors = [r.error for r in runs if r.error]
        if errors:
            text += f"; last error: {errors[-1]}"
        return text


def _aggregate(statuses: Iterable[str]) -> str | None:
    present = set(statuses)
    for status in _PRIORITY:
        if status in present:
            return status
    return None


class Overlay:
    """One instance run, to be matched against a graph with :meth:`bind`."""

    def __init__(
        self,
        status: str,
        steps: Sequence[RunStep],
        *,
        error: str | None = None,
        source: str | None = None,
    ) -> None:
        self.instance_status = status
        self.steps = list(steps)
        self.error = error
        self.source = source
        self.workflow: str | None = None
        """The class name of the workflow the run was matched to (after :meth:`bind`)."""
        self._statuses: dict[int, NodeStatus] = {}
        self._unmatched: list[RunStep] = []
        self._bound: tuple[int, ...] | None = None

    def __repr__(self) -> str:
        return (
            f"Overlay(status={self.instance_status!r}, steps={len(self.steps)}, "
            f"workflow={self.workflow!r})"
        )

    @property
    def unmatched(self) -> list[RunStep]:
        """Run steps that match no node of the bound workflow (all of them before :meth:`bind`)."""
        if self._bound is None:
            return [s for s in self.steps]
        return list(self._unmatched)

    def bind(self, workflows: Sequence[Workflow] | Sequence[tuple[str, Workflow]]) -> Overlay:
        """Match the run's steps to the step nodes of the workflow they fit best.

        ``workflows`` are the ones being drawn (``Workflow`` objects or ``(name, Workflow)``
        pairs). The run belongs to one of them: the one with the most matched steps (the first
        on a tie); the others get no status. Idempotent for the same workflows.
        """
        wfs = [w[1] if isinstance(w, tuple) else w for w in workflows]
        key = tuple(id(w) for w in wfs)
        if self._bound == key:
            return self
        best: tuple[int, Workflow | None, dict[int, list[RunStep]], list[RunStep]] = (
            -1,
            None,
            {},
            list(self.steps),
        )
        for wf in wfs:
            runs_by_node, unmatched = _match(wf, self.steps)
            matched = len(self.steps) - len(unmatched)
            if matched > best[0]:
                best = (matched, wf, runs_by_node, unmatched)
        _, wf, runs_by_node, unmatched = best
        self._statuses = {}
        if wf is not None:
            for node in _graph_steps(wf):
                runs = tuple(runs_by_node.get(id(node), ()))
                status = _aggregate(r.status for r in runs) if runs else "not_reached"
                self._statuses[id(node)] = NodeStatus(status or "not_reached", runs)
        self.workflow = wf.class_name if wf is not None else None
        self._unmatched = unmatched
        self._bound = key
        return self

    def node_status(self, node: Any) -> NodeStatus | None:
        """The status of a schema step node of the bound workflow; None for other nodes."""
        return self._statuses.get(id(node))

    def summary_status(self, nodes: Iterable[Any]) -> NodeStatus | None:
        """One status for the step nodes under ``nodes`` (a collapsed region of the diagram)."""
        found = [s for n in iter_step_nodes(nodes) if (s := self._statuses.get(id(n))) is not None]
        if not found:
            return None
        status = _aggregate(s.status for s in found) or "not_reached"
        return NodeStatus(status, tuple(r for s in found for r in s.runs))


# --- matching ------------------------------------------------------------------------------------


def _graph_steps(wf: Workflow) -> list[Any]:
    nodes = list(iter_step_nodes(wf.nodes))
    for fdef in wf.functions.values():
        nodes.extend(iter_step_nodes(fdef.nodes))
    return nodes


def _category(node: Any) -> str:
    if isinstance(node, StepDo):
        return "step"
    if isinstance(node, (StepSleep, StepSleepUntil)):
        return "sleep"
    assert isinstance(node, StepWaitForEvent)
    return "waitForEvent"


def _pattern(name: str) -> tuple[re.Pattern[str], int]:
    parts = name.split(PLACEHOLDER)
    return re.compile(".*".join(re.escape(p) for p in parts), re.S), sum(len(p) for p in parts)


def _match(
    wf: Workflow, steps: Sequence[RunStep]
) -> tuple[dict[int, list[RunStep]], list[RunStep]]:
    exact: dict[tuple[str, str], list[Any]] = {}
    patterns: dict[str, list[tuple[re.Pattern[str], int, Any]]] = {}
    dynamic: dict[str, list[Any]] = {}
    for node in _graph_steps(wf):
        cat = _category(node)
        if node.name == DYNAMIC:
            dynamic.setdefault(cat, []).append(node)
        elif PLACEHOLDER in node.name or DYNAMIC in node.name:
            pattern, weight = _pattern(node.name.replace(DYNAMIC, PLACEHOLDER))
            patterns.setdefault(cat, []).append((pattern, weight, node))
        else:
            exact.setdefault((cat, node.name), []).append(node)
    runs_by_node: dict[int, list[RunStep]] = {}
    unmatched: list[RunStep] = []
    for step in steps:
        cat = _CATEGORY.get(step.type)
        targets: list[Any] = []
        if cat is not None:
            targets = exact.get((cat, step.name), [])
            if not targets:
                hits = [(w, n) for p, w, n in patterns.get(cat, []) if p.fullmatch(step.name)]
                if hits:
                    top = max(w for w, _ in hits)
                    targets = [n for w, n in hits if w == top]
            if not targets:
                targets = dynamic.get(cat, [])
        if not targets:
            unmatched.append(step)
            continue
        for node in targets:
            runs_by_node.setdefault(id(node), []).append(step)
    return runs_by_node, unmatched


# --- reading the instance JSON -------------------------------------------------------------------


def _error_text(err: Any) -> str | None:
    if not isinstance(err, dict):
        return None if err is None else str(err)
    name, message = err.get("name"), err.get("message")
    if name and message:
        return f"{name}: {message}"
    return message or name or None


def _classify(raw: dict[str, Any], index: int, instance_status: str) -> RunStep | None:
    kind = raw.get("type")
    if kind == "termination" or kind not in _CATEGORY:
        return None
    name = raw.get("name")
    if not isinstance(name, str):
        raise OverlayError(f"steps[{index}]: a {kind} entry without a name")
    terminal = instance_status in _TERMINAL
    if kind in ("step", "rollback"):
        attempts = raw.get("attempts") or []
        errors = [
            _error_text(a.get("error")) for a in attempts if isinstance(a, dict) and a.get("error")
        ]
        last_error = errors[-1] if errors else None
        success = raw.get("success")
        if success is True:
            return RunStep(kind, name, "complete", None, len(attempts), index)
        if success is False:
            return RunStep(
                kind,
                name,
                "errored",
                last_error or _error_text(raw.get("error")) or "failed",
                len(attempts),
                index,
            )
        if terminal:
            return RunStep(
                kind,
                name,
                "errored",
                last_error or f"did not finish: instance {instance_status}",
                len(attempts),
                index,
            )
        note = f"retrying after {last_error}" if last_error else None
        return RunStep(kind, name, "running", note, len(attempts), index)
    error = _error_text(raw.get("error"))
    if error:
        return RunStep(kind, name, "errored", error, 0, index)
    if raw.get("finished"):
        return RunStep(kind, name, "complete", None, 0, index)
    if terminal:
        return RunStep(
            kind, name, "errored", f"did not finish: instance {instance_status}", 0, index
        )
    return RunStep(kind, name, "waiting", None, 0, index)


def parse_instance(data: Any, *, source: str | None = None) -> Overlay:
    """An :class:`Overlay` from the decoded JSON of an instance (bare or in the v4 envelope)."""
    where = source or "instance JSON"
    if (
        isinstance(data, dict)
        and "result" in data
        and ("success" in data or "errors" in data or "steps" not in data)
    ):
        if data.get("success") is False and not data.get("result"):
            msgs = "; ".join(
                str(e.get("message", e)) if isinstance(e, dict) else str(e)
                for e in data.get("errors") or []
            )
            raise OverlayError(f"{where}: the API call failed: {msgs or 'success is false'}")
        data = data["result"]
    if not isinstance(data, dict):
        raise OverlayError(
            f"{where}: expected a JSON object (an instance), got {type(data).__name__}"
        )
    steps = data.get("steps")
    status = data.get("status")
    if not isinstance(steps, list) or not isinstance(status, str):
        raise OverlayError(
            f"{where}: not a workflow instance: needs 'status' and 'steps' "
            "(GET …/workflows/NAME/instances/ID)"
        )
    out = []
    for i, raw in enumerate(steps):
        if not isinstance(raw, dict):
            raise OverlayError(f"{where}: steps[{i}] is not an object")
        step = _classify(raw, i, status)
        if step is not None:
            out.append(step)
    return Overlay(status, out, error=_error_text(data.get("error")), source=source)


def load_instance(path: str | Path) -> Overlay:
    """Read an instance's JSON from ``path`` (``-`` for standard input)."""
    name = str(path)
    try:
        text = sys.stdin.read() if name == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise OverlayError(f"{name}: cannot read: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OverlayError(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    return parse_instance(data, source=name)
