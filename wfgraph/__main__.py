"""``python -m wfgraph``: the same as the ``wfgraph`` command (and ``python -m wfgraph.analyzer``).

``python -m`` puts the current directory first on ``sys.path``; wfgraph runs inside repositories
whose code it must never execute, so that entry goes before anything else is imported (see
``wfgraph/analyzer/__main__.py``).
"""

import os
import sys

if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from wfgraph.analyzer.cli import entry  # noqa: E402

if __name__ == "__main__":
    entry()
