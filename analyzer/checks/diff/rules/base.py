"""What every ``wfgraph diff`` code shares: documentation in ruff's order (the docstring;
docs/rules.md is generated from it) and BASE/HEAD example pairs that the test suite runs
(Fixit's habit, as for the lint rules in ``checks/rules/``): every INVALID pair must raise the
code and no other, every VALID pair nothing at all.
"""

from __future__ import annotations

import inspect
import textwrap
from typing import ClassVar

from ....diagnostics import Severity
from ....records import record

HEADER = """\
from workers import WorkflowEntrypoint


class Orders(WorkflowEntrypoint):
    async def run(self, event, step):
"""
"""The examples' module around the body of ``run``: its first line is line 6."""

WRANGLER = """\
name = "orders"
main = "entry.py"
compatibility_date = "{date}"
compatibility_flags = ["python_workers"]

[[workflows]]
name = "orders"
binding = "ORDERS"
class_name = "Orders"
"""


CHARGE = """
@step.do("charge")
async def charge():
    return await pay(event["payload"])

await charge()
"""
"""A step the examples change (the body of ``run``)."""


def workflow(run_body: str, helpers: str = "") -> str:
    """A complete workflow module: ``run_body`` is the body of ``run`` (written at any
    indentation), ``helpers`` more methods of the class."""
    body = textwrap.indent(textwrap.dedent(run_body).strip("\n"), " " * 8) + "\n"
    extra = ("\n" + textwrap.indent(textwrap.dedent(helpers).strip("\n"), " " * 4) + "\n"
             if helpers else "")
    return HEADER + body + extra


def wrangler(date: str = "2026-03-01", extra: str = "") -> str:
    """A wrangler.toml for the examples' workflow; ``extra`` is appended (``limits``…)."""
    return WRANGLER.format(date=date) + textwrap.dedent(extra)


@record(frozen=True)
class Pair:
    """A change: BASE's and HEAD's ``entry.py`` and, when given, their ``wrangler.toml``.
    ``lines``, when given, are exactly the lines of the findings (BASE's lines for what HEAD
    lost), in order."""

    base: str
    head: str
    lines: tuple[int, ...] = ()
    base_wrangler: str | None = None
    head_wrangler: str | None = None


class DiffRule:
    """Base class of the codes ``wfgraph diff`` reports (SEMANTICS §10.3)."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    VALID: ClassVar[tuple[Pair, ...]] = ()
    INVALID: ClassVar[tuple[Pair, ...]] = ()

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")
