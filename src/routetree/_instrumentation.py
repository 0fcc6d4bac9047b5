"""``instrumentation.py``: a project's start-up and shutdown hooks, and its error hooks.

::

    # instrumentation.py (next to app/)
    def register() -> None:  # or async def; runs once before serving
        init_tracing()

    async def on_request_error(error, request, context) -> None:
        await report(error, path=request["path"], route=context["route_path"])

    def handle_error(error, request) -> Response | None:  # or async def
        return Response.json({"errors": {"body": [str(error)]}}, status=...)

    async def shutdown() -> None:  # or def; runs once when the server stops
        await pool.close()

``on_request_error`` is called for every handler failure that becomes a 5xx: an
exception, a return value that is not a Response, a ``max_duration`` timeout.
``request`` is ``{"path", "method", "headers"}`` and ``context`` is
``{"router_kind": "App Router", "route_path": "/api/users/[id]",
"route_type": "route"}``, as in Next.js (snake_case keys). It runs after the error
response is sent; its own errors are logged, never sent.

``handle_error`` (beyond Next.js) is called, before anything is sent, for every error
answer routetree makes once it has a `Request` (`Instrumentation.answer_error`): the
`HTTPError` of a 4xx, the exception of a 500. A `Response` it returns is sent instead;
None, or an error inside it, keeps routetree's answer. ``shutdown`` (beyond Next.js
too) runs at the ASGI lifespan shutdown, after the server has drained.

A public function whose name is close to a hook's (``Register``, ``onRequestError``,
``on_request_errors``) is never called: `hook_name_warnings` says so.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._errors import ControlFlowSignal, HTTPError, RouteImportError
from ._invoke import call_user_code, is_handler_failure
from ._response import MiddlewareDirective, Response
from ._routing._loader import import_project_file, is_defined_function, module_name_for
from ._spelling import close_match

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from ._request import Request

__all__ = [
    "HOOK_NAMES",
    "INSTRUMENTATION_FILE",
    "Instrumentation",
    "hook_name_warnings",
    "load_instrumentation",
]

INSTRUMENTATION_FILE = "instrumentation.py"
logger = logging.getLogger("routetree")


@dataclass(frozen=True, slots=True)
class Instrumentation:
    """The hooks an ``instrumentation.py`` exports (any may be missing)."""

    register: Callable[[], object] | None
    on_request_error: Callable[[BaseException, object, object], object] | None
    shutdown: Callable[[], object] | None = None
    handle_error: Callable[[BaseException, Request], object] | None = None

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

    async def answer_error(
        self, error: BaseException, request: Request, response: Response
    ) -> Response:
        """Return what answers ``error``: ``handle_error``'s Response, or ``response``.

        ``response`` is routetree's own answer. It is kept when ``handle_error`` returns
        None, returns something that is not a `Response` (logged) or raises (logged,
        with the traceback). Headers of the error (a 405's ``Allow``, an
        `HTTPError`'s ``headers``) are added to a returned Response that does not set
        them itself.
        """
        if self.handle_error is None:
            return response
        try:
            answer = await call_user_code(self.handle_error, (error, request))
        except BaseException as exc:
            # not_found() in the hook, or sys.exit(), is the hook's failure too.
            if not (isinstance(exc, ControlFlowSignal) or is_handler_failure(exc)):
                raise
            logger.exception(
                "Error in handle_error of %s; answering %s %s with routetree's %s",
                INSTRUMENTATION_FILE,
                request.method,
                request.url.path,
                response.status,
            )
            return response
        if answer is None:
            return response
        if not isinstance(answer, Response) or isinstance(answer, MiddlewareDirective):
            logger.error(
                "handle_error of %s returned %s: return a Response, or None to keep "
                "routetree's answer (%s for %s %s).",
                INSTRUMENTATION_FILE,
                type(answer).__name__,
                response.status,
                request.method,
                request.url.path,
            )
            return response
        if isinstance(error, HTTPError):
            for name, value in error.headers.items():
                if name not in answer.headers:
                    answer.headers[name] = value
        return answer

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
    for name in ("register", "on_request_error", "shutdown", "handle_error"):
        hook = getattr(module, name, None)
        if hook is not None and not callable(hook):
            raise RouteImportError(
                f"{name} in {INSTRUMENTATION_FILE} is a {type(hook).__name__}, not a "
                f"function. Define `def {name}(...)` or remove the name."
            )
        hooks[name] = hook
    return Instrumentation(**hooks)


#: Every function of instrumentation.py that routetree calls.
HOOK_NAMES = frozenset({"register", "on_request_error", "shutdown", "handle_error"})


def hook_name_warnings(project_dir: Path) -> list[str]:
    """Warn of each public function of instrumentation.py named almost like a hook.

    Only functions the file defines count (an imported helper is not a hook), and
    only names close to a hook's (`routetree._spelling.close_match`). Each warning is
    logged and returned.
    """
    name = module_name_for(project_dir, INSTRUMENTATION_FILE, "instrumentation")
    module = sys.modules.get(name)
    if module is None:
        return []
    warnings: list[str] = []
    for attribute, value in vars(module).items():
        if attribute.startswith("_") or not is_defined_function(value, module):
            continue
        hook = None if attribute in HOOK_NAMES else close_match(attribute, HOOK_NAMES)
        if hook is not None:
            warnings.append(
                f"{INSTRUMENTATION_FILE} defines {attribute}(), which routetree never "
                f"calls. Rename it to {hook}() if it is meant as that hook."
            )
    for warning in warnings:
        logger.warning(warning)
    return warnings
