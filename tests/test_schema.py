"""The schema models (SEMANTICS §1.2, §1.3): exactly the API's shapes, nothing more."""

from __future__ import annotations

import json
import pickle
from datetime import datetime

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from wfgraph.analyzer.emit.json import dumps, envelope
from wfgraph.schema import (Graph, Loop, ObjectShape, Retries, StepConfig, StepDo, StepSleep,
                            StepSleepUntil, UnknownShape, json_schema)
from wfgraph.schema import encode

from conftest import fixture_sources

GOLDENS = [p.with_suffix(".graph.json") for p in fixture_sources() if p.with_suffix(".graph.json").exists()]


def _graphs(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    return [data] if "workflow" in data else list(data.values())


def test_every_golden_validates_against_the_exported_json_schema() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    for path in GOLDENS:
        for graph in _graphs(path):
            response = json.loads(dumps(envelope(graph["workflow"]["class_name"],
                                                 Graph.model_validate(graph))))
            errors = list(validator.iter_errors(response))
            assert not errors, (path.name, errors[0].message)


def test_unknown_keys_and_node_types_are_rejected() -> None:
    good = {"version": 1, "workflow": {"class_name": "W", "functions": {}, "nodes": [
        {"type": "step_sleep", "name": "s", "duration": "1 hour"}]}}
    Graph.model_validate(good)
    extra = json.loads(json.dumps(good))
    extra["workflow"]["nodes"][0]["colour"] = "red"
    with pytest.raises(ValidationError):
        Graph.model_validate(extra)
    unknown = json.loads(json.dumps(good))
    unknown["workflow"]["nodes"][0]["type"] = "step_teleport"
    with pytest.raises(ValidationError):
        Graph.model_validate(unknown)


def test_optional_keys_are_absent_and_nullable_keys_present() -> None:
    sleep = StepSleep(name="s", duration=5)
    assert sleep.model_dump(mode="json") == {"type": "step_sleep", "name": "s", "duration": 5}
    sleep.starts = 1
    assert list(sleep.model_dump(mode="json")) == ["type", "name", "duration", "starts"]
    graph = Graph.model_validate({"version": 1, "workflow": {"class_name": "W", "functions": {}, "nodes": [
        {"type": "step_wait_for_event", "name": "w", "options": None},
        {"type": "try", "try_block": {"type": "block", "nodes": []}, "catch_block": None, "finally_block": None},
        {"type": "if", "branches": [{"condition": None, "nodes": []}]}]}})
    nodes = graph.model_dump(mode="json")["workflow"]["nodes"]
    assert nodes[0] == {"type": "step_wait_for_event", "name": "w", "options": None}
    assert nodes[1]["catch_block"] is None and nodes[1]["try_block"] == {"type": "block", "nodes": []}
    assert nodes[2]["branches"][0]["condition"] is None


# --- the schema classes: plain objects, written in one pass (SEMANTICS §1.4) ------------------------

def _golden_graphs() -> list[tuple[str, dict]]:
    return [(path.name, graph) for path in GOLDENS for graph in _graphs(path)]


def test_writing_a_graph_gives_the_bytes_of_json_dumps_over_its_data() -> None:
    """``encode.dumps`` writes objects straight to text; the bytes must be those the standard
    library gives for the same data (indented and compact), so the output never changed."""
    for name, data in _golden_graphs():
        graph = Graph.model_validate(data)
        assert graph.model_dump(mode="json") == data, name
        assert encode.dumps(graph, indent=2) == json.dumps(data, ensure_ascii=False, indent=2), name
        assert encode.dumps(graph) == json.dumps(data, ensure_ascii=False, separators=(",", ":")), name


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(JSON_VALUES)
def test_plain_values_are_written_as_json_dumps_writes_them(value: object) -> None:
    assert encode.dumps(value, indent=2) == json.dumps(value, ensure_ascii=False, indent=2)
    assert encode.dumps(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("text", ["1970-01-01T00:00:00+00:00", "2024-01-02T03:04:05.5+02:00",
                                  "2024-01-02T03:04:05.123456-05:30", "2024-01-02T03:04:05"])
def test_times_are_written_as_pydantic_and_the_api_write_them(text: str) -> None:
    from pydantic import TypeAdapter

    when = datetime.fromisoformat(text)
    assert encode.iso_datetime(when) == TypeAdapter(datetime).dump_python(when, mode="json")


def test_side_attributes_travel_with_a_node_and_are_never_written() -> None:
    """The walker keeps the source of each node in ``_src`` (and may add more ``_`` attributes):
    they survive pickling (worker processes) and copies, and stay out of the JSON."""
    node = StepDo(name="s", config=StepConfig(retries=Retries(limit=1, delay=1, backoff="linear"),
                                                timeout=5),
                  nodes=[StepSleep(name="inner", duration=1)])
    node._src = "where it came from"
    node._exits = ["return"]
    again = pickle.loads(pickle.dumps(node))
    assert again == node and again._src == "where it came from" and again._exits == ["return"]
    copy = node.model_copy(deep=True)
    assert copy == node and copy._src == node._src
    assert copy.nodes[0] is not node.nodes[0] and copy.config is not node.config
    assert "_src" not in encode.dumps(node) and "_exits" not in encode.dumps(node)
    assert list(node.model_dump(mode="json")) == ["type", "name", "config", "nodes"]


def test_construction_copies_lists_and_rejects_unknown_keys() -> None:
    """As pydantic's validation did: a list given to a node is the node's own copy, and a key the
    API does not have is refused."""
    members = [StepSleep(name="a", duration=1)]
    loop = Loop(nodes=members)
    members.append(StepSleep(name="b", duration=1))
    assert [n.name for n in loop.nodes] == ["a"] and loop.nodes[0] is members[0]
    assert StepDo(name="x", config=None).nodes == [] and StepDo(name="y", config=None).nodes is not \
        StepDo(name="z", config=None).nodes
    with pytest.raises(TypeError):
        Loop(nodes=[], colour="red")
    with pytest.raises(TypeError):
        Loop()


def test_validation_returns_the_schema_classes() -> None:
    graph = Graph.model_validate({"version": 1, "workflow": {"class_name": "W", "functions": {}, "nodes": [
        {"type": "step_sleep_until", "name": "u"},
        {"type": "loop", "nodes": [{"type": "step_wait_for_event", "name": "w", "options": None,
                                    "payload": {"type": "object", "fields": {"a": {"type": "unknown"}}}}]}]}})
    until, loop = graph.workflow.nodes
    assert isinstance(until, StepSleepUntil) and until.timestamp == "generated"
    assert isinstance(loop, Loop) and isinstance(loop.nodes[0].payload, ObjectShape)
    assert isinstance(loop.nodes[0].payload.fields["a"], UnknownShape)
