"""``python -m routetree._server._worker``: one server process on an inherited socket.

``routetree dev`` runs one worker and replaces it after every change;
``routetree start --workers N`` runs N. Each worker loads the project (and its ``.env``
files) itself, so a reloaded worker sees the files as they are now. In dev mode a
route file that fails to load breaks only its route, and a project that fails to load
does not stop the worker: it serves `BrokenProjectApp`, which shows the error on every
request until the next save. A production worker logs as ``start`` was told
(``--log-format``, ``--log-level``, ``--access-log``, `._log_format`), so N workers
write one log in one format.
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from .._app import create_app
from .._errors import RouteTreeError
from ._access_log import AccessLog
from ._console import configure_logging, print_error, stdout_console
from ._dev import BrokenProjectApp
from ._limits import HTTP_PARSERS, ServerLimits
from ._log_format import (
    LOG_FORMATS,
    LOG_LEVELS,
    LogSettings,
    announce,
    configure_server_logging,
    report_error,
)
from ._serve import SERVERS, project_health, project_limits, serve

if TYPE_CHECKING:
    from .._types import ASGIApp

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Load the project and serve it on the socket whose descriptor is ``--fd``."""
    parser = argparse.ArgumentParser(prog="python -m routetree._server._worker")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--dev", action="store_true")
    parser.add_argument("--http", choices=HTTP_PARSERS)
    parser.add_argument("--server", choices=SERVERS, default="uvicorn")
    parser.add_argument("--log-format", choices=LOG_FORMATS, default="text")
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="info")
    parser.add_argument("--access-log", action="store_true")
    parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    logs = LogSettings(args.log_format, args.log_level, args.access_log)
    if args.dev:
        configure_logging()
        # The request log and reload lines say it all; keep the server quiet.
        logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
    else:
        configure_server_logging(logs)
    sock = socket.socket(fileno=args.fd)
    app: ASGIApp
    limits = ServerLimits()  # a broken project's config may be what broke it
    health = None
    ws_max_size = None
    try:
        built = create_app(args.directory, dev=args.dev, use_manifest=not args.dev)
        limits = project_limits(built.project.config)
        health = project_health(built.project.config)
        ws_max_size = built.max_message_size
        routes = len(built.project.routes)
        noun = "route" if routes == 1 else "routes"
        failed = built.project.failed_routes
        broken = f" ({len(failed)} failed to load)" if failed else ""
        if logs.is_json:
            announce(f"Ready: {routes} {noun}{broken}")
        else:
            stdout_console().print(
                Text(f"✓ Ready: {routes} {noun}{broken}", style="green")
            )
        sys.stdout.flush()  # before the errors, which go to stderr
        for route in failed:
            print_error(str(route.error))
            stdout_console().print(
                Text(
                    f"  Requests to {route.definition.path} answer 500 with this "
                    "error until the next save."
                )
            )
        app = built
    except RouteTreeError as exc:
        if not args.dev:
            report_error(str(exc), logs)
            sys.exit(1)
        print_error(str(exc))
        stdout_console().print(
            Text("  Requests answer 500 with this error until the next save.")
        )
        app = BrokenProjectApp(exc)
    sys.stdout.flush()
    if args.dev:
        app = AccessLog(app)
    if args.server == "granian":
        from ._granian import serve_granian

        serve_granian(app, sock, limits=limits, logs=logs, health=health)
    # dev restarts the worker on every save: in-flight requests get 1 s, not the
    # production shutdown_timeout, and no shutdown_delay.
    serve(
        app,
        sock,
        http=args.http,
        limits=limits,
        shutdown_timeout=1 if args.dev else None,
        logs=None if args.dev else logs,
        health=health,
        ws_max_size=ws_max_size,
        # A reload is a restart: clients may reconnect to the new worker at once.
        socket_close_code=1012 if args.dev else 1001,
    )


if __name__ == "__main__":
    main()
