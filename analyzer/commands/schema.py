"""``wfgraph schema``: the JSON Schema of what ``wfgraph graph`` prints: the graph object by
default (``--graph``), the whole VersionGraphResponse with ``--envelope``."""

from __future__ import annotations

from typing import TextIO


def run_schema(envelope: bool, out: TextIO) -> int:
    from wfgraph.schema import dumps_schema

    out.write(dumps_schema(envelope=envelope))
    return 0
