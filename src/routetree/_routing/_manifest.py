"""``.routetree/manifest.json``: what ``routetree build`` found, for ``start``.

The manifest lists the route files (already validated) and a stamp of the tree: the
modification time of every routable folder under ``app/`` (adding, removing or renaming
anything in a folder changes it) and the time and size of every ``route.py``. ``start``
uses the manifest only when every stamp still matches and it was written by the same
routetree version; otherwise it discovers and validates the tree again, so a stale
manifest is never served.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import orjson

from .._errors import RouteTreeError
from .._version import __version__
from ._discovery import ROUTE_FILE, RouteDefinition, find_app_dir, walk_app
from ._segments import parse_segment

if TYPE_CHECKING:
    from pathlib import Path

    from ._project import Project

__all__ = ["MANIFEST_DIR", "manifest_path", "read_manifest", "write_manifest"]

MANIFEST_DIR = ".routetree"
_MANIFEST_FILE = "manifest.json"


def manifest_path(project_dir: Path) -> Path:
    """Return where the manifest of ``project_dir`` lives."""
    return project_dir / MANIFEST_DIR / _MANIFEST_FILE


def _stamp(project_dir: Path) -> dict[str, list[int]]:
    app_dir = find_app_dir(project_dir)
    stamp: dict[str, list[int]] = {}
    for folder, files in walk_app(app_dir):
        stamp[folder.relative_to(project_dir).as_posix()] = [folder.stat().st_mtime_ns]
        if ROUTE_FILE in files:
            info = (folder / ROUTE_FILE).stat()
            relative = (folder / ROUTE_FILE).relative_to(project_dir).as_posix()
            stamp[relative] = [info.st_mtime_ns, info.st_size]
    return stamp


def write_manifest(project: Project) -> Path:
    """Write the manifest of a loaded project; return its path."""
    path = manifest_path(project.directory)
    path.parent.mkdir(exist_ok=True)
    (path.parent / ".gitignore").write_text("*\n")
    data = {
        "version": __version__,
        "routes": [r.definition.relative_file for r in project.routes],
        "stamp": _stamp(project.directory),
    }
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    return path


def read_manifest(project_dir: Path) -> list[RouteDefinition] | None:
    """Return the manifest's route definitions if it is present and fresh, else None."""
    path = manifest_path(project_dir)
    # Anything unexpected in the file (hand-edited, truncated, another shape) only
    # means the manifest cannot be trusted: discover the tree instead.
    with contextlib.suppress(
        OSError,
        orjson.JSONDecodeError,
        RouteTreeError,
        AttributeError,
        KeyError,
        TypeError,
        ValueError,
    ):
        data = orjson.loads(path.read_bytes())
        if data.get("version") != __version__:
            return None
        recorded = data["stamp"]
        for relative, values in recorded.items():
            info = (project_dir / relative).stat()
            current = (
                [info.st_mtime_ns]
                if len(values) == 1
                else [
                    info.st_mtime_ns,
                    info.st_size,
                ]
            )
            if current != values:
                return None
        definitions = []
        for relative_file in data["routes"]:
            folders = relative_file.split("/")[1:-1]
            definitions.append(
                RouteDefinition(
                    project_dir / relative_file,
                    relative_file,
                    tuple(parse_segment(f, where=relative_file) for f in folders),
                )
            )
        return definitions
    return None
