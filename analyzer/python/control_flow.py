"""Control flow → ``if``, ``switch``, ``try``, ``loop`` (SEMANTICS §5).

Branches share the function body's counter in source order (§4.6). The set of dependencies that
ran on every path (§4.4) is intersected where branches join.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import libcst as cst

from wfgraph.schema import Block, Branch, Break, If, Loop, Parallel, Switch, Try

from .concurrency import Seq
from .literals import source_text, string_value
from .module_index import suite_statements
from .scope import OTHER, Value, join_names

if TYPE_CHECKING:
    from .walker import Walker


def _has_content(nodes: list[Any]) -> bool:
    return any(getattr(n, "type", None) != "break" for n in nodes)


def terminates(stmts: list[cst.BaseStatement]) -> bool:
    """The block always ends in ``return`` or ``raise``."""
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, cst.SimpleStatementLine):
        return any(isinstance(s, (cst.Return, cst.Raise)) for s in last.body)
    if isinstance(last, cst.If):
        return all(terminates(b) for b in _if_bodies(last)) and _has_else(last)
    return False


def _if_chain(stmt: cst.If) -> list[tuple[cst.BaseExpression | None, cst.BaseSuite]]:
    chain: list[tuple[cst.BaseExpression | None, cst.BaseSuite]] = []
    node: cst.If | cst.Else | None = stmt
    while node is not None:
        if isinstance(node, cst.If):
            chain.append((node.test, node.body))
            node = node.orelse
        else:
            chain.append((None, node.body))
            node = None
    return chain


def _if_bodies(stmt: cst.If) -> list[list[cst.BaseStatement]]:
    return [suite_statements(body) for _, body in _if_chain(stmt)]


def _has_else(stmt: cst.If) -> bool:
    return _if_chain(stmt)[-1][0] is None


class Paths:
    """Paths through a branching statement, each from the same state: afterwards, the steps
    that ran on every path (SEMANTICS §4.4) and what names may hold (§4.7, §7.2)."""

    def __init__(self, walker: "Walker") -> None:
        self.w = walker
        self.ran_before = walker.body.ran
        self.names_before = dict(walker.scope.names)
        self.ran: list[frozenset[Any]] = []
        self.names: list[dict[str, Value]] = []

    def start(self) -> None:
        self.w.body.ran = self.ran_before
        self.w.scope.names = dict(self.names_before)

    def end(self) -> None:
        self.ran.append(self.w.body.ran)
        self.names.append(self.w.scope.names)

    def skip(self) -> None:
        """The path that goes past the statement without entering it."""
        self.ran.append(self.ran_before)
        self.names.append(self.names_before)

    def join(self) -> None:
        self.w.body.ran = frozenset.intersection(*self.ran) if self.ran else self.ran_before
        self.w.scope.names = join_names(self.names_before, self.names)


class ControlFlowMixin:
    # --- if ----------------------------------------------------------------------------------

    def is_early_exit_if(self: "Walker", stmt: cst.BaseStatement) -> bool:
        """``if c: …; return`` with no else: what follows is the else branch (SEMANTICS §5)."""
        return isinstance(stmt, cst.If) and not _has_else(stmt) and all(
            terminates(b) for b in _if_bodies(stmt)
        )

    def walk_if(self: "Walker", stmt: cst.If, seq: Seq, rest: list[cst.BaseStatement] | None = None) -> None:
        chain = _if_chain(stmt)
        for test, _ in chain:
            if test is not None:
                self.walk_expr(test, seq)
        paths = Paths(self)
        branches = []
        for test, suite in chain:
            paths.start()
            branch = Seq([])
            self.walk_block(suite_statements(suite), branch)
            cond = source_text(self.module, test) if test is not None else None
            branches.append(Branch(condition=cond, nodes=branch.nodes))
            paths.end()
        if rest is not None:
            paths.start()
            branch = Seq([])
            self.walk_block(rest, branch)
            branches.append(Branch(condition=None, nodes=branch.nodes))
            paths.end()
        if not _has_else(stmt) and rest is None:
            paths.skip()
        paths.join()
        if any(b.nodes for b in branches):
            node = If(branches=branches)
            node._src = stmt
            self.place_control(seq, node)

    def place_control(self: "Walker", seq: Seq, node: Any) -> None:
        """Control flow closes the implicit group (docs/cloudflare-parser.md §6.3)."""
        self.body.close_group(seq)
        seq.nodes.append(node)

    # --- loops -------------------------------------------------------------------------------

    def walk_loop(self: "Walker", stmt: cst.For | cst.While, seq: Seq) -> None:
        pending_before = self.body.has_pending()
        counter_before = self.body.counter
        if isinstance(stmt, cst.For):
            self.walk_expr(stmt.iter, seq)
        paths = Paths(self)
        paths.start()
        body = Seq([])
        if isinstance(stmt, cst.For):
            self.bind_target(stmt.target, OTHER, stmt)
        else:
            self.walk_expr(stmt.test, body)  # a step in the test runs first in each turn
        self.walk_block(suite_statements(stmt.body), body)
        paths.end()
        paths.skip()  # the body may not run at all
        paths.join()
        if body.nodes:
            node = Loop(nodes=body.nodes)
            node._src = stmt
            # Work numbered inside the body puts the loop in the implicit group (SEMANTICS §4.7).
            numbered = self.body.counter != counter_before
            self.body.place(seq, [node], pending_before or numbered or self.body.has_pending())
        if stmt.orelse is not None:
            self.walk_block(suite_statements(stmt.orelse.body), seq)

    def walk_comprehension(self: "Walker", expr: Any, seq: Seq) -> Value:
        """A comprehension with awaited steps is a loop (SEMANTICS §5); one that starts tasks
        is a list of them (§4.7)."""
        pending_before = self.body.has_pending()
        started = set(map(id, self.body.pending))
        self.walk_expr(expr.for_in.iter, seq)
        body = Seq([])
        self.walk_comprehension_elements(expr, body, member=False)
        if body.nodes:
            node = Loop(nodes=body.nodes)
            node._src = expr
            self.body.place(seq, [node], pending_before or self.body.has_pending())
        tasks = [t for t in self.body.pending if id(t) not in started]
        return Value("tasks", tasks) if tasks else OTHER

    def walk_comprehension_elements(self: "Walker", expr: Any, body: Seq, member: bool) -> None:
        before = self.body.ran
        clause = expr.for_in
        while clause is not None:
            self.bind_target(clause.target, OTHER, expr)
            for cond in clause.ifs:
                self.walk_expr(cond.test, body)
            clause = clause.inner_for_in
            if clause is not None:
                self.walk_expr(clause.iter, body)
        elements = [expr.key, expr.value] if isinstance(expr, cst.DictComp) else [expr.elt]
        for element in elements:
            if not member:
                self.walk_expr(element, body)
                continue
            # Each element is a member of the enclosing gather: it starts with it (§4.3).
            for node in self.inline_members([self.member(element, body)]):
                body.nodes.append(node)
        self.body.ran = before

    # --- try ---------------------------------------------------------------------------------

    def walk_try(self: "Walker", stmt: cst.Try | cst.TryStar, seq: Seq) -> None:
        paths = Paths(self)
        paths.start()
        body = Seq([])
        self.walk_block(suite_statements(stmt.body), body)
        if stmt.orelse is not None:
            self.walk_block(suite_statements(stmt.orelse.body), body)
        paths.end()
        handlers = []
        for handler in stmt.handlers:
            paths.start()
            branch = Seq([])
            self.walk_block(suite_statements(handler.body), branch)
            cond = source_text(self.module, handler.type) if handler.type is not None else None
            handlers.append(Branch(condition=cond, nodes=branch.nodes))
            paths.end()
        paths.join()
        final = Seq([])
        if stmt.finalbody is not None:
            self.walk_block(suite_statements(stmt.finalbody.body), final)
        node = Try(
            try_block=_block(body.nodes),
            catch_block=self.catch_block(handlers),
            finally_block=_block(final.nodes),
        )
        if node.try_block or node.catch_block or node.finally_block:
            node._src = stmt
            self.place_control(seq, node)

    def catch_block(self: "Walker", handlers: list[Branch]) -> Block | None:
        """One handler: its nodes. Several with steps: an ``if`` with a branch per handler."""
        if not any(h.nodes for h in handlers):
            return None
        if len(handlers) == 1:
            return _block(handlers[0].nodes)
        return Block(nodes=[If(branches=handlers)])

    # --- with --------------------------------------------------------------------------------

    def walk_with(self: "Walker", stmt: cst.With, seq: Seq) -> None:
        group = None
        for item in stmt.items:
            if self.is_task_group(item.item):
                group = item
            else:
                value = self.walk_expr(item.item, seq)
                if item.asname is not None:
                    self.bind_target(item.asname.name, OTHER if value.kind != "step" else value, stmt)
        if group is None:
            self.walk_block(suite_statements(stmt.body), seq)  # flattened (SEMANTICS §5)
            return
        self.walk_task_group(stmt, group, seq)

    def is_task_group(self: "Walker", expr: cst.BaseExpression) -> bool:
        return isinstance(expr, cst.Call) and self.index.asyncio_function(expr.func) == "TaskGroup"

    def walk_task_group(self: "Walker", stmt: cst.With, item: cst.WithItem, seq: Seq) -> None:
        """``async with TaskGroup() as tg``: a ``parallel all`` of its tasks, which all resolve
        at the end of the block (SEMANTICS §4.3)."""
        if item.asname is not None:
            self.bind_target(item.asname.name, Value("taskgroup"), stmt)
        pending_before = self.body.has_pending()
        started = set(map(id, self.body.pending))
        inner = Seq([])
        self.walk_block(suite_statements(stmt.body), inner)
        tasks = [t for t in self.body.pending if id(t) not in started]
        self.body.resolve(tasks)
        if inner.nodes:
            node = Parallel(kind="all", nodes=inner.nodes)
            node._src = stmt
            self.body.place(seq, [node], pending_before or self.body.has_pending())

    # --- match -------------------------------------------------------------------------------

    def walk_match(self: "Walker", stmt: cst.Match, seq: Seq) -> None:
        self.walk_expr(stmt.subject, seq)
        paths = Paths(self)
        branches, wildcard = [], False
        for case in stmt.cases:
            paths.start()
            branch = Seq([])
            self.walk_case_body(suite_statements(case.body), branch)
            cond = self.case_condition(case)
            wildcard = wildcard or cond is None
            branches.append(Branch(condition=cond, nodes=branch.nodes))
            paths.end()
        if not wildcard:
            paths.skip()
        paths.join()
        if any(_has_content(b.nodes) for b in branches):
            node = Switch(discriminant=source_text(self.module, stmt.subject), branches=branches)
            node._src = stmt
            self.place_control(seq, node)

    def walk_case_body(self: "Walker", stmts: list[cst.BaseStatement], branch: Seq) -> None:
        """``return`` / ``break`` directly in a case become ``break`` nodes (SEMANTICS §5)."""
        for i, stmt in enumerate(stmts):
            if self.is_early_exit_if(stmt):
                self.walk_if(stmt, branch, rest=stmts[i + 1:])  # type: ignore[arg-type]
                return
            self.walk_stmt(stmt, branch)
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Return):
                        branch.nodes.append(Break(kind="return"))
                        return
                    if isinstance(small, cst.Break):
                        branch.nodes.append(Break(kind="break"))
                        return

    def case_condition(self: "Walker", case: cst.MatchCase) -> str | None:
        pattern = case.pattern
        if isinstance(pattern, cst.MatchAs) and pattern.pattern is None and pattern.name is None:
            text = None if case.guard is None else "_"
        elif isinstance(pattern, cst.MatchValue) and string_value(pattern.value) is not None:
            text = string_value(pattern.value)
        else:
            text = source_text(self.module, pattern)
        if case.guard is not None:
            text = f"{text} if {source_text(self.module, case.guard)}"
        return text


def _block(nodes: list[Any]) -> Block | None:
    return Block(nodes=nodes) if nodes else None
