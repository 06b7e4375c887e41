"""wfgraph: static analysis of Cloudflare Workflows written in Python.

The importable code lives in ``wfgraph.analyzer`` (reads source, writes output) and
``wfgraph.schema`` (pydantic models of Cloudflare's version-graph API response).
"""

__version__ = "0.1.0"
