"""``routetree dev``: serve a project and reload it on every change.

The supervisor binds the port once, then runs the project in a worker process (see
`routetree._server._worker`). watchfiles reports changes under the project folder;
after a change to a Python file, a ``.env*`` file, ``routetree.toml`` or
``pyproject.toml`` (a new or deleted ``route.py`` included), or a file added to or
removed from ``public/``, the worker is replaced. The listening socket stays open
throughout, so a client polling during a reload waits instead of failing.

A route file that fails to load (a syntax error, a failing import, a handler
routetree cannot call) breaks only its own route: requests to it answer 500 with the
error and its traceback, as JSON, or as an HTML page when the client accepts
``text/html``, until the next good save, and every other route answers as usual. A
project that fails to load as a whole (a conflicting tree, a broken config,
``middleware.py`` or ``instrumentation.py``) does not stop the server either: every
request answers that 500.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from watchfiles import Change, DefaultFilter, watch

from .._config._file import CONFIG_FILE_NAMES
from .._error_responses import internal_error_for
from .._headers import Headers
from .._static import PUBLIC_DIR
from .._websocket_session import upgrade_view
from ._console import stdout_console
from ._serve import spawn_worker, stop_worker

if TYPE_CHECKING:
    import socket

    from .._types import Receive, Scope, Send

__all__ = ["BrokenProjectApp", "ReloadFilter", "run_dev"]


class ReloadFilter(DefaultFilter):
    """Reload for Python files, ``.env*``, ``routetree.toml`` and ``pyproject.toml``.

    Everything else (a SQLite database the app writes, logs, editor files) is ignored,
    as are the folders watchfiles ignores by default (``.git``, ``__pycache__``,
    virtual environments...) and ``.routetree/``.

    A folder added under ``app/`` reloads too: a ``route.py`` written into it right
    away can land before the watcher watches the new folder, and then it has no event
    of its own (``mkdir -p app/api/x && cp route.py app/api/x/``).

    Anything added to or deleted from ``public/`` (a rename is both), and the folder
    itself, reloads: the app reads the list of files to serve at start-up. An edited
    file does not, since each request reads the file as it is then, and neither does a
    dotfile, which is never served (an editor's backup, ``.DS_Store``).

    Args:
        app_dir: The project's ``app/`` folder; None skips the added-folder rule.
        public_dir: The project's ``public/`` folder; None skips its rule.
    """

    ignore_dirs = (*DefaultFilter.ignore_dirs, ".routetree")

    def __init__(
        self, app_dir: Path | None = None, public_dir: Path | None = None
    ) -> None:
        super().__init__()
        self._app_prefix = (
            None if app_dir is None else os.path.realpath(app_dir) + os.sep
        )
        self._public = (
            None
            if public_dir is None
            else (os.path.abspath(public_dir), os.path.realpath(public_dir))
        )

    def __call__(self, change: Change, path: str) -> bool:
        """Whether a change of ``path`` should reload the app."""
        if not super().__call__(change, path):
            return False
        name = os.path.basename(path)
        if name.endswith(".py") or name.startswith(".env") or name in CONFIG_FILE_NAMES:
            return True
        if (
            change != Change.modified
            and (not name.startswith(".") or name == ".well-known")
            and self._is_public(path)
        ):
            return True
        return (
            change == Change.added
            and self._app_prefix is not None
            and os.path.realpath(path).startswith(self._app_prefix)
            and os.path.isdir(path)
        )

    def _is_public(self, path: str) -> bool:
        if self._public is None:
            return False
        # A deleted path cannot be resolved: compare it as given too.
        for candidate in (os.path.abspath(path), os.path.realpath(path)):
            for public in self._public:
                if candidate == public or candidate.startswith(public + os.sep):
                    return True
        return False


class BrokenProjectApp:
    """An ASGI app answering every request with the error that stopped the project."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 500 with the error (JSON, or HTML for a browser)."""
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        response = internal_error_for(self.error, Headers(scope["headers"]), dev=True)
        if scope["type"] == "websocket":  # the upgrade gets the 500 as HTTP too
            await receive()  # websocket.connect
            _, upgrade = upgrade_view(scope, receive, send)
            await response.send(upgrade.http_send)
            return
        if scope["type"] != "http":
            return
        await response.send(send, head_only=scope["method"] == "HEAD")


def run_dev(directory: Path, sock: socket.socket, *, http: str) -> None:
    """Serve ``directory`` on ``sock`` in dev mode, reloading on changes.

    ``http`` names the HTTP parser each worker uses.
    """
    stop = threading.Event()
    logging.getLogger("watchfiles").setLevel(logging.WARNING)

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # The environment before any .env file: each worker loads the files as they are now.
    env = dict(os.environ)
    console = stdout_console()
    worker = spawn_worker(directory, sock, dev=True, env=env, http=http)
    try:
        for changes in watch(
            directory,
            watch_filter=ReloadFilter(directory / "app", directory / PUBLIC_DIR),
            stop_event=stop,
            raise_interrupt=False,
            debounce=200,
        ):
            names = sorted({_relative(directory, path) for _, path in changes})
            shown = ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")
            console.print(Text(f"↻ Reloading: {shown}", style="cyan"))
            stop_worker(worker, timeout=5)
            worker = spawn_worker(directory, sock, dev=True, env=env, http=http)
    finally:
        stop_worker(worker, timeout=5)


def _relative(directory: Path, path: str) -> str:
    try:
        return Path(path).relative_to(directory).as_posix()
    except ValueError:
        return path
