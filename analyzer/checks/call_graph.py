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
from dataclasses import field

import libcst as cst

from ..python.callees import SKIPPED_METHODS
from ..python.classes import Classes, ClassRef, MethodRef, method_kind
from ..python.linker import LinkedModule, Symbol
from ..python.names import param_names, positional_params
from ..records import record
from .expressions import read_root
from .function_body import Function


@record(frozen=True)
class Callee:
    """A resolved call: the function, whether the call binds its first parameter (a method
    called through ``self`` or ``cls``; not a ``@staticmethod``), and the module it is written in
    (None: the analysed file's own)."""

    fn: cst.FunctionDef
    bound_first: bool
    module: LinkedModule | None = None


class CallResolver:
    """Calls resolved like the walker resolves them (python/callees.py, SEMANTICS §2.4, §6.1a):
    closures first, then the names of the module the caller is written in and what it imports,
    methods through ``self`` to the most derived override, ``module.f`` and ``Class.m``."""

    def __init__(self, classes: Classes, cls: cst.ClassDef | None) -> None:
        self.classes = classes
        self.linker = classes.linker
        self.cls = ClassRef(cls, self.linker.home) if cls is not None else None

    def target(self, call: cst.Call, caller: Function) -> Callee | None:
        """The function ``call`` runs when it is written in ``caller``; None when it is not a
        function of the project that wfgraph can name (a builtin, a package's, a value)."""
        func = call.func
        module = caller.module or self.linker.home
        if type(func) is cst.Name:
            return self._named(func.value, caller, module)
        if type(func) is not cst.Attribute:
            return None
        if type(func.value) is cst.Name and func.value.value == caller.self_name:
            if self.cls is None:
                return None
            return self._method(self.classes.find_method(self.cls, func.attr.value), on_class=False)
        owner = self.linker.expression(module, func.value)
        if owner is not None and owner.kind == "class":
            ref = ClassRef(owner.node, owner.module)  # type: ignore[arg-type]
            return self._method(self.classes.find_method(ref, func.attr.value), on_class=True)
        if owner is not None and owner.kind == "module":
            return self._function(self.linker.attribute(owner, func.attr.value))
        return None

    def _named(self, name: str, caller: Function, module: LinkedModule) -> Callee | None:
        for scope in (caller, *caller.ancestors()):
            if name in scope.locals:  # a closure, or a local value that is not ours to follow
                fn = next((n for n in reversed(scope.nested) if n.name.value == name), None)
                return Callee(fn, False, caller.module) if fn is not None else None
        return self._function(self.linker.lookup(module, name))

    def _function(self, symbol: Symbol | None) -> Callee | None:
        if symbol is None or symbol.kind != "function":
            return None
        return Callee(symbol.node, False, self._other(symbol.module))

    def _method(self, method: MethodRef | None, on_class: bool) -> Callee | None:
        if method is None or method.name in SKIPPED_METHODS:
            return None
        bound = method.kind == "classmethod" or (method.kind == "method" and not on_class)
        return Callee(method.fn, bound, self._other(method.module))

    def _other(self, module: LinkedModule | None) -> LinkedModule | None:
        return None if module is None or module is self.linker.home else module

    def is_method(self, fn: cst.FunctionDef) -> bool:
        """Whether ``fn`` is a method of the workflow class or one of its bases."""
        return self.cls is not None and self.classes.owner(self.cls, fn) is not None

    def module_of(self, fn: cst.FunctionDef) -> LinkedModule | None:
        """The module of the project ``fn`` is written in (None: the analysed file)."""
        for module in self.linker.modules.values():
            if module is not self.linker.home and module.source.has(fn):
                return module
        return None


def is_static(fn: cst.FunctionDef) -> bool:
    return method_kind(fn) == "static"


@record
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
    return type(expr) is cst.Name and expr.value in names


def local_classes(module: cst.Module) -> Classes:
    """The project model of a module analysed alone (no project: its own names only)."""
    from ..analysis import link
    from ..python.source import SourceFile

    return Classes(link(SourceFile("<module>", module.code, module), None, None))
