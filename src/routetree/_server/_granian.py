"""Run an app under granian (``routetree start --server granian``), drained as uvicorn.

granian's embedded server (`granian.server.embed.Server`) runs its Rust HTTP worker
in this process, on this event loop, calling the app through granian's ASGI
interface; the app is the same Pipeline as under uvicorn, with the same wrappers
(`routetree._server._serve.server_app`). One process is one granian worker:
``--workers N`` runs N of these under routetree's own supervisor, as for uvicorn.

Three things are routetree's own rather than granian's:

- The socket: bound by ``start`` (``--port 0``, one-line "address in use") and handed
  to granian by its descriptor, instead of granian binding its own.
- The signals: SIGTERM or SIGINT drains as `routetree._server._serve` says. granian,
  once told to stop, stops accepting, closes idle connections and waits for the
  in-flight ones; routetree cancels what is still running after ``shutdown_timeout``
  (`InFlight`), granian then runs the lifespan shutdown, and the process exits 0.
- The limits: granian's HTTP/1 settings where it has one (``header_timeout``, with
  no 408, and ``keep_alive_timeout = 0``), and `GranianLimits`, an ASGI wrapper
  outside everything else, for ``max_headers``, ``max_header_size`` and
  ``body_timeout`` (`routetree._server._limits._granian`); ``limit_concurrency`` is
  routetree's wrapper, as under uvicorn. What still differs is in
  docs/deployment.md.

granian logs through the root logger, as uvicorn does (`._log_format`), errors only:
its start-up chatter would repeat routetree's banner.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import signal
import sys
from typing import TYPE_CHECKING, NoReturn

from granian._granian import SocketHolder
from granian.constants import HTTPModes, Interfaces
from granian.errors import FatalError
from granian.server.embed import Server

from .._websocket_session import OPEN_SOCKETS
from ._health import DrainState
from ._limits import ServerLimits
from ._limits._granian import HYPER_MAX_HEADERS, GranianLimits, http1_settings
from ._serve import freeze_heap, server_app

if TYPE_CHECKING:
    import socket

    from .._config._health import HealthConfig
    from .._types import ASGIApp, Receive, Scope, Send
    from ._log_format import LogSettings

__all__ = ["STARTUP_FAILED", "InFlight", "exit_now", "serve_granian"]

# uvicorn's exit code for a failed lifespan start-up; the supervisor reads it.
STARTUP_FAILED = 3


class InFlight:
    """ASGI middleware that knows the tasks serving requests now, to cut them off.

    Args:
        app: The ASGI app to wrap.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.tasks: set[asyncio.Task[object]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request, noting its task while it runs."""
        task = asyncio.current_task()
        if scope["type"] == "lifespan" or task is None:
            await self.app(scope, receive, send)
            return
        self.tasks.add(task)
        try:
            await self.app(scope, receive, send)
        finally:
            self.tasks.discard(task)

    def cancel(self) -> None:
        """Cancel every request still being served."""
        if self.tasks:
            logging.getLogger("routetree").error(
                "Cancelled %s request(s) still running at the end of shutdown_timeout",
                len(self.tasks),
            )
        for task in self.tasks:
            task.cancel()


class _Granian(Server):
    """granian's embedded server, on a socket bound already."""

    def __init__(self, app: ASGIApp, sock: socket.socket, limits: ServerLimits):
        host, port = sock.getsockname()[:2]
        super().__init__(
            app,
            address=host,
            port=port,
            interface=Interfaces.ASGI,
            http=HTTPModes.http1,
            backlog=2048,
            http1_settings=http1_settings(limits),
        )
        self._fd = sock.fileno()

    def _init_shared_socket(self) -> None:
        self._ssp = None
        # Not in granian's stubs: a holder of a descriptor bound already (fd, uds,
        # backlog), as granian builds for its workers on Windows.
        self._shd = SocketHolder(self._fd, False, self.backlog)  # type: ignore[call-arg, assignment]


def serve_granian(
    app: ASGIApp,
    sock: socket.socket,
    *,
    limits: ServerLimits | None = None,
    logs: LogSettings | None = None,
    health: HealthConfig | None = None,
) -> NoReturn:
    """Serve ``app`` under granian on a bound socket until SIGINT or SIGTERM.

    Then drain as the module docstring says, and end the process: exit code 0, or
    `STARTUP_FAILED` when the lifespan start-up (``register()``) failed.
    """
    limits = limits or ServerLimits()
    drain = DrainState()
    served = server_app(app, limits, logs=logs, health=health, drain=drain)
    # Outside the health endpoints and the access log: these answers are the
    # server's, as uvicorn's protocol gives them before the app sees a request.
    in_flight = InFlight(GranianLimits(served, limits))
    server = _Granian(in_flight, sock, limits)
    _log_through_root()
    if limits.max_headers > HYPER_MAX_HEADERS:
        logging.getLogger("routetree").warning(
            "max_headers = %s: granian refuses a request with more than %s header "
            "lines itself (431, without routetree's JSON body)",
            limits.max_headers,
            HYPER_MAX_HEADERS,
        )
    freeze_heap()
    code = asyncio.run(_serve(server, in_flight, drain, limits))
    exit_now(code)


def exit_now(code: int) -> NoReturn:
    """End the process with ``code`` once the exit handlers ran, not finalizing it.

    granian's Rust threads outlive its server: an interpreter finalizing under them
    can abort with a Rust panic. granian's own worker processes end the same way
    (multiprocessing ends a child with ``os._exit``). The exit handlers (logging's
    flush, coverage's data file) still run.
    """
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


async def _serve(
    server: _Granian, in_flight: InFlight, drain: DrainState, limits: ServerLimits
) -> int:
    loop = asyncio.get_running_loop()
    stopped = False

    def stop() -> None:
        nonlocal stopped
        if not stopped:
            stopped = True
            server.stop()  # type: ignore[no-untyped-call]
            loop.call_later(limits.shutdown_timeout, in_flight.cancel)

    closing: set[asyncio.Task[None]] = set()

    async def close_sockets_then_stop() -> None:
        # granian drops its connections when told to stop: the close frames of
        # the open WebSockets (begun by drain.begin()) must be out first.
        await OPEN_SOCKETS.close_now(drain.socket_close_code)
        stop()

    def stop_later() -> None:
        task = loop.create_task(close_sockets_then_stop())
        closing.add(task)
        task.add_done_callback(closing.discard)

    def on_signal(signum: int) -> None:
        if not drain.draining:
            drain.begin()
            loop.call_later(limits.shutdown_delay, stop_later)
        elif signum == signal.SIGINT:
            if stopped:
                in_flight.cancel()
            stop()

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, on_signal, signum)
    try:
        await server.serve()
    except FatalError:  # the lifespan start-up failed; granian has logged it
        return STARTUP_FAILED
    return 0


def _log_through_root() -> None:
    # granian's constructor gave its loggers handlers of their own.
    for name in ("_granian", "granian.access"):
        granian_logger = logging.getLogger(name)
        granian_logger.handlers.clear()
        granian_logger.propagate = True
    logging.getLogger("_granian").setLevel(logging.ERROR)
