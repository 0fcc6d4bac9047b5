"""Walk ``public/`` once, at start-up, into the list of files to serve.

What is served, and what is left out (with a warning where the user may expect the
file to be served):

- every regular file below ``public/``, at its path: ``public/images/logo.png`` is
  ``/images/logo.png``;
- not a file or folder whose name starts with ``.`` (``.env``, ``.git/``,
  ``.DS_Store``), except the ``.well-known/`` folder at the top (RFC 8615), whose
  files are served; no warning;
- a symbolic link to a file inside ``public/`` is served, with the target's content;
  a link that leads outside ``public/``, or nowhere, is not (warning), and a link to
  a folder is never entered (warning);
- not a name that is not UTF-8 (it has no URL; warning), nor anything that is not a
  regular file (a socket, a FIFO).

Each file keeps the resolved path it is opened by; requests never build a path from
the URL.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from ._media_types import content_type_for

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["PUBLIC_DIR", "PublicFile", "PublicScan", "scan_public"]

PUBLIC_DIR: Final = "public"
_WELL_KNOWN: Final = ".well-known"


@dataclass(frozen=True, slots=True)
class PublicFile:
    """One file of ``public/`` to serve.

    Attributes:
        names: The URL segments, as named on disk: ``("images", "logo.png")``.
        relative_file: The file relative to the project, ``/``-separated, as shown
            in messages and tables: ``public/images/logo.png``.
        real_path: The resolved path the file is opened by.
        content_type: The ``Content-Type`` value (`content_type_for`).
    """

    names: tuple[str, ...]
    relative_file: str
    real_path: str
    content_type: str

    @property
    def path(self) -> str:
        """The URL path, not percent-encoded: ``/images/logo.png``."""
        return "/" + "/".join(self.names)


@dataclass(frozen=True, slots=True)
class PublicScan:
    """The files of ``public/`` in path order, and what was left out with a warning."""

    files: list[PublicFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def scan_public(project_dir: Path) -> PublicScan:
    """Find the files of ``project_dir/public`` to serve (none without the folder)."""
    root = project_dir / PUBLIC_DIR
    if not root.is_dir():
        return PublicScan()
    real_root = os.path.realpath(root)
    scan = PublicScan()
    for current, dirs, files in os.walk(real_root):
        relative = os.path.relpath(current, real_root)
        parts = () if relative == "." else tuple(relative.split(os.sep))
        kept = []
        for name in sorted(dirs):
            where = _relative_name(parts, name)
            if name.startswith(".") and not (not parts and name == _WELL_KNOWN):
                continue
            if not _is_utf8(name):
                scan.warnings.append(_not_utf8(where))
            elif os.path.islink(os.path.join(current, name)):
                scan.warnings.append(
                    f"{where} is a symbolic link to a folder, and routetree does not "
                    "follow links to folders in public/, so nothing below it is "
                    "served. Move or copy the folder into public/."
                )
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if name.startswith("."):
                continue
            found = _public_file(real_root, current, (*parts, name), scan.warnings)
            if found is not None:
                scan.files.append(found)
    scan.files.sort(key=lambda file: file.names)
    return scan


def _public_file(
    real_root: str, current: str, names: tuple[str, ...], warnings: list[str]
) -> PublicFile | None:
    where = _relative_name(names[:-1], names[-1])
    if not _is_utf8(names[-1]):
        warnings.append(_not_utf8(where))
        return None
    path = os.path.join(current, names[-1])
    real_path = path
    if os.path.islink(path):
        real_path = os.path.realpath(path)
        if not real_path.startswith(real_root + os.sep):
            warnings.append(
                f"{where} is a symbolic link to {_shown(real_path)}, outside "
                "public/, so it is not served: routetree serves only the files "
                "inside public/. Copy the file into public/ instead."
            )
            return None
    try:
        info = os.stat(real_path)
    except OSError:  # a dangling link, or the file went away during the walk
        warnings.append(f"{where} cannot be read, so it is not served.")
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return PublicFile(names, where, real_path, content_type_for(names[-1]))


def _relative_name(parts: tuple[str, ...], name: str) -> str:
    return "/".join((PUBLIC_DIR, *parts, name))


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept as lone surrogates
        return False
    return True


def _not_utf8(where: str) -> str:
    shown = where.encode("utf-8", "backslashreplace").decode("utf-8")
    return (
        f"{shown} has a name that is not UTF-8, so it has no URL and is not served. "
        "Rename it."
    )


def _shown(path: str) -> str:
    return path.encode("utf-8", "backslashreplace").decode("utf-8")
