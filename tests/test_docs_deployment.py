"""docs/deployment.md, run as written: its asgi.py files, under uvicorn."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import httpx
import pytest

from routetree.testing import _serve_command
from tests.docs_blocks import DocsPage, serve, write_project

if TYPE_CHECKING:
    from pathlib import Path

PAGE = DocsPage("deployment.md")
HELLO = {
    "app/api/hello/route.py": """
        from routetree import Response


        async def GET() -> Response:
            return Response.json({"message": "Hello"})
    """
}


def uvicorn(*args: str, cwd: Path) -> httpx.Response:
    """GET /api/hello from ``uvicorn *args`` started in ``cwd``."""
    argv = [sys.executable, "-m", "uvicorn", *args, "--host", "127.0.0.1"]
    with _serve_command([*argv, "--port", "0"], env=os.environ, cwd=cwd) as url:
        return httpx.get(f"{url}/api/hello", timeout=10)


def test_the_page_names_its_files() -> None:
    assert PAGE.paths() == [
        "routetree.toml",
        "asgi.py",
        "asgi.py",
        "routetree.toml",
        "nginx.conf",
    ]


def test_the_health_config_serves_both_endpoints(tmp_path: Path) -> None:
    project = write_project(
        tmp_path, {"routetree.toml": PAGE.block("routetree.toml", 1).source}, HELLO
    )
    with serve(project) as (client, _):
        live, ready = client.get("/livez"), client.get("/readyz")
        hello = client.get("/api/hello")
    assert (live.status_code, ready.status_code, hello.status_code) == (200, 200, 200)


def test_create_app_dot_serves_from_the_project_folder(tmp_path: Path) -> None:
    asgi = {"asgi.py": PAGE.block("asgi.py", 1).source}
    project = write_project(tmp_path, asgi, HELLO)
    response = uvicorn("asgi:app", cwd=project)
    assert (response.status_code, response.json()) == (200, {"message": "Hello"})


@pytest.mark.parametrize("where", ["project", "elsewhere"])
def test_create_app_of_the_file_s_folder_serves_from_anywhere(
    tmp_path: Path, where: str
) -> None:
    asgi = {"asgi.py": PAGE.block("asgi.py", 2).source}
    project = write_project(tmp_path / "project", asgi, HELLO)
    cwd = project if where == "project" else tmp_path
    response = uvicorn("--app-dir", str(project), "asgi:app", cwd=cwd)
    assert (response.status_code, response.json()) == (200, {"message": "Hello"})
