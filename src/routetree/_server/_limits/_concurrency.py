"""``limit_concurrency``: a request past a number in progress is answered 503 at once.

An ASGI wrapper rather than uvicorn's own ``limit_concurrency``, which counts open
connections (idle keep-alive ones and the asking one included) as well as running
requests, so that a limit of N refuses the N-th connection, and answers in plain text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._error_responses import error_response

if TYPE_CHECKING:
    from ..._types import ASGIApp, Receive, Scope, Send

__all__ = ["ConcurrencyLimit"]


class ConcurrencyLimit:
    """Serve at most ``limit`` HTTP requests of this process at once.

    A request beyond them is answered at once, before its body is read, with
    ``503 {"error": "Service Unavailable", "detail": ...}`` and
    ``Connection: close``. Lifespan events pass through.

    Args:
        app: The ASGI app to wrap.
        limit: The number of requests served at once.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.active = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request, or answer 503 if ``limit`` are in progress."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.active >= self.limit:
            response = error_response(
                503,
                f"The server is answering {self.limit} requests, its limit; "
                "try again shortly.",
                headers={"connection": "close"},
            )
            await response.send(send, head_only=scope["method"] == "HEAD")
            return
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1
