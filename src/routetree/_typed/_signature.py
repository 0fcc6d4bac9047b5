"""What a typed handler asks for, read once from its signature at start-up.

The data here is shared by the request path (binding and validating input,
serialising the answer) and by the OpenAPI document, so the two never disagree.

`read_signature` sorts a handler's parameters: those named ``body``, ``form``,
``query``, ``params``, ``headers`` or ``cookies`` and annotated (other than with
`Request` / `RouteContext`) are typed inputs, filled by keyword; the others keep
their plain meaning, request then context, by position. A return annotation other
than `Response` (or ``Any``, ``None``...) is a response model. Anything routetree
could not honour is a `RouteImportError` naming the file, before the first request.

A decorated handler is read as it is called (`routetree._invoke.call_signature`):
through a pure pass-through wrapper, ``(*args, **kwargs)``, the wrapped function's
signature and annotations decide; any other wrapper is a plain handler with its own
parameters.
"""

from __future__ import annotations

import inspect
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from .._errors import RouteImportError
from .._invoke import call_signature, handler_arity
from ._annotations import (
    describe,
    is_context_annotation,
    is_response_annotation,
    namespace_of,
    resolve_annotation,
)
from ._operation import operation_of

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from pydantic import TypeAdapter

    from ._operation import Operation

__all__ = [
    "INPUT_SOURCES",
    "LOCATIONS",
    "HandlerSignature",
    "Source",
    "TypedInput",
    "read_signature",
]

logger = logging.getLogger("routetree")
# "Response", "routetree.Response", "Response | None": no model was asked for.
_NAMES_A_RESPONSE = re.compile(r"(?:^|[.\s|\[])Response\b")

Source = Literal["body", "form", "query", "params", "headers", "cookies"]
#: The parameter names a handler may annotate to receive validated input.
INPUT_SOURCES: Final[tuple[Source, ...]] = (
    "body",
    "form",
    "query",
    "params",
    "headers",
    "cookies",
)
#: FastAPI's name of each source: ``loc[0]`` of a 422 item, and OpenAPI's ``in``.
LOCATIONS: Final[dict[Source, str]] = {
    "body": "body",
    "form": "body",
    "query": "query",
    "params": "path",
    "headers": "header",
    "cookies": "cookie",
}


@dataclass(frozen=True, slots=True)
class TypedInput:
    """One annotated input parameter of a handler.

    Attributes:
        source: The parameter's name, which says where its value comes from.
        annotation: The resolved annotation (a model, a TypedDict, a dataclass...).
        adapter: The ``TypeAdapter`` that validates it, built once.
        list_fields: For ``query``, ``form`` and ``headers``: the (alias) names of
            fields that take every value of a repeated key, not only the last.
    """

    source: Source
    annotation: Any
    adapter: TypeAdapter[Any]
    list_fields: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class HandlerSignature:
    """A handler's typed inputs, its response model and its declared operation.

    Attributes:
        inputs: The annotated input parameters, in signature order.
        context_arity: How many of ``(request, context)`` it takes positionally.
        returns: The resolved return annotation when it is a model, else None.
        return_adapter: The ``TypeAdapter`` of ``returns``, built once, or None.
        operation: What ``@operation(...)`` declared (or the defaults).
    """

    inputs: tuple[TypedInput, ...]
    context_arity: int
    returns: Any
    return_adapter: TypeAdapter[Any] | None
    operation: Operation


_NAMES = "body, form, query, params, headers or cookies"
_POSITIONAL = (
    inspect.Parameter.POSITIONAL_ONLY,
    inspect.Parameter.POSITIONAL_OR_KEYWORD,
)
# Sources read from a multi-valued part of the request: a list field takes every value.
_MULTI_VALUED: frozenset[Source] = frozenset({"query", "form", "headers"})


