"""``python -m wfgraph.analyzer``: the same as the ``wfgraph`` command.

``python -m`` puts the current directory first on ``sys.path``, and wfgraph runs inside
repositories whose code it must never execute: a ``libcst.py`` (or ``json5.py``, ``graphviz.py``…)
there would be imported in place of the real package. So that entry goes before anything else is
imported, as ``python -P`` would do. (The ``wfgraph`` console script never had it.)
"""

import os
import sys

if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from .cli import entry  # noqa: E402

if __name__ == "__main__":
    entry()
