"""What names mean after a module's imports: ``dt.now`` → ``datetime.datetime.now`` under
``from datetime import datetime as dt``; ``aio.sleep`` → ``asyncio.sleep`` under ``import asyncio
as aio``. The rules match qualified names, so aliases never hide a call from them.

Imports are collected from every statement of the module, function bodies included (``import
random`` inside ``run`` is common); relative imports name the project's own modules and are left
out. A name imported differently in two places keeps the first meaning: a guess, but rare.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from ..python.literals import dotted_name
from ..python.module_index import compound_bodies, suite_statements


class ImportMap:
    """Local name → the dotted path it was imported as."""

    def __init__(self, module: cst.Module) -> None:
        self.names: dict[str, str] = {}
        for node in iter_imports(module.body):
            self._add(node)

    def _add(self, node: cst.Import | cst.ImportFrom) -> None:
        if type(node) is cst.Import:
            for alias in node.names:
                full = dotted_name(alias.name)
                if full is None:
                    continue
                if alias.asname is not None and type(alias.asname.name) is cst.Name:
                    self.names.setdefault(alias.asname.name.value, full)
                else:
                    head = full.split(".")[0]
                    self.names.setdefault(head, head)
            return
        if node.relative or node.module is None or type(node.names) is cst.ImportStar:
            return
        source = dotted_name(node.module)
        if source is None:
            return
        for alias in node.names:
            imported = dotted_name(alias.name)
            if imported is None:
                continue
            local = imported
            if alias.asname is not None and type(alias.asname.name) is cst.Name:
                local = alias.asname.name.value
            self.names.setdefault(local, f"{source}.{imported}")

    def qualified(self, expr: cst.BaseExpression) -> str | None:
        """The qualified name of ``a.b.c`` when ``a`` was imported; None otherwise (a local
        variable, a builtin, an expression that is not a dotted name)."""
        dotted = dotted_name(expr)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        target = self.names.get(head)
        if target is None:
            return None
        return f"{target}.{rest}" if rest else target


def iter_imports(body: list[cst.BaseStatement] | tuple[cst.BaseStatement, ...]) -> Iterator[cst.Import | cst.ImportFrom]:
    """Every import statement of a module, in function and class bodies too."""
    for stmt in body:
        if type(stmt) is cst.SimpleStatementLine:
            for small in stmt.body:
                if type(small) in (cst.Import, cst.ImportFrom):
                    yield small
        elif type(stmt) in (cst.FunctionDef, cst.ClassDef):
            yield from iter_imports(suite_statements(stmt.body))
        else:
            for suite in compound_bodies(stmt):
                yield from iter_imports(suite_statements(suite))


# --- what the rules look for ----------------------------------------------------------------------

NONDETERMINISTIC = frozenset({
    "uuid.uuid1", "uuid.uuid4",
    "time.time", "time.time_ns", "time.monotonic", "time.monotonic_ns", "time.perf_counter",
    "time.perf_counter_ns", "time.process_time", "time.process_time_ns",
    "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today",
    "datetime.date.today",
    "os.urandom", "os.getrandom",
    "js.Date.now", "js.Math.random", "js.crypto.randomUUID",
})
NONDETERMINISTIC_MODULES = ("random", "secrets", "numpy.random")
DETERMINISTIC_IN_RANDOM = frozenset({"random.seed", "random.Random", "numpy.random.seed",
                                     "numpy.random.default_rng"})


def is_nondeterministic(qualified: str | None, call: cst.Call | None = None) -> bool:
    """Whether calling ``qualified`` gives a different value on each replay (docs/python-api.md §2.6)."""
    if qualified is None:
        return False
    if qualified in NONDETERMINISTIC:
        return True
    if qualified in DETERMINISTIC_IN_RANDOM:
        # random.Random() without a seed is as random as the module; with one it is not.
        return qualified.endswith("Random") and call is not None and not call.args
    return any(qualified.startswith(m + ".") for m in NONDETERMINISTIC_MODULES)


HTTP_FUNCTIONS = frozenset({
    "js.fetch", "workers.fetch", "pyodide.http.pyfetch", "urllib.request.urlopen",
})
HTTP_CLIENT_MODULES = ("httpx", "requests")
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})


def is_http_request(qualified: str | None) -> bool:
    if qualified is None:
        return False
    if qualified in HTTP_FUNCTIONS:
        return True
    module, _, method = qualified.rpartition(".")
    return module in HTTP_CLIENT_MODULES and method in HTTP_METHODS
