"""Exact type tests on libcst nodes are isinstance tests (docs/design.md, Conventions).

wfgraph tests a node's concrete class with ``type(node) is cst.X`` because isinstance against
libcst's ABCMeta classes is slow; that is only the same test while no class derives from
``cst.X``. This finds every class the analyzer tests that way and checks it has no subclasses
in the installed libcst.
"""

from __future__ import annotations

import re

import libcst as cst

from conftest import ROOT

EXACT = re.compile(r"type\([^()]*\) (?:is|is not) cst\.(\w+)|type\([^()]*\) (?:not )?in \(([^)]*)\)")


def _exact_classes() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((ROOT / "analyzer").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in EXACT.finditer(line):
                names = [match.group(1)] if match.group(1) else re.findall(r"cst\.(\w+)", match.group(2))
                for name in names:
                    found.setdefault(name, f"{path.relative_to(ROOT)}:{number}")
    return found


def test_every_class_tested_by_exact_type_has_no_subclass() -> None:
    found = _exact_classes()
    assert len(found) > 40  # the walker, the module index, the rules
    derived = {name: where for name, where in found.items()
               if not isinstance(getattr(cst, name, None), type)
               or getattr(cst, name).__subclasses__()}
    assert derived == {}
