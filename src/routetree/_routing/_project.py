"""Load a whole project.

Discover, validate and import every route, once, before serving. In dev mode
(``isolate_failures``) a route file that fails to load breaks only its own route;
anything else (the tree, the config, ``middleware.py``, ``instrumentation.py``) is
the whole project's failure, as in production.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .._config._file import find_config_file
from .._errors import RouteTreeError, locate
from .._instrumentation import (
    INSTRUMENTATION_FILE,
    Instrumentation,
    hook_name_warnings,
    load_instrumentation,
)
from .._middleware import Middleware, load_middleware
from ._discovery import discover_routes
from ._loader import LoadedRoute, failed_route, load_route
from ._manifest import read_manifest
from ._routetable import precedence_key, validate_route_tree

if TYPE_CHECKING:
    from .._config._project_config import ProjectConfig

__all__ = ["Project", "load_project"]


@dataclass(frozen=True, slots=True)
class Project:
    """A loaded project: its folder and its routes in precedence order."""

    directory: Path
    routes: list[LoadedRoute]
    instrumentation: Instrumentation | None = None
    # None when the project has no routetree.toml nor [tool.routetree]: validating
    # the config needs pydantic, which such a project never imports.
    config: ProjectConfig | None = None
    middleware: Middleware | None = None
    file_warnings: tuple[str, ...] = ()

    @property
    def warnings(self) -> list[str]:
        """Every lint warning: of the project's files, then of each route file.

        ``instrumentation.py`` defining a misspelled hook, a route file with a
        lowercase method name or no handler...
        """
        routes = [warning for route in self.routes for warning in route.warnings]
        return [*self.file_warnings, *routes]

    @property
    def failed_routes(self) -> list[LoadedRoute]:
        """The routes whose file failed to load (only in dev mode)."""
        return [route for route in self.routes if route.error is not None]


def load_project(
    project_dir: str | Path,
    *,
    use_manifest: bool = False,
    isolate_failures: bool = False,
) -> Project:
    """Discover, validate and import the routes of the project in ``project_dir``.

    The project folder is put on `sys.path` first, so route files import shared code
    absolutely (``from lib.db import db``).

    Args:
        project_dir: The folder that contains ``app/``.
        use_manifest: Take the route list from a fresh ``.routetree/`` manifest
            (written by ``routetree build``) instead of walking and validating the
            tree; a missing or stale manifest is ignored.
        isolate_failures: Keep a route whose file fails to load in the tree, with
            the error (`LoadedRoute.error`), instead of raising: ``routetree dev``
            serves the other routes.

    Raises:
        RouteTreeError: No ``app/`` folder, an invalid tree, a route that fails to
            import or an invalid segment config; the message names the files and
            the fix. The error points at the file at fault
            (`routetree._errors.user_location`).
    """
    directory = Path(project_dir).resolve()
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))
    ordered = read_manifest(directory) if use_manifest else None
    if ordered is None:
        definitions = discover_routes(directory)
        validate_route_tree(definitions)
        ordered = sorted(definitions, key=precedence_key)
    config = _load_config_if_any(directory)
    try:
        instrumentation = load_instrumentation(directory)
    except RouteTreeError as exc:
        locate(exc, directory / INSTRUMENTATION_FILE)
        raise
    middleware = load_middleware(directory)
    routes: list[LoadedRoute] = []
    for definition in ordered:
        try:
            routes.append(load_route(directory, definition))
        except RouteTreeError as exc:
            if not isolate_failures:
                raise
            routes.append(failed_route(directory, definition, exc))
    file_warnings = hook_name_warnings(directory) if instrumentation else []
    return Project(
        directory,
        routes,
        instrumentation,
        config,
        middleware,
        tuple(file_warnings),
    )


def _load_config_if_any(directory: Path) -> ProjectConfig | None:
    config_file = find_config_file(directory)
    if config_file is None:
        return None
    from .._config._loading import load_config  # imports pydantic: only when needed

    try:
        return load_config(directory)
    except RouteTreeError as exc:
        locate(exc, config_file)
        raise
