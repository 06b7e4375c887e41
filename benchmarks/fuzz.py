"""The long property-test run: ``python benchmarks/fuzz.py [EXAMPLES]`` (default 20,000).

Runs tests/test_properties.py with ``WFGRAPH_LONG_FUZZ=EXAMPLES``: random (not derandomised)
examples and Hypothesis's example database (.hypothesis/), so a failure found here is replayed
first by the next run. The normal test suite runs a fixed 300.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    examples = sys.argv[1] if len(sys.argv) > 1 else "20000"
    env = {**os.environ, "WFGRAPH_LONG_FUZZ": examples}
    command = [sys.executable, "-m", "pytest", "tests/test_properties.py", "-q",
               "-p", "no:cacheprovider", "--hypothesis-show-statistics", *sys.argv[2:]]
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
