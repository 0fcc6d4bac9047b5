"""Answer a routed request: 404, 405, the automatic OPTIONS, or the route's handler.

The last stage of both request paths (see `routetree._app`). Given the route the
matcher found, or None, `Dispatcher.answer` sends:

- no route: 404 (or the 400 of `routetree._path_checks.target_error`, for a target
  the fast path routed without checking and the matcher refused);
- a route without the method: 204 + ``Allow`` for OPTIONS, 426 + ``Upgrade:
  websocket`` when the route has only ``WEBSOCKET``, else 405 + ``Allow``;
- a WebSocket upgrade (its HTTP view, `routetree._websocket_session.upgrade_view`):
  405 + ``Allow`` for a route without ``WEBSOCKET``, else the session
  (`routetree._websocket_session.run_session`);
- otherwise what the handler gives (`Dispatcher.handle`): the handler runs with the
  request in context (`routetree._context`), its result or failure becomes the
  response (`routetree._invoke`), which is sent with the cookies set through
  ``cookies()``; then a failure is reported to ``on_request_error`` and the
  ``after()`` callbacks run.

Every error answer of routetree's, here and in the stages before (`Dispatcher.refuse`,
`Dispatcher.answer_error`), goes through ``handle_error`` of ``instrumentation.py``
when the project has one. Whether it has is read once, at start-up: without it, an
error answer costs what it did before the hook existed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ._context import current_request
from ._error_responses import error_response, http_error_response
from ._errors import HTTPError
from ._invoke import (
    failure_outcome,
    handler_args,
    result_outcome,
    run_after_callbacks,
    run_handler,
)
from ._path_checks import options_star, target_error
from ._pipeline import ADDED_HEADERS
from ._request import ClientDisconnectedError, Request
from ._response import Response
from ._websocket_session import UPGRADE, run_session

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from ._context import RequestState
    from ._instrumentation import Instrumentation
    from ._invoke import CompiledRoute
    from ._pubsub import Broker
    from ._routing._loader import Handler
    from ._routing._matcher import RouteMatch
    from ._tracing._spans import Tracing
    from ._types import Params, Receive, Scope, Send

__all__ = ["Dispatcher"]

logger = logging.getLogger("routetree")


class Dispatcher:
    """Runs the handler of a matched route and sends its response.

    Attributes:
        dev: Whether 500 responses carry the exception and its traceback.
        instrumentation: The project's ``instrumentation.py`` hooks, if any.
        broker: What WebSocket sessions subscribe through (`routetree._pubsub`).
    """

    __slots__ = ("_handle_error", "broker", "dev", "instrumentation", "tracing")

    def __init__(
        self,
        *,
        dev: bool,
        instrumentation: Instrumentation | None,
        broker: Broker | None = None,
    ) -> None:
        self.dev = dev
        self.instrumentation = instrumentation
        if broker is None:
            from ._pubsub import current_broker

            broker = current_broker()
        self.broker = broker
        # Set by the app at start-up when a tracer provider is set up.
        self.tracing: Tracing | None = None
        self._handle_error: (
            Callable[[BaseException, Request, Response], Awaitable[Response]] | None
        ) = (
            instrumentation.answer_error
            if instrumentation is not None and instrumentation.handle_error is not None
            else None
        )

    async def answer(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        path: str,
        found: RouteMatch[CompiledRoute] | None,
        request: Request | None = None,
    ) -> None:
        """Answer a routed request: 404, 405, the automatic OPTIONS, or the handler."""
        method: str = scope["method"]
        if found is None:
            # The fast path routes without checking the target is a path; the matcher
            # never matches one that is not, and this says why.
            star = options_star(method, path)
            if star is not None:
                await star.send(send)
                return
            refused = target_error(method, path)
            await self.refuse(scope, receive, send, path, refused or 404, request)
            return
        route, params = found
        if UPGRADE in scope:
            await self._upgrade(scope, receive, send, path, route, params, request)
            return
        handler = route.handlers.get(method)
        if handler is not None:
            await self.handle(
                scope, receive, send, path, route, handler, params, request
            )
            return
        if self.tracing is not None:
            self.tracing.route_found(scope, route.path)
        if method == "OPTIONS":
            await Response(None, status=204, headers={"allow": route.allow}).send(send)
            return
        if route.websocket is not None and not route.handlers:
            await self.refuse(
                scope, receive, send, path, 426, request, {"upgrade": "websocket"}
            )
            return
        await self.refuse(
            scope, receive, send, path, 405, request, {"allow": route.allow}
        )

    async def _upgrade(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        path: str,
        route: CompiledRoute,
        params: Params,
        request: Request | None,
    ) -> None:
        """Answer a routed WebSocket upgrade: 405 without ``WEBSOCKET``, else run it."""
        if route.websocket is None:
            await self.refuse(
                scope, receive, send, path, 405, request, {"allow": route.allow}
            )
            return
        if request is None:
            request = Request(scope, receive, path, route)
        await run_session(
            self,
            scope[UPGRADE],
            send,
            request,
            route,
            params,
            self.broker,
            scope.get(ADDED_HEADERS),
        )

    async def refuse(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        path: str,
        error: HTTPError | int,
        request: Request | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Send routetree's error answer to a request it does not route to a handler.

        ``error`` is an `HTTPError`, or a status (with ``headers``) that becomes one
        only when ``handle_error`` wants it. ``request`` is made if needed.
        """
        if self._handle_error is None:
            response = (
                http_error_response(error)
                if isinstance(error, HTTPError)
                else error_response(error, None, headers)
            )
        else:
            if isinstance(error, int):
                error = HTTPError(error, None, headers)
            if request is None:
                request = Request(scope, receive, path)
            response = await self._handle_error(
                error, request, http_error_response(error)
            )
        await response.send(send, head_only=scope["method"] == "HEAD")

    async def answer_error(
        self, error: BaseException, request: Request, response: Response
    ) -> Response:
        """``handle_error``'s answer to ``error``, or ``response``, routetree's own."""
        if self._handle_error is None:
            return response
        return await self._handle_error(error, request, response)

    async def handle(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        path: str,
        route: CompiledRoute,
        handler: Handler,
        params: Params,
        request: Request | None = None,
    ) -> None:
        """Run the handler with the request in context; send; then after() work."""
        tracing = self.tracing
        if tracing is not None:
            tracing.route_found(scope, route.path)
        if route.cache is not None and handler.method == "GET":
            await route.cache.serve(
                self, scope, receive, send, path, route, params, request
            )
            return
        if request is None:
            request = Request(scope, receive, path, route)
        else:
            request._set_limits(route)
        token = current_request.set(request)
        try:
            try:
                if tracing is not None:
                    response, error, cause = await tracing.run_handler(
                        route, handler, request, params, dev=self.dev
                    )
                elif handler.method in route.direct:
                    try:
                        result = await handler.func(  # type: ignore[misc]
                            *handler_args(handler, request, params)
                        )
                    except BaseException as exc:
                        response, error, cause = failure_outcome(
                            route, request, exc, dev=self.dev
                        )
                    else:
                        if type(result) is Response:  # the common case, no call
                            response, error, cause = result, None, None
                        else:
                            response, error, cause = result_outcome(
                                route, request, result, handler, dev=self.dev
                            )
                else:
                    response, error, cause = await run_handler(
                        route, handler, request, params, dev=self.dev
                    )
                if cause is not None and self._handle_error is not None:
                    response = await self._handle_error(cause, request, response)
            except ClientDisconnectedError:
                return
            state = request._state_for_functions
            if state is not None and state.pending:
                await state.settle()
            streaming = response.is_streaming
            try:
                await response.send(
                    send,
                    head_only=request.method == "HEAD",
                    wait_for_disconnect=request._disconnect_waiter()
                    if streaming
                    else None,
                    extra_headers=None
                    if state is None
                    else _cookie_headers(response, state),
                )
            except Exception as exc:
                if not streaming:
                    raise
                # The status is sent already: all that is left is to say what broke,
                # and end the response unfinished so the client sees it cut short.
                error = _single(exc)
                if tracing is not None:
                    tracing.fail(scope, error)
                logger.error(
                    "Error while streaming the response of route handler %s "
                    "(method: %s, url: %s)",
                    route.file,
                    request.method,
                    path,
                    exc_info=error,
                )
            if error is not None and self.instrumentation is not None:
                await self.instrumentation.report_error(error, request, route.path)
        finally:
            try:
                state = request._state_for_functions
                if state is not None and state.after:
                    await run_after_callbacks(state.after)
            finally:  # also when the callbacks are cancelled
                current_request.reset(token)

    async def report_error(
        self, error: BaseException, request: Request, route_path: str, route_type: str
    ) -> None:
        """Pass a failure to ``on_request_error`` of instrumentation.py, if any."""
        if self.instrumentation is not None:
            await self.instrumentation.report_error(
                error, request, route_path, route_type
            )


def _single(exc: Exception) -> Exception:
    """The one exception inside an exception group from a task group, else ``exc``."""
    while isinstance(exc, ExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


def _cookie_headers(
    response: Response, state: RequestState
) -> list[tuple[bytes, bytes]] | None:
    """``Set-Cookie`` lines of ``cookies()`` that the response does not set itself."""
    lines = state.set_cookie_lines()
    if not lines:
        return None
    own = {value.partition("=")[0] for value in response.headers.get_all("set-cookie")}
    return [
        (b"set-cookie", line.encode("latin-1"))
        for name, line in lines
        if name not in own
    ]
