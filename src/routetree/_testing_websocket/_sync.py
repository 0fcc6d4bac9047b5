"""`WebSocketSession`: the async session, driven from a synchronous test."""

from __future__ import annotations

import contextlib
from functools import partial
from typing import TYPE_CHECKING, Self

import anyio.from_thread

if TYPE_CHECKING:
    from types import TracebackType

    import httpx
    from anyio.from_thread import BlockingPortal

    from .._types import Scope
    from ._session import AsyncWebSocketSession

__all__ = ["WebSocketSession"]


class WebSocketSession:
    """A WebSocket session with the app, from ``TestClient.websocket_connect``.

    Use it in a ``with`` block: entering runs the handshake (raising
    `WebSocketDeniedError` if the app refuses), leaving closes the socket with 1000 if
    it is still open and waits for the app to finish. The app runs on the client's
    event loop thread (or one started for the session when the client is not in a
    ``with`` block).

    Example::

        with client.websocket_connect("/api/echo", subprotocols=["chat"]) as ws:
            assert ws.accepted_subprotocol == "chat"
            ws.send_json({"n": 1})
            assert ws.receive_json() == {"n": 1}

    Every receive waits at most ``timeout`` seconds (the session's, unless the call
    gives its own) and raises `TimeoutError` after that. An exception raised in the
    app is raised by the next receive, by `close`, or on leaving the block.
    """

    def __init__(
        self, session: AsyncWebSocketSession, portal: BlockingPortal | None
    ) -> None:
        """Drive ``session`` through ``portal`` (or a portal of its own when None)."""
        self._session = session
        self._client_portal = portal
        self._portal: BlockingPortal | None = None
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> Self:
        """Start the app and run the handshake."""
        with contextlib.ExitStack() as stack:
            portal = self._client_portal or stack.enter_context(
                anyio.from_thread.start_blocking_portal()
            )
            stack.enter_context(portal.wrap_async_context_manager(self._session))
            self._stack = stack.pop_all()
        self._portal = portal
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close with 1000 if still open, wait for the app, report its exception."""
        self._portal = None
        self._stack.__exit__(exc_type, exc_value, traceback)

    @property
    def accepted_subprotocol(self) -> str | None:
        """The subprotocol the app accepted, or None."""
        return self._session.accepted_subprotocol

    @property
    def accepted_headers(self) -> httpx.Headers:
        """The headers the app added to its ``websocket.accept``."""
        return self._session.accepted_headers

    @property
    def scope(self) -> Scope:
        """The ASGI scope the app was called with."""
        return self._session.scope

    def send_text(self, data: str) -> None:
        """Send a text message to the app."""
        self._running.call(self._session.send_text, data)

    def send_bytes(self, data: bytes) -> None:
        """Send a binary message to the app."""
        self._running.call(self._session.send_bytes, data)

    def send_json(self, data: object) -> None:
        """Send ``data`` as a JSON text message (encoded as routetree encodes JSON)."""
        self._running.call(self._session.send_json, data)

    def receive(self, *, timeout: float | None = None) -> str | bytes:
        """Return the next message from the app: ``str`` for text, ``bytes`` for binary.

        Raises:
            WebSocketClosedError: The app closed the socket (or ended without a
                close).
            TimeoutError: Nothing arrived within ``timeout`` seconds.
            Exception: What the app raised, once its earlier messages are read.
        """
        return self._running.call(partial(self._session.receive, timeout=timeout))

    def receive_text(self, *, timeout: float | None = None) -> str:
        """Return the next message, which must be text.

        Raises:
            TypeError: It was a binary message.
        """
        return self._running.call(partial(self._session.receive_text, timeout=timeout))

    def receive_bytes(self, *, timeout: float | None = None) -> bytes:
        """Return the next message, which must be binary.

        Raises:
            TypeError: It was a text message.
        """
        return self._running.call(partial(self._session.receive_bytes, timeout=timeout))

    def receive_json(self, *, timeout: float | None = None) -> object:
        """Return the next message (text or binary) parsed as JSON."""
        return self._running.call(partial(self._session.receive_json, timeout=timeout))

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Close the socket from the client's side and wait for the app to finish.

        The app receives ``websocket.disconnect`` with ``code`` and ``reason``. Raises
        what the app raised, if that was not reported yet.
        """
        self._running.call(self._session.close, code, reason)

    @property
    def _running(self) -> BlockingPortal:
        if self._portal is None:
            raise RuntimeError(
                "Use the session in a with block: with client.websocket_connect(...) "
                "as ws:"
            )
        return self._portal
