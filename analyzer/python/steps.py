"""Step nodes (SEMANTICS §3) and implicit dependencies (SEMANTICS §4.4).

``@step.do(...)`` declares; the node appears where the wrapper runs. ``step.sleep`` and
``step.sleep_until`` return promises that start at once; ``wait_for_event`` and wrappers are lazy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import libcst as cst

from wfgraph.schema import Block, StepDo, StepSleep, StepSleepUntil, StepWaitForEvent

from . import facts as F
from .concurrency import Seq
from .diagram_info import attach_sequence, config_keys
from .literals import (
    call_args,
    literal_value,
    name_source,
    render_config,
    render_name,
    render_sleep_duration,
    render_wait_options,
    string_value,
)
from .module_index import ScopeConstants, suite_statements
from .scope import Deferred, Scope, StepDecl, Value

if TYPE_CHECKING:
    from .walker import Walker

STEP_METHODS = ("do", "sleep", "sleep_until", "wait_for_event")
IMPLICIT_DO = ("name",)
LEGACY_DO = ("name", "depends", "concurrent", "config")
CTX_PARAM = "ctx"


class StepsMixin:
    # --- recognising the step API ----------------------------------------------------------

    def step_method(self: "Walker", func: cst.BaseExpression) -> str | None:
        """``sleep`` for ``step.sleep`` when the receiver is the step object (§2.3)."""
        if type(func) is cst.Attribute and type(func.value) is cst.Name:
            if self.scope.lookup(func.value.value).kind == "step":
                return func.attr.value
        return None

    def step_api_node(self: "Walker", method: str, call: cst.Call) -> Any:
        """The node for ``step.sleep`` / ``sleep_until`` / ``wait_for_event`` (§3.2–§3.4)."""
        consts = self.scope.constants
        if method == "sleep":
            args, _ = call_args(call, ("name", "duration"))
            self._check_positional(call, method)
            node: Any = StepSleep(
                name=render_name(args.get("name"), consts),
                duration=render_sleep_duration(args.get("duration"), consts),
            )
        elif method == "sleep_until":
            args, _ = call_args(call, ("name", "timestamp"))
            node = StepSleepUntil(name=render_name(args.get("name"), consts))
        else:
            args, _ = call_args(call, ("name", "event_type", "timeout"))
            self._check_positional(call, method)
            node = StepWaitForEvent(
                name=render_name(args.get("name"), consts),
                options=render_wait_options(args.get("event_type"), args.get("timeout"), consts),
            )
        node._src = call
        node._name_src = name_source(args.get("name"), consts)
        if method == "wait_for_event":
            node._event_type_src = name_source(args.get("event_type"), consts)
        self.note_step_in_step(call)
        return node

    def _check_positional(self: "Walker", call: cst.Call, method: str) -> None:
        allowed = {"timeout"} if method == "wait_for_event" else set()
        bad = [a.keyword.value for a in call.args if a.keyword and a.keyword.value not in allowed]
        if bad:
            self.fact(F.STEP_KWARGS, call, f"step.{method}() takes {', '.join(bad)} positionally",
                      method=method, keywords=bad)

    def note_step_in_step(self: "Walker", node: cst.CSTNode) -> None:
        if self.step_depth:
            self.fact(F.NESTED_STEP, node, "a step runs inside another step's body")

    # --- declarations ----------------------------------------------------------------------

    def step_decorator(self: "Walker", fn: cst.FunctionDef) -> tuple[cst.Decorator, cst.Call] | None:
        for deco in fn.decorators:
            expr = deco.decorator
            if type(expr) is cst.Call and self.step_method(expr.func) == "do":
                return deco, expr
            method = self.step_method(expr.func if type(expr) is cst.Call else expr)
            if method == "do":
                self.fact(F.BARE_DECORATOR, deco, "@step.do is used without parentheses")
            elif method is not None and method not in STEP_METHODS:
                # `@step.with_rollback(...)`: from a docs revision no SDK shipped
                # (docs/python-api.md §2.9)
                self.fact(F.UNKNOWN_STEP_METHOD, deco, f"step.{method} is not part of the "
                          "Python step API", method=method)
        return None

    def declare_step(self: "Walker", fn: cst.FunctionDef, deco: cst.Decorator, call: cst.Call) -> StepDecl:
        consts = self.scope.constants
        legacy = self.legacy_call(call)
        args, _ = call_args(call, LEGACY_DO if legacy else IMPLICIT_DO)
        positional = [a.value for a in call.args if a.keyword is None and not a.star]
        if len(positional) > 1 and (not legacy or _is_callable_arg(positional[1])):
            self.fact(F.CALLBACK_FORM, call, "step.do() given a callback: use it as a decorator")
        if "depends" in args and self.implicit is True:
            self.fact(F.DEPENDS_IN_IMPLICIT_MODE, call, "depends= does not exist in implicit mode")
        name_expr = args.get("name")
        name = render_name(name_expr, consts) if name_expr is not None else fn.name.value
        registry = string_value(name_expr, consts) if name_expr is not None else fn.name.value
        depends = args.get("depends")
        decl = StepDecl(
            var=fn.name.value,
            name=name,
            registry_name=registry,
            config=render_config(args.get("config"), consts),
            fn=fn,
            decorator=deco,
            concurrent=literal_value(args.get("concurrent"), consts) is True,
            depends=_elements(depends) if depends is not None else None,
            scope=self.scope,
            name_src=name_source(name_expr, consts),
            index=len(self.declared),
            config_keys=config_keys(args.get("config"), consts),
        )
        if registry is not None:
            self.step_registry[registry] = decl
        self.declared.append(decl)
        return decl

    def legacy_call(self, call: cst.Call) -> bool:
        """Legacy ``step.do(name, depends, concurrent, config)`` positions (docs/python-api.md §2.0)."""
        if self.implicit is not None:  # type: ignore[attr-defined]
            return not self.implicit  # type: ignore[attr-defined]
        positional = [a for a in call.args if a.keyword is None and not a.star]
        return len(positional) > 1 or any(a.keyword and a.keyword.value == "depends" for a in call.args)

    # --- running a wrapper -----------------------------------------------------------------

    def step_node(self: "Walker", decl: StepDecl, site: cst.CSTNode) -> StepDo:
        """A ``step_do`` for one run of ``decl`` (its body walked once, copied after)."""
        self.note_step_in_step(site)
        decl.awaited = True
        if decl.body_nodes is None:
            decl.body_nodes = []  # a step that runs itself in its body terminates here
            decl.body_seq = self.walk_step_body(decl)
            decl.body_nodes = decl.body_seq.nodes
            nodes = decl.body_nodes
        else:
            nodes = [clone(n) for n in decl.body_nodes]
        node = StepDo(name=decl.name, config=decl.config.model_copy(deep=True), nodes=nodes)
        node._src = site
        node._name_src, node._decl = decl.name_src, decl.index
        node._config_keys = decl.config_keys
        return attach_sequence(node, decl.body_seq) if nodes else node

    def walk_step_body(self: "Walker", decl: StepDecl) -> Seq:
        scope = Scope(
            parent=decl.scope,
            constants=ScopeConstants(suite_statements(decl.fn.body), parent=decl.scope.constants,
                                     imported=decl.scope.constants.imported),
            fn=decl.fn,
        )
        for param in decl.params:
            scope.bind(param.name.value, Value("other"))
        self.step_depth += 1
        try:
            return self.walk_body(decl.fn, scope)
        finally:
            self.step_depth -= 1

    def dependencies(self: "Walker", decl: StepDecl, site: cst.CSTNode) -> list[StepDecl]:
        """The steps ``decl`` depends on, in parameter order (§4.4)."""
        if decl.depends is not None and self.implicit is not True:
            deps = []
            for expr in decl.depends:
                value = self.scope.lookup(expr.value) if type(expr) is cst.Name else None
                if value is not None and value.kind == "wrapper":
                    deps.append(value.data)
            return deps
        if self.implicit is False:
            return []
        deps = []
        for param in decl.params:
            pname = param.name.value
            # Resolved at call time against the steps registered so far (docs/python-api.md §3.1).
            dep = self.step_registry.get(pname)
            if dep is not None and dep is not decl:
                deps.append(dep)
            elif pname != CTX_PARAM:
                self.fact(F.UNKNOWN_DEPENDENCY, param, f"parameter {pname!r} of step "
                          f"{decl.name!r} names no step", step=decl.name, param=pname)
        return deps

    def run_dependencies(self: "Walker", decl: StepDecl, seq: Seq, site: cst.CSTNode,
                         chain: tuple[StepDecl, ...] = ()) -> None:
        """Emit the dependencies that have not run on every path yet, then mark them run."""
        todo = [d for d in self.dependencies(decl, site) if d not in self.body.ran and d not in chain]
        if not todo:
            return
        chain = chain + (decl,)
        if decl.concurrent:
            members = []
            for dep in todo:
                if dep in self.body.ran:
                    continue
                inner = Seq([])
                self.run_dependencies(dep, inner, site, chain)
                node = self.step_node(dep, site)
                members.append(Block(nodes=[*inner.nodes, node]) if inner.nodes else node)
                self.body.ran |= {dep}
            if members:
                self.emit_parallel(seq, "all", members, site)
            return
        for dep in todo:
            if dep in self.body.ran:
                continue
            self.run_dependencies(dep, seq, site, chain)
            self.body.awaited(seq, self.step_node(dep, site))
            self.body.ran |= {dep}

    def run_wrapper(self: "Walker", decl: StepDecl, seq: Seq, site: cst.CSTNode) -> StepDo:
        """Dependencies emitted into ``seq``; the step's own node is returned unplaced."""
        self.run_dependencies(decl, seq, site)
        node = self.step_node(decl, site)
        self.body.ran |= {decl}
        return node

    def materialize(self: "Walker", deferred: Deferred, seq: Seq) -> Any:
        """Start a lazy coroutine: its main node (unplaced), or None when it expanded inline."""
        deferred.consumed = True
        if deferred.kind == "step":
            assert deferred.decl is not None
            return self.run_wrapper(deferred.decl, seq, deferred.call)
        if deferred.kind == "wait":
            return self.step_api_node("wait_for_event", deferred.call)
        return self.call_helper(deferred.target, seq, deferred.call)


def clone(node: Any) -> Any:
    """A deep copy of a graph node whose copies still point at the same source (``_src``):
    pydantic's deep copy would copy the libcst nodes too, losing their positions."""
    from .functions import iter_nodes

    copy = node.model_copy(deep=True)
    for original, copied in zip(iter_nodes([node]), iter_nodes([copy])):
        copied._src = original._src  # the other side attributes are plain values, copied
    return copy


def _elements(expr: cst.BaseExpression) -> list[cst.BaseExpression]:
    if type(expr) in (cst.List, cst.Tuple, cst.Set):
        return [e.value for e in expr.elements]
    return []


def _is_callable_arg(expr: cst.BaseExpression | None) -> bool:
    return type(expr) in (cst.Lambda, cst.Name, cst.Attribute) if expr is not None else False
