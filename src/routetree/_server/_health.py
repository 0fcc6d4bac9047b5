"""The liveness and readiness endpoints, and the state of a shutdown they report.

With ``health = { live = "/livez", ready = "/readyz" }`` in the config, the server
answers those two paths itself, in front of the app (`HealthEndpoints`):

- ``live``: ``200 {"status": "ok"}`` for as long as the process serves, draining
  included: a liveness probe that failed during the drain would get the process
  killed before its in-flight requests finish.
- ``ready``: ``200 {"status": "ok"}`` until shutdown begins, then
  ``503 {"status": "shutting down"}``: the signal for a load balancer or Kubernetes
  to send no more requests here.

A shutdown begins with SIGTERM or SIGINT (`DrainState.begin`, called by the signal
handling of `routetree._server._serve` and `routetree._server._granian`); for
``[server] shutdown_delay`` seconds the server then still accepts and serves, and only
the readiness answer changes. Every other path goes to the app untouched, at the cost
of one string comparison per endpoint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._error_responses import error_response
from .._websocket_session import OPEN_SOCKETS

if TYPE_CHECKING:
    from .._config._health import HealthConfig
    from .._types import ASGIApp, Receive, Scope, Send

__all__ = ["DrainState", "HealthEndpoints"]

_OK = b'{"status":"ok"}'
_SHUTTING_DOWN = b'{"status":"shutting down"}'


class DrainState:
    """Whether this process has begun to shut down (one per process).

    Args:
        socket_close_code: The code every open WebSocket is closed with when the
            shutdown begins: 1001 (Going Away), or 1012 (Service Restart) for a
            ``routetree dev`` reload.

    Attributes:
        draining: True from the first SIGTERM or SIGINT on.
    """

    def __init__(self, socket_close_code: int = 1001) -> None:
        self.draining = False
        self.socket_close_code = socket_close_code

    def begin(self) -> None:
        """Mark the shutdown as begun: the readiness endpoint answers 503 from now.

        Every open WebSocket is closed at once (clients reconnect elsewhere), while
        HTTP requests still drain. Safe in a signal handler.
        """
        self.draining = True
        OPEN_SOCKETS.close_all(self.socket_close_code)


class HealthEndpoints:
    """ASGI middleware answering the ``health`` paths; everything else goes to ``app``.

    Only ``GET`` and ``HEAD`` are answered; another method gets 405 with
    ``Allow: GET, HEAD``. Answers carry ``Cache-Control: no-store``.

    Args:
        app: The ASGI app to wrap.
        config: The configured paths.
        state: The process's shutdown state, which the readiness answer reports.
    """

    def __init__(self, app: ASGIApp, config: HealthConfig, state: DrainState) -> None:
        self.app = app
        self.live = config.live
        self.ready = config.ready
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a health path, or pass the request on."""
        if scope["type"] == "http":
            path = scope["path"]
            if path == self.live:
                await self._answer(scope, send, 200, _OK)
                return
            if path == self.ready:
                if self.state.draining:
                    await self._answer(scope, send, 503, _SHUTTING_DOWN)
                else:
                    await self._answer(scope, send, 200, _OK)
                return
        await self.app(scope, receive, send)

    @staticmethod
    async def _answer(scope: Scope, send: Send, status: int, body: bytes) -> None:
        head_only = scope["method"] == "HEAD"
        if scope["method"] != "GET" and not head_only:
            refusal = error_response(
                405,
                "A health endpoint answers GET and HEAD only.",
                headers={"allow": "GET, HEAD", "cache-control": "no-store"},
            )
            await refusal.send(send, head_only=False)
            return
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b"" if head_only else body})
