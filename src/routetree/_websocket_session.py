"""Serve a WebSocket upgrade: route it as a request, then run the route's ``WEBSOCKET``.

An ASGI ``websocket`` connection goes through the same stages as an HTTP request
(`routetree._app`): host checks, ``base_path``, config headers and redirects, the
trailing slash, middleware, rewrites and routing all see the upgrade as the ``GET``
request it is (`upgrade_view`). Any of them may answer it over HTTP instead, and so
may the handler before it accepts; such an answer goes out through the ASGI
``websocket.http.response`` extension (`Upgrade.http_send`) when the server offers it
(uvicorn under each of its WebSocket implementations, hypercorn and granian do:
``tests/test_asgi_servers.py``), and as a close with 1008 (Policy Violation) before
the handshake where it does not: the client then sees the server's own refusal,
usually HTTP 403.

`run_session` runs the handler (`routetree._dispatch` calls it for a routed upgrade):

- it returns a `Response` or raises before ``accept()``: that HTTP answer (a stop
  function's answer, an `HTTPError`'s, or a 500 with the usual dev/production body),
  through ``handle_error`` of ``instrumentation.py`` as for HTTP;
- it returns None without accepting: 403;
- it raises after ``accept()``: the socket closes with 1011, the error is logged and
  passed to ``on_request_error``; returning closes with 1000;
- in every case its subscriptions end and its pump task is cancelled.

Every open socket of the process is in `OPEN_SOCKETS`, which a shutdown closes at
once: 1001 (Going Away) on SIGTERM, 1012 (Service Restart) when ``routetree dev``
reloads.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from ._context import current_request
from ._invoke import failure_outcome, is_handler_failure, result_outcome
from ._request import RouteContext
from ._websocket import WebSocket, WebSocketClosedError

if TYPE_CHECKING:
    from ._dispatch import Dispatcher
    from ._invoke import CompiledRoute
    from ._pubsub import Broker
    from ._request import Request
    from ._types import Message, Params, Receive, Scope, Send

__all__ = [
    "OPEN_SOCKETS",
    "UPGRADE",
    "OpenSockets",
    "Upgrade",
    "run_session",
    "upgrade_view",
]

logger = logging.getLogger("routetree")

UPGRADE = "routetree.websocket"
"""The key of an upgrade's HTTP view scope holding its `Upgrade`."""
_HTTP_RESPONSE = "websocket.http.response"
_POLICY_VIOLATION = 1008
_EMPTY_BODY: Message = {"type": "http.request", "body": b"", "more_body": False}


class Upgrade:
    """A WebSocket connection not yet accepted: its ASGI callables and HTTP answers.

    Attributes:
        receive: The connection's ASGI receive (``websocket.*`` messages).
        send: The connection's ASGI send.
        http_response: Whether the server takes ``websocket.http.response`` messages.
    """

    __slots__ = ("_body_read", "_refused", "http_response", "receive", "send")

    def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.receive = receive
        self.send = send
        self.http_response = _HTTP_RESPONSE in (scope.get("extensions") or {})
        self._body_read = False
        self._refused = False

    async def http_receive(self) -> Message:
        """The upgrade request's body, as an HTTP request's: always empty."""
        if not self._body_read:
            self._body_read = True
            return _EMPTY_BODY
        return {"type": "http.disconnect"}

    async def http_send(self, message: Message) -> None:
        """Send an HTTP answer instead of the upgrade (or close with 1008)."""
        kind = message["type"]
        if self.http_response:
            if kind in ("http.response.start", "http.response.body"):
                message = {**message, "type": "websocket." + kind}
            await self.send(message)
            return
        if kind == "http.response.start" and not self._refused:
            self._refused = True
            await self.send({"type": "websocket.close", "code": _POLICY_VIOLATION})


def upgrade_view(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Upgrade]:
    """The upgrade as the ``GET`` request the stages of `routetree._app` take.

    Its scope is an ``http`` scope holding the `Upgrade` under `UPGRADE`; use
    `Upgrade.http_receive` and `Upgrade.http_send` with it.
    """
    upgrade = Upgrade(scope, receive, send)
    view: Scope = {
        **scope,
        "type": "http",
        "method": "GET",
        "http_version": scope.get("http_version", "1.1"),
        UPGRADE: upgrade,
    }
    return view, upgrade


