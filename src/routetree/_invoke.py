"""Call a route handler and turn whatever happens into a `Response`.

A handler takes ``()``, ``(request)`` or ``(request, context)``; ``async def`` handlers
run on the event loop, plain ``def`` handlers in a worker thread. What comes back, or
what is raised, becomes a response here:

- a `Response` is sent as is; a `ControlFlowSignal` (``not_found()``, ``redirect()``)
  sends its response; an `HTTPError` becomes its JSON error body;
- anything else returned is a 500, logged as "No response is returned from route
  handler" (in dev mode the body says so too);
- any other exception is a 500 (logged with its traceback; in dev mode also in the
  body), ``SystemExit`` (``sys.exit()``) and a ``CancelledError`` the handler raised
  itself included;
- a handler still running after the route's ``max_duration`` is a 504.

A cancellation of the request's task from outside (a server shutting down, a client
leaving) and ``KeyboardInterrupt`` are not the handler's to answer: they propagate.

`call_user_code` is how every piece of project code is called, sync or async: route
handlers, middleware, instrumentation hooks and ``after()`` callbacks.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from typing import TYPE_CHECKING, NamedTuple

import anyio
import anyio.to_thread

from ._error_responses import http_error_response, internal_error_for
from ._errors import (
    ControlFlowSignal,
    HTTPError,
    RouteImportError,
    code_location,
    locate,
)
from ._forms import DEFAULT_FORM_LIMITS, FormLimits
from ._request import ClientDisconnectedError, RouteContext
from ._response import MiddlewareDirective, Response
from ._websocket import DEFAULT_MAX_MESSAGE_SIZE

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from ._cache._route import RouteCache
    from ._request import Request
    from ._routing._loader import Handler, LoadedRoute
    from ._types import Params

__all__ = [
    "CompiledRoute",
    "Outcome",
    "call_signature",
    "call_user_code",
    "failure_outcome",
    "handler_args",
    "handler_arity",
    "is_async_callable",
    "is_handler_failure",
    "result_outcome",
    "run_after_callbacks",
    "run_handler",
    "signature_owner",
]

logger = logging.getLogger("routetree")


class CompiledRoute:
    """What a request needs of a route, computed once at start-up.

    ``handlers`` includes the automatic HEAD (GET's handler) and ``allow`` is the
    ``Allow`` header value: the exported methods, plus OPTIONS, plus HEAD when GET
    exists, sorted. ``websocket`` is the ``WEBSOCKET`` export, if any.
    ``max_body_size``, ``form_limits`` and ``max_message_size`` are the route's own
    segment config where it sets them, else the app's defaults.

    A route whose file failed to load (dev mode only, see `LoadedRoute.error`) answers
    every method with the 500 of its error; its methods, and so ``Allow``, are
    unknown.
    """

    __slots__ = (
        "allow",
        "cache",
        "direct",
        "file",
        "form_limits",
        "handlers",
        "max_body_size",
        "max_duration",
        "max_message_size",
        "path",
        "websocket",
    )

    def __init__(
        self,
        loaded: LoadedRoute,
        *,
        default_max_body_size: int,
        default_form_limits: FormLimits = DEFAULT_FORM_LIMITS,
        default_max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
    ) -> None:
        self.file = loaded.definition.relative_file
        self.path = loaded.definition.path
        self.handlers: dict[str, Handler] = dict(loaded.handlers)
        if "GET" in self.handlers and "HEAD" not in self.handlers:
            self.handlers["HEAD"] = self.handlers["GET"]
        self.allow = ", ".join(sorted({*self.handlers, "OPTIONS"}))
        # WEBSOCKET is routed apart from the methods, and never listed in Allow.
        self.websocket: Handler | None = loaded.websocket
        if loaded.error is not None:
            self.handlers = _failed_load_handlers(loaded.error)
            self.websocket = self.handlers["GET"]  # the upgrade answers the 500 too
            self.allow = ""
        message_size = loaded.config.max_message_size
        self.max_message_size = (
            default_max_message_size if message_size is None else message_size
        )
        size = loaded.config.max_body_size
        self.max_body_size = default_max_body_size if size is None else size
        self.form_limits = loaded.config.form_limits(default_form_limits)
        self.max_duration = loaded.config.max_duration
        # Set by the app for a route whose GET is cached (routetree._cache).
        self.cache: RouteCache | None = None
        # Methods whose handler the app awaits itself: async, with no time limit.
        self.direct = frozenset(
            method
            for method, handler in self.handlers.items()
            if handler.is_async and self.max_duration is None
        )


def _failed_load_handlers(error: Exception) -> dict[str, Handler]:
    """Every method of a route whose file failed to load answers its error."""
    from ._routing._loader import HTTP_METHODS, Handler

    async def answer(request: Request) -> Response:
        return internal_error_for(error, request.headers, dev=True)

    return {method: Handler(method, answer, 1, True) for method in HTTP_METHODS}


class Outcome(NamedTuple):
    """What running a handler gave: the response to send, and the failure to report.

    ``error`` is set when the response is a 5xx caused by the handler (an exception, a
    value that is not a Response, a timeout), for ``on_request_error``. ``cause`` is
    set whenever the response is one of routetree's error answers, whatever its
    status, for ``handle_error``: the `HTTPError` of a 4xx (``not_found()``'s too)
    and of a 504, the exception of a 500.
    """

    response: Response
    error: BaseException | None = None
    cause: BaseException | None = None


def handler_args(
    handler: Handler, request: Request, params: Params
) -> tuple[object, ...]:
    """The arguments ``handler`` takes: ``()``, ``(request,)`` or ``(request, ctx)``."""
    arity = handler.arity
    if arity == 2:
        return request, RouteContext(params)
    return (request,) if arity == 1 else ()


def handler_arity(
    func: Callable[..., object],
    method: str,
    where: str,
    typed: Collection[str] = (),
) -> int:
    """How many of ``(request, context)`` ``func`` takes: 0, 1 or 2.

    Read once, at start-up, from `call_signature`: a decorated handler is called
    with the arity of the function routetree calls, the decorator's wrapper.
    ``*args`` takes both. Parameters named in ``typed`` (a typed handler's inputs,
    passed by keyword) are not counted.

    Raises:
        RouteImportError: A third positional parameter or a keyword-only one without
            a default: routetree could not pass it.
    """
    try:
        signature = call_signature(func)
    except (TypeError, ValueError):
        return 2
    positional = 0
    for parameter in signature.parameters.values():
        if parameter.name in typed:
            continue
        if parameter.kind is parameter.VAR_POSITIONAL:
            return 2
        if parameter.kind in (
            parameter.POSITIONAL_ONLY,
            parameter.POSITIONAL_OR_KEYWORD,
        ):
            if positional == 2 and parameter.default is parameter.empty:
                raise RouteImportError(
                    f"{method} in {where} takes more than two parameters. "
                    "A handler takes (), (request) or (request, context): "
                    f"def {method}(request, context)."
                )
            positional += 1
        elif (
            parameter.kind is parameter.KEYWORD_ONLY
            and parameter.default is parameter.empty
        ):
            raise RouteImportError(
                f"{method} in {where} has a required keyword-only parameter "
                f"{parameter.name!r} that routetree cannot pass. A handler takes (), "
                "(request) or (request, context)."
            )
    return min(positional, 2)


def call_signature(func: Callable[..., object]) -> inspect.Signature:
    """The signature ``func`` is called with, decorators taken into account.

    A decorator's wrapper (``functools.wraps``) is what routetree calls, so its own
    parameters count, not the wrapped function's; only a pure pass-through wrapper,
    ``(*args, **kwargs)``, lets the wrapped function's signature decide. A wrapper's
    annotations are not its own (``functools.wraps`` copied the wrapped function's),
    so a wrapper that is no pass-through has none: its typed inputs and response
    model, if any, do not apply.

    Raises:
        TypeError, ValueError: ``func`` has no signature to read (a builtin).
    """
    func = signature_owner(func)
    signature = inspect.signature(func, follow_wrapped=False)
    if getattr(func, "__wrapped__", None) is None:
        return signature
    return signature.replace(
        parameters=[
            p.replace(annotation=p.empty) for p in signature.parameters.values()
        ],
        return_annotation=signature.empty,
    )


def signature_owner(func: Callable[..., object]) -> Callable[..., object]:
    """The function whose signature decides how ``func`` is called (`call_signature`).

    ``func`` itself, or through pure pass-through wrappers the function they wrap.
    """
    while True:
        wrapped = getattr(func, "__wrapped__", None)
        if wrapped is None or not _passes_through(func):
            return func
        func = wrapped


def _passes_through(func: Callable[..., object]) -> bool:
    try:
        parameters = inspect.signature(func, follow_wrapped=False).parameters
    except (TypeError, ValueError):
        return False
    kinds = [p.kind for p in parameters.values()]
    return kinds == [inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD]


def result_outcome(
    route: CompiledRoute,
    request: Request,
    result: object,
    handler: Handler | None = None,
    *,
    dev: bool = False,
) -> Outcome:
    """Turn what a handler returned into the response to send.

    A value that is not a `Response` is a 500, logged; in dev mode its body says
    why, pointing at ``handler``'s definition.
    """
    if isinstance(result, Response):
        if not isinstance(result, MiddlewareDirective):
            return Outcome(result)
        message = (
            f"{result.method_name} was used in route handler {route.file} (method: "
            f"{request.method}). It only works in middleware.py: return a Response "
            "from a route handler."
        )
    else:
        message = (
            "No response is returned from route handler {} (method: {}, url: {}). "
            "Expected a Response but received {!r}. Return a Response in all "
            "branches of the handler."
        ).format(*_where(route, request), type(result).__name__)
    logger.error(message)
    error = TypeError(message)
    where = None if handler is None else code_location(handler.endpoint)
    if where is not None:
        locate(error, *where)
    return Outcome(internal_error_for(error, request.headers, dev=dev), error, error)


def failure_outcome(
    route: CompiledRoute, request: Request, exc: BaseException, *, dev: bool
) -> Outcome:
    """Turn what a handler raised into the response to send.

    Raises:
        BaseException: ``exc`` itself when it is not the handler's to answer: a client
            that left, a cancellation of the task, an interrupt.
    """
    if isinstance(exc, ControlFlowSignal):
        return Outcome(exc.response, None, exc.error)
    if isinstance(exc, HTTPError):
        # A 5xx the handler chose is still a failure worth reporting.
        return Outcome(
            http_error_response(exc), exc if exc.status >= 500 else None, exc
        )
    if isinstance(exc, ClientDisconnectedError) or not is_handler_failure(exc):
        raise exc
    logger.error(
        "Error in route handler %s (method: %s, url: %s)",
        *_where(route, request),
        exc_info=exc,
    )
    return Outcome(internal_error_for(exc, request.headers, dev=dev), exc, exc)


def is_handler_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is the user code's failure, to answer with a 500.

    Every ``Exception``; ``SystemExit`` (``sys.exit()`` in a handler, or in a library
    it calls, must not stop a server); and a ``CancelledError`` while nothing cancels
    this task (a cancelled future the code awaited). A real cancellation and
    ``KeyboardInterrupt`` are not.
    """
    if isinstance(exc, Exception | SystemExit):
        return True
    cancelled = anyio.get_cancelled_exc_class()
    if not isinstance(exc, cancelled) or cancelled is not asyncio.CancelledError:
        return False  # an interrupt, or trio's Cancelled: always a real cancellation
    task = asyncio.current_task()
    return task is not None and task.cancelling() == 0


async def run_handler(
    route: CompiledRoute,
    handler: Handler,
    request: Request,
    params: Params,
    *,
    dev: bool,
) -> Outcome:
    """Run ``handler`` for ``request`` and return the response to send.

    The app calls an ``async def`` handler without ``max_duration`` itself, with
    `handler_args`, `result_outcome` and `failure_outcome`; this is the general case.

    Raises:
        ClientDisconnectedError: The client left while the handler read the body; there
            is nobody to answer.
    """
    args = handler_args(handler, request, params)
    # A plain def's thread is abandoned when cancelled: a 504 does not wait for it.
    try:
        if route.max_duration is None:
            result = await call_user_code(
                handler.func, args, is_async=handler.is_async, abandon_on_cancel=True
            )
        else:
            with anyio.move_on_after(route.max_duration) as deadline:
                result = await call_user_code(
                    handler.func,
                    args,
                    is_async=handler.is_async,
                    abandon_on_cancel=True,
                )
            if deadline.cancelled_caught:
                message = (
                    "Route handler {} (method: {}, url: {}) exceeded "
                    "max_duration = {} s"
                ).format(*_where(route, request), route.max_duration)
                logger.error(message)
                detail = (
                    "The handler did not answer within max_duration "
                    f"({route.max_duration} s)."
                )
                # on_request_error gets the TimeoutError, as before; handle_error an
                # HTTPError, so that a TimeoutError always means a 500.
                timeout = TimeoutError(message)
                cause = HTTPError(504, detail)
                cause.__cause__ = timeout
                return Outcome(http_error_response(cause), timeout, cause)
    except BaseException as exc:
        return failure_outcome(route, request, exc, dev=dev)
    return result_outcome(route, request, result, handler, dev=dev)


def _where(route: CompiledRoute, request: Request) -> tuple[str, str, str]:
    # Only for log lines: building request.url is work a successful request skips.
    return route.file, request.method, request.url.path


async def run_after_callbacks(
    callbacks: list[tuple[Callable[..., object], tuple[object, ...]]],
) -> None:
    """Run ``after()`` callbacks in order; log their errors, never raise them.

    ``not_found()``, ``redirect()`` and the like in a callback are errors too (the
    response is sent already): their signal derives from `BaseException`, so it is
    caught by name, and the next callback still runs. So is ``sys.exit()``.
    """
    for callback, args in callbacks:
        try:
            await call_user_code(callback, args)
        except BaseException as exc:
            if not (isinstance(exc, ControlFlowSignal) or is_handler_failure(exc)):
                raise
            logger.exception("Error in after() callback %r", callback)


def is_async_callable(func: object) -> bool:
    """Whether `call_user_code` awaits ``func`` on the event loop.

    An ``async def`` function (or a `functools.partial` of one) or an object whose
    ``__call__`` is one.
    """
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(
        getattr(func, "__call__", None)  # noqa: B004 - async callable objects count too
    )


async def call_user_code(
    func: Callable[..., object],
    args: tuple[object, ...] = (),
    *,
    is_async: bool | None = None,
    in_thread: bool = True,
    abandon_on_cancel: bool = False,
) -> object:
    """Call a project's function, sync or async, and return what it returned.

    An async function is awaited on the event loop. A plain ``def`` runs in a worker
    thread, so that blocking code (a database driver, an HTTP client) does not stall
    the loop; an awaitable it returns is then awaited on the loop. What the function
    raises propagates.

    Args:
        func: The handler, hook, middleware or callback.
        args: The positional arguments to call it with.
        is_async: `is_async_callable` of ``func`` when computed already (at load time,
            to spare the inspection per call); ``None`` inspects ``func`` now.
        in_thread: False calls ``func`` on the loop even when it is a plain ``def``:
            for start-up code that may need the main thread (``signal.signal``).
        abandon_on_cancel: When the caller is cancelled, stop waiting for a plain
            ``def``'s thread at once; the thread runs on and its result is dropped.
    """
    if not in_thread:
        result = func(*args)
    elif is_async or (is_async is None and is_async_callable(func)):
        return await func(*args)  # type: ignore[misc]
    else:
        result = await anyio.to_thread.run_sync(
            functools.partial(func, *args), abandon_on_cancel=abandon_on_cancel
        )
    if inspect.isawaitable(result):
        result = await result
    return result
