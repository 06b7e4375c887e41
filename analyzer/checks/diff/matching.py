"""SEMANTICS §10.2: which step of BASE each step of HEAD is.

Steps are grouped by identity name (type and name, §10.1). The two walks are first aligned
as wholes on steps that stand unchanged (same name and content: the step body, else the config,
duration or wait options), a common subsequence; within each name group, the occurrences
between two such anchors are then paired in order as far as both sides have them (a body edited
without renaming). For a name that occurs once on each side this is identity matching; for a
repeated name it tells *which* occurrence is new, from the steps around it, so that one
inserted before the others (WF102) is told from one appended after them. Then each remaining removed / added pair of the
same type is a rename when the bodies are the same, or, where a side has no body (graph JSON, or
a sleep or wait), when the two stand at the same place in the tree with the same details.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Hashable
from dataclasses import field

from ...records import record
from .identity import Occurrence, Walked, Where

Pair = tuple[Occurrence, Occurrence]


@record
class Matching:
    by_source: bool
    """Both sides come from source: names compare by their source text (§10.3a)."""
    same: list[Pair] = field(default_factory=list)
    """The same step on both sides, under the same name."""
    renamed: list[Pair] = field(default_factory=list)
    added: list[Occurrence] = field(default_factory=list)
    """New in HEAD (renames excluded)."""
    removed: list[Occurrence] = field(default_factory=list)
    """Gone from BASE (renames excluded)."""
    regrouped: dict[int, bool] = field(default_factory=dict)
    """id() of each occurrence left over by its name group (added, removed, or one side of a
    rename) → whether it stands before an aligned occurrence of its name: WF102's test."""
    groups: dict[tuple[str, str], tuple[list[Occurrence], list[Occurrence]]] = field(default_factory=dict)
    """Each identity name → its occurrences in BASE and in HEAD, in walk order (an
    occurrence's count, §10.1, is its index there)."""

    def group(self, occ: Occurrence) -> tuple[str, str]:
        return (occ.kind, occ.key_name(self.by_source))

    def location(self, occ: Occurrence) -> Where:
        """Where a new or lost occurrence is shown: at the step; but when it is reached through
        helpers and the other side runs that same step too (what changed is a call of the
        helper), at the outermost call."""
        if not occ.calls:
            return occ.where
        base, head = self.groups[self.group(occ)]
        other = base if any(o is occ for o in head) else head
        key = content_key(self.by_source)
        return occ.calls[0] if any(key(o) == key(occ) for o in other) else occ.where


def match(base: Walked, head: Walked, by_source: bool) -> Matching:
    result = Matching(by_source)
    groups = result.groups
    for side, walked in enumerate((base, head)):
        for occ in walked.occurrences:
            groups.setdefault(result.group(occ), ([], []))[side].append(occ)
    anchors = _anchors(base.occurrences, head.occurrences, by_source, result)
    leftovers: tuple[list[Occurrence], list[Occurrence]] = ([], [])
    for bs, hs in groups.values():
        pairs, lost, new = align(bs, hs, anchors)
        result.same.extend(pairs)
        aligned = ([b for b, _ in pairs], [h for _, h in pairs])
        for side, occs in enumerate((lost, new)):
            for occ in occs:
                result.regrouped[id(occ)] = any(before(occ, other) for other in aligned[side])
            leftovers[side].extend(occs)
    removed = sorted(leftovers[0], key=lambda o: o.order)
    added = sorted(leftovers[1], key=lambda o: o.order)
    for old in removed:
        new = next((h for h in added if h.kind == old.kind and is_rename(old, h)), None)
        if new is None:
            result.removed.append(old)
        else:
            added.remove(new)
            result.renamed.append((old, new))
    result.added = added
    result.same.sort(key=lambda pair: pair[1].order)
    return result


def _anchors(base: list[Occurrence], head: list[Occurrence], by_source: bool,
             result: Matching) -> dict[int, Occurrence]:
    """Steps that stand unchanged (same name, same content) in a common subsequence of the two
    walks: id() of each BASE one → its HEAD one. The whole walk gives the context that tells
    which of several calls of one name is which."""
    content = content_key(by_source)

    def key(occ: Occurrence) -> Hashable:
        return (*result.group(occ), content(occ))

    matcher = difflib.SequenceMatcher(None, [key(b) for b in base], [key(h) for h in head],
                                      autojunk=False)
    found: dict[int, Occurrence] = {}
    for block in matcher.get_matching_blocks():
        for i in range(block.size):
            found[id(base[block.a + i])] = head[block.b + i]
    return found


def align(bs: list[Occurrence], hs: list[Occurrence],
          anchors: dict[int, Occurrence]) -> tuple[list[Pair], list[Occurrence], list[Occurrence]]:
    """One name group: its anchored pairs, and between consecutive anchors as many pairs in
    order as both sides have (edited in place); then BASE's and HEAD's leftovers."""
    pairs: list[Pair] = []
    lost: list[Occurrence] = []
    new: list[Occurrence] = []
    i = j = 0
    position = {id(h): k for k, h in enumerate(hs)}
    for k, old in enumerate([*bs, None]):
        partner = anchors.get(id(old)) if old is not None else None
        if old is not None and partner is None:
            continue
        end_j = position[id(partner)] if partner is not None else len(hs)
        gap_b, gap_h = bs[i:k], hs[j:end_j]
        pairs.extend(zip(gap_b, gap_h))
        common = min(len(gap_b), len(gap_h))
        lost.extend(gap_b[common:])
        new.extend(gap_h[common:])
        if old is not None:
            pairs.append((old, partner))
        i, j = k + 1, end_j + 1
    return pairs, lost, new


def content_key(by_source: bool) -> Callable[[Occurrence], Hashable]:
    def key(occ: Occurrence) -> Hashable:
        if by_source and occ.body is not None:
            return occ.body
        return repr(occ.detail())
    return key


def is_rename(old: Occurrence, new: Occurrence) -> bool:
    if old.body is not None and new.body is not None:
        return old.body == new.body
    return old.place == new.place and old.detail() == new.detail()


def exclusive(a: Occurrence, b: Occurrence) -> bool:
    """In different branches of one ``if`` / ``switch``: never both in one run."""
    mine = dict(a.branches)
    return any(mine.get(serial, index) != index for serial, index in b.branches)


def concurrent(a: Occurrence, b: Occurrence) -> bool:
    """Members of one ``parallel`` (a gather, a task group): started together, no order."""
    mine = dict(a.parallels)
    return any(mine.get(serial, index) != index for serial, index in b.parallels)


def before(a: Occurrence, b: Occurrence) -> bool:
    """``a`` can run before ``b`` in one run: earlier on a common path, or in a loop around
    both (the next iteration)."""
    if exclusive(a, b):
        return False
    return a.order < b.order or bool(set(a.loops) & set(b.loops))
