"""WF011 duplicate-step-name (docs/python-api.md §2.1, §6 rule 6b)."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from ...diagnostics import Diagnostic
from ...python.module_index import suite_statements
from ..rule import Invalid, Rule, RuleContext, Valid
from ..step_args import literal, name_expr
from ..step_calls import StepCall

Path = tuple[tuple[int, str], ...]


class DuplicateStepName(Rule):
    """Two different steps declared with the same name.

    ## What it does
    Flags a `@step.do(...)` declaration whose name (a string literal, a constant, or the function's
    own name when the decorator gives none) is already used by another declaration of the same
    workflow that can run in the same instance. Declarations in different branches of one `if`,
    `match` or set of `except` handlers, or on either side of an early `return`, are exclusive
    and not flagged.

    ## Why is this bad?
    The engine tells steps apart by name and call count, so the second declaration's result is
    cached as the second call of the first name: reordering or skipping one of them on a later
    version hands one step the other's cached result. In implicit-dependency mode the later
    registration also replaces the earlier one for every step that names it as a dependency.

    ## Example
    ```python
    @step.do("send")
    async def page(): ...

    @step.do("send")
    async def mail(): ...
    ```

    ## Use instead:
    ```python
    @step.do("send page")
    async def page(): ...

    @step.do("send mail")
    async def mail(): ...
    ```
    """

    code = "WF011"
    name = "duplicate-step-name"
    severity = "warning"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint


            class Notify(WorkflowEntrypoint):
                async def run(self, event, step):
                    if event["payload"]["urgent"]:
                        @step.do("send")
                        async def page():
                            return "page"

                        await page()
                    else:
                        @step.do("send")
                        async def mail():
                            return "mail"

                        await mail()
            """),
        Valid("""
            from workers import WorkflowEntrypoint


            class Notify(WorkflowEntrypoint):
                async def run(self, event, step):
                    for user in event["payload"]["users"]:
                        @step.do(f"send {user}")
                        async def send():
                            return user

                        await send()
                    if event["payload"].get("dry_run"):
                        @step.do("report")
                        async def dry():
                            return "dry"

                        await dry()
                        return
                    @step.do("report")
                    async def real():
                        return "real"

                    await real()
            """),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint


            class Notify(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("send")
                    async def page():
                        return "page"

                    @step.do("send")
                    async def mail():
                        return "mail"

                    await page()
                    await mail()
            """, lines=(10,)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        paths: dict[int, Path] = {}
        for function in ctx.code.functions:
            if function.parent is None:
                _paths(suite_statements(function.fn.body), (), paths)
        seen: dict[str, list[tuple[StepCall, cst.CSTNode]]] = {}
        decls = sorted(ctx.code.declarations(), key=lambda c: ctx.file.span(c.call))
        for decl in decls:
            expr = name_expr(decl, ctx.implicit)
            if expr is None:
                name = decl.decl.name.value if decl.decl is not None else None
                where: cst.CSTNode = decl.call
            else:
                value = literal(expr, decl.function.consts)
                name = value if isinstance(value, str) else None
                where = expr
            if name is None or decl.decl is None:
                continue
            path = paths.get(id(decl.decl), ())
            earlier = [(d, w) for d, w in seen.get(name, [])
                       if d.decl is not decl.decl and not _exclusive(paths.get(id(d.decl), ()), path)]
            if earlier:
                first = ctx.file.span(earlier[0][1]).line
                yield ctx.report(where, f"step name {name!r} is already declared on line {first}",
                                 notes=("steps are cached by name and call count: give each "
                                        "step its own name",))
            seen.setdefault(name, []).append((decl, where))


def _paths(stmts: list[cst.BaseStatement], path: Path, out: dict[int, Path]) -> None:
    """Record, for every def, which arm of which branching statement it sits in."""
    for i, stmt in enumerate(stmts):
        if type(stmt) is cst.FunctionDef:
            out[id(stmt)] = path
            _paths(suite_statements(stmt.body), path, out)
        elif type(stmt) is cst.If:
            arms = _if_arms(stmt)
            for k, (_, suite) in enumerate(arms):
                _paths(suite_statements(suite), path + ((id(stmt), f"if{k}"),), out)
            if arms[-1][0] is not None and all(_terminates(suite_statements(s)) for _, s in arms):
                _paths(stmts[i + 1:], path + ((id(stmt), "rest"),), out)
                return
        elif type(stmt) is cst.Match:
            for k, case in enumerate(stmt.cases):
                _paths(suite_statements(case.body), path + ((id(stmt), f"if{k}"),), out)
        elif type(stmt) in (cst.Try, cst.TryStar):
            _paths(suite_statements(stmt.body), path, out)
            if stmt.orelse is not None:
                _paths(suite_statements(stmt.orelse.body), path, out)
            for k, handler in enumerate(stmt.handlers):
                _paths(suite_statements(handler.body), path + ((id(stmt), f"h{k}"),), out)
            if stmt.finalbody is not None:
                _paths(suite_statements(stmt.finalbody.body), path, out)
        elif type(stmt) in (cst.For, cst.While):
            _paths(suite_statements(stmt.body), path, out)
            if stmt.orelse is not None:
                _paths(suite_statements(stmt.orelse.body), path, out)
        elif type(stmt) is cst.With:
            _paths(suite_statements(stmt.body), path, out)


def _if_arms(stmt: cst.If) -> list[tuple[cst.BaseExpression | None, cst.BaseSuite]]:
    arms: list[tuple[cst.BaseExpression | None, cst.BaseSuite]] = []
    node: cst.If | cst.Else | None = stmt
    while node is not None:
        if type(node) is cst.If:
            arms.append((node.test, node.body))
            node = node.orelse
        else:
            arms.append((None, node.body))
            node = None
    return arms


def _terminates(stmts: list[cst.BaseStatement]) -> bool:
    """The block always leaves: ``return``, ``raise``, ``break`` or ``continue`` at its end."""
    if not stmts:
        return False
    last = stmts[-1]
    if type(last) is cst.SimpleStatementLine:
        return any(type(s) in (cst.Return, cst.Raise, cst.Break, cst.Continue) for s in last.body)
    if type(last) is cst.If:
        arms = _if_arms(last)
        return arms[-1][0] is None and all(_terminates(suite_statements(s)) for _, s in arms)
    return False


def _exclusive(a: Path, b: Path) -> bool:
    """Whether no single run can pass through both places."""
    arms = dict(a)
    for key, arm in b:
        other = arms.get(key)
        if other is None or other == arm:
            continue
        if other.startswith("h") and arm.startswith("h"):
            return True
        if other.startswith("if") or arm.startswith("if"):
            return True  # two arms of an if/match, or an early-exit arm and what follows it
    return False
