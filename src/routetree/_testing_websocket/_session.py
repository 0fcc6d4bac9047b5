"""The session: the app as a task; the client's and the app's sides of the protocol."""

from __future__ import annotations

import contextlib
import math
from typing import TYPE_CHECKING, Final, Literal, Self

import anyio
import httpx
import orjson

from .._json import encode_json
from .._types import Message
from ._outcomes import WebSocketClosedError, WebSocketDeniedError

if TYPE_CHECKING:
    from types import TracebackType

    from anyio.abc import TaskGroup
    from anyio.streams.memory import (
        MemoryObjectReceiveStream,
        MemoryObjectSendStream,
    )

    from .._types import ASGIApp, Scope

__all__ = ["DEFAULT_WEBSOCKET_TIMEOUT", "AsyncWebSocketSession"]

DEFAULT_WEBSOCKET_TIMEOUT: Final = 10.0
"""Seconds a session waits for the app (a message, the handshake, the app's end)."""

# What a client sees when the connection ends without a close frame (RFC 6455 7.1.5).
_ABNORMAL_CLOSURE: Final = 1006
# What a server sends when the application fails (RFC 6455 7.4.1).
_INTERNAL_ERROR: Final = 1011


class _ClientGoneError(OSError):
    """Raised in the app when it sends on a socket the client has closed.

    The ASGI spec asks for an `OSError` here; like servers do, a session does not report
    it when the app lets it propagate.
    """


_AppState = Literal["connecting", "responding", "open", "closed"]

# The messages an app may send in each state, and the state each leads to; the last
# body of a refusal (no more_body) closes it.
_TRANSITIONS: Final[dict[tuple[_AppState, str], _AppState]] = {
    ("connecting", "websocket.accept"): "open",
    ("connecting", "websocket.close"): "closed",
    ("connecting", "websocket.http.response.start"): "responding",
    ("responding", "websocket.http.response.body"): "responding",
    ("open", "websocket.send"): "open",
    ("open", "websocket.close"): "closed",
}


