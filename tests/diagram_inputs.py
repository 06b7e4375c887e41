"""Graphs for the diagram tests: Appendix A outputs (docs/cloudflare-parser.md) made into our models,
and the hand-written workflows under tests/data/diagrams/."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from wfgraph.schema import Workflow

DATA = Path(__file__).parent / "data" / "diagrams"
DEFAULT = {"retries": {"limit": 5, "delay": 1000, "backoff": "exponential"}, "timeout": 10000}
CASES = json.loads((DATA / "appendix_a.json").read_text(encoding="utf-8"))


def expand(x: Any) -> Any:
    """Appendix A abbreviates the default config as "DEFAULT" and predates the API's
    ``type: block`` / ``type: function_def`` fields (docs/cloudflare-parser.md §1.3): put them back."""
    if isinstance(x, dict):
        out = {k: expand(v) for k, v in x.items()}
        if out.get("config") == "DEFAULT":
            out["config"] = copy.deepcopy(DEFAULT)
        if out.get("type") == "try":
            for key in ("try_block", "catch_block", "finally_block"):
                if out[key] is not None:
                    out[key] = {"type": "block", **out[key]}
        return out
    if isinstance(x, list):
        return [expand(v) for v in x]
    return x


def workflow(data: dict[str, Any]) -> Workflow:
    data = expand(data)
    data["functions"] = {
        k: {**v, "type": "function_def"} for k, v in data.get("functions", {}).items()
    }
    return Workflow.model_validate(data)


def appendix(case: str) -> Workflow:
    return workflow(CASES[case])


def fixture(name: str) -> Workflow:
    return Workflow.model_validate(json.loads((DATA / name).read_text(encoding="utf-8")))
