"""What a typed handler asks for, read once from its signature at start-up.

The data here is shared by the request path (binding and validating input,
serialising the answer) and by the OpenAPI document, so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from ._operation import Operation

__all__ = [
    "INPUT_SOURCES",
    "LOCATIONS",
    "HandlerSignature",
    "Source",
    "TypedInput",
]

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
