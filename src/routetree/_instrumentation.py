"""``instrumentation.py``: a project's start-up and shutdown hooks, and error reporter.

::

    # instrumentation.py (next to app/)
    def register() -> None:  # or async def; runs once before serving
        init_tracing()

    async def on_request_error(error, request, context) -> None:
        await report(error, path=request["path"], route=context["route_path"])

    async def shutdown() -> None:  # or def; runs once when the server stops
        await pool.close()

``on_request_error`` is called for every handler failure that becomes a 5xx: an
exception, a return value that is not a Response, a ``max_duration`` timeout.
``request`` is ``{"path", "method", "headers"}`` and ``context`` is
``{"router_kind": "App Router", "route_path": "/api/users/[id]",
"route_type": "route"}``, as in Next.js (snake_case keys). It runs after the error
response is sent; its own errors are logged, never sent.

``shutdown`` (beyond Next.js) runs at the ASGI lifespan shutdown, after the server has
drained.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._errors import RouteImportError
from ._invoke import call_user_code
from ._routing._loader import import_project_file

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from ._request import Request

__all__ = ["INSTRUMENTATION_FILE", "Instrumentation", "load_instrumentation"]

INSTRUMENTATION_FILE = "instrumentation.py"
logger = logging.getLogger("routetree")


@dataclass(frozen=True, slots=True)
class Instrumentation:
    """The hooks an ``instrumentation.py`` exports (any may be missing)."""

    register: Callable[[], object] | None
    on_request_error: Callable[[BaseException, object, object], object] | None
    shutdown: Callable[[], object] | None = None

    async def run_register(self) -> None:
        """Call ``register()`` (sync or async).

        Its errors propagate and stop start-up.
        """
        if self.register is not None:
            # On the loop's thread (the main one under a server), not a worker: a
            # sync register() may install signal handlers, which only it can.
            await call_user_code(self.register, in_thread=False)

    async def run_shutdown(self) -> None:
        """Call ``shutdown()`` (sync or async); an error inside it is logged.

        A plain ``def`` runs on the event loop, as ``register()`` does: nothing else
        runs by then.
        """
        if self.shutdown is None:
            return
        try:
            await call_user_code(self.shutdown, in_thread=False)
        except Exception:
            logger.exception("Error in shutdown of %s", INSTRUMENTATION_FILE)

    async def report_error(
        self,
        error: BaseException,
        request: Request,
        route_path: str,
        route_type: str = "route",
    ) -> None:
        """Call ``on_request_error``; an error inside it is logged, never raised.

        ``route_type`` is ``"route"`` for a route handler and ``"proxy"`` for the
        middleware, as Next.js 16 names them.
        """
        if self.on_request_error is None:
            return
        request_info = {
            "path": request.url.path,
            "method": request.method,
            "headers": dict(request.headers),
        }
        context = {
            "router_kind": "App Router",
            "route_path": route_path,
            "route_type": route_type,
        }
        try:
            await call_user_code(self.on_request_error, (error, request_info, context))
        except Exception:
            logger.exception("Error in on_request_error of %s", INSTRUMENTATION_FILE)


def load_instrumentation(project_dir: Path) -> Instrumentation | None:
    """Import the project's ``instrumentation.py``, if it has one.

    Raises:
        RouteImportError: The file fails to import, or a hook is not callable.
    """
    if not (project_dir / INSTRUMENTATION_FILE).is_file():
        return None
    module = import_project_file(project_dir, INSTRUMENTATION_FILE, "instrumentation")
    hooks = {}
    for name in ("register", "on_request_error", "shutdown"):
        hook = getattr(module, name, None)
        if hook is not None and not callable(hook):
            raise RouteImportError(
                f"{name} in {INSTRUMENTATION_FILE} is a {type(hook).__name__}, not a "
                f"function. Define `def {name}(...)` or remove the name."
            )
        hooks[name] = hook
    return Instrumentation(**hooks)
