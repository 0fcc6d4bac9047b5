"""Walk a project's ``app/`` folder into route definitions, without importing anything.

Only files named ``route.py`` are routes. Private folders (``_name``) and everything
below them are skipped; hidden folders and ``__pycache__`` too. The walk is sorted so
that the same tree always gives the same order, messages and manifest.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .._errors import InvalidSegmentError, RouteTreeError, locate
from ._segments import Segment, SegmentKind, is_private_folder, parse_segment

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "ROUTE_FILE",
    "RouteDefinition",
    "discover_routes",
    "find_app_dir",
    "walk_app",
]

ROUTE_FILE = "route.py"
_SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules"})


@dataclass(frozen=True, slots=True)
class RouteDefinition:
    """What one ``route.py`` declares by where it sits.

    Attributes:
        file: Absolute path of the ``route.py``.
        relative_file: The file relative to the project folder, with ``/`` separators,
            as shown in messages (``app/api/users/[id]/route.py``).
        folders: Every folder from ``app/`` down to the file, groups included.
    """

    file: Path
    relative_file: str
    folders: tuple[Segment, ...]

    @property
    def segments(self) -> tuple[Segment, ...]:
        """The URL segments: the folders without route groups."""
        return tuple(s for s in self.folders if s.kind is not SegmentKind.GROUP)

    @property
    def path(self) -> str:
        """The URL path in folder notation: ``/api/users/[id]``."""
        return "/" + "/".join(s.notation() for s in self.segments)

    @property
    def is_dynamic(self) -> bool:
        """Whether any URL segment binds a param."""
        return any(s.is_dynamic for s in self.segments)


def find_app_dir(project_dir: Path) -> Path:
    """Return the project's ``app/`` folder.

    Raises:
        RouteTreeError: There is no ``app/`` folder.
    """
    app_dir = project_dir / "app"
    if not app_dir.is_dir():
        raise RouteTreeError(
            f"No app/ folder in {project_dir}. routetree serves the route.py files "
            "under <project>/app/: create app/api/hello/route.py, or point "
            "routetree at the folder that contains app/."
        )
    return app_dir


def walk_app(app_dir: Path) -> Iterator[tuple[Path, list[str]]]:
    """Yield every routable folder under ``app_dir`` (sorted) with its file names.

    Private (``_x``), hidden (``.x``) and ``__pycache__`` folders are not entered.
    """
    for current, dirs, files in os.walk(app_dir):
        dirs[:] = sorted(
            d
            for d in dirs
            if not is_private_folder(d)
            and not d.startswith(".")
            and d not in _SKIPPED_FOLDERS
        )
        yield Path(current), files


def discover_routes(project_dir: Path) -> list[RouteDefinition]:
    """Find every ``route.py`` under ``project_dir/app`` in sorted order.

    Raises:
        RouteTreeError: There is no ``app/`` folder.
        InvalidSegmentError: A folder on the way to a route has a malformed name.
    """
    project_dir = project_dir.resolve()
    app_dir = find_app_dir(project_dir)
    found: list[RouteDefinition] = []
    for folder, files in walk_app(app_dir):
        if ROUTE_FILE not in files:
            continue
        relative_parts = folder.relative_to(app_dir).parts
        relative_file = "/".join(("app", *relative_parts, ROUTE_FILE))
        try:
            segments = tuple(
                parse_segment(part, where=relative_file) for part in relative_parts
            )
        except InvalidSegmentError as exc:
            locate(exc, folder / ROUTE_FILE)
            raise
        found.append(RouteDefinition(folder / ROUTE_FILE, relative_file, segments))
    found.sort(key=lambda d: d.relative_file)
    return found
