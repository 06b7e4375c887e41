"""Which function a call in a workflow's code runs, and what that function's parameters receive.

The rules that care whether code runs as workflow code (WF030, WF031, WF034…) must see every
function reachable from ``run``, not only the helpers that contain steps (those are the walker's,
SEMANTICS §6): a step-less helper that reads the clock is replayed like ``run`` itself.

``CallResolver.target`` is the one place where a call becomes a function. Today it knows this
module: closures (a ``def`` in the caller or a function around it), module-level functions, and
methods of the workflow class and its bases in this module through ``self`` (or ``cls``).
Imported helpers (SEMANTICS §2.4) plug in here: a resolver that also follows the project's
imports returns their ``FunctionDef`` the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst as cst

from ..python.functions import SKIPPED_METHODS
from ..python.module_index import ModuleIndex
from .expressions import param_names, positional_params, read_root
from .function_body import Function


@dataclass(frozen=True)
class Callee:
    """A resolved call: the function, and whether the call binds its first parameter (a method
    called through ``self`` or ``cls``; not a ``@staticmethod``)."""

    fn: cst.FunctionDef
    bound_first: bool


class CallResolver:
    def __init__(self, index: ModuleIndex, cls: cst.ClassDef | None) -> None:
        self.index = index
        self.cls = cls

    def target(self, call: cst.Call, caller: Function) -> Callee | None:
        """The function ``call`` runs when it is written in ``caller``; None when it is not a
        function of this module that wfgraph can name (a builtin, an import, a value)."""
        func = call.func
        if isinstance(func, cst.Name):
            return self._named(func.value, caller)
        if (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
                and func.value.value == caller.self_name and self.cls is not None):
            method = self.index.find_method(self.cls, func.attr.value)
            if method is None or method.name.value in SKIPPED_METHODS:
                return None
            return Callee(method, not is_static(method))
        return None

    def _named(self, name: str, caller: Function) -> Callee | None:
        for scope in (caller, *caller.ancestors()):
            if name in scope.locals:  # a closure, or a local value that is not ours to follow
                fn = next((n for n in reversed(scope.nested) if n.name.value == name), None)
                return Callee(fn, False) if fn is not None else None
        fn = self.index.functions.get(name)
        return Callee(fn, False) if fn is not None else None


def is_static(fn: cst.FunctionDef) -> bool:
    return any(isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod"
               for d in fn.decorators)


@dataclass
class Received:
    """What a helper's parameters receive at its call sites (SEMANTICS §2.3): the step object,
    the event or something read from it, the event itself, ``self.env`` or a binding in it, and
    the workflow instance. A closure receives what the names of the function around it hold,
    wait results included."""

    step: set[str] = field(default_factory=set)
    event: set[str] = field(default_factory=set)
    event_roots: set[str] = field(default_factory=set)
    env: set[str] = field(default_factory=set)
    env_roots: set[str] = field(default_factory=set)
    self_name: str | None = None
    wait_roots: set[str] = field(default_factory=set)

    def add_site(self, call: cst.Call, callee: Callee, caller: Function) -> None:
        positional = positional_params(callee.fn)[1 if callee.bound_first else 0:]
        for param, value in bind_arguments(call, positional, param_names(callee.fn)):
            if _named(value, caller.step_names):
                self.step.add(param)
            elif _named(read_root(value), caller.event_names):
                self.event.add(param)
                if _named(value, caller.event_roots):
                    self.event_roots.add(param)
            elif caller.is_env(value):
                self.env.add(param)
                if caller.is_env_root(value):
                    self.env_roots.add(param)
            elif (self.self_name is None and caller.self_name is not None
                  and _named(value, {caller.self_name})):
                self.self_name = param


def bind_arguments(call: cst.Call, positional: list[str],
                   names: list[str]) -> Iterator[tuple[str, cst.BaseExpression]]:
    """(parameter, argument) pairs of a call, by position and keyword; nothing is guessed past
    a ``*args``."""
    index = 0
    for arg in call.args:
        if arg.star == "*":
            index = len(positional)  # the positions after it are unknown
        elif arg.star:
            continue
        elif arg.keyword is not None:
            if arg.keyword.value in names:
                yield arg.keyword.value, arg.value
        elif index < len(positional):
            yield positional[index], arg.value
            index += 1


def _named(expr: cst.BaseExpression, names: set[str]) -> bool:
    return isinstance(expr, cst.Name) and expr.value in names
