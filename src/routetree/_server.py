"""Run an app under uvicorn: bind the socket ourselves, print where it listens, serve.

Binding before handing the socket to uvicorn lets ``--port 0`` print the port the OS chose,
and turns "address in use" into a one-line error instead of a traceback. uvicorn picks
uvloop and httptools when they are installed.
"""

from __future__ import annotations

import errno
import socket
from typing import TYPE_CHECKING

import uvicorn

if TYPE_CHECKING:
    from ._types import ASGIApp

__all__ = ["PortInUseError", "bind_socket", "display_url", "serve"]


class PortInUseError(OSError):
    """The requested host and port cannot be bound."""


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind and listen on ``host:port`` (port 0: any free port).

    Raises:
        PortInUseError: The address is taken or cannot be bound, with a message saying which.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(
                f"Port {port} is already in use on {host}. Stop the other server or pick "
                "another port with --port (or PORT=...)."
            ) from None
        raise PortInUseError(
            f"Cannot listen on {host}:{port}: {exc.strerror}."
        ) from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def display_url(sock: socket.socket) -> str:
    """Return ``http://host:port`` for a bound socket (``0.0.0.0`` shown as is)."""
    host, port = sock.getsockname()[:2]
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def serve(app: ASGIApp, sock: socket.socket, *, access_log: bool = False) -> None:
    """Serve ``app`` on an already bound socket until interrupted (SIGINT/SIGTERM)."""
    config = uvicorn.Config(
        app,
        lifespan="on",
        log_config=None,
        access_log=access_log,
        server_header=False,
        timeout_graceful_shutdown=30,
    )
    uvicorn.Server(config).run(sockets=[sock])
