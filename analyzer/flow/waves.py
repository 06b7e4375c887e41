"""Parallel members in waves, read from ``starts`` / ``resolves`` as Cloudflare's renderer reads
them (docs/cloudflare-parser.md §6.5)."""

from __future__ import annotations

from typing import Any

__all__ = ["wave_parents"]


def wave_parents(members: list[Any]) -> list[int | None]:
    """For each parallel member, the index of the member it hangs under (docs/cloudflare-parser.md §6.5).

    ``None`` means it leaves the fork. Members are grouped by ``starts`` (missing = the first
    wave); a member whose ``starts`` is S > the lowest hangs under the last member, in list
    order, whose ``resolves`` is S; with no such member it starts from the fork.
    """
    starts = [getattr(m, "starts", None) for m in members]
    resolves = [getattr(m, "resolves", None) for m in members]
    known = [s for s in starts if s is not None]
    if not known:
        return [None] * len(members)
    lowest = min(known)
    parents: list[int | None] = []
    for i, s in enumerate(starts):
        if s is None or s <= lowest:
            parents.append(None)
            continue
        last = None
        for j, r in enumerate(resolves):
            if j != i and r == s:
                last = j
        # A parent must itself start earlier, which rules out cycles even for odd numbers.
        if last is not None and (starts[last] is None or starts[last] < s):
            parents.append(last)
        else:
            parents.append(None)
    return parents
