"""Run an app: bind the socket ourselves, print where it listens, serve, drain.

Binding before handing the socket to the server lets ``--port 0`` print the port the
OS chose, and turns "address in use" into a one-line error instead of a traceback.
`serve` runs uvicorn in this process (granian: `routetree._server._granian`); uvicorn
picks uvloop when it is installed; the HTTP parser (httptools or h11) is uvicorn's,
subclassed to enforce the server limits of `routetree._server._limits`.

SIGTERM or SIGINT drains, the same under either server and in every worker: the
readiness endpoint answers 503 (`._health`) for ``shutdown_delay`` seconds while
requests are still served, then the server stops accepting, in-flight requests get
``shutdown_timeout`` seconds (then they are cancelled), the lifespan shutdown runs
``shutdown()`` of ``instrumentation.py``, and the process exits 0. A second SIGINT
(Ctrl-C twice) cuts the drain short.
"""

from __future__ import annotations

import contextlib
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

from .._websocket_session import OPEN_SOCKETS
from ._access_log import ServerAccessLog
from ._health import DrainState, HealthEndpoints
from ._limits import ServerLimits, default_http_parser, protocol_class
from ._limits._concurrency import ConcurrencyLimit

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path
    from types import FrameType

    from .._config._health import HealthConfig
    from .._config._project_config import ProjectConfig
    from .._types import ASGIApp
    from ._log_format import LogSettings

__all__ = [
    "SERVERS",
    "PortInUseError",
    "bind_socket",
    "display_url",
    "project_health",
    "project_limits",
    "run_workers",
    "serve",
    "server_app",
    "server_ws_max_size",
    "spawn_worker",
    "stop_worker",
]

logger = logging.getLogger("routetree")
SERVERS = ("uvicorn", "granian")
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


def project_health(config: ProjectConfig | None) -> HealthConfig | None:
    """The ``health`` endpoints of a project's config, if it names any."""
    return None if config is None else config.health


def server_app(
    app: ASGIApp,
    limits: ServerLimits,
    *,
    logs: LogSettings | None,
    health: HealthConfig | None,
    drain: DrainState,
) -> ASGIApp:
    """Wrap ``app`` in what the server adds, the same under uvicorn and granian.

    From the outside in: the health endpoints (never limited or logged), the access
    log (so a 503 of ``limit_concurrency`` is logged and carries the request id
    too), the concurrency limit.
    """
    if limits.limit_concurrency is not None:
        app = ConcurrencyLimit(app, limits.limit_concurrency)
    if logs is not None and logs.access_log:
        app = ServerAccessLog(app, json=logs.is_json)
    if health is not None:
        app = HealthEndpoints(app, health, drain)
    return app


