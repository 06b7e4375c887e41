"""The JSON Cloudflare's API serves (SEMANTICS §1): the ``graph`` object, or the envelope."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any

from wfgraph.schema import Graph, VersionGraphResponse
from wfgraph.schema.encode import dumps as _encode

NAMESPACE = "6c0b4d1e-2f6a-5d3c-9a57-3f1f8b7d2e10"
"""Ids derived from content are uuid5 in this namespace, so they are stable across runs."""


def dumps(data: Any, compact: bool = False) -> str:
    """UTF-8 text as is (no \\u escapes), keys in model order, newline-terminated. ``data``
    holds schema objects (written straight to text, SEMANTICS §1.4) and plain JSON values."""
    return _encode(data, indent=None if compact else 2) + "\n"


def graph_data(graph: Graph) -> Graph:
    """What ``dumps`` writes for a graph: the graph itself (no intermediate data)."""
    return graph


def envelope(
    class_name: str,
    graph: Graph | None,
    version_id: str | None = None,
    workflow_id: str | None = None,
    created_on: str | datetime | None = None,
) -> VersionGraphResponse:
    """The whole VersionGraphResponse (SEMANTICS §1.1). Without options, ids are uuid5 of the
    class name (workflow) and of the graph's bytes (version); times come from SOURCE_DATE_EPOCH
    or the Unix epoch, so the same input always gives the same bytes."""
    import hashlib  # and uuid: only envelopes need them
    import uuid

    namespace = uuid.UUID(NAMESPACE)
    body = dumps(graph, compact=True) if graph else ""
    version = version_id or str(uuid.uuid5(namespace, hashlib.sha256(body.encode()).hexdigest()))
    workflow = workflow_id or str(uuid.uuid5(namespace, f"workflow:{class_name}"))
    when = _timestamp(created_on)
    return VersionGraphResponse(
        id=version, class_name=class_name, created_on=when, modified_on=when,
        workflow_id=workflow, graph=graph,
    )


def _timestamp(value: str | datetime | None) -> datetime:
    if isinstance(value, datetime):
        return value
    if value:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return source_date_epoch()


def source_date_epoch() -> datetime:
    """``$SOURCE_DATE_EPOCH`` (reproducible-builds.org: whole seconds since 1970), else the
    epoch itself; ValueError, with a message for the user, when it is not such a number."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip() or "0"
    try:
        seconds = int(epoch)
        if seconds < 0:
            raise ValueError
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise ValueError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 (up "
                         f"to the year 9999), got {epoch!r}") from None
