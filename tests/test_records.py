"""``record`` behaves as ``dataclass`` with the same arguments (analyzer/records.py).

Each case defines the same class both ways and compares what users of the class see: the
constructor (defaults, factories), equality, hashing (the same hash values, so sets iterate in the
same order), ordering, ``repr``, frozen assignment, pickling and ``dataclasses.replace``.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from wfgraph.analyzer.records import record

CONFIGS = [{}, {"eq": False}, {"frozen": True}, {"frozen": True, "slots": True},
           {"frozen": True, "slots": True, "order": True}, {"frozen": True, "eq": False},
           {"slots": True}]


def _define(decorator, **options):
    class Point:
        """A point."""

        x: int
        y: int = 0
        tags: list[str] = field(default_factory=list)
        note: str = field(default="", repr=False, compare=False)

    return decorator(**options)(Point)


@pytest.mark.parametrize("options", CONFIGS, ids=str)
def test_record_behaves_as_dataclass(options):
    ours, theirs = _define(record, **options), _define(dataclass, **options)
    a, b = ours(1, 2, ["t"], note="n"), theirs(1, 2, ["t"], note="n")
    assert repr(a) == repr(b) == "_define.<locals>.Point(x=1, y=2, tags=['t'])"
    assert (a.x, a.y, a.tags, a.note) == (b.x, b.y, b.tags, b.note)
    assert ours(3).tags == [] and ours(3).tags is not ours(3).tags
    assert (a == ours(1, 2, ["t"], note="other")) == (b == theirs(1, 2, ["t"], note="other"))
    assert a != ours(1, 3)
    assert (a == b) is False  # another class
    assert (ours.__hash__ is None) == (theirs.__hash__ is None)
    if options.get("frozen") and options.get("eq", True):
        point = ours(1, 2, ("t",))  # hashable values
        assert hash(point) == hash(theirs(1, 2, ("t",)))
    if options.get("order"):
        assert ours(1, 2) < ours(1, 3) and ours(2) >= ours(1, 9) and not ours(1) > ours(1)
        assert (ours(1) < ours(2)) == (theirs(1) < theirs(2))
    else:
        with pytest.raises(TypeError):
            ours(1) < ours(2)  # noqa: B015
    assert [f.name for f in dataclasses.fields(ours)] == ["x", "y", "tags", "note"]
    assert dataclasses.replace(a, y=5).y == 5 and dataclasses.is_dataclass(a)
    assert ours.__match_args__ == theirs.__match_args__
    if options.get("frozen"):
        with pytest.raises(dataclasses.FrozenInstanceError):
            a.x = 9
        with pytest.raises(dataclasses.FrozenInstanceError):
            del a.x
    else:
        a.x = 9
        assert a.x == 9
    assert ("__dict__" in dir(a)) == ("__dict__" in dir(b))


@pytest.mark.parametrize("options", CONFIGS, ids=str)
def test_record_pickles_and_copies(options):
    cls = _define(record, **options)
    globals()["Point"] = cls  # pickle finds classes by module and name
    cls.__qualname__ = "Point"
    try:
        point = cls(1, 2, ["t"], note="n")
        for clone in (pickle.loads(pickle.dumps(point)), copy.copy(point), copy.deepcopy(point)):
            assert (clone.x, clone.y, clone.tags, clone.note) == (1, 2, ["t"], "n")
    finally:
        del globals()["Point"]


def test_record_keeps_methods_the_class_defines():
    @record(eq=False)
    class Entry:
        serial: int

        def __hash__(self) -> int:
            return self.serial * 10

        def __repr__(self) -> str:
            return "entry"

    assert hash(Entry(2)) == 20 and repr(Entry(2)) == "entry"


def test_record_repr_of_a_cycle_does_not_recurse():
    @record(eq=False)
    class Node:
        child: object = None

    node = Node()
    node.child = node
    assert repr(node).endswith(".Node(child=...)")


def test_record_rejects_missing_arguments_as_dataclass_does():
    cls = _define(record)
    with pytest.raises(TypeError):
        cls()
    with pytest.raises(TypeError):
        cls(1, 2, [], "", "extra")
