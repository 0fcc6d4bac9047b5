"""`WebSocket`: one WebSocket session, as a ``WEBSOCKET`` handler sees it.

The socket wraps the ASGI connection of a route whose file exports ``WEBSOCKET``
(`routetree._websocket_session` runs the handler). Before `WebSocket.accept` the
upgrade request can still be answered over HTTP (the handler returns a `Response`);
after it, messages flow both ways until either side closes:

- `WebSocket.receive` gives the next message, ``str`` (a text frame) or ``bytes`` (a
  binary frame); ``async for message in socket`` does the same and ends when the peer
  closes. A message larger than the route's ``max_message_size`` closes the socket
  with 1009.
- `WebSocket.send_text`, `WebSocket.send_bytes` and `WebSocket.send_json` (orjson,
  the types a `Response.json` body takes) send one message each.
- `WebSocket.subscribe` delivers what `routetree.publish` sends to a topic into this
  socket (`routetree._pubsub`): the socket's `Mailbox` is drained by a pump task, a
  ``str`` as a text frame and ``bytes`` as a binary frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from typing import TYPE_CHECKING

from ._json import decode_json, encode_json
from ._pubsub import Mailbox

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from ._cookies import RequestCookies
    from ._headers import Headers
    from ._pubsub import Broker, Frame
    from ._request import Request, State
    from ._types import Message, Params, Receive, Send
    from ._url import URL

__all__ = ["DEFAULT_MAX_MESSAGE_SIZE", "WebSocket", "WebSocketClosedError"]

logger = logging.getLogger("routetree")

DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024
"""The largest incoming message by default (``max_message_size``): 1 MiB."""
# Seconds a session's end waits for its pump and closing tasks to finish.
_RELEASE_TIMEOUT = 5.0


class WebSocketClosedError(Exception):
    """The session is over: the peer closed, vanished, or the socket was closed.

    Raised by the ``receive`` methods (``async for`` ends instead). A handler may let
    it escape: that ends the session normally.

    Attributes:
        code: The close code (1000 normal, 1001 going away, 1006 no close frame...).
        reason: The close reason the peer gave, or ``""``.
    """

    def __init__(self, code: int = 1000, reason: str = "") -> None:
        super().__init__(
            f"WebSocket closed with code {code}" + (f": {reason}" if reason else "")
        )
        self.code = code
        self.reason = reason


class _State(enum.Enum):
    CONNECTING = "connecting"
    OPEN = "open"
    CLOSED = "closed"


class WebSocket:
    """One WebSocket session, passed to ``WEBSOCKET(socket, context)``.

    Example::

        from routetree import WebSocket

        async def WEBSOCKET(socket: WebSocket, context) -> None:
            await socket.accept()
            async for message in socket:
                await socket.send_text(f"echo: {message}")

    Attributes:
        params: The route params (as ``context.params``).
        subprotocols: The subprotocols the client offered, in its order.
        max_message_size: The largest message `receive` accepts, in bytes.
    """

    def __init__(
        self,
        request: Request,
        receive: Receive,
        send: Send,
        *,
        params: Params,
        broker: Broker,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        accept_headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        self._request = request
        self._receive = receive
        self._send = send
        self.params = params
        self.subprotocols: list[str] = list(request.scope.get("subprotocols") or ())
        self.max_message_size = max_message_size
        self._broker = broker
        self._accept_headers = accept_headers or []
        self._state = _State.CONNECTING
        self._accepted = False
        self._closed_by_handler = False
        self._close_code: int | None = None
        self._mailbox: Mailbox | None = None
        self._topics: set[str] = set()
        self._pump: asyncio.Task[None] | None = None
        self._closing: asyncio.Task[None] | None = None
        self._loop = asyncio.get_running_loop()

    # The upgrade request -------------------------------------------------------

    @property
    def url(self) -> URL:
        """The URL of the upgrade request (``ws://`` or ``wss://``)."""
        return self._request.url

    @property
    def headers(self) -> Headers:
        """The headers of the upgrade request, case-insensitive."""
        return self._request.headers

    @property
    def cookies(self) -> RequestCookies:
        """The cookies of the upgrade request: ``.get(name)`` -> ``str | None``."""
        return self._request.cookies

    @property
    def state(self) -> State:
        """What middleware set on ``request.state`` for this upgrade request."""
        return self._request.state

    @property
    def request(self) -> Request:
        """The upgrade request itself (method GET), as middleware saw it."""
        return self._request

    @property
    def accepted(self) -> bool:
        """Whether `accept` was called (the session is or was open)."""
        return self._accepted

    @property
    def closed(self) -> bool:
        """Whether the session is over (either side closed, or the peer vanished)."""
        return self._state is _State.CLOSED

    # Opening and closing -------------------------------------------------------

    async def accept(
        self,
        subprotocol: str | None = None,
        headers: dict[str, str] | list[tuple[str, str]] | None = None,
    ) -> None:
        """Complete the upgrade: the server answers 101 and the session opens.

        Args:
            subprotocol: The subprotocol chosen, one of `subprotocols` (sent back as
                ``Sec-WebSocket-Protocol``).
            headers: More headers for the 101 answer.

        Raises:
            RuntimeError: The socket was accepted or closed already.
            ValueError: ``subprotocol`` is not one the client offered.
        """
        if self._state is not _State.CONNECTING or self._close_code is not None:
            raise RuntimeError("accept() was called twice, or after close()")
        if subprotocol is not None and subprotocol not in self.subprotocols:
            raise ValueError(
                f"accept(subprotocol={subprotocol!r}): the client offered "
                f"{self.subprotocols!r}; choose one of those or None"
            )
        pairs = headers.items() if isinstance(headers, dict) else (headers or ())
        raw = [*self._accept_headers]
        raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in pairs]
        message: Message = {"type": "websocket.accept", "headers": raw}
        if subprotocol is not None:
            message["subprotocol"] = subprotocol
        await self._send(message)
        self._accepted = True
        self._state = _State.OPEN

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close the session with ``code`` (and ``reason``, at most 123 bytes).

        Nothing happens when it is closed already. Before `accept`, this refuses the
        upgrade (the client sees HTTP 403).
        """
        self._closed_by_handler = True
        await self._close(code, reason)

    async def _close(self, code: int, reason: str = "") -> None:
        """Send the close (once), whoever closes: the handler, a limit, a shutdown."""
        if self._state is _State.CLOSED or self._close_code is not None:
            return
        self._close_code = code
        was_open = self._state is _State.OPEN
        self._state = _State.CLOSED
        try:
            await self._send(
                {"type": "websocket.close", "code": code, "reason": reason}
            )
        except Exception:  # the connection is gone already: closed is closed
            if not was_open:
                raise

    def _close_soon(self, code: int) -> None:
        """Close with ``code`` from any thread or a signal handler (a shutdown)."""
        self._loop.call_soon_threadsafe(self._start_close, code)

    def _start_close(self, code: int) -> asyncio.Task[None] | None:
        """Begin closing with ``code`` unless closed already; the closing task."""
        if self._state is _State.OPEN and self._closing is None:
            self._closing = self._loop.create_task(self._close(code))
        return self._closing

    # Receiving -------------------------------------------------------------------

    async def receive(self) -> str | bytes:
        """The next message: ``str`` for a text frame, ``bytes`` for a binary one.

        Raises:
            WebSocketClosedError: The session is over (the peer closed or vanished,
                the message was too big: 1009, or the socket was closed).
            RuntimeError: The socket was not accepted yet.
        """
        if self._state is _State.CONNECTING:
            raise RuntimeError("receive() before accept(): accept the socket first")
        if self._state is _State.CLOSED:
            raise WebSocketClosedError(self._close_code or 1000)
        try:
            message = await self._receive()
        except asyncio.CancelledError:
            # granian cancels the receive of a connection it dropped; a cancellation
            # of this task itself goes on.
            task = asyncio.current_task()
            if task is None or task.cancelling():
                raise
            self._state = _State.CLOSED
            raise WebSocketClosedError(1006) from None
        kind = message["type"]
        if kind == "websocket.receive":
            text = message.get("text")
            data: str | bytes = (
                text if text is not None else message.get("bytes") or b""
            )
            if self._too_big(data):
                await self._close(1009, "Message too big")
                raise WebSocketClosedError(1009, "Message too big")
            return data
        if kind == "websocket.disconnect":
            self._state = _State.CLOSED
            code = int(message.get("code", 1005))
            self._close_code = self._close_code or code
            raise WebSocketClosedError(code, message.get("reason") or "")
        raise RuntimeError(f"Unexpected ASGI message {kind!r} on a WebSocket")

    def _too_big(self, data: str | bytes) -> bool:
        limit = self.max_message_size
        if len(data) > limit:
            return True
        # A character is at most 4 bytes of UTF-8: only a long text needs counting.
        return (
            isinstance(data, str)
            and len(data) * 4 > limit
            and len(data.encode()) > limit
        )

    async def receive_text(self) -> str:
        """The next message, which must be a text frame.

        Raises:
            TypeError: It was a binary frame.
            WebSocketClosedError: The session is over.
        """
        data = await self.receive()
        if not isinstance(data, str):
            raise TypeError("receive_text() got a binary message; use receive_bytes()")
        return data

    async def receive_bytes(self) -> bytes:
        """The next message, which must be a binary frame.

        Raises:
            TypeError: It was a text frame.
            WebSocketClosedError: The session is over.
        """
        data = await self.receive()
        if not isinstance(data, bytes):
            raise TypeError("receive_bytes() got a text message; use receive_text()")
        return data

    async def receive_json(self) -> object:
        """The next message (text or binary) parsed as JSON.

        Raises:
            InvalidJSONError: It is not JSON.
            WebSocketClosedError: The session is over.
        """
        data = await self.receive()
        return decode_json(data.encode() if isinstance(data, str) else data)

    def __aiter__(self) -> AsyncIterator[str | bytes]:
        return self._messages()

    async def _messages(self) -> AsyncIterator[str | bytes]:
        while True:
            try:
                message = await self.receive()
            except WebSocketClosedError:
                return
            yield message

    # Sending ---------------------------------------------------------------------

    async def send_text(self, data: str) -> None:
        """Send a text frame.

        Raises:
            RuntimeError: Not accepted yet, or closed by the handler.
            WebSocketClosedError: The peer left, or the server closed the socket.
        """
        await self._send_frame(data)

    async def send_bytes(self, data: bytes) -> None:
        """Send a binary frame.

        Raises:
            RuntimeError: Not accepted yet, or closed by the handler.
            WebSocketClosedError: The peer left, or the server closed the socket.
        """
        await self._send_frame(bytes(data))

    async def send_json(self, data: object) -> None:
        """Send ``data`` as JSON in a text frame (orjson; the types of `Response.json`).

        Raises:
            TypeError: ``data`` is not JSON-serialisable.
            RuntimeError: Not accepted yet, or closed by the handler.
            WebSocketClosedError: The peer left, or the server closed the socket.
        """
        await self._send_frame(encode_json(data).decode())

    async def _send_frame(self, frame: Frame) -> None:
        if self._state is not _State.OPEN:
            if self._state is _State.CONNECTING:
                raise RuntimeError("Cannot send on a WebSocket before accept()")
            if self._closed_by_handler:
                raise RuntimeError("Cannot send on a WebSocket after close()")
            # The peer left, or a limit or a shutdown closed it: the session is over.
            raise WebSocketClosedError(self._close_code or 1006)
        message: Message = (
            {"type": "websocket.send", "text": frame}
            if isinstance(frame, str)
            else {"type": "websocket.send", "bytes": frame}
        )
        try:
            await self._send(message)
        except OSError:  # uvicorn's ClientDisconnected: the connection is gone
            self._state = _State.CLOSED
            raise WebSocketClosedError(1006) from None

    # Pub/sub ---------------------------------------------------------------------

    async def subscribe(self, topic: str) -> None:
        """Receive what `routetree.publish` sends to ``topic``, as frames to the client.

        Raises:
            RuntimeError: Not accepted yet, or closed.
        """
        if not isinstance(topic, str) or not topic:
            raise TypeError(f"subscribe() needs a non-empty str topic, not {topic!r}")
        if self._state is not _State.OPEN:
            raise RuntimeError("subscribe() needs an accepted, open WebSocket")
        if topic in self._topics:
            return
        if self._mailbox is None:
            self._mailbox = Mailbox()
            self._pump = asyncio.create_task(self._forward(self._mailbox))
        self._topics.add(topic)
        await self._broker.subscribe(topic, self._mailbox)

    async def unsubscribe(self, topic: str) -> None:
        """Stop receiving ``topic`` (nothing if not subscribed)."""
        if topic in self._topics and self._mailbox is not None:
            self._topics.discard(topic)
            await self._broker.unsubscribe(topic, self._mailbox)

    @property
    def topics(self) -> frozenset[str]:
        """The topics this socket is subscribed to."""
        return frozenset(self._topics)

    async def _forward(self, mailbox: Mailbox) -> None:
        """The pump: send each frame published to a subscribed topic to the client."""
        while self._state is _State.OPEN:
            frame = await mailbox.get()
            try:
                await self._send_frame(frame)
            except Exception:  # closed meanwhile, or the peer went away
                return

    async def _release(self) -> None:
        """Unsubscribe from every topic and stop the pump (at the session's end)."""
        mailbox = self._mailbox
        if mailbox is not None:
            for topic in tuple(self._topics):
                with contextlib.suppress(Exception):
                    await self._broker.unsubscribe(topic, mailbox)
            self._topics.clear()
        # asyncio.wait never raises what the tasks raised, and lets a cancellation of
        # this task through (suppressing CancelledError around an await would not).
        tasks = {task for task in (self._pump, self._closing) if task is not None}
        if self._pump is not None:
            self._pump.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=_RELEASE_TIMEOUT)
            for task in tasks:
                if task.done() and not task.cancelled():
                    task.exception()  # retrieved: no "never retrieved" warning

    def __repr__(self) -> str:
        return f"<WebSocket {self._request.url.path} {self._state.value}>"