class AsyncWebSocketSession:
    """A WebSocket session with the app, from ``AsyncTestClient.websocket_connect``.

    Use it as an async context manager: entering runs the handshake (raising
    `WebSocketDeniedError` if the app refuses), leaving closes the socket with 1000 if
    it is still open and waits for the app to finish. The app runs as a task in the
    caller's event loop.

    Example::

        async with client.websocket_connect("/api/echo") as ws:
            await ws.send_text("hi")
            assert await ws.receive_text() == "hi"

    Every receive waits at most ``timeout`` seconds (the session's, unless the call
    gives its own) and raises `TimeoutError` after that. An exception raised in the
    app is raised by the next receive, by `close`, or on leaving the block.
    """

    def __init__(
        self,
        app: ASGIApp,
        scope: Scope,
        *,
        timeout: float = DEFAULT_WEBSOCKET_TIMEOUT,
    ) -> None:
        """Prepare a session; the app starts when the session is entered."""
        self._app = app
        self._scope = scope
        self._timeout = timeout
        self.accepted_subprotocol: str | None = None
        """The subprotocol the app accepted, or None."""
        self.accepted_headers = httpx.Headers()
        """The headers the app added to its ``websocket.accept``."""
        self._app_state: _AppState = "connecting"
        self._close_code = _ABNORMAL_CLOSURE
        self._client_closed = False
        self._closed_by_app: WebSocketClosedError | None = None
        self._app_error: Exception | None = None
        self._error_reported = False
        self._disconnect: Message | None = None
        self._stack = contextlib.AsyncExitStack()
        # Made on entering: anyio's primitives need the event loop that runs them.
        self._app_scope: anyio.CancelScope
        self._app_finished: anyio.Event
        self._to_app: MemoryObjectSendStream[Message]
        self._app_inbox: MemoryObjectReceiveStream[Message]
        self._app_outbox: MemoryObjectSendStream[Message]
        self._from_app: MemoryObjectReceiveStream[Message]

    async def __aenter__(self) -> Self:
        """Start the app and run the handshake."""
        self._app_scope = anyio.CancelScope()
        self._app_finished = anyio.Event()
        self._to_app, self._app_inbox = anyio.create_memory_object_stream[Message](
            math.inf
        )
        self._app_outbox, self._from_app = anyio.create_memory_object_stream[Message](
            math.inf
        )
        for stream in (self._to_app, self._app_inbox, self._app_outbox, self._from_app):
            self._stack.push(stream.__exit__)
        group: TaskGroup = await self._stack.enter_async_context(
            anyio.create_task_group()
        )
        group.start_soon(self._run_app)
        try:
            await self._handshake()
        except BaseException as exc:
            self._client_closed = True
            self._to_app.send_nowait(
                {"type": "websocket.disconnect", "code": _ABNORMAL_CLOSURE}
            )
            if isinstance(exc, TimeoutError):
                self._app_scope.cancel()
            try:
                failure = await self._finish()
            finally:
                await self._stack.aclose()
            if failure is not None:
                raise failure from exc
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close with 1000 if still open, wait for the app, report its exception."""
        try:
            if not self._client_closed:
                self._client_closed = True
                self._to_app.send_nowait({"type": "websocket.disconnect", "code": 1000})
            failure = await self._finish()
        finally:
            await self._stack.aclose()
        if failure is None:
            return
        if exc_value is None:
            raise failure
        exc_value.add_note(f"The application also raised {failure!r}.")

    @property
    def scope(self) -> Scope:
        """The ASGI scope the app was called with."""
        return self._scope

    async def send_text(self, data: str) -> None:
        """Send a text message to the app."""
        self._check_can_send()
        self._to_app.send_nowait({"type": "websocket.receive", "text": data})

    async def send_bytes(self, data: bytes) -> None:
        """Send a binary message to the app."""
        self._check_can_send()
        self._to_app.send_nowait({"type": "websocket.receive", "bytes": data})

    async def send_json(self, data: object) -> None:
        """Send ``data`` as a JSON text message (encoded as routetree encodes JSON)."""
        await self.send_text(encode_json(data).decode())

    async def receive(self, *, timeout: float | None = None) -> str | bytes:
        """Return the next message from the app: ``str`` for text, ``bytes`` for binary.

        Raises:
            WebSocketClosedError: The app closed the socket (or ended without a
                close).
            TimeoutError: Nothing arrived within ``timeout`` seconds.
            Exception: What the app raised, once its earlier messages are read.
        """
        if self._client_closed:
            raise RuntimeError(
                "This WebSocket session is closed: the client closed it."
            )
        if (closed := self._closed_by_app) is not None:
            raise WebSocketClosedError(closed.code, closed.reason, detail=closed.detail)
        message = await self._next(timeout, "message")
        if message is None:
            self._closed_by_app = self._ended()
            raise self._closed_by_app
        if message["type"] == "websocket.close":
            self._closed_by_app = WebSocketClosedError(
                message.get("code") or 1000, message.get("reason") or ""
            )
            raise self._closed_by_app
        text: str | None = message.get("text")
        if text is not None:
            return text
        data: bytes = message["bytes"]
        return data

    async def receive_text(self, *, timeout: float | None = None) -> str:
        """Return the next message, which must be text.

        Raises:
            TypeError: It was a binary message.
        """
        data = await self.receive(timeout=timeout)
        if not isinstance(data, str):
            raise TypeError(f"Expected a text message, got a binary one: {data!r:.80}")
        return data

    async def receive_bytes(self, *, timeout: float | None = None) -> bytes:
        """Return the next message, which must be binary.

        Raises:
            TypeError: It was a text message.
        """
        data = await self.receive(timeout=timeout)
        if not isinstance(data, bytes):
            raise TypeError(f"Expected a binary message, got a text one: {data!r:.80}")
        return data

    async def receive_json(self, *, timeout: float | None = None) -> object:
        """Return the next message (text or binary) parsed as JSON."""
        return orjson.loads(await self.receive(timeout=timeout))

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close the socket from the client's side and wait for the app to finish.

        The app receives ``websocket.disconnect`` with ``code`` and ``reason``. Raises
        what the app raised, if that was not reported yet.
        """
        if self._client_closed:
            return
        self._client_closed = True
        self._to_app.send_nowait(
            {"type": "websocket.disconnect", "code": code, "reason": reason}
        )
        failure = await self._finish()
        if failure is not None:
            raise failure

    def _check_can_send(self) -> None:
        if self._client_closed:
            raise RuntimeError(
                "This WebSocket session is closed: the client closed it."
            )
        if (closed := self._closed_by_app) is not None:
            raise WebSocketClosedError(closed.code, closed.reason, detail=closed.detail)

    async def _handshake(self) -> None:
        self._to_app.send_nowait({"type": "websocket.connect"})
        message = await self._next(None, "answer to the handshake")
        if message is None:
            if self._app_error is not None:
                self._error_reported = True
                raise self._app_error
            raise RuntimeError(
                "The application returned without accepting or refusing the WebSocket "
                "(an ASGI server answers that with HTTP 500)."
            )
        if message["type"] == "websocket.close":
            raise WebSocketDeniedError(403, httpx.Headers(), b"")
        if message["type"] == "websocket.http.response.start":
            raise await self._denial(message)
        subprotocol: str | None = message.get("subprotocol")
        offered = self._scope["subprotocols"]
        if subprotocol is not None and subprotocol not in offered:
            raise RuntimeError(
                f"The application accepted subprotocol {subprotocol!r}, which the "
                f"client did not offer (it offered {offered!r}); a browser fails "
                "the connection."
            )
        self.accepted_subprotocol = subprotocol
        self.accepted_headers = httpx.Headers(list(message.get("headers") or []))

    async def _denial(self, start: Message) -> WebSocketDeniedError:
        body = bytearray()
        while True:
            message = await self._next(None, "websocket.http.response.body")
            if message is None:
                if self._app_error is not None:
                    self._error_reported = True
                    raise self._app_error
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        headers = httpx.Headers(list(start.get("headers") or []))
        return WebSocketDeniedError(start["status"], headers, bytes(body))

    async def _next(self, timeout: float | None, waiting_for: str) -> Message | None:
        """The app's next message, or None once the app has finished."""
        seconds = self._timeout if timeout is None else timeout
        with anyio.move_on_after(seconds):
            try:
                return await self._from_app.receive()
            except anyio.EndOfStream:
                return None
        raise TimeoutError(
            f"The application sent no {waiting_for} within {seconds} s "
            "(pass timeout= for a longer wait)."
        )

    def _ended(self) -> WebSocketClosedError:
        """What a receive reports once the app has finished without closing."""
        if self._app_error is not None:
            if not self._error_reported:
                self._error_reported = True
                raise self._app_error
            return WebSocketClosedError(
                _INTERNAL_ERROR, detail="the application raised an exception"
            )
        return WebSocketClosedError(
            _ABNORMAL_CLOSURE, detail="the application returned without closing"
        )

    async def _finish(self) -> Exception | None:
        """Wait for the app to finish; return its exception if not reported yet."""
        with anyio.move_on_after(self._timeout):
            await self._app_finished.wait()
        if not self._app_finished.is_set():
            self._app_scope.cancel()
            await self._app_finished.wait()
            return TimeoutError(
                f"The application was still running {self._timeout} s after the "
                "client closed the WebSocket; it was cancelled."
            )
        if self._app_error is not None and not self._error_reported:
            self._error_reported = True
            return self._app_error
        return None

    async def _run_app(self) -> None:
        try:
            with self._app_scope:
                await self._app(self._scope, self._app_receive, self._app_send)
        except _ClientGoneError:
            pass
        except Exception as exc:  # reported to the test, never lost in the task group
            self._app_error = exc
        finally:
            self._app_finished.set()
            self._app_outbox.close()

    async def _app_receive(self) -> Message:
        if self._disconnect is None and self._app_state == "closed":
            # A server answers the app's own close (or refusal) with a disconnect.
            self._disconnect = {
                "type": "websocket.disconnect",
                "code": self._close_code,
            }
        if self._disconnect is None:
            message = await self._app_inbox.receive()
            if message["type"] != "websocket.disconnect":
                return message
            self._disconnect = message
            self._app_state = "closed"
        # Every receive after the disconnect sees it again, as servers do.
        return dict(self._disconnect)

    async def _app_send(self, message: Message) -> None:
        kind = message["type"]
        state = self._app_state
        if self._client_closed and state in {"open", "closed"}:
            if kind == "websocket.close":
                return
            raise _ClientGoneError(
                f"Cannot send {kind!r}: the client closed the WebSocket."
            )
        next_state = _TRANSITIONS.get((state, kind))
        if next_state is None:
            raise RuntimeError(
                f"Unexpected ASGI message {kind!r} while the WebSocket is {state}."
            )
        if kind == "websocket.send":
            _check_data(message)
        elif kind == "websocket.http.response.body" and not message.get("more_body"):
            next_state = "closed"
        elif kind == "websocket.close" and state == "open":
            self._close_code = message.get("code") or 1000
        self._app_state = next_state
        self._app_outbox.send_nowait(dict(message))


def _check_data(message: Message) -> None:
    text, data = message.get("text"), message.get("bytes")
    if (isinstance(text, str) and data is None) or (
        isinstance(data, bytes) and text is None
    ):
        return
    raise RuntimeError(
        "A 'websocket.send' message needs either 'text' (a str) or 'bytes' "
        f"(bytes), not {sorted(k for k in message if k != 'type')!r}."
    )
