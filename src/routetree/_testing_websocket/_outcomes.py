"""What ends a session: a close from the app, or its refusal before accepting."""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson

from .._websocket import WebSocketClosedError as _SessionClosedError

if TYPE_CHECKING:
    import httpx

__all__ = ["WebSocketClosedError", "WebSocketDeniedError"]


class WebSocketClosedError(_SessionClosedError):
    """The application closed the WebSocket; raised by the next receive.

    A `routetree.WebSocketClosedError` too (the server side's end-of-session error),
    so code written against either catches it.

    Attributes:
        code: The close code the application sent (1000 when it gave none).
        reason: The close reason the application sent ("" when it gave none).
        detail: Why a close came with no close frame (the application returned or
            raised); "" for a close the application sent.

    Example::

        with pytest.raises(WebSocketClosedError) as closed:
            ws.receive_text()
        assert closed.value.code == 4001
    """

    def __init__(self, code: int, reason: str = "", *, detail: str = "") -> None:
        """Record the code and reason; ``detail`` explains a close with no frame."""
        self.detail = detail
        message = f"The application closed the WebSocket with code {code}"
        if reason:
            message += f" and reason {reason!r}"
        super().__init__(code, reason)
        self.args = (f"{message}{f' ({detail})' if detail else ''}.",)


class WebSocketDeniedError(Exception):
    """The application refused the WebSocket before accepting it.

    Raised by ``websocket_connect``. An application that sends ``websocket.close``
    before ``websocket.accept`` refuses with a 403 and no body, as ASGI servers
    answer; one that uses the ``websocket.http.response`` extension refuses with the
    status, headers and body it sent.

    Attributes:
        status: The HTTP status of the refusal.
        headers: Its headers.
        body: Its body.

    Example::

        with pytest.raises(WebSocketDeniedError) as denied:
            client.websocket_connect("/api/rooms/1")
        assert denied.value.status == 401
        assert denied.value.json() == {"error": "Unauthorized"}
    """

    def __init__(self, status: int, headers: httpx.Headers, body: bytes) -> None:
        """Record the HTTP answer that refused the upgrade."""
        self.status = status
        self.headers = headers
        self.body = body
        super().__init__(
            f"The application refused the WebSocket with HTTP {status}"
            + (f": {body[:200]!r}" if body else ".")
        )

    @property
    def text(self) -> str:
        """The body, decoded as UTF-8."""
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> object:
        """The body, parsed as JSON."""
        return orjson.loads(self.body)
