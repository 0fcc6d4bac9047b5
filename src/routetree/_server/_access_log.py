"""One log line per request, for ``routetree dev`` and ``routetree start --access-log``.

``routetree dev`` prints method, path, status and time, coloured by status class with
rich (green 2xx, cyan 3xx, yellow 4xx, red 5xx)::

     GET /api/users/42 200 in 3ms
     POST /api/users 400 in 5ms

``routetree start --access-log`` writes, in text format::

    2025-06-01T12:00:00.123+00:00 GET /api/users?page=2 200 3.1ms request_id=4bf9...

and with ``--log-format json`` exactly these fields::

    {"time":"2025-06-01T12:00:00.123+00:00","method":"GET","path":"/api/users",
     "query":"page=2","status":200,"duration_ms":3.142,"request_id":"4bf9..."}

``time`` is when the request reached the app; ``duration_ms`` runs from then to the
last byte of the response. A WebSocket session is one line too, written when it
ends: method ``GET`` (the upgrade's), status 101 when it was accepted, else the HTTP
status that refused it (403 for a close before the handshake), and the duration of
the whole session. ``path`` and ``query`` are as sent, any byte outside
printable ASCII percent-escaped, so a line is always one line. ``status`` is the one
sent; 500 when the app raised before answering, 499 when it answered nothing because
the client left. `ServerAccessLog` also gives every request its id
(`._request_id`). Each wraps the app only when asked for, so a server without them
pays nothing.
"""

from __future__ import annotations

import re
import sys
import time
from typing import TYPE_CHECKING

import orjson
from rich.console import Console
from rich.text import Text

from ._log_format import utc_time
from ._request_id import CURRENT_REQUEST_ID, assign_request_id, with_request_id

if TYPE_CHECKING:
    from typing import TextIO

    from .._types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "AccessLog",
    "ServerAccessLog",
    "printable",
    "session_status",
    "status_style",
]

# A byte that would let a path or query break a line, or hide in a terminal.
_UNPRINTABLE = re.compile(rb"[^\x21-\x7e]")


def status_style(status: int) -> str:
    """Return the rich style of a status code's class."""
    if status >= 500 or status == 0:  # 0: no response was sent at all
        return "bold red"
    if status >= 400:
        return "yellow"
    if status >= 300:
        return "cyan"
    return "green"


class AccessLog:
    """ASGI middleware printing one line per HTTP request when its response is done."""

    def __init__(self, app: ASGIApp, console: Console | None = None) -> None:
        self.app = app
        self.console = console or Console(highlight=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request, then print its line."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_and_note(message: Message) -> None:
            nonlocal status
            noted = session_status(message, status)
            if noted is not None:
                status = noted
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            path = scope.get("raw_path") or scope["path"].encode()
            method = scope.get("method", "GET")  # a WebSocket's upgrade is a GET
            line = Text(f" {method} {path.decode('latin-1')} ")
            line.append(str(status or "-"), style=status_style(status))
            line.append(f" in {elapsed:.0f}ms")
            # Never wrapped at the console width: one request is one line, so a long
            # path cannot start a line of its own (what it says would read as another
            # request to anyone reading the log line by line).
            self.console.print(line, soft_wrap=True)


def session_status(message: Message, status: int) -> int | None:
    """The status an ASGI message sends, if it sends one; else None.

    ``http.response.start`` and ``websocket.http.response.start`` carry theirs;
    ``websocket.accept`` is 101; a ``websocket.close`` before anything else is the
    server's refusal of the handshake, 403.
    """
    kind = message["type"]
    if kind in ("http.response.start", "websocket.http.response.start"):
        return int(message["status"])
    if kind == "websocket.accept":
        return 101
    if kind == "websocket.close" and status == 0:
        return 403
    return None


def printable(raw: bytes) -> str:
    """``raw`` with every byte outside printable ASCII (space included) as ``%XX``."""
    if _UNPRINTABLE.search(raw) is not None:
        raw = _UNPRINTABLE.sub(lambda found: b"%%%02X" % found[0][0], raw)
    return raw.decode("ascii")


class ServerAccessLog:
    """ASGI middleware for ``start --access-log``: a request id, and a line per request.

    Args:
        app: The ASGI app to wrap.
        json: One JSON object per line instead of text.
        stream: Where lines go; default: stdout at the time of the call.
    """

    def __init__(
        self, app: ASGIApp, *, json: bool = False, stream: TextIO | None = None
    ) -> None:
        self.app = app
        self.json = json
        self.stream = stream

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request with its id, then write its line."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        arrived = time.time()
        started = time.perf_counter()
        request_id, headers = assign_request_id(scope["headers"])
        if headers is not None:
            scope = {**scope, "headers": headers}
        id_bytes = request_id.encode("ascii")
        status = 0
        ended = 0.0

        async def send_with_id(message: Message) -> None:
            nonlocal status, ended
            kind = message["type"]
            noted = session_status(message, status)
            if noted is not None:
                status = noted
                if kind != "websocket.close":
                    message = {
                        **message,
                        "headers": with_request_id(
                            message.get("headers", ()), id_bytes
                        ),
                    }
            elif kind == "http.response.body" and not message.get("more_body", False):
                ended = time.perf_counter()
            await send(message)

        token = CURRENT_REQUEST_ID.set(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        except BaseException:
            status = status or 500  # uvicorn answers 500 for an app that raised
            raise
        finally:
            CURRENT_REQUEST_ID.reset(token)
            duration = ((ended or time.perf_counter()) - started) * 1000
            self._write(scope, arrived, status or 499, duration, request_id)

    def _write(
        self,
        scope: Scope,
        arrived: float,
        status: int,
        duration: float,
        request_id: str,
    ) -> None:
        raw_path = scope.get("raw_path") or scope["path"].encode()
        path = printable(raw_path)
        query = printable(scope.get("query_string", b""))
        method = scope.get("method", "GET")  # a WebSocket's upgrade is a GET
        if self.json:
            line = orjson.dumps(
                {
                    "time": utc_time(arrived),
                    "method": method,
                    "path": path,
                    "query": query,
                    "status": status,
                    "duration_ms": round(duration, 3),
                    "request_id": request_id,
                }
            ).decode()
        else:
            target = f"{path}?{query}" if query else path
            line = (
                f"{utc_time(arrived)} {method} {target} {status} "
                f"{duration:.1f}ms request_id={request_id}"
            )
        stream = sys.stdout if self.stream is None else self.stream
        try:
            stream.write(line + "\n")
            stream.flush()
        except (OSError, ValueError):
            # As with logging's handlers: a log that cannot be written (stdout closed,
            # a full disk) never fails the request.
            pass
