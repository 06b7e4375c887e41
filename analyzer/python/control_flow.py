"""Control flow → ``if``, ``switch``, ``try``, ``loop`` (SEMANTICS §5).

Branches share the function body's counter in source order (§4.6). The set of dependencies that
ran on every path (§4.4) is intersected where branches join.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import libcst as cst

from wfgraph.schema import Block, Branch, Break, If, Loop, Parallel, Switch, Try

from .concurrency import Seq
from .diagram_info import Exit, Guard, attach_sequence, loop_header
from .literals import source_text, string_value
from .module_index import suite_statements
from .scope import OTHER, Value, join_names
from .trip_count import static_trip_count

if TYPE_CHECKING:
    from .walker import Walker


def _has_content(nodes: list[Any]) -> bool:
    return any(getattr(n, "type", None) != "break" for n in nodes)


def terminates(stmts: list[cst.BaseStatement]) -> bool:
    """The block always ends in ``return`` or ``raise``."""
    if not stmts:
        return False
    last = stmts[-1]
    if type(last) is cst.SimpleStatementLine:
        return any(type(s) in (cst.Return, cst.Raise) for s in last.body)
    if type(last) is cst.If:
        return all(terminates(b) for b in _if_bodies(last)) and _has_else(last)
    return False


def _if_chain(stmt: cst.If) -> list[tuple[cst.BaseExpression | None, cst.BaseSuite]]:
    chain: list[tuple[cst.BaseExpression | None, cst.BaseSuite]] = []
    node: cst.If | cst.Else | None = stmt
    while node is not None:
        if type(node) is cst.If:
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
        return type(stmt) is cst.If and not _has_else(stmt) and all(
            terminates(b) for b in _if_bodies(stmt)
        )

    def walk_if(self: "Walker", stmt: cst.If, seq: Seq, rest: list[cst.BaseStatement] | None = None) -> None:
        chain = _if_chain(stmt)
        for test, _ in chain:
            if test is not None:
                self.walk_expr(test, seq)
        paths = Paths(self)
        branches, walked = [], []
        for test, suite in chain:
            paths.start()
            branch = Seq([])
            self.walk_block(suite_statements(suite), branch)
            cond = source_text(self.module, test) if test is not None else None
            branches.append(attach_sequence(Branch(condition=cond, nodes=branch.nodes), branch))
            paths.end()
            walked.append(branch)
        if rest is not None:
            paths.start()
            branch = Seq([])
            self.walk_block(rest, branch)
            branches.append(attach_sequence(Branch(condition=None, nodes=branch.nodes), branch))
            paths.end()
            walked.append(branch)
        if not _has_else(stmt) and rest is None:
            paths.skip()
        paths.join()
        if any(b.nodes for b in branches):
            node = If(branches=branches)
            node._src = stmt
            self.place_control(seq, node)
            if all(w.exit is not None for w in walked) and (_has_else(stmt) or rest is not None):
                seq.exit = seq.exit or _common_exit(walked)
        else:
            self.note_guard(seq, "if", None, [b.condition for b in branches], walked)

    def note_guard(self: "Walker", seq: Seq, construct: str, subject: str | None,
                   conditions: list[str | None], walked: list[Seq]) -> None:
        """A step-less ``if`` / ``match`` is not in the JSON; when some of its branches end the
        sequence (``if item.done: break``) the diagrams still draw it (SEMANTICS §9)."""
        if not any(w.exit is not None for w in walked):
            return
        branches = tuple((cond, w.exit) for cond, w in zip(conditions, walked))
        seq.guards.append(Guard(len(seq.nodes), construct, subject, branches))

    def place_control(self: "Walker", seq: Seq, node: Any) -> None:
        """Control flow closes the implicit group (docs/cloudflare-parser.md §6.3)."""
        self.body.close_group(seq)
        seq.nodes.append(node)

    # --- loops -------------------------------------------------------------------------------

    def walk_loop(self: "Walker", stmt: cst.For | cst.While, seq: Seq) -> None:
        pending_before = self.body.has_pending()
        counter_before = self.body.counter
        if type(stmt) is cst.For:
            self.walk_expr(stmt.iter, seq)
        paths = Paths(self)
        paths.start()
        body = Seq([])
        if type(stmt) is cst.For:
            self.bind_target(stmt.target, OTHER, stmt)
        else:
            self.walk_expr(stmt.test, body)  # a step in the test runs first in each turn
        self.walk_block(suite_statements(stmt.body), body)
        paths.end()
        paths.skip()  # the body may not run at all
        paths.join()
        node = None
        if body.nodes:
            node = self.loop_node(body, stmt)
            # Work numbered inside the body puts the loop in the implicit group (SEMANTICS §4.7).
            numbered = self.body.counter != counter_before
            self.body.place(seq, [node], pending_before or numbered or self.body.has_pending())
        if stmt.orelse is not None:
            self.walk_loop_else(stmt.orelse, seq, node)

    def walk_loop_else(self: "Walker", orelse: cst.Else, seq: Seq, loop: Loop | None) -> None:
        """The ``else`` clause follows the loop in the JSON (SEMANTICS §5); diagrams need to know
        which nodes it holds and how it ends, since ``break`` skips it (SEMANTICS §9)."""
        outer_exit, count, guards = seq.exit, len(seq.nodes), len(seq.guards)
        seq.exit = None
        self.walk_block(suite_statements(orelse.body), seq)
        if loop is not None:
            loop._orelse = (len(seq.nodes) - count, seq.exit, len(seq.guards) - guards)
            seq.exit = outer_exit
        else:
            seq.exit = outer_exit or seq.exit

    def loop_node(self: "Walker", body: Seq, src: cst.CSTNode) -> Loop:
        """A ``loop`` with what diagrams show of it: its header, static trip count and exits."""
        node = Loop(nodes=body.nodes)
        node._src = src
        node._header = loop_header(self.module, src)
        node._trips = static_trip_count(src, self.scope.constants)
        return attach_sequence(node, body)

    def walk_comprehension(self: "Walker", expr: Any, seq: Seq) -> Value:
        """A comprehension with awaited steps is a loop (SEMANTICS §5); one that starts tasks
        is a list of them (§4.7)."""
        pending_before = self.body.has_pending()
        started = set(map(id, self.body.pending))
        self.walk_expr(expr.for_in.iter, seq)
        body = Seq([])
        self.walk_comprehension_elements(expr, body, member=False)
        if body.nodes:
            node = self.loop_node(body, expr)
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
        elements = [expr.key, expr.value] if type(expr) is cst.DictComp else [expr.elt]
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
        handlers, walked = [], []
        for handler in stmt.handlers:
            paths.start()
            branch = Seq([])
            self.walk_block(suite_statements(handler.body), branch)
            cond = source_text(self.module, handler.type) if handler.type is not None else None
            handlers.append(attach_sequence(Branch(condition=cond, nodes=branch.nodes), branch))
            paths.end()
            walked.append(branch)
        paths.join()
        final = Seq([])
        if stmt.finalbody is not None:
            self.walk_block(suite_statements(stmt.finalbody.body), final)
        node = Try(
            try_block=_block(body),
            catch_block=self.catch_block(handlers, walked),
            finally_block=_block(final),
        )
        if node.try_block or node.catch_block or node.finally_block:
            node._src = stmt
            node._handlers = tuple((h.condition, w.exit) for h, w in zip(handlers, walked))
            if node.try_block is None and body.exit is not None:
                node._body_exit = body.exit
            self.place_control(seq, node)
        ends = [body, *walked] if walked else [body]
        if final.exit is not None:
            seq.exit = seq.exit or final.exit
        elif all(w.exit is not None for w in ends):
            seq.exit = seq.exit or _common_exit(ends)

    def catch_block(self: "Walker", handlers: list[Branch], walked: list[Seq]) -> Block | None:
        """One handler: its nodes. Several with steps: an ``if`` with a branch per handler."""
        if not any(h.nodes for h in handlers):
            return None
        if len(handlers) == 1:
            return _block(walked[0])
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
        return type(expr) is cst.Call and self.index.asyncio_function(expr.func) == "TaskGroup"

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
        seq.exit = seq.exit or inner.exit
        if inner.nodes:
            node = Parallel(kind="all", nodes=inner.nodes)
            node._src = stmt
            self.body.place(seq, [node], pending_before or self.body.has_pending())

    # --- match -------------------------------------------------------------------------------

    def walk_match(self: "Walker", stmt: cst.Match, seq: Seq) -> None:
        self.walk_expr(stmt.subject, seq)
        paths = Paths(self)
        branches, walked, wildcard = [], [], False
        for case in stmt.cases:
            paths.start()
            branch = Seq([])
            self.walk_case_body(suite_statements(case.body), branch)
            cond = self.case_condition(case)
            wildcard = wildcard or cond is None
            branches.append(attach_sequence(Branch(condition=cond, nodes=branch.nodes), branch))
            paths.end()
            walked.append(branch)
        if not wildcard:
            paths.skip()
        paths.join()
        subject = source_text(self.module, stmt.subject)
        if any(_has_content(b.nodes) for b in branches):
            node = Switch(discriminant=subject, branches=branches)
            node._src = stmt
            self.place_control(seq, node)
            if wildcard and all(w.exit is not None for w in walked):
                seq.exit = seq.exit or _common_exit(walked)
        else:
            self.note_guard(seq, "switch", subject, [b.condition for b in branches], walked)

    def walk_case_body(self: "Walker", stmts: list[cst.BaseStatement], branch: Seq) -> None:
        """``return`` / ``break`` directly in a case become ``break`` nodes (SEMANTICS §5)."""
        for i, stmt in enumerate(stmts):
            if self.is_early_exit_if(stmt):
                self.walk_if(stmt, branch, rest=stmts[i + 1:])  # type: ignore[arg-type]
                return
            self.walk_stmt(stmt, branch)
            if type(stmt) is cst.SimpleStatementLine:
                for small in stmt.body:
                    if type(small) is cst.Return:
                        branch.nodes.append(Break(kind="return"))
                        return
                    if type(small) is cst.Break:
                        branch.nodes.append(Break(kind="break"))
                        return

    def case_condition(self: "Walker", case: cst.MatchCase) -> str | None:
        pattern = case.pattern
        if type(pattern) is cst.MatchAs and pattern.pattern is None and pattern.name is None:
            text = None if case.guard is None else "_"
        elif type(pattern) is cst.MatchValue and string_value(pattern.value) is not None:
            text = string_value(pattern.value)
        else:
            text = source_text(self.module, pattern)
        if case.guard is not None:
            text = f"{text} if {source_text(self.module, case.guard)}"
        return text


def _block(seq: Seq) -> Block | None:
    return attach_sequence(Block(nodes=seq.nodes), seq) if seq.nodes else None


def _common_exit(walked: list[Seq]) -> Exit:
    """The exit of a construct all of whose branches exit: the sequence after it is dead. The
    kind that matters most for the enclosing sequence (a raise is the weakest claim)."""
    kinds = [w.exit for w in walked]
    for kind in ("return", "break", "continue", "raise"):
        for found in kinds:
            if found.kind == kind:
                return found
    return kinds[0]
