"""Calls: step wrappers, the step API, helpers (SEMANTICS §6) and asyncio concurrency (§4.3).

A call either runs something now (awaited, or started as a task), or makes a lazy coroutine
that runs where it is later awaited, gathered or scheduled (SEMANTICS §4.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import libcst as cst

from wfgraph.schema import Loop, Parallel

from . import facts as F
from .concurrency import Seq
from .diagram_info import call_arguments
from .literals import call_args, dotted_name, source_text
from .scope import OTHER, Deferred, Task, Value, tasks_of

if TYPE_CHECKING:
    from .walker import Walker

STARTERS = ("create_task", "ensure_future")
PASSTHROUGH = ("wait_for", "shield")
HANDLED = (*STARTERS, *PASSTHROUGH, "gather", "wait", "as_completed")
WAIT_KINDS = {"FIRST_COMPLETED": "race", "FIRST_EXCEPTION": "all", "ALL_COMPLETED": "all_settled"}


class CallsMixin:
    def walk_call(self: "Walker", call: cst.Call, seq: Seq, awaited: bool) -> Value:
        method = self.step_method(call.func)
        if method is not None:
            return self.walk_step_api(method, call, seq, awaited)
        asyncio_fn = self.index.asyncio_function(call.func) or _task_method(call.func)
        if asyncio_fn in HANDLED:
            return self.walk_asyncio(asyncio_fn, call, seq, awaited)
        dispatch = self.dispatch_of(call.func)
        if dispatch is not None:  # SEMANTICS §6.3
            return self.walk_dispatch_call(dispatch, call, seq, awaited)
        if self.collect_task(call, seq):
            return OTHER
        chosen = self.dispatch_of(call)
        if chosen is not None:  # `table.get(key)`: a helper chosen, not yet called
            for arg in call.args:
                self.walk_expr(arg.value, seq)
            return Value("dispatch", chosen)
        value = self.lazy_call(call, seq)
        if value is None:
            self.walk_expr(call.func, seq)
            self.unresolved(call, [self.walk_expr(a.value, seq) for a in call.args])
            if dotted_name(call.func) == "getattr" and isinstance(self.functions.callees.resolve(call), str):
                return Value("dynamic", "it is reached through getattr with a computed name")
            return OTHER
        if awaited:
            return self.await_value(value, seq, call)
        return value

    # --- step API --------------------------------------------------------------------------

    def walk_step_api(self: "Walker", method: str, call: cst.Call, seq: Seq, awaited: bool) -> Value:
        for arg in call.args:
            self.walk_expr(arg.value, seq)
        if method == "do":
            if awaited or len(call.args) > 1:
                self.fact(F.CALLBACK_FORM, call, "step.do() is a decorator, not a call that runs a step")
            return OTHER
        if method == "wait_for_event":
            deferred = self.defer("wait", call)
            return self.await_value(deferred, seq, call) if awaited else deferred
        if method in ("sleep", "sleep_until"):
            node = self.step_api_node(method, call)
            if awaited:
                self.body.awaited(seq, node)
                return OTHER
            # A JavaScript promise: it starts at once (SEMANTICS §4.1).
            return Value("task", self.start(seq, [node], call))
        self.fact(F.UNKNOWN_STEP_METHOD, call, f"step.{method} is not part of the Python step API",
                  method=method)
        return OTHER

    def defer(self: "Walker", kind: str, call: cst.Call, **data: Any) -> Value:
        deferred = Deferred(kind=kind, call=call, scope=self.scope, **data)
        self.deferreds.append(deferred)
        return Value("lazy", deferred)

    def start(self: "Walker", seq: Seq, nodes: list[Any], source: cst.CSTNode) -> Task:
        task = self.body.started(seq, nodes, source)
        self.tasks.append(task)
        return task

    # --- wrappers and helpers --------------------------------------------------------------

    def lazy_call(self: "Walker", call: cst.Call, seq: Seq) -> Value | None:
        """A coroutine from a step wrapper or a helper that contains steps; None otherwise."""
        if type(call.func) is cst.Name:
            value = self.scope.lookup(call.func.value)
            if value.kind == "wrapper":
                if call.args:
                    self.fact(F.WRAPPER_ARGS, call, "a step wrapper takes no arguments")
                return self.defer("step", call, decl=value.data)
            if value.kind == "lazy" or value.kind == "task":
                return None
        target = self.functions.target(call, seq)
        if target is None:
            return None
        if not target.is_async:
            # A plain function runs when called: its steps run here.
            node = self.call_helper(target, seq, call)
            if node is not None:
                self.body.awaited(seq, node)
            return OTHER
        return self.defer("call", call, target=target)

    def collect_task(self: "Walker", call: cst.Call, seq: Seq) -> bool:
        """``tasks.append(t)`` / ``tasks.extend(ts)`` on a list of started tasks (§4.7)."""
        func = call.func
        if not (type(func) is cst.Attribute and func.attr.value in ("append", "extend")
                and type(func.value) is cst.Name and len(call.args) == 1):
            return False
        target = self.scope.lookup(func.value.value)
        if target.kind != "tasks":
            return False
        value = self.walk_expr(call.args[0].value, seq)
        target.data.extend(t for t in tasks_of(value) if all(t is not u for u in target.data))
        return True

    def unresolved(self: "Walker", call: cst.Call, values: list[Value]) -> None:
        """SEMANTICS §6.4: what reaches a callable that cannot be followed is said, not guessed.
        A coroutine handed over may be awaited there: it is not reported as never awaited."""
        passed = [PASSED[v.kind] for v in values if v.kind in PASSED]
        if not passed or never_calls_back(self, call.func):
            return
        for value in values:
            if value.kind == "lazy":
                value.data.consumed = True
        reason = self.functions.callees.resolve(call.func)
        callee = source_text(self.module, call.func)
        self.fact(F.UNRESOLVED_CALLEE, call, f"{' and '.join(dict.fromkeys(passed))} passed to "
                  f"{callee}, which cannot be followed: {reason}", callee=callee,
                  passed=sorted(set(passed)), reason=reason)

    def call_helper(self: "Walker", target: Any, seq: Seq, call: cst.Call) -> Any:
        """Run a helper: expanded inline when it awaits a wrapper it was given (§4.5), else a
        ``function_call`` when it (transitively) contains steps, else nothing."""
        if target.expands:
            self.functions.expand_inline(target, seq)
            return None
        node = self.functions.call_node(target, call)
        if node is not None:
            node._args = call_arguments(self.module, call)  # for diagram labels (SEMANTICS §9)
        return node

    # --- asyncio ---------------------------------------------------------------------------

    def walk_asyncio(self: "Walker", name: str, call: cst.Call, seq: Seq, awaited: bool) -> Value:
        args = [a.value for a in call.args if a.keyword is None and not a.star]
        if name in PASSTHROUGH:
            inner = self.walk_expr(args[0], seq) if args else OTHER
            return self.await_value(inner, seq, call) if awaited else inner
        if name in STARTERS:
            return self.walk_create_task(call, args, seq, awaited)
        if name in ("gather", "wait"):
            return self.walk_gather(name, call, seq, awaited)
        if name == "as_completed":
            members = self.member_values(args[:1], seq, call)
            self.fact(F.RACE_OVER_STEPS, call, "asyncio.as_completed over steps", members=len(members))
            self.emit_members(seq, "race", members, call, awaited=False)
            return OTHER
        return OTHER

    def walk_create_task(self: "Walker", call: cst.Call, args: list[cst.BaseExpression], seq: Seq,
                         awaited: bool) -> Value:
        value = self.walk_expr(args[0], seq) if args else OTHER
        if awaited:  # `await create_task(x)` is `await x`
            return self.await_value(value, seq, call)
        if value.kind == "lazy":
            node = self.materialize(value.data, seq)
            if node is None:
                return OTHER
            return Value("task", self.start(seq, [node], call))
        return value if value.kind == "task" else OTHER

    def walk_gather(self: "Walker", name: str, call: cst.Call, seq: Seq, awaited: bool) -> Value:
        kind, members = self.gather_members(name, call, seq)
        return self.emit_members(seq, kind, members, call, awaited)

    def member_values(self: "Walker", args: list[Any], seq: Seq, site: cst.CSTNode) -> list[Any]:
        """Members of a gather/wait, in order: a Value (a pending task or a coroutine), a node
        built inline, or ("loop", comprehension)."""
        out: list[Any] = []
        for arg in args:
            expr = arg.value if type(arg) is cst.Arg else arg
            starred = type(arg) is cst.Arg and arg.star == "*"
            if starred and type(expr) in (cst.List, cst.Tuple, cst.Set):
                out.extend(self.member(e.value, seq) for e in expr.elements)
            elif starred and type(expr) in (cst.GeneratorExp, cst.ListComp, cst.SetComp):
                out.append(("loop", expr))
            else:
                out.append(self.member(expr, seq))
        return out

    def member(self: "Walker", expr: cst.BaseExpression, seq: Seq) -> Any:
        """Work written inline in a gather starts with it, as a member (SEMANTICS §4.3): a step
        call, ``create_task(...)``, a nested gather or wait."""
        if type(expr) is not cst.Call:
            return self.walk_expr(expr, seq)
        method = self.step_method(expr.func)
        if method in ("sleep", "sleep_until", "wait_for_event"):
            for arg in expr.args:
                self.walk_expr(arg.value, seq)
            return ("node", self.step_api_node(method, expr))
        name = self.index.asyncio_function(expr.func) or _task_method(expr.func)
        args = [a.value for a in expr.args if a.keyword is None and not a.star]
        if name in (*STARTERS, *PASSTHROUGH) and args:
            return self.member(args[0], seq)
        if name in ("gather", "wait"):
            kind, members = self.gather_members(name, expr, seq)
            inline = self.inline_members(members)
            if not inline:
                return OTHER
            nested = Parallel(kind=kind, nodes=inline)
            nested._src = expr
            return ("node", nested)
        return self.walk_expr(expr, seq)

    def gather_members(self: "Walker", name: str, call: cst.Call, seq: Seq) -> tuple[str, list[Any]]:
        """The kind and members of ``gather(...)`` or ``wait(...)`` (SEMANTICS §4.3)."""
        if name == "gather":
            settled = any(a.keyword and a.keyword.value == "return_exceptions"
                          and dotted_name(a.value) == "True" for a in call.args)
            members = self.member_values([a for a in call.args if a.keyword is None], seq, call)
            return ("all_settled" if settled else "all"), members
        bound, _ = call_args(call, ("fs", "timeout", "return_when"))
        when = dotted_name(bound["return_when"]) if "return_when" in bound else None
        kind = WAIT_KINDS.get((when or "ALL_COMPLETED").rsplit(".", 1)[-1], "all_settled")
        if kind == "race":
            self.fact(F.RACE_OVER_STEPS, call, "asyncio.wait(FIRST_COMPLETED) over steps")
        fs = bound.get("fs")
        return kind, self.member_values([cst.Arg(value=fs, star="*")] if fs is not None else [], seq, call)

    def inline_members(self: "Walker", members: list[Any]) -> list[Any]:
        """Start the members that are not already running; their nodes, in order."""
        inline: list[Any] = []
        for member in members:
            if isinstance(member, tuple) and member[0] == "loop":
                inline.append(self.comprehension_member(member[1]))
            elif isinstance(member, tuple):
                inline.append(member[1])
            elif member.kind == "lazy":
                chain = Seq([])
                node = self.materialize(member.data, chain)
                if node is not None:
                    inline.append(self.chain_member(chain.nodes, node))
        return [m for m in inline if m is not None]

    def emit_members(self: "Walker", seq: Seq, kind: str, members: list[Any], site: cst.CSTNode,
                     awaited: bool) -> Value:
        """A gather: pending tasks named in it resolve together; the rest run as an inline
        ``parallel`` numbered like ``Promise.all`` members (§4.3, §4.6 mixed row)."""
        tasks = [t for m in members if isinstance(m, Value) for t in tasks_of(m)]
        inline = self.inline_members(members)
        if awaited:
            resolved = bool(tasks) and self.body.resolve(tasks)
            if resolved and inline and not self.body.has_pending():
                self.body.close_group(seq)  # the inline members form their own parallel (X12)
            if inline:
                self.emit_parallel(seq, kind, inline, site)
            return OTHER
        if not inline:
            return Value("task", tasks[0]) if len(tasks) == 1 else OTHER
        parallel = Parallel(kind=kind, nodes=inline)
        parallel._src = site
        nodes = _leaf_members(inline)
        for node in nodes:
            node.starts = self.body.counter
        self.body.place_concurrent(seq, parallel)
        task = Task(nodes=nodes, source=site)
        self.body.pending.append(task)
        self.tasks.append(task)
        return Value("task", task)

    def chain_member(self: "Walker", before: list[Any], node: Any) -> Any:
        from wfgraph.schema import Block

        return Block(nodes=[*before, node]) if before else node

    def comprehension_member(self: "Walker", expr: Any) -> Loop | None:
        inner = Seq([])
        self.walk_comprehension_elements(expr, inner, member=True)
        if not inner.nodes:
            return None
        return self.loop_node(inner, expr)

    def emit_parallel(self: "Walker", seq: Seq, kind: str, members: list[Any], site: cst.CSTNode) -> None:
        parallel = Parallel(kind=kind, nodes=members)
        parallel._src = site
        self.body.number_members(members)
        if self.body.has_pending():
            self.body.place_concurrent(seq, parallel)
        else:
            self.body.place_plain(seq, parallel)


PASSED = {"step": "step", "wrapper": "a step wrapper", "event": "event", "lazy": "a coroutine"}
"""What an unresolved call may receive that matters (SEMANTICS §6.4), as a fact names it (the
ones that may run steps there: ``facts.RUNS_STEPS``)."""
_NO_CALLBACK_BUILTINS = frozenset({
    "print", "len", "isinstance", "issubclass", "type", "id", "repr", "str", "hash", "callable",
    "hasattr", "vars", "dir", "bool", "format",
})
_LOGGING = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})


def never_calls_back(walker: "Walker", func: cst.BaseExpression) -> bool:
    """Builtins that only look at their arguments, and logging calls."""
    if type(func) is cst.Name:
        return func.value in _NO_CALLBACK_BUILTINS and walker.scope.lookup(func.value).kind == "other" \
            and walker.linker.lookup(walker.scope.home(), func.value) is None
    return type(func) is cst.Attribute and func.attr.value in _LOGGING


def _task_method(func: cst.BaseExpression) -> str | None:
    """``loop.create_task(x)`` and the like start a task whatever the receiver."""
    if type(func) is cst.Attribute and func.attr.value in STARTERS:
        return func.attr.value
    return None


def _leaf_members(members: list[Any]) -> list[Any]:
    out = []
    for member in members:
        kind = getattr(member, "type", None)
        if kind in ("parallel", "loop", "block"):
            out.extend(_leaf_members(member.nodes[-1:] if kind != "parallel" else member.nodes))
        else:
            out.append(member)
    return out
