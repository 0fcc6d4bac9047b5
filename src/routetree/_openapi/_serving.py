"""Serve the document, the docs page and its assets as routes of the app.

`openapi_routes` runs once, at start-up, when the app builds its route table: when
the ``[openapi]`` settings serve the document in this mode, it returns one static
route per URL (the document, the page, each asset), which the app puts in the trie
beside the project's routes. A request for another path never pays for them, and
they go through every stage a project route does (``base_path``, config
``headers``, CORS, middleware); HEAD and OPTIONS come with them.

A ``route.py`` of the project at one of these URLs wins: the generated route is
left out, with a warning at start-up naming the file and the setting that moves
it. Being static, the generated routes take precedence over a project's dynamic
routes that would match the same path, as any static route does.

The document is built on its first request, then kept: `build_openapi` imports
pydantic and reads every handler, which a server that never shows its docs
should not pay for at start-up.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from .._response import Response
from .._routing._discovery import RouteDefinition
from .._routing._loader import Handler, LoadedRoute
from .._routing._routetable import url_key
from .._routing._segment_config import SegmentConfig
from .._routing._segments import Segment, SegmentKind
from ._docs_page import ASSETS, CONTENT_SECURITY_POLICY, read_asset, render_docs_page
from ._settings import document_info, settings_of

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from .._routing._project import Project
    from ._settings import OpenAPISettings

__all__ = ["openapi_routes"]

logger = logging.getLogger("routetree")
_HERE = Path(__file__)


def openapi_routes(project: Project, *, dev: bool) -> list[LoadedRoute]:
    """The routes of the document, the docs page and its assets, if served.

    Args:
        project: The loaded project; its config's ``[openapi]`` says whether and
            where.
        dev: Whether the app runs in dev mode (the default of ``enabled``).
    """
    settings = settings_of(project)
    if not settings.is_served(dev=dev):
        return []
    taken = _project_urls(project)
    routes: list[LoadedRoute] = []

    def add(
        path: str, serve: Callable[[], Awaitable[Response]], what: str, setting: str
    ) -> bool:
        segments = tuple(
            Segment(SegmentKind.STATIC, part, part) for part in path[1:].split("/")
        )
        owner = taken.get(url_key(segments))
        if owner is not None:
            logger.warning(
                "%s answers %s, so routetree does not serve %s there. Set %s in "
                "[openapi] of routetree.toml to serve it at another path.",
                owner,
                path,
                what,
                setting,
            )
            return False
        definition = RouteDefinition(_HERE, f"routetree [openapi] {path}", segments)
        handler = Handler("GET", serve, 0, True, serve)
        routes.append(
            LoadedRoute(definition, __name__, {"GET": handler}, SegmentConfig())
        )
        return True

    document = _document(project, settings)
    add(settings.path, document.serve, "the OpenAPI document", "path")
    page = _page(project, settings)
    if add(settings.docs_path, page.serve, "the API docs page", "docs_path"):
        for name, content_type in ASSETS.items():
            add(
                f"{settings.docs_path}/assets/{name}",
                _asset(name, content_type).serve,
                f"the docs page's {name}",
                "docs_path",
            )
    return routes


def _project_urls(project: Project) -> dict[object, str]:
    """The URLs of the project's routes (an optional catch-all's empty one too)."""
    urls: dict[object, str] = {}
    for route in project.routes:
        segments = route.definition.segments
        urls[url_key(segments)] = route.definition.relative_file
        if segments and segments[-1].kind is SegmentKind.OPTIONAL_CATCH_ALL:
            urls[url_key(segments[:-1])] = route.definition.relative_file
    return urls


class _LazyAnswer:
    """A ``GET`` answer whose body is built on the first request, then kept."""

    def __init__(self, build: Callable[[], bytes], headers: dict[str, str]) -> None:
        self._build = build
        self._headers = headers  # copied by each Response
        self._body: bytes | None = None

    async def serve(self) -> Response:
        if self._body is None:
            self._body = self._build()
        return Response(self._body, headers=self._headers)


def _document(project: Project, settings: OpenAPISettings) -> _LazyAnswer:
    """``GET <path>``: the OpenAPI document as JSON."""

    def build() -> bytes:
        from ._document import build_openapi  # pydantic: only when asked for

        title, version = document_info(settings, project.directory)
        return orjson.dumps(build_openapi(project, title=title, version=version))

    return _LazyAnswer(build, {"content-type": "application/json"})


def _page(project: Project, settings: OpenAPISettings) -> _LazyAnswer:
    """``GET <docs_path>``: the docs page."""

    def build() -> bytes:
        config = project.config
        base_path = "" if config is None else config.base_path
        title, _ = document_info(settings, project.directory)
        return render_docs_page(
            title=title,
            document_url=base_path + settings.path,
            assets_url=f"{base_path}{settings.docs_path}/assets",
        ).encode()

    return _LazyAnswer(
        build,
        {
            "content-type": "text/html; charset=utf-8",
            "content-security-policy": CONTENT_SECURITY_POLICY,
        },
    )


def _asset(name: str, content_type: str) -> _LazyAnswer:
    """``GET <docs_path>/assets/<name>``: one file of ``static/``, read once."""
    return _LazyAnswer(
        lambda: read_asset(name),
        {"content-type": content_type, "x-content-type-options": "nosniff"},
    )
