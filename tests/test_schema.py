"""The schema models (SEMANTICS §1.2, §1.3): exactly the API's shapes, nothing more."""

from __future__ import annotations

import json

import jsonschema
import pytest
from pydantic import ValidationError

from wfgraph.analyzer.emit.json import envelope
from wfgraph.schema import Graph, StepSleep, json_schema

from conftest import fixture_sources

GOLDENS = [p.with_suffix(".graph.json") for p in fixture_sources() if p.with_suffix(".graph.json").exists()]


def _graphs(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    return [data] if "workflow" in data else list(data.values())


def test_every_golden_validates_against_the_exported_json_schema() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    for path in GOLDENS:
        for graph in _graphs(path):
            response = envelope(graph["workflow"]["class_name"], Graph.model_validate(graph))
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
