"""analyzer/flow/overlay.py: reading an instance's JSON and matching its steps to graph nodes."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest

from wfgraph.analyzer.flow.build import iter_step_nodes
from wfgraph.analyzer.flow.overlay import Overlay, OverlayError, load_instance, parse_instance
from wfgraph.schema import Workflow

DATA = Path(__file__).parent / "data" / "diagrams"
DEFAULT = {"retries": {"limit": 5, "delay": 1000, "backoff": "exponential"}, "timeout": 10000}


def fixture(name: str) -> Workflow:
    return Workflow.model_validate(json.loads((DATA / name).read_text(encoding="utf-8")))


def statuses(overlay: Overlay, wf: Workflow) -> dict[str, str]:
    nodes = list(iter_step_nodes(wf.nodes))
    for f in wf.functions.values():
        nodes.extend(iter_step_nodes(f.nodes))
    out = {}
    for node in nodes:
        st = overlay.node_status(node)
        out[node.name] = st.status if st else None
    return out


def step_run(
    name: str, success: bool | None = True, error: str | None = None, type_: str = "step"
) -> dict:
    attempt = {
        "start": "2025-01-01T00:00:00Z",
        "end": None if success is None else "2025-01-01T00:00:01Z",
        "success": success,
        "error": {"name": "Error", "message": error} if error else None,
    }
    return {
        "type": type_,
        "name": name,
        "start": "2025-01-01T00:00:00Z",
        "end": attempt["end"],
        "success": success,
        "output": None,
        "config": {
            "retries": {"limit": 5, "delay": 1000, "backoff": "exponential"},
            "timeout": 10000,
        },
        "attempts": [attempt],
    }


def instance(steps: list[dict], status: str = "running") -> dict:
    return {
        "status": status,
        "steps": steps,
        "error": None,
        "output": "",
        "params": {},
        "queued": "2025-01-01T00:00:00Z",
        "start": "2025-01-01T00:00:00Z",
        "end": None,
        "step_count": len(steps),
        "success": None,
        "trigger": {"source": "api"},
        "versionId": "v",
    }


def wf(nodes: list[dict], functions: dict | None = None) -> Workflow:
    return Workflow.model_validate(
        {"class_name": "W", "functions": functions or {}, "nodes": nodes}
    )


def do(name: str) -> dict:
    return {"type": "step_do", "name": name, "config": copy.deepcopy(DEFAULT), "nodes": []}


# --- the fixtures are real instance responses ----------------------------------------------------


@pytest.mark.parametrize("name", ["order_instance_errored.json", "order_instance_running.json"])
def test_fixtures_validate_against_the_cloudflare_sdk(name):
    types = pytest.importorskip("cloudflare.types.workflows")
    data = json.loads((DATA / name).read_text(encoding="utf-8"))
    result = data["result"] if "success" in data and "result" in data else data
    model = types.InstanceGetResponse.model_validate(result)
    assert model.status in ("errored", "running") and model.steps


# --- reading -------------------------------------------------------------------------------------


def test_envelope_and_bare_result_read_the_same(tmp_path):
    envelope = json.loads((DATA / "order_instance_errored.json").read_text(encoding="utf-8"))
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(envelope["result"]), encoding="utf-8")
    a, b = load_instance(DATA / "order_instance_errored.json"), load_instance(bare)
    assert a.instance_status == b.instance_status == "errored"
    assert a.steps == b.steps
    assert a.error == "Error: on-call pager unavailable"
    # The termination entry is not a step.
    assert len(a.steps) == 11 and all(s.type != "termination" for s in a.steps)


def test_step_classification():
    ov = load_instance(DATA / "order_instance_errored.json")
    by_name = {s.name: s for s in ov.steps}
    assert by_name["charge card"].status == "complete" and by_name["charge card"].attempts == 2
    assert by_name["wait for batch"].status == "complete"
    assert by_name["await delivery"].status == "errored"
    assert (
        by_name["await delivery"].error
        == "WorkflowTimeoutError: Execution timed out after 604800000ms"
    )
    assert by_name["page on-call"].status == "errored"
    assert by_name["page on-call"].error == "Error: on-call pager unavailable"
    run = load_instance(DATA / "order_instance_running.json")
    retrying = next(s for s in run.steps if s.name == "sync item 2")
    assert retrying.status == "running" and "upstream 503" in retrying.error


def test_waiting_and_interrupted():
    sleeping = {
        "type": "sleep",
        "name": "nap",
        "start": "2025-01-01T00:00:00Z",
        "end": "2025-01-02T00:00:00Z",
        "finished": False,
        "error": None,
    }
    waiting = {
        "type": "waitForEvent",
        "name": "approval",
        "start": "2025-01-01T00:00:00Z",
        "end": "2025-01-02T00:00:00Z",
        "finished": False,
        "error": None,
    }
    ov = parse_instance(instance([sleeping, waiting], status="waiting"))
    assert [s.status for s in ov.steps] == ["waiting", "waiting"]
    ended = parse_instance(instance([sleeping, step_run("x", success=None)], status="terminated"))
    assert [s.status for s in ended.steps] == ["errored", "errored"]
    assert all("terminated" in s.error for s in ended.steps)


def test_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"status": "running",\n "steps": [}', encoding="utf-8")
    with pytest.raises(OverlayError, match=r"bad\.json:2:\d+: not valid JSON"):
        load_instance(bad)
    with pytest.raises(OverlayError, match="cannot read"):
        load_instance(tmp_path / "missing.json")
    other = tmp_path / "graph.json"
    other.write_text('{"version": 1, "workflow": {}}', encoding="utf-8")
    with pytest.raises(OverlayError, match="not a workflow instance"):
        load_instance(other)
    with pytest.raises(OverlayError, match="the API call failed: instance not found"):
        parse_instance(
            {
                "success": False,
                "errors": [{"code": 1, "message": "instance not found"}],
                "result": None,
            }
        )


def test_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(instance([step_run("a")]))))
    assert [s.name for s in load_instance("-").steps] == ["a"]


# --- matching ------------------------------------------------------------------------------------


def test_order_errored_matches_by_name_and_type():
    order = fixture("order_workflow.json")
    ov = load_instance(DATA / "order_instance_errored.json").bind([("OrderWorkflow", order)])
    assert ov.workflow == "OrderWorkflow"
    assert statuses(ov, order) == {
        "validate order": "complete",
        "charge card": "complete",
        "ship express": "not_reached",
        "wait for batch": "complete",
        "ship standard": "complete",
        "send confirmation email": "complete",
        "update CRM": "complete",
        "await delivery": "errored",
        "close shipment": "complete",
        "sync item ${...}": "not_reached",
        "send download link": "not_reached",
        "until release day": "not_reached",
        "archive order": "not_reached",
        "open ticket": "complete",
        "page on-call": "errored",
    }
    assert [s.name for s in ov.unmatched] == ["legacy audit"]
    page = next(
        n
        for n in iter_step_nodes(order.functions["notify_support"].nodes)
        if n.name == "page on-call"
    )
    assert "on-call pager unavailable" in ov.node_status(page).detail


def test_patterns_and_repeated_names_map_to_one_node():
    order = fixture("order_workflow.json")
    ov = load_instance(DATA / "order_instance_running.json").bind([order])
    sync = next(n for n in iter_step_nodes(order.nodes) if n.name == "sync item ${...}")
    st = ov.node_status(sync)
    assert st.status == "running"  # one run complete, one running: the running one wins
    assert [r.name for r in st.runs] == ["sync item 1", "sync item 2"]
    assert st.detail.startswith("2 runs: 1 complete, 1 running")
    assert ov.unmatched == []


def test_type_must_match():
    w = wf([do("nap"), {"type": "step_sleep", "name": "nap2", "duration": "1 hour"}])
    sleep_named_like_step = {
        "type": "sleep",
        "name": "nap",
        "start": "2025-01-01T00:00:00Z",
        "end": "2025-01-01T00:00:00Z",
        "finished": True,
        "error": None,
    }
    ov = parse_instance(instance([sleep_named_like_step, step_run("nap2")])).bind([w])
    assert [s.describe() for s in ov.unmatched] == [
        "sleep 'nap': complete",
        "step 'nap2': complete",
    ]
    assert statuses(ov, w) == {"nap": "not_reached", "nap2": "not_reached"}


def test_sleep_until_and_wait_for_event_match():
    w = wf(
        [
            {"type": "step_sleep_until", "name": "until tomorrow", "timestamp": "generated"},
            {
                "type": "step_wait_for_event",
                "name": "approval ${...}",
                "options": {"event_type": "approve", "timeout": 0},
            },
        ]
    )
    runs = [
        {
            "type": "sleep",
            "name": "until tomorrow",
            "start": "2025-01-01T00:00:00Z",
            "end": "2025-01-02T00:00:00Z",
            "finished": True,
            "error": None,
        },
        {
            "type": "waitForEvent",
            "name": "approval 42",
            "start": "2025-01-02T00:00:00Z",
            "end": "2025-01-03T00:00:00Z",
            "finished": False,
            "error": None,
        },
    ]
    ov = parse_instance(instance(runs, status="waiting")).bind([w])
    assert statuses(ov, w) == {"until tomorrow": "complete", "approval ${...}": "waiting"}


def test_most_specific_pattern_wins_and_dynamic_is_the_last_resort():
    w = wf([do("fetch ${...}"), do("fetch user ${...}"), do("<dynamic>"), do("exact")])
    ov = parse_instance(
        instance(
            [
                step_run("fetch user 7"),
                step_run("fetch order 1"),
                step_run("anything"),
                step_run("exact"),
            ]
        )
    ).bind([w])
    runs = {n.name: [r.name for r in ov.node_status(n).runs] for n in w.nodes}
    assert runs == {
        "fetch ${...}": ["fetch order 1"],
        "fetch user ${...}": ["fetch user 7"],
        "<dynamic>": ["anything"],
        "exact": ["exact"],
    }
    assert ov.unmatched == []


def test_a_name_in_two_branches_colours_both():
    w = wf(
        [
            {
                "type": "if",
                "branches": [
                    {"condition": "a", "nodes": [do("same")]},
                    {"condition": None, "nodes": [do("same")]},
                ],
            }
        ]
    )
    ov = parse_instance(instance([step_run("same")])).bind([w])
    assert [ov.node_status(n).status for n in iter_step_nodes(w.nodes)] == ["complete", "complete"]


def test_bind_picks_the_workflow_the_run_belongs_to():
    a = wf([do("a1"), do("a2")])
    b = wf([do("b1"), do("b2"), do("b3")])
    ov = parse_instance(
        instance([step_run("b1"), step_run("b2", success=False, error="boom")])
    ).bind([("A", a), ("B", b)])
    assert [ov.node_status(n) for n in a.nodes] == [None, None]
    assert [ov.node_status(n).status for n in b.nodes] == ["complete", "errored", "not_reached"]
    assert ov.node_status(b.nodes[1]).detail == "errored: Error: boom"


def test_unmatched_before_bind_is_everything():
    ov = parse_instance(instance([step_run("a")]))
    assert [s.name for s in ov.unmatched] == ["a"]
    w = wf([do("a")])
    assert ov.bind([w]).unmatched == [] and ov.bind([w]) is ov


def test_summary_status():
    order = fixture("order_workflow.json")
    ov = load_instance(DATA / "order_instance_running.json").bind([order])
    loop = next(n for n in order.nodes if n.type == "loop")
    assert ov.summary_status([loop]).status == "running"
    notify = order.functions["notify_support"]
    assert ov.summary_status(notify.nodes).status == "not_reached"
    assert ov.summary_status([]) is None