def read_signature(
    func: Callable[..., object],
    method: str,
    where: str,
    segment_names: Collection[str],
) -> HandlerSignature | None:
    """Read a handler's typed inputs and response model; None for a plain handler.

    Called once per handler when its route file is loaded. pydantic is imported, and
    one ``TypeAdapter`` built per typed input and response model, only when the
    handler has one.

    Args:
        func: The handler as the route file exports it.
        method: The HTTP method it answers, for messages.
        where: The route file, relative to the project, for messages.
        segment_names: The route's dynamic segment names: the fields a ``params``
            model may have.

    Raises:
        RouteImportError: An annotated parameter that is neither a typed input nor
            request/context, a typed input whose annotation cannot be resolved or
            validated, a ``params`` field that is no segment of the route, or a
            signature routetree cannot call; the message names the file.
    """
    try:
        signature = call_signature(func)
    except (TypeError, ValueError):
        return None  # no signature to read (a builtin): a plain handler
    owner = f"{method} in {where}"
    namespace = namespace_of(func)
    parameters = signature.parameters.values()
    typed: dict[Source, object] = {}
    first_positional_input: str | None = None
    context_slots = 0  # positional parameters that get request or context
    for parameter in parameters:
        name, kind, raw = parameter.name, parameter.kind, parameter.annotation
        if kind is parameter.VAR_KEYWORD:
            continue
        if (
            name in INPUT_SOURCES
            and raw is not parameter.empty
            and kind is not parameter.VAR_POSITIONAL
        ):
            annotation = _resolve_input(raw, namespace, owner, name)
            if not is_context_annotation(annotation, loose=False):
                if kind is parameter.POSITIONAL_ONLY:
                    raise RouteImportError(
                        f"{owner}: `{name}` is positional-only, but typed inputs are "
                        "passed by name. Remove the `/` before it."
                    )
                typed[name] = annotation
                if kind is parameter.POSITIONAL_OR_KEYWORD:
                    first_positional_input = first_positional_input or name
                continue
        passed = context_slots < 2 and (
            kind in _POSITIONAL or kind is parameter.VAR_POSITIONAL
        )
        required = (
            parameter.default is parameter.empty
            and kind is not parameter.VAR_POSITIONAL
        )
        if raw is not parameter.empty and (passed or required):
            _check_plain_parameter(raw, namespace, owner, name)
        if passed and first_positional_input is not None:
            raise RouteImportError(
                f"{owner}: the typed input `{first_positional_input}` comes before "
                f"`{name}`, but request and context are passed first, by position. "
                f"Put them first: def {method}(request, context, "
                f"{first_positional_input}: ...)."
            )
        if kind in _POSITIONAL:
            context_slots += 1
    returns = _response_model(signature.return_annotation, namespace, owner)
    if not typed and returns is None:
        return None
    if "body" in typed and "form" in typed:
        raise RouteImportError(
            f"{owner} takes both `body` (JSON) and `form`, but a request has one "
            "body: keep one of them."
        )
    return _build(func, owner, typed, returns, segment_names, method, where)


def _resolve_input(
    raw: object, namespace: dict[str, Any], owner: str, name: str
) -> object:
    try:
        return resolve_annotation(raw, namespace)
    except Exception as exc:
        raise RouteImportError(
            f"{owner}: the annotation of `{name}` ({describe(raw)}) cannot be "
            f"resolved: {exc}. Define or import it at module level, not only under "
            "`if TYPE_CHECKING:`."
        ) from None


def _check_plain_parameter(
    raw: object, namespace: dict[str, Any], owner: str, name: str
) -> None:
    """Refuse an annotated parameter that is neither a typed input nor request/context.

    An annotation that cannot be resolved leaves the parameter its plain meaning, as
    before typed handlers existed (``request: Request`` imported for type checking
    only).
    """
    try:
        annotation = resolve_annotation(raw, namespace)
    except Exception:
        return
    if is_context_annotation(annotation, loose=True):
        return
    raise RouteImportError(
        f"{owner}: parameter `{name}: {describe(raw)}` is not one routetree can "
        f"fill. Typed inputs are named {_NAMES} (`body: {describe(raw)}` for a "
        "JSON body, say); the other parameters are request and context, "
        "unannotated or annotated Request and RouteContext."
    )


def _response_model(
    raw: object, namespace: dict[str, Any], owner: str
) -> object | None:
    """The return annotation when it asks for a response model, else None.

    An annotation that cannot be resolved (imported for type checking only) asks for
    none, as before typed handlers existed; unless it names a Response, a warning says
    that no model applies, since a model meant to filter the answer would not.
    """
    if raw is inspect.Signature.empty:
        return None
    try:
        annotation = resolve_annotation(raw, namespace)
    except Exception as exc:
        if not (isinstance(raw, str) and _NAMES_A_RESPONSE.search(raw)):
            logger.warning(
                "%s: the return annotation %s cannot be resolved (%s), so no "
                "response model applies. Import it at module level, not only under "
                "`if TYPE_CHECKING:`, if it is one.",
                owner,
                describe(raw),
                exc,
            )
        return None
    return None if is_response_annotation(annotation) else annotation


def _build(
    func: Callable[..., object],
    owner: str,
    typed: dict[Source, object],
    returns: object | None,
    segment_names: Collection[str],
    method: str,
    where: str,
) -> HandlerSignature:
    from ._adapters import build_adapter, object_fields

    inputs: list[TypedInput] = []
    for source in typed:
        annotation = typed[source]
        what = f"`{source}: {describe(annotation)}`"
        adapter = build_adapter(annotation, owner, what)
        list_fields: frozenset[str] = frozenset()
        if source != "body":
            fields = object_fields(adapter, owner, what)
            if source in _MULTI_VALUED:
                list_fields = fields.list_keys
            if source == "params":
                _check_params(fields.keys, segment_names, owner)
        inputs.append(TypedInput(source, annotation, adapter, list_fields))
    return_adapter = (
        None
        if returns is None
        else build_adapter(
            returns, owner, f"the return annotation `{describe(returns)}`"
        )
    )
    return HandlerSignature(
        tuple(inputs),
        handler_arity(func, method, where, typed),
        returns,
        return_adapter,
        operation_of(func),
    )


def _check_params(
    keys: tuple[str, ...] | None, segment_names: Collection[str], owner: str
) -> None:
    unknown = [key for key in keys or () if key not in segment_names]
    if not unknown:
        return
    segments = (
        f"its segments are {', '.join(sorted(segment_names))}"
        if segment_names
        else "it has no dynamic segment"
    )
    raise RouteImportError(
        f"{owner}: the `params` field {unknown[0]!r} is not a dynamic segment of "
        f"this route ({segments}). Name each field for a [segment] folder of the "
        "route's path."
    )
