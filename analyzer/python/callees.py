"""What a call runs: a function or method of the project, or why that cannot be known.

Calls resolve like Python's name and attribute lookup, across the project's modules (SEMANTICS
§2.4): names of the enclosing scopes, then of the module and what it imports; ``self.m`` through
the workflow class's MRO to the most derived override, ``super().m`` past the current class,
static and class methods (§6.1a); ``module.f`` and ``Class.m``; ``getattr(obj, "m")`` with a
literal name. Anything else is *unresolved*, with a reason the facts of §6.4 carry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

import libcst as cst

from .classes import ClassRef, MethodRef
from .linker import Symbol
from .literals import dotted_name, string_value
from .scope import Scope, Value

if TYPE_CHECKING:
    from .walker import Walker

SKIPPED_METHODS = ("run", "on_run", "__init__")

Resolved = Union[tuple[cst.FunctionDef, Scope, bool], str]
"""A function, the scope it was defined in and whether its first parameter is bound to the
receiver; or why the callee cannot be known."""


class Callees:
    def __init__(self, walker: "Walker") -> None:
        self.w = walker

    def resolve(self, func: cst.BaseExpression) -> Resolved:
        """What a call's ``func`` runs (SEMANTICS §6.4 when it cannot be known)."""
        w = self.w
        if type(func) is cst.Name:
            value = w.scope.find(func.value)
            if value is not None:
                return self._from_value(value, func.value)
            home = w.scope.home()
            symbol = w.linker.lookup(home, func.value)
            unread = w.linker.not_followed_for(home, func.value) if symbol is None else None
            if unread is not None:
                note = unread.note
                return (f"{func.value} comes from {note.path}, which is not followed "
                        f"({note.line}:{note.column}: {unread.reason})")
            return self._from_symbol(symbol, func.value)
        if type(func) is cst.Attribute:
            return self._attribute(func.value, func.attr.value)
        if type(func) is cst.Call and _getattr_literal(func) is not None:
            owner, attr = _getattr_literal(func)  # type: ignore[misc]
            return self._attribute(owner, attr)
        if type(func) is cst.Call and dotted_name(func.func) == "getattr":
            return "it is reached through getattr with a computed name"
        return "the callable is computed at run time"

    def _attribute(self, owner: cst.BaseExpression, attr: str) -> Resolved:
        w = self.w
        if type(owner) is cst.Name and owner.value == w.scope.find_self():
            if attr in SKIPPED_METHODS:
                return f"self.{attr} is not a helper"
            return self._from_method(w.classes.find_method(w.cls, attr), f"self.{attr}")
        if type(owner) is cst.Call and dotted_name(owner.func) == "super" and not owner.args:
            current = w.classes.owner(w.cls, w.scope.method_fn()) if w.scope.method_fn() else None
            method = w.classes.find_method(w.cls, attr, after=current) if current else None
            return self._from_method(method, f"super().{attr}")
        value = w.scope.find(owner.value) if type(owner) is cst.Name else None
        if value is not None:
            if value.kind != "imported":
                return f"{dotted_name(owner)}.{attr} belongs to a value whose type is not known"
            symbol = value.data
        else:
            symbol = w.linker.expression(w.scope.home(), owner)
        text = f"{dotted_name(owner) or '…'}.{attr}"
        if symbol is not None and symbol.kind == "class":
            return self._from_method(w.classes.find_method(ClassRef(symbol.node, symbol.module), attr),
                                    text, on_class=True)
        if symbol is not None:
            return self._from_symbol(w.linker.attribute(symbol, attr), text)
        return f"{text} belongs to a value whose type is not known"

    def _from_value(self, value: Value, text: str) -> Resolved:
        if value.kind == "func":
            return (*value.data, False)
        if value.kind == "imported":
            return self._from_symbol(value.data, text)
        if value.kind == "dynamic":
            return value.data
        return f"{text} is a value whose target is not known here"

    def _from_symbol(self, symbol: Symbol | None, text: str) -> Resolved:
        if symbol is None:
            return f"{text} is not defined in the project"
        if symbol.kind == "function":
            return symbol.node, self.w.scope_of(symbol.module), False
        if symbol.kind == "external":
            where = f" ({symbol.detail})" if symbol.detail != text else ""
            return f"it is defined outside the project{where}"
        if symbol.kind == "bound":
            return f"{text} is bound to a value computed at run time"
        return f"{text} is a {symbol.kind}, not a function"

    def _from_method(self, method: MethodRef | None, text: str,
                    on_class: bool = False) -> Resolved:
        """SEMANTICS §6.1a: static methods take their arguments without ``self``; class
        methods bind ``cls``; called on the class, a plain method takes ``self`` explicitly."""
        if method is None:
            return f"{text} is not defined by the class or its bases in the project"
        bound = method.kind == "classmethod" or (method.kind == "method" and not on_class)
        return method.fn, self.w.scope_of(method.module), bound


def _getattr_literal(call: cst.Call) -> tuple[cst.BaseExpression, str] | None:
    """``getattr(obj, "name")``: the attribute is known."""
    if dotted_name(call.func) != "getattr" or len(call.args) != 2:
        return None
    attr = string_value(call.args[1].value)
    return (call.args[0].value, attr) if attr is not None and attr.isidentifier() else None
