"""Import one ``route.py`` and collect what it exports.

Each route file is imported under a unique module name derived from its path
(``_routetree_routes.<project>.api.users._5bid_5d.route``), so two ``route.py`` files
never share a module and ``[id]``-style folder names need not be identifiers. The module
is in `sys.modules` while it executes, so dataclasses and pydantic models defined in it
work. `import_project_file` imports the project's other files (``middleware.py``,
``instrumentation.py``) the same way.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from .._errors import (
    RouteImportError,
    RouteTreeError,
    code_location,
    locate,
    user_traceback,
)
from .._invoke import handler_arity, is_async_callable
from .._typed._signature import read_signature
from ._segment_config import SegmentConfig, read_segment_config

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from types import ModuleType

    from .._typed._signature import HandlerSignature
    from ._discovery import RouteDefinition

__all__ = [
    "HTTP_METHODS",
    "WEBSOCKET",
    "Handler",
    "LoadedRoute",
    "ProjectFileKind",
    "failed_route",
    "import_project_file",
    "is_defined_function",
    "load_route",
    "module_name_for",
]

logger = logging.getLogger("routetree")

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# The export answering WebSocket upgrades (spec §12): routed like a method, never in
# ``Allow``.
WEBSOCKET = "WEBSOCKET"
ProjectFileKind = Literal["routes", "middleware", "instrumentation"]
_UNCACHEABLE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# "_" is escaped too, so "rss.xml" (rss_2exml) and "rss_2exml" (rss_5f2exml) differ.
_NON_IDENTIFIER = re.compile(r"[^0-9A-Za-z]")


@dataclass(frozen=True, slots=True)
class Handler:
    """One exported method function of a route file.

    Attributes:
        method: The HTTP method it answers.
        func: The function as exported.
        arity: How many of ``(request, context)`` it takes: 0, 1 or 2.
        is_async: Whether it runs on the event loop (else in a worker thread).
        endpoint: The function the route file exports. ``func`` is the same
            function, or for a typed handler the wrapper that validates its input
            and serialises its answer.
        signature: A typed handler's inputs and response model, else None.
    """

    method: str
    func: Callable[..., object]
    arity: int
    is_async: bool
    endpoint: Callable[..., object] | None = None
    signature: HandlerSignature | None = None


@dataclass(frozen=True, slots=True)
class LoadedRoute:
    """A route file after import: its handlers, segment config and lint warnings.

    Attributes:
        error: Why the file failed to load, in dev mode only (`load_project` with
            ``isolate_failures``): the route then has no handlers, and answers every
            request with this error.
        websocket: The ``WEBSOCKET(socket, context)`` export, if any (not in
            ``handlers``, which are the HTTP methods).
    """

    definition: RouteDefinition
    module_name: str
    handlers: dict[str, Handler]
    config: SegmentConfig
    warnings: list[str] = field(default_factory=list)
    error: RouteTreeError | None = None
    websocket: Handler | None = None

    @property
    def exports(self) -> list[str]:
        """The exported method names, sorted, ``WEBSOCKET`` included (for listings)."""
        names = sorted(self.handlers)
        return [*names, WEBSOCKET] if self.websocket is not None else names

    @property
    def kind(self) -> str:
        """``"dynamic"``, ``"static"`` or ``"prerendered"``.

        The kind as ``next build`` classifies it. A GET is cached (static) only with
        ``dynamic = "force-static"`` or ``"error"``, a ``revalidate`` of False or above
        0, or ``generate_static_params`` (prerendered), and only when the file exports
        no POST, PUT, PATCH, DELETE or OPTIONS.
        """
        config = self.config
        if "GET" not in self.handlers or _UNCACHEABLE_METHODS & self.handlers.keys():
            return "dynamic"
        if config.generate_static_params is not None:
            return "prerendered"
        revalidate = config.revalidate
        if (
            config.dynamic in ("force-static", "error")
            or revalidate is False
            or (revalidate is not None and revalidate > 0)
        ):
            return "static"
        return "dynamic"


def module_name_for(
    project_dir: Path, relative_file: str, kind: ProjectFileKind = "routes"
) -> str:
    """Return the unique module name a project file is imported under.

    ``_routetree_<kind>_<hash of project_dir>``, then the file's path below its first
    part, each part escaped to an identifier: ``app/api/[id]/route.py`` (a route) is
    ``..._routes_<hash>.api._5bid_5d.route``, and ``middleware.py`` (the whole path is
    one part) is ``_routetree_middleware_<hash>``.
    """
    digest = hashlib.sha1(str(project_dir).encode(), usedforsecurity=False).hexdigest()[
        :10
    ]
    parts = relative_file.removesuffix(".py").split("/")[1:]
    escaped = [_NON_IDENTIFIER.sub(lambda m: f"_{ord(m.group()):x}", p) for p in parts]
    return ".".join([f"_routetree_{kind}_{digest}", *escaped])


def load_route(project_dir: Path, definition: RouteDefinition) -> LoadedRoute:
    """Import a route file and collect its handlers, segment config and warnings.

    Raises:
        RouteImportError: The file fails to import (its traceback is in the message), a
            handler takes parameters routetree cannot pass, or a typed handler's
            annotations cannot be honoured (see `read_signature`).
        ConfigError: A segment config constant has an invalid value.
    """
    where = definition.relative_file
    try:
        module = import_project_file(project_dir, where, file=definition.file)
        segment_names = [s.name for s in definition.segments if s.is_dynamic]
        handlers: dict[str, Handler] = {}
        for method in HTTP_METHODS:
            func = getattr(module, method, None)
            if func is None:
                continue
            if not callable(func):
                raise RouteImportError(
                    f"{method} in {where} is a {type(func).__name__}, not a function. "
                    f"Export `async def {method}(request, context)` or remove the "
                    "name."
                )
            handlers[method] = _handler(func, method, where, segment_names)
        websocket = _websocket_handler(module, where)
        config = read_segment_config(module, where)
    except RouteTreeError as exc:
        locate(exc, definition.file)
        raise
    return LoadedRoute(
        definition,
        module_name_for(project_dir, where),
        handlers,
        config,
        _lint(module, where),
        websocket=websocket,
    )


def _websocket_handler(module: ModuleType, where: str) -> Handler | None:
    """The ``WEBSOCKET`` export as a `Handler` (arity of ``(socket, context)``).

    Raises:
        RouteImportError: It is not an ``async def`` function.
    """
    func = getattr(module, WEBSOCKET, None)
    if func is None:
        return None
    if not callable(func) or not is_async_callable(func):
        what = "a sync function" if callable(func) else f"a {type(func).__name__}"
        error = RouteImportError(
            f"WEBSOCKET in {where} is {what}: export "
            "`async def WEBSOCKET(socket, context)`."
        )
        location = code_location(func) if callable(func) else None
        if location is not None:
            locate(error, *location)
        raise error
    try:
        arity = handler_arity(func, WEBSOCKET, where)
    except RouteTreeError as exc:
        location = code_location(func)
        if location is not None:
            locate(exc, *location)
        raise
    return Handler(WEBSOCKET, func, arity, True, func)


def failed_route(
    project_dir: Path, definition: RouteDefinition, error: RouteTreeError
) -> LoadedRoute:
    """The stand-in for a route whose file failed to load, in dev mode.

    It stays in the tree, so its URL answers the error (a 500), not a 404.
    """
    return LoadedRoute(
        definition,
        module_name_for(project_dir, definition.relative_file),
        {},
        SegmentConfig(),
        error=error,
    )


def _handler(
    func: Callable[..., object], method: str, where: str, segment_names: list[str]
) -> Handler:
    """The `Handler` of an exported function; a typed one runs in its wrapper."""
    is_async = is_async_callable(func)
    try:
        signature = read_signature(func, method, where, segment_names)
        if signature is None:
            arity = handler_arity(func, method, where)
            return Handler(method, func, arity, is_async, func)
    except RouteTreeError as exc:
        location = code_location(func)  # the handler's def, not the file's top
        if location is not None:
            locate(exc, *location)
        raise
    # Only typed handlers need the wrapper, and pydantic with it.
    from .._typed._handler import typed_handler

    wrapper = typed_handler(
        func, signature, is_async=is_async, method=method, where=where
    )
    return Handler(method, wrapper, 2, True, func, signature)


def import_project_file(
    project_dir: Path,
    relative_file: str,
    kind: ProjectFileKind = "routes",
    *,
    file: Path | None = None,
) -> ModuleType:
    """Import a project file under its unique name, `module_name_for`.

    Args:
        project_dir: The project folder.
        relative_file: The file, relative to ``project_dir`` with ``/`` separators;
            error messages name it.
        kind: What the file is, the start of the module name.
        file: The file's path, when known already; else ``project_dir / relative_file``.

    Raises:
        RouteImportError: The file fails to import; the message carries the traceback
            of the user's own frames only.
    """
    name = module_name_for(project_dir, relative_file, kind)
    path = project_dir / relative_file if file is None else file
    return _import_file(name, path, relative_file)


def _import_file(name: str, file: Path, where: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise RouteImportError(f"Cannot import {where}: Python has no loader for it.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as exc:
        sys.modules.pop(name, None)
        if not isinstance(exc, Exception):
            raise
        hint = ""
        if isinstance(exc, ImportError) and (
            "relative import" in str(exc) or name.partition(".")[0] in str(exc)
        ):
            hint = (
                "\nRoute files are loaded by path, not as a package: import absolutely "
                "from the project folder, e.g. `from app.api._lib.helpers import x` or "
                "`from lib.db import db`."
            )
        # The message keeps to the error itself; what that error was raised from, if
        # anything, is still in the logged traceback (it is chained to exc).
        trimmed = user_traceback(exc, chain=False).rstrip()
        raise RouteImportError(f"Failed to import {where}:\n{trimmed}{hint}") from exc
    return module


def _lint(module: ModuleType, where: str) -> list[str]:
    warnings: list[str] = []
    exports = (*HTTP_METHODS, WEBSOCKET)
    exported = any(callable(getattr(module, m, None)) for m in exports)
    for name, value in vars(module).items():
        method = name.upper()
        if method == name or method not in exports:
            continue
        if is_defined_function(value, module):
            kind = "lowercase" if name == name.lower() else "mixed-case"
            warnings.append(
                f"Detected {kind} method '{name}' in '{where}'. Export the "
                f"uppercase '{method}' method name to fix this error."
            )
    if not exported:
        warnings.append(
            f"No HTTP methods exported in '{where}'. Export a function named for each "
            "HTTP method it answers (GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS)."
        )
    for warning in warnings:
        logger.warning(warning)
    return warnings


def is_defined_function(value: object, module: ModuleType) -> bool:
    """Whether ``value`` is a function the project file ``module`` defines itself.

    A name-based lint warns only for these: an imported function (``from sqlalchemy
    import delete``) is meant, and so is a class (``class Post(BaseModel)``).
    """
    return (
        callable(value)
        and not isinstance(value, type)
        and getattr(value, "__module__", None) == module.__name__
    )
