"""Models of Cloudflare's ``GET …/workflows/{name}/versions/{id}/graph`` response.

Plain classes (``models.py``) that importing does not tie to pydantic; ``validation.py`` derives
pydantic models from them for validation and for the JSON Schema below.
"""

from __future__ import annotations

import json
from typing import Any

from .models import (
    STEP_TYPES,
    Block,
    Branch,
    Break,
    FunctionCall,
    FunctionDef,
    Graph,
    If,
    JsonShape,
    Loop,
    Node,
    ObjectShape,
    Parallel,
    Retries,
    Start,
    StepConfig,
    StepDo,
    StepSleep,
    StepSleepUntil,
    StepWaitForEvent,
    Switch,
    Try,
    UnknownShape,
    VersionGraphResponse,
    WaitOptions,
    Workflow,
)

__all__ = [
    "STEP_TYPES", "Block", "Branch", "Break", "FunctionCall", "FunctionDef", "Graph", "If",
    "JsonShape", "Loop", "Node", "ObjectShape", "Parallel", "Retries", "Start", "StepConfig",
    "StepDo", "StepSleep", "StepSleepUntil", "StepWaitForEvent", "Switch", "Try",
    "UnknownShape", "VersionGraphResponse", "WaitOptions", "Workflow", "json_schema",
]


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the whole response, as ``wfgraph schema`` prints it."""
    schema = VersionGraphResponse.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Cloudflare Workflows VersionGraphResponse (wfgraph)"
    return schema


def dumps_schema() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
