"""``@operation(...)``: what a handler declares for the OpenAPI document.

Validation needs nothing of this; the document and the status of a response-model
answer do. The decorator returns the function itself (no wrapper, no cost per
request); it only attaches an `Operation` that `operation_of` reads at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

__all__ = ["Operation", "operation", "operation_of"]

_F = TypeVar("_F", bound=Callable[..., object])
_ATTRIBUTE = "__routetree_operation__"


@dataclass(frozen=True, slots=True)
class Operation:
    """What ``@operation(...)`` declared for one handler.

    Attributes:
        status: The status of an answer built from the return annotation (default
            200; 201 for a handler that creates, say).
        responses: Other answers for the document: status -> a type (its JSON
            Schema is the body), a description string, or None (no body).
        tags: Replace the tag taken from the URL.
        summary: Replace the docstring's first line.
        description: Replace the rest of the docstring.
        operation_id: Replace the generated ``operationId``.
        deprecated: Mark the operation deprecated.
        include_in_schema: False leaves the operation out of the document.
    """

    status: int = 200
    responses: Mapping[int, object] = field(default_factory=dict)
    tags: tuple[str, ...] | None = None
    summary: str | None = None
    description: str | None = None
    operation_id: str | None = None
    deprecated: bool = False
    include_in_schema: bool = True


_DEFAULT = Operation()


def operation(
    *,
    status: int = 200,
    responses: Mapping[int, object] | None = None,
    tags: Iterable[str] | None = None,
    summary: str | None = None,
    description: str | None = None,
    operation_id: str | None = None,
    deprecated: bool = False,
    include_in_schema: bool = True,
) -> Callable[[_F], _F]:
    """Declare a handler's status, other responses and document details.

    ::

        @operation(status=201, responses={409: Problem}, tags=["accounts"])
        async def POST(request: Request, body: UserIn) -> User: ...

    Args:
        status: The status of the answer built from the return annotation.
        responses: Other answers, for the document: status -> a type whose JSON
            Schema is the body, a description, or None.
        tags: Tags for the document instead of the one taken from the URL.
        summary: The summary instead of the docstring's first line.
        description: The description instead of the rest of the docstring.
        operation_id: The ``operationId`` instead of the generated one.
        deprecated: Mark the operation deprecated in the document.
        include_in_schema: False leaves the operation out of the document.

    Raises:
        ValueError: A status outside 100-599.
    """
    for code in (status, *(responses or {})):
        if not isinstance(code, int) or not 100 <= code <= 599:
            raise ValueError(f"operation(): {code!r} is not an HTTP status (100-599).")
    declared = Operation(
        status,
        dict(responses or {}),
        None if tags is None else tuple(tags),
        summary,
        description,
        operation_id,
        deprecated,
        include_in_schema,
    )

    def attach(func: _F) -> _F:
        setattr(func, _ATTRIBUTE, declared)
        return func

    return attach


def operation_of(func: Callable[..., object]) -> Operation:
    """What ``@operation(...)`` declared for ``func``, or the defaults."""
    declared = getattr(func, _ATTRIBUTE, None)
    return declared if isinstance(declared, Operation) else _DEFAULT
