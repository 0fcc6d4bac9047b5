"""A copy of tests/apps/static with the files git cannot hold, and what they contain.

`make_static_project` copies the committed tree (routes, and a ``public/`` with nested
folders, a file a static route shadows, files beside dynamic and catch-all routes)
into a temporary folder and adds what a checkout cannot carry or should not: a
1 MiB binary and a 190 KB text file (several chunks each), names with a space and
a non-ASCII letter, files the tests change, delete or replace while the server runs,
dotfiles, a secret file beside ``public/`` and symbolic links pointing out of it.
"""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

from tests.conftest import APPS

if TYPE_CHECKING:
    from pathlib import Path

STATIC_APP = APPS / "static"

# Beside public/, in the project folder: never served, whatever the path.
SECRET = "OUTSIDE-S3CRET"
# Bytes of the big binary file: deterministic, and different in every chunk.
# What start-up and routetree build say about the files they leave out.
SHADOWED_WARNING = (
    "public/shadowed.txt is not served: app/shadowed.txt/route.py answers "
    "/shadowed.txt, and a route wins over a file of public/ at the same path."
)
LINK_WARNING = "public/outside.txt is a symbolic link to"
BIG_SIZE = 1024 * 1024 + 12_345
BIG_TEXT_LINES = 6_000


def big_bytes() -> bytes:
    """The content of ``public/big.bin``."""
    return bytes((index * 7 + index // 251) % 256 for index in range(BIG_SIZE))


def big_text() -> str:
    """The content of ``public/big.txt``."""
    return "".join(
        f"line {index:05d} of the big text file\n" for index in range(BIG_TEXT_LINES)
    )


def make_static_project(destination: Path) -> Path:
    """Copy tests/apps/static to ``destination`` and add the generated files."""
    project = destination / "static"
    shutil.copytree(STATIC_APP, project, ignore=shutil.ignore_patterns("__pycache__"))
    public = project / "public"
    (public / "big.bin").write_bytes(big_bytes())
    (public / "big.txt").write_text(big_text())
    (public / "my file.txt").write_text("a space in the name\n")
    (public / "café.txt").write_text("non-ASCII name\n")
    (public / "a[1].txt").write_text("brackets in the name\n")
    (public / "mutable.txt").write_text("version 1\n")
    (public / "deleted.txt").write_text("deleted after start-up\n")
    (public / "swapped.txt").write_text("replaced by a link after start-up\n")
    (public / ".env").write_text(f"TOKEN={SECRET}\n")
    (public / ".hidden").mkdir()
    (public / ".hidden" / "note.txt").write_text(f"{SECRET}\n")
    (public / ".well-known" / ".hidden.txt").write_text(f"{SECRET}\n")
    (project / "secret.txt").write_text(f"{SECRET}\n")
    outside = destination / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"{SECRET}\n")
    os.symlink("../secret.txt", public / "outside.txt")
    os.symlink(outside / "secret.txt", public / "absolute.txt")
    os.symlink(outside, public / "linked-dir")
    os.symlink("/etc/passwd", public / "passwd")
    os.symlink("missing.txt", public / "dangling.txt")
    os.symlink("robots.txt", public / "inside-link.txt")
    return project
