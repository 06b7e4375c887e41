"""Running recursive work on deeply nested input without crashing the process.

libcst's parser, its code generator and the walker all recurse once (or more) per level of
nesting. Python's default recursion limit (1,000) turns deep input into a RecursionError, and
raising the limit alone moves the failure to the C stack of the main thread (8 MB on Linux, less
elsewhere), where it is a segmentation fault that no ``except`` can catch. So deep work runs in a
thread of its own with a large stack (``STACK_SIZE``; only the pages actually touched are ever
committed) and a recursion limit to match: deep input either succeeds or raises RecursionError,
which callers report as a finding.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

STACK_SIZE = 512 * 1024 * 1024
RECURSION_LIMIT = 20_000
"""Python frames allowed in the deep thread (analysis.py raises the limit to the same value)."""

_local = threading.local()


def run_deep(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` in a large-stack thread (inline when already in one); exceptions
    propagate to the caller as they were raised."""
    if getattr(_local, "deep", False):
        return fn(*args, **kwargs)
    outcome: dict[str, Any] = {}

    def target() -> None:
        _local.deep = True
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, RECURSION_LIMIT))
        try:
            outcome["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
            outcome["error"] = exc
        finally:
            sys.setrecursionlimit(old)

    try:
        previous = threading.stack_size(STACK_SIZE)
    except (ValueError, RuntimeError):  # a platform that refuses: run inline
        return fn(*args, **kwargs)
    try:
        thread = threading.Thread(target=target, name="wfgraph-deep", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