class OpenSockets:
    """The sockets of this process now open, to close them all at a shutdown."""

    __slots__ = ("_sockets",)

    def __init__(self) -> None:
        self._sockets: set[WebSocket] = set()

    def add(self, socket: WebSocket) -> None:
        """Note an open session."""
        self._sockets.add(socket)

    def discard(self, socket: WebSocket) -> None:
        """Forget a session that ended."""
        self._sockets.discard(socket)

    def __len__(self) -> int:
        return len(self._sockets)

    def close_all(self, code: int) -> None:
        """Close every accepted socket with ``code``; safe in a signal handler."""
        for socket in tuple(self._sockets):
            socket._close_soon(code)

    async def close_now(self, code: int, timeout: float = 1.0) -> None:
        """Close every accepted socket with ``code``; wait for their sessions to end.

        For a server about to drop its connections itself (uvicorn with a close code
        of its own, granian without one): those closed already are waited for, the
        others closed now. A session ends when the client answers the close (the
        handler's ``receive`` sees it), so waiting for that, up to ``timeout``
        seconds, lets the close handshake finish on the wire.
        """
        closing = []
        for socket in tuple(self._sockets):
            task = socket._start_close(code)
            if task is not None:
                closing.append((socket, task))
        if not closing:
            return
        deadline = asyncio.get_running_loop().time() + timeout
        await asyncio.wait([task for _, task in closing], timeout=timeout)
        while any(socket in self._sockets for socket, _ in closing):
            if asyncio.get_running_loop().time() >= deadline:
                return
            await asyncio.sleep(0.01)


OPEN_SOCKETS = OpenSockets()


async def run_session(
    dispatcher: Dispatcher,
    upgrade: Upgrade,
    http_send: Send,
    request: Request,
    route: CompiledRoute,
    params: Params,
    broker: Broker,
    accept_headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """Run the route's ``WEBSOCKET`` handler for ``request``, as the module says.

    ``http_send`` sends an HTTP answer to the upgrade (with the config and middleware
    headers); ``accept_headers`` go on the 101 answer.
    """
    handler = route.websocket
    assert handler is not None
    socket = WebSocket(
        request,
        upgrade.receive,
        upgrade.send,
        params=params,
        broker=broker,
        max_message_size=route.max_message_size,
        accept_headers=accept_headers,
    )
    arity = handler.arity
    args = (socket, RouteContext(params)) if arity == 2 else (socket,) if arity else ()
    token = current_request.set(request)
    OPEN_SOCKETS.add(socket)
    try:
        try:
            result = await handler.func(*args)  # type: ignore[misc]
        except WebSocketClosedError:
            await socket.close()
            return
        except BaseException as exc:
            if not socket.accepted:
                # A stop function, an HTTPError or a failure: an HTTP answer (a
                # cancellation of the task is re-raised here).
                outcome = failure_outcome(route, request, exc, dev=dispatcher.dev)
            else:
                if not is_handler_failure(exc):
                    raise
                logger.error(
                    "Error in WebSocket handler %s (url: %s)",
                    route.file,
                    request.url.path,
                    exc_info=exc,
                )
                await socket._close(1011)
                await dispatcher.report_error(exc, request, route.path, "route")
                return
        else:
            if socket.accepted or socket.closed:
                await socket.close()  # nothing if it is closed already
                return
            if result is None:
                await dispatcher.refuse(
                    request.scope,
                    upgrade.http_receive,
                    http_send,
                    request.url.path,
                    403,
                    request,
                )
                return
            outcome = result_outcome(
                route, request, result, handler, dev=dispatcher.dev
            )
        response, error, cause = outcome
        if cause is not None:
            response = await dispatcher.answer_error(cause, request, response)
        await response.send(http_send)
        if error is not None:
            await dispatcher.report_error(error, request, route.path, "route")
    finally:
        OPEN_SOCKETS.discard(socket)
        try:
            await socket._release()
        finally:
            current_request.reset(token)
