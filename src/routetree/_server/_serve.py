"""Run an app under uvicorn: bind the socket ourselves, print where it listens, serve.

Binding before handing the socket to uvicorn lets ``--port 0`` print the port the OS
chose, and turns "address in use" into a one-line error instead of a traceback. uvicorn
picks uvloop when it is installed; the HTTP parser (httptools or h11) is uvicorn's,
subclassed to enforce the server limits of `routetree._server._limits`.
"""

from __future__ import annotations

import errno
import gc
import logging
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING

import uvicorn

from ._access_log import ServerAccessLog
from ._limits import ServerLimits, default_http_parser, protocol_class
from ._limits._concurrency import ConcurrencyLimit

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from .._config._project_config import ProjectConfig
    from .._types import ASGIApp
    from ._log_format import LogSettings

__all__ = [
    "PortInUseError",
    "bind_socket",
    "display_url",
    "project_limits",
    "run_workers",
    "serve",
    "spawn_worker",
    "stop_worker",
]

logger = logging.getLogger("routetree")
# A worker that dies this soon after starting is taken to be unable to start at all.
_STARTUP_GRACE = 2.0
# How much longer than its shutdown_timeout a worker gets before it is killed.
_DRAIN_MARGIN = 5.0


class PortInUseError(OSError):
    """The requested host and port cannot be bound."""


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind and listen on ``host:port`` (port 0: any free port).

    Raises:
        PortInUseError: The address is taken or cannot be bound, with a message saying
            which.
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
                f"Port {port} is already in use on {host}. Stop the other server or "
                "pick another port with --port (or PORT=...)."
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


def project_limits(config: ProjectConfig | None) -> ServerLimits:
    """The ``[server]`` limits of a project's config; the defaults without one."""
    return ServerLimits() if config is None else config.server.limits


def serve(
    app: ASGIApp,
    sock: socket.socket,
    *,
    http: str | None = None,
    limits: ServerLimits | None = None,
    shutdown_timeout: float | None = None,
    logs: LogSettings | None = None,
) -> None:
    """Serve ``app`` on an already bound socket until SIGINT or SIGTERM.

    On SIGTERM uvicorn stops accepting, lets in-flight requests finish for up to
    ``shutdown_timeout`` seconds (rounded up; default: the limits'), runs the
    lifespan shutdown and exits.

    Args:
        app: The ASGI app.
        sock: A bound, listening socket.
        http: ``"httptools"`` or ``"h11"``; default: httptools if installed.
        limits: What clients are allowed; default: `ServerLimits` ().
        shutdown_timeout: Seconds to drain on SIGTERM instead of the limits'.
        logs: With ``access_log``, serve through `ServerAccessLog` (outermost, so a
            503 of ``limit_concurrency`` is logged and carries the request id too).
    """
    limits = limits or ServerLimits()
    if limits.limit_concurrency is not None:
        app = ConcurrencyLimit(app, limits.limit_concurrency)
    if logs is not None and logs.access_log:
        app = ServerAccessLog(app, json=logs.is_json)
    drain = limits.shutdown_timeout if shutdown_timeout is None else shutdown_timeout
    config = uvicorn.Config(
        app,
        http=protocol_class(http or default_http_parser(), limits),
        lifespan="on",
        # The root logger's handler formats uvicorn's records too (_log_format).
        log_config=None,
        access_log=False,
        server_header=False,
        # Proxy headers are trusted only through routetree's own trusted_proxies
        # setting; uvicorn's default would believe X-Forwarded-For from localhost.
        proxy_headers=False,
        timeout_graceful_shutdown=math.ceil(drain),
    )
    # Everything loaded so far (routes, their imports) lives as long as the process:
    # moving it out of the collector's sight keeps full collections short under load.
    gc.collect()
    gc.freeze()
    uvicorn.Server(config).run(sockets=[sock])


def spawn_worker(
    directory: Path,
    sock: socket.socket,
    *,
    dev: bool,
    env: Mapping[str, str],
    http: str,
    logs: LogSettings | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``python -m routetree._server._worker`` serving ``directory`` on ``sock``.

    The listening socket is inherited, so every worker accepts on the same port and a
    restarted worker takes over without the port ever closing. ``http`` names the
    HTTP parser; ``logs``, how a production worker logs (as ``start`` was told).
    """
    command = [
        sys.executable,
        "-m",
        "routetree._server._worker",
        "--fd",
        str(sock.fileno()),
        "--http",
        http,
        str(directory),
    ]
    if dev:
        command.append("--dev")
    if logs is not None:
        command.extend(logs.worker_args())
    return subprocess.Popen(command, pass_fds=[sock.fileno()], env=dict(env))


def stop_worker(worker: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM a worker and wait for it to drain; SIGKILL it after ``timeout`` s."""
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def run_workers(
    directory: Path,
    sock: socket.socket,
    count: int,
    *,
    http: str,
    shutdown_timeout: float,
    logs: LogSettings | None = None,
) -> int:
    """Serve with ``count`` worker processes until SIGINT/SIGTERM; return an exit code.

    A signal is passed on to every worker, which drains its in-flight requests for up
    to ``shutdown_timeout`` seconds; a worker still running 5 s later is killed. A
    worker that dies is replaced, unless it failed while starting (a broken project):
    then every worker is stopped and the exit code is 1. Every worker logs as
    ``logs`` says.
    """
    stopping = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    env = dict(os.environ)
    workers = [
        spawn_worker(directory, sock, dev=False, env=env, http=http, logs=logs)
        for _ in range(count)
    ]
    started = [time.monotonic()] * count
    code = 0
    while not stopping.wait(0.2):
        for index, worker in enumerate(workers):
            status = worker.poll()
            if status is None:
                continue
            # 1: the project failed to load; 3: uvicorn's "startup failed" (register()).
            if time.monotonic() - started[index] < _STARTUP_GRACE or status in (1, 3):
                stopping.set()
                code = 1
                break
            logger.warning(
                "Worker %s exited with %s; starting another", worker.pid, status
            )
            workers[index] = spawn_worker(
                directory, sock, dev=False, env=env, http=http, logs=logs
            )
            started[index] = time.monotonic()
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    for worker in workers:
        stop_worker(worker, timeout=math.ceil(shutdown_timeout) + _DRAIN_MARGIN)
    return code
