"""The cyclic garbage collector, set for wfgraph's work (standard library only: ``cli.py`` calls
this before it imports anything heavy).

A libcst tree is hundreds of thousands of objects without reference cycles, freed by reference
counting; the collector's default first threshold (700 allocations) makes it walk them over and
over for nothing: about a tenth of a large file's analysis (0.45 s of 4.4 s on the 474 KB
benchmark, 0.1 s after this). Importing libcst and wfgraph (thousands of classes and functions)
triggers the same walks, a noticeable part of start-up on one small file. Cycles are still
collected, less often.
"""

from __future__ import annotations

import gc

GC_FIRST_THRESHOLD = 100_000


def collect_garbage_less_often() -> None:
    gc.set_threshold(GC_FIRST_THRESHOLD, *gc.get_threshold()[1:])
