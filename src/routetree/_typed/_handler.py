"""The wrapper a typed handler runs in: validate its input, call it, serialise.

`typed_handler` is built once per typed handler at start-up and becomes
`Handler.func`: an ``async`` function of ``(request, context)``, so the request path
calls it exactly as it calls a plain ``async def`` handler (``max_duration``,
``after()``, ``cookies()``, ``not_found()``, `HTTPError` and the 500 pages all work
as they do there). Per request it:

1. reads and validates every typed input, collecting the failures of all of them;
   any failure answers 422 with every failing field (`._validation_errors`);
2. calls the handler with request and context by position (as many as it takes)
   and the typed inputs by keyword; a plain ``def`` runs in a worker thread, as an
   untyped one does, once the body has been read on the event loop;
3. for a response model, validates what it returned (``from_attributes``, so ORM
   objects work) and answers it as JSON with the ``@operation(status=...)`` status;
   a `Response` it returns is sent unchanged, and a value that does not fit is a
   500 logged with each failing field.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from .._errors import RequestValidationError, code_location, locate
from .._invoke import call_user_code
from .._response import Response
from ._annotations import describe
from ._binding import input_reader
from ._signature import LOCATIONS
from ._validation_errors import located_errors, response_mismatch

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from pydantic import TypeAdapter

    from .._request import Request, RouteContext
    from ._signature import HandlerSignature

__all__ = ["typed_handler"]


def typed_handler(
    endpoint: Callable[..., Any],
    signature: HandlerSignature,
    *,
    is_async: bool,
    method: str,
    where: str,
) -> Callable[[Request, RouteContext], Awaitable[object]]:
    """Build the wrapper that runs ``endpoint`` with validated input.

    Args:
        endpoint: The handler as the route file exports it.
        signature: What `read_signature` read of it.
        is_async: Whether ``endpoint`` runs on the event loop (else in a thread).
        method: The HTTP method it answers, for log messages.
        where: The route file, for log messages.
    """
    owner = f"{method} in {where}"
    inputs = tuple(
        (
            typed.source,
            input_reader(typed, owner),
            # The core validator itself: TypeAdapter's method only forwards to it.
            typed.adapter.validator.validate_python,
            LOCATIONS[typed.source],
        )
        for typed in signature.inputs
    )
    arity = signature.context_arity
    answer = (
        None
        if signature.return_adapter is None
        else _model_answer(
            signature.return_adapter,
            signature.operation.status,
            owner,
            describe(signature.returns),
            code_location(endpoint),
        )
    )

    async def handler(request: Request, context: RouteContext) -> object:
        values: dict[str, object] = {}
        problems: list[dict[str, object]] = []
        for name, read, validate, location in inputs:
            raw = await read(request, context.params)
            try:
                values[name] = validate(raw)
            except ValidationError as exc:
                problems += located_errors(exc, location)
        if problems:
            # Raised, not returned, so that handle_error of instrumentation.py gets it.
            raise RequestValidationError(problems)
        args = (request, context)[:arity]
        if is_async:
            result = await endpoint(*args, **values)
        else:
            result = await call_user_code(
                functools.partial(endpoint, *args, **values),
                is_async=False,
                abandon_on_cancel=True,
            )
        if answer is None or isinstance(result, Response):
            return result
        return answer(result)

    return handler


def _model_answer(
    adapter: TypeAdapter[Any],
    status: int,
    owner: str,
    annotation: str,
    location: tuple[str, int] | None,
) -> Callable[[object], Response]:
    validate, dump = adapter.validator.validate_python, adapter.serializer.to_json

    def answer(result: object) -> Response:
        try:
            value = validate(result, from_attributes=True)
        except ValidationError as exc:
            error = response_mismatch(exc, owner, annotation)
            if location is not None:  # the handler returned it: point there
                locate(error, *location)
            raise error from None
        # Serialised as the declared type: fields outside it (a subclass's, an ORM
        # object's) are dropped, as FastAPI's response models drop them.
        return Response._of_json(dump(value), status)

    return answer
