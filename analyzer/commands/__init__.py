"""What each CLI subcommand does; ``cli.py`` only parses arguments and calls these.

Start-up is most of what a user waits for on one file (pre-commit runs one process per commit,
editors one per save), so each command imports only what it uses, and the heavy third-party
packages stay out of the commands that do not need them. ``NEEDS`` is the one place that says
which of them each command may import; ``tests/test_imports.py`` runs every command in a fresh
interpreter and fails when one imports more. Keep imports of these packages out of the modules
every command loads (``cli.py``, this package's ``common.py``, ``analysis.py``, the front end,
``wfgraph.schema``): import them in the module that uses them, and list that command here.
"""

from __future__ import annotations

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

HEAVY = ("libcst", "pydantic", "networkx", "graphviz")
"""The third-party packages that cost a noticeable part of a second to import."""

NEEDS: dict[str, frozenset[str]] = {
    "--version": frozenset(),
    "--help": frozenset(),
    # Parse and walk with libcst; the JSON is written by wfgraph.schema.encode, not pydantic.
    "graph": frozenset({"libcst"}),
    # The budget walks the schema tree; the lint rules walk the libcst tree.
    "check": frozenset({"libcst"}),
    # The control-flow graph is a networkx DiGraph; graphviz only renders SVG/PNG (-o).
    "dot": frozenset({"libcst", "networkx", "graphviz"}),
    "mermaid": frozenset({"libcst", "networkx"}),
    # The JSON Schema comes from pydantic models derived from the schema classes.
    "schema": frozenset({"pydantic"}),
    # Each side analysed like graph's; its diagrams like dot's and mermaid's; a graph JSON side
    # is validated by the pydantic models.
    "diff": frozenset({"libcst", "networkx", "graphviz", "pydantic"}),
    # The documentation is the rules' docstrings; the rule modules import libcst.
    "rule": frozenset({"libcst"}),
}
"""Command → the packages of ``HEAVY`` it may import."""
