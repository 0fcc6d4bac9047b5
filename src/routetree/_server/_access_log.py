"""One log line per request, for ``routetree dev``: method, path, status, time.

::

     GET /api/users/42 200 in 3ms
     POST /api/users 400 in 5ms

Coloured by status class with rich (green 2xx, cyan 3xx, yellow 4xx, red 5xx). It wraps
the app only in dev mode, so production pays nothing for it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:
    from .._types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["AccessLog", "status_style"]


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
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            path = scope.get("raw_path") or scope["path"].encode()
            line = Text(f" {scope['method']} {path.decode('latin-1')} ")
            line.append(str(status or "-"), style=status_style(status))
            line.append(f" in {elapsed:.0f}ms")
            # Never wrapped at the console width: one request is one line, so a long
            # path cannot start a line of its own (what it says would read as another
            # request to anyone reading the log line by line).
            self.console.print(line, soft_wrap=True)
