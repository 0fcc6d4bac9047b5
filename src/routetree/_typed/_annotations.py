"""Resolve a handler's annotations one at a time, and tell what each one asks for.

Route files often start with ``from __future__ import annotations``, so annotations
arrive as strings, resolved here in the handler's module (which is in `sys.modules`
while the route file loads). Each parameter is resolved on its own: a name imported
only under ``if TYPE_CHECKING:`` must not break a handler whose other annotations are
fine, and an unresolvable annotation on ``request`` keeps its plain meaning.
"""

from __future__ import annotations

import functools
import inspect
import re
import sys
import types
import typing
from typing import TYPE_CHECKING, Any, Never, NoReturn, Union

from .._invoke import signature_owner
from .._request import Request, RouteContext
from .._response import Response

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "describe",
    "is_context_annotation",
    "is_response_annotation",
    "namespace_of",
    "resolve_annotation",
]

_NO_MODEL: tuple[object, ...] = (Any, object, None, type(None), NoReturn, Never)
_QUALIFIED = re.compile(r"\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)")


def namespace_of(func: Callable[..., object]) -> dict[str, Any]:
    """The global namespace ``func``'s annotations are written in.

    Through pass-through wrappers and partials, those of the function whose
    signature is read (`routetree._invoke.signature_owner`).
    """
    target = signature_owner(func)
    while isinstance(target, functools.partial):
        target = signature_owner(target.func)
    if not (inspect.isfunction(target) or inspect.ismethod(target)):
        # A callable object: its class's __call__ holds the annotations.
        target = getattr(type(target), "__call__", target)  # noqa: B004
    target = getattr(target, "__func__", target)  # a bound method
    namespace = getattr(target, "__globals__", None)
    if isinstance(namespace, dict):
        return namespace
    module = sys.modules.get(getattr(target, "__module__", None) or "")
    return vars(module) if module is not None else {}


def resolve_annotation(raw: object, namespace: dict[str, Any]) -> object:
    """The object an annotation (a string, or one holding strings) names.

    ``Annotated[...]`` is kept, for pydantic's ``Field(...)`` and friends.

    Raises:
        Exception: Whatever evaluating it raises (`NameError` for a name that is
            not defined at module level, `SyntaxError`...).
    """
    holder = types.SimpleNamespace(__annotations__={"annotation": raw})
    hints = typing.get_type_hints(holder, globalns=namespace, include_extras=True)
    return hints["annotation"]


def is_context_annotation(annotation: object, *, loose: bool) -> bool:
    """Whether a parameter so annotated takes its plain meaning: request or context.

    `Request`, `RouteContext` or a subclass, through ``Annotated`` and unions
    with None. With ``loose`` (for parameters not named like a typed input),
    ``Any`` and ``object`` too.
    """
    annotation = _strip_annotated(annotation)
    if loose and (annotation is Any or annotation is object):
        return True
    if isinstance(annotation, type):
        return issubclass(annotation, Request | RouteContext)
    if _is_union(annotation):
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return bool(members) and all(
            is_context_annotation(arg, loose=loose) for arg in members
        )
    return False


def is_response_annotation(annotation: object) -> bool:
    """Whether a return annotation asks for no response model.

    `Response` or a subclass, a union with one (``Response | None``), ``Any``,
    ``object``, ``None`` and ``NoReturn``/``Never`` (a handler that always raises).
    """
    annotation = _strip_annotated(annotation)
    if any(annotation is no_model for no_model in _NO_MODEL):
        return True
    if isinstance(annotation, type):
        return issubclass(annotation, Response)
    if _is_union(annotation):
        return any(
            isinstance(arg, type) and issubclass(arg, Response)
            for arg in typing.get_args(annotation)
        )
    return False


def describe(annotation: object) -> str:
    """An annotation as its author wrote it, for error messages: ``list[User]``."""
    if isinstance(annotation, str):
        return annotation
    if isinstance(annotation, type) and not typing.get_args(annotation):
        return annotation.__qualname__
    # Module prefixes (``typing.``, a route module's generated name) say nothing here.
    return _QUALIFIED.sub(r"\1", repr(annotation))


def _strip_annotated(annotation: object) -> object:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _is_union(annotation: object) -> bool:
    return typing.get_origin(annotation) in (Union, types.UnionType)
