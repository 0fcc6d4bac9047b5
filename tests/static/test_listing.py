"""The files of public/ in ``routetree routes`` and ``routetree build`` (subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

from tests.static.project import LINK_WARNING, SHADOWED_WARNING, make_static_project

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import MakeProject


def _routetree(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "routetree", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "300"},
    )


SERVED = [
    "/.well-known/security.txt",
    "/LICENSE",
    "/a[1].txt",
    "/big.bin",
    "/big.txt",
    "/café.txt",
    "/data.json",
    "/deleted.txt",
    "/docs/guide.txt",
    "/files/a/b.txt",
    "/images/nested/deep/pixel.png",
    "/inside-link.txt",
    "/mutable.txt",
    "/my file.txt",
    "/opt/readme.txt",
    "/robots.txt",
    "/styles/site.css",
    "/swapped.txt",
]


def test_routes_json_lists_the_files_served(tmp_path: Path) -> None:
    project = make_static_project(tmp_path)
    completed = _routetree("routes", str(project), "--json")
    assert completed.returncode == 0, completed.stderr
    rows = json.loads(completed.stdout)
    files = [row for row in rows if row["kind"] == "file"]
    assert [row["path"] for row in files] == SERVED
    assert files[SERVED.index("/images/nested/deep/pixel.png")] == {
        "path": "/images/nested/deep/pixel.png",
        "methods": ["GET"],
        "kind": "file",
        "file": "public/images/nested/deep/pixel.png",
    }
    routes = [row["path"] for row in rows if row["kind"] != "file"]
    assert "/shadowed.txt" in routes and "/docs/[slug]" in routes
    assert SHADOWED_WARNING in completed.stderr
    assert LINK_WARNING in completed.stderr


def test_build_lists_the_files_and_warns_about_shadowed_ones(tmp_path: Path) -> None:
    project = make_static_project(tmp_path)
    completed = _routetree("build", str(project))
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    [row] = [line for line in lines if " /robots.txt " in line]
    assert row.split() == ["□", "/robots.txt", "GET", "file", "public/robots.txt"]
    assert "□  (File)         a file of public/, served as it is" in lines
    warnings = " ".join(line.strip() for line in lines)
    assert f"⚠ {SHADOWED_WARNING}" in warnings
    assert (
        "public/passwd is a symbolic link to /etc/passwd, outside public/" in warnings
    )
    assert "public/linked-dir is a symbolic link to a folder" in warnings
    assert "public/dangling.txt cannot be read, so it is not served." in warnings
    assert ".env" not in completed.stdout  # dotfiles are skipped without a word


def test_a_project_without_public_lists_no_files(make_project: MakeProject) -> None:
    project = make_project(
        {
            "app/api/hello/route.py": """
            from routetree import Response

            async def GET():
                return Response("hi")
            """
        }
    )
    completed = _routetree("build", str(project))
    assert completed.returncode == 0, completed.stderr
    assert "(File)" not in completed.stdout
    rows = json.loads(_routetree("routes", str(project), "--json").stdout)
    assert [row["kind"] for row in rows] == ["dynamic"]
