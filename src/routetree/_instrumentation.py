"""``instrumentation.py``: a project's start-up hook and error reporter.

::

    # instrumentation.py (next to app/)
    def register() -> None:  # or async def; runs once before serving
        init_tracing()

    async def on_request_error(error, request, context) -> None:
        await report(error, path=request["path"], route=context["route_path"])

``on_request_error`` is called for every handler failure that becomes a 5xx: an
exception, a return value that is not a Response, a ``max_duration`` timeout.
``request`` is ``{"path", "method", "headers"}`` and ``context`` is
``{"router_kind": "App Router", "route_path": "/api/users/[id]",
"route_type": "route"}``, as in Next.js (snake_case keys). It runs after the error
response is sent; its own errors are logged, never sent.

A public function whose name is close to a hook's (``Register``, ``onRequestError``,
``on_request_errors``) is never called: `hook_name_warnings` says so.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._errors import RouteImportError
from ._invoke import call_user_code
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
    """The hooks an ``instrumentation.py`` exports (either may be missing)."""

    register: Callable[[], object] | None
    on_request_error: Callable[[BaseException, object, object], object] | None

    async def run_register(self) -> None:
        """Call ``register()`` (sync or async).

        Its errors propagate and stop start-up.
        """
        if self.register is not None:
            # On the loop's thread (the main one under a server), not a worker: a
            # sync register() may install signal handlers, which only it can.
            await call_user_code(self.register, in_thread=False)

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
    for name in ("register", "on_request_error"):
        hook = getattr(module, name, None)
        if hook is not None and not callable(hook):
            raise RouteImportError(
                f"{name} in {INSTRUMENTATION_FILE} is a {type(hook).__name__}, not a "
                f"function. Define `def {name}(...)` or remove the name."
            )
        hooks[name] = hook
    return Instrumentation(hooks["register"], hooks["on_request_error"])


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
