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


def json_schema(envelope: bool = True) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the whole response (``envelope``), or of its ``graph``
    object, which is what ``wfgraph graph`` prints without ``--envelope``."""
    model = VersionGraphResponse if envelope else Graph
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = ("Cloudflare Workflows VersionGraphResponse (wfgraph)" if envelope
                       else "Cloudflare Workflows version graph (wfgraph)")
    return schema


def dumps_schema(envelope: bool = True) -> str:
    return json.dumps(json_schema(envelope), indent=2, ensure_ascii=False) + "\n"