class _DrainingServer(uvicorn.Server):
    """uvicorn's server, with the readiness delay before it stops, and exit code 0.

    uvicorn raises the signal it drained for again once it is done, so the process
    would end by SIGTERM (-15) however cleanly it drained; an orchestrator reads a
    clean exit as 0.
    """

    def __init__(self, config: uvicorn.Config, drain: DrainState, delay: float):
        super().__init__(config)
        self._drain = drain
        self._delay = delay
        self._stop_at: float | None = None

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Handle SIGTERM and SIGINT while serving; restore the old handlers after."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        originals = {
            sig: signal.signal(sig, self.handle_exit)
            for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            yield
        finally:
            for sig, handler in originals.items():
                signal.signal(sig, handler)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """Begin the drain; a second SIGINT ends the delay, a third the drain."""
        if not self._drain.draining:
            self._drain.begin()
            self._stop_at = time.monotonic() + self._delay
            self.should_exit = self._delay <= 0
        elif sig == signal.SIGINT:
            if self.should_exit:
                self.force_exit = True
            self.should_exit = True

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Close the WebSockets not closed yet with routetree's code, then drain.

        uvicorn's own shutdown would close them with 1012; those the signal closed
        already (`DrainState.begin`) are only waited for.
        """
        await OPEN_SOCKETS.close_now(self._drain.socket_close_code)
        await super().shutdown(sockets)

    async def on_tick(self, counter: int) -> bool:
        """Stop accepting once the delay is over (checked every 0.1 s)."""
        if self._stop_at is not None and time.monotonic() >= self._stop_at:
            self.should_exit = True
        return await super().on_tick(counter)


def serve(
    app: ASGIApp,
    sock: socket.socket,
    *,
    http: str | None = None,
    limits: ServerLimits | None = None,
    shutdown_timeout: float | None = None,
    logs: LogSettings | None = None,
    health: HealthConfig | None = None,
    ws_max_size: int | None = None,
    socket_close_code: int = 1001,
) -> None:
    """Serve ``app`` under uvicorn on an already bound socket until SIGINT or SIGTERM.

    Then drain as the module docstring says, and return.

    Args:
        app: The ASGI app.
        sock: A bound, listening socket.
        http: ``"httptools"`` or ``"h11"``; default: httptools if installed.
        limits: What clients are allowed; default: `ServerLimits` ().
        shutdown_timeout: Seconds to drain on SIGTERM instead of the limits' (and no
            ``shutdown_delay``: what ``routetree dev`` uses to reload).
        logs: With ``access_log``, log each request (`server_app`).
        health: The liveness and readiness endpoints to answer, if any.
        ws_max_size: The largest WebSocket message the server lets through to the
            app, which closes a bigger one with 1009 itself (`server_ws_max_size`).
        socket_close_code: What open WebSockets are closed with when the drain
            begins: 1001, or 1012 for a ``routetree dev`` reload.
    """
    limits = limits or ServerLimits()
    drain_state = DrainState(socket_close_code)
    app = server_app(app, limits, logs=logs, health=health, drain=drain_state)
    drain = limits.shutdown_timeout if shutdown_timeout is None else shutdown_timeout
    delay = limits.shutdown_delay if shutdown_timeout is None else 0.0
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
        ws_max_size=server_ws_max_size(ws_max_size),
        ws_ping_interval=limits.ws_ping_interval or None,
        ws_ping_timeout=limits.ws_ping_timeout or None,
    )
    freeze_heap()
    _DrainingServer(config, drain_state, delay).run(sockets=[sock])


def server_ws_max_size(app_limit: int | None) -> int:
    """The ``ws_max_size`` of uvicorn for an app whose largest message limit is given.

    One byte above it, so that a message just over a route's ``max_message_size``
    reaches the app, which closes with 1009 as uvicorn would; without a limit to
    honour, uvicorn's default (16 MiB).
    """
    return 16 * 1024 * 1024 if app_limit is None else app_limit + 1


def freeze_heap() -> None:
    """Move everything loaded so far out of the garbage collector's sight.

    Routes and their imports live as long as the process: frozen, they keep full
    collections short under load.
    """
    gc.collect()
    gc.freeze()


def spawn_worker(
    directory: Path,
    sock: socket.socket,
    *,
    dev: bool,
    env: Mapping[str, str],
    http: str,
    logs: LogSettings | None = None,
    server: str = "uvicorn",
) -> subprocess.Popen[bytes]:
    """Start ``python -m routetree._server._worker`` serving ``directory`` on ``sock``.

    The listening socket is inherited, so every worker accepts on the same port and a
    restarted worker takes over without the port ever closing. ``http`` names
    uvicorn's HTTP parser; ``logs``, how a production worker logs (as ``start`` was
    told); ``server``, uvicorn or granian.
    """
    command = [
        sys.executable,
        "-m",
        "routetree._server._worker",
        "--fd",
        str(sock.fileno()),
        "--http",
        http,
        "--server",
        server,
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
    limits: ServerLimits,
    logs: LogSettings | None = None,
    server: str = "uvicorn",
) -> int:
    """Serve with ``count`` worker processes until SIGINT/SIGTERM; return an exit code.

    A signal is passed on to every worker as SIGTERM, and each drains as the module
    docstring says, for up to ``shutdown_delay`` plus ``shutdown_timeout`` seconds of
    ``limits``; a worker still running 5 s later is killed. A worker that dies is
    replaced, unless it failed while starting (a broken project): then every worker
    is stopped and the exit code is 1. Every worker logs as ``logs`` says and runs
    ``server``.
    """
    stopping = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    env = dict(os.environ)
    workers = [
        spawn_worker(
            directory, sock, dev=False, env=env, http=http, logs=logs, server=server
        )
        for _ in range(count)
    ]
    started = [time.monotonic()] * count
    code = 0
    while not stopping.wait(0.2):
        for index, worker in enumerate(workers):
            status = worker.poll()
            if status is None:
                continue
            # 1: the project failed to load; 3: "startup failed" (register()).
            if time.monotonic() - started[index] < _STARTUP_GRACE or status in (1, 3):
                stopping.set()
                code = 1
                break
            logger.warning(
                "Worker %s exited with %s; starting another", worker.pid, status
            )
            workers[index] = spawn_worker(
                directory, sock, dev=False, env=env, http=http, logs=logs, server=server
            )
            started[index] = time.monotonic()
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    drain = math.ceil(limits.shutdown_delay + limits.shutdown_timeout)
    for worker in workers:
        stop_worker(worker, timeout=drain + _DRAIN_MARGIN)
    return code
