"""The files of ``public/`` as static routes of the app, after the routes they yield to.

Each file becomes one route whose path is the file's, with a GET handler
(`routetree._static._sending.FileHandler`); HEAD and OPTIONS come with it as with any
route, and every other method is a 405. Being fully static, a file's route is found
by the matcher's dict of static paths, before any dynamic route is tried: a file wins
over ``[param]``, catch-all and optional catch-all routes, as Next.js serves the
filesystem before dynamic routes. A route of the project (or a generated one, such as
``/openapi.json``) at the same path wins over the file, which is left out with a
warning naming both.

A file's path is matched as a static folder's is (`routetree._routing._segments`):
the path as browsers send it, each name percent-encoded where RFC 3986 requires
(``/my%20file.pdf``, ``/caf%C3%A9.png``), hex digits in either case.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

from .._routing._discovery import RouteDefinition
from .._routing._loader import Handler, LoadedRoute
from .._routing._routetable import url_key
from .._routing._segment_config import SegmentConfig
from .._routing._segments import Segment, SegmentKind
from ._scan import scan_public
from ._sending import FileHandler

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["public_routes"]

_NO_SEGMENT_CONFIG: Final = SegmentConfig()


def public_routes(
    project_dir: Path, routes: Sequence[LoadedRoute]
) -> tuple[list[LoadedRoute], list[str]]:
    """The routes of the files of ``public/``, and the warnings of the scan.

    Args:
        project_dir: The project folder (its ``public/`` may be missing).
        routes: The routes already in the app; a fully static one at a file's path
            keeps that path, and the file gets a warning instead.

    Returns:
        One route per file served, in path order, and one warning per file left
        out that the user may expect to be served.
    """
    scan = scan_public(project_dir)
    if not scan.files:
        return [], scan.warnings
    taken = {
        url_key(route.definition.segments): route.definition
        for route in routes
        if not route.definition.is_dynamic
    }
    warnings = list(scan.warnings)
    served: list[LoadedRoute] = []
    for file in scan.files:
        segments = tuple(Segment(SegmentKind.STATIC, n, n) for n in file.names)
        owner = taken.get(url_key(segments))
        if owner is not None:
            warnings.append(
                f"{file.relative_file} is not served: {owner.relative_file} answers "
                f"{owner.path}, and a route wins over a file of public/ at the same "
                "path. Rename or remove one of them."
            )
            continue
        definition = RouteDefinition(Path(file.real_path), file.relative_file, segments)
        serve = FileHandler(file).serve
        handler = Handler("GET", serve, 1, True, serve)
        served.append(
            LoadedRoute(definition, __name__, {"GET": handler}, _NO_SEGMENT_CONFIG)
        )
    return served, warnings
