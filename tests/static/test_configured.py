"""Files of public/ through the configured stages: base_path, headers, CORS, middleware.

A copy of tests/apps/static with a ``routetree.toml`` and a ``middleware.py``, served
by ``routetree start``: a file goes through every stage a route does, and a header
that config or middleware adds replaces the file's own, as Next.js's file server
leaves a header alone when one is set already.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import httpx
import pytest

from routetree.testing import live_server
from tests.static.project import make_static_project

if TYPE_CHECKING:
    from collections.abc import Iterator

    from routetree.testing import LiveServer

CONFIG = """
base_path = "/v1"

[cors]
origins = ["https://app.example.com"]

[[headers]]
source = "/images/:path*"
headers = [{ key = "cache-control", value = "public, max-age=31536000, immutable" }]

[[headers]]
source = "/:path*"
headers = [{ key = "x-frame-options", value = "DENY" }]

[[headers]]
source = "/robots.txt"
headers = [{ key = "content-type", value = "text/x-robots" }]

[[redirects]]
source = "/old-robots.txt"
destination = "/robots.txt"
permanent = true

[[rewrites]]
source = "/pixel"
destination = "/images/nested/deep/pixel.png"
"""

MIDDLEWARE = """
from routetree import Request, Response

config = {"matcher": ["/docs/:path*", "/data.json"]}


async def middleware(request: Request) -> Response | None:
    if request.url.path == "/data.json":
        return Response.next(
            headers={"cache-control": "no-store", "content-length": "1"}
        )
    if request.headers.get("authorization") != "Bearer ok":
        return Response.json({"error": "unauthorized"}, status=401)
    return None
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``routetree start`` of the static project with config and middleware."""
    project = make_static_project(tmp_path_factory.mktemp("configured"))
    (project / "routetree.toml").write_text(textwrap.dedent(CONFIG))
    (project / "middleware.py").write_text(textwrap.dedent(MIDDLEWARE))
    with live_server(project) as url:
        yield url


def _get(server: LiveServer, path: str, **headers: str) -> httpx.Response:
    headers.setdefault("accept-encoding", "identity")
    return httpx.get(f"{server}{path}", headers=headers, timeout=30)


def test_files_are_served_below_base_path_only(server: LiveServer) -> None:
    assert _get(server, "/v1/robots.txt").status_code == 200
    assert _get(server, "/robots.txt").status_code == 404


def test_config_headers_are_added_to_files(server: LiveServer) -> None:
    response = _get(server, "/v1/styles/site.css")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "public, max-age=0"


def test_config_headers_replace_the_files_own(server: LiveServer) -> None:
    immutable = "public, max-age=31536000, immutable"
    response = _get(server, "/v1/images/nested/deep/pixel.png")
    assert response.status_code == 200
    assert response.headers.get_list("cache-control") == [immutable]
    revalidated = _get(
        server,
        "/v1/images/nested/deep/pixel.png",
        **{"if-none-match": response.headers["etag"]},
    )
    assert revalidated.status_code == 304
    assert revalidated.headers.get_list("cache-control") == [immutable]


def test_config_replaces_the_content_type(server: LiveServer) -> None:
    response = _get(server, "/v1/robots.txt")
    assert response.headers.get_list("content-type") == ["text/x-robots"]
    assert response.content == b"User-agent: *\nAllow: /\n"


def test_middleware_guards_files_under_its_matcher(server: LiveServer) -> None:
    refused = _get(server, "/v1/docs/guide.txt")
    assert refused.status_code == 401
    allowed = _get(server, "/v1/docs/guide.txt", authorization="Bearer ok")
    assert allowed.status_code == 200
    assert allowed.text == "the guide\n"


def test_middleware_headers_replace_the_files_own_but_not_its_length(
    server: LiveServer,
) -> None:
    response = _get(server, "/v1/data.json")
    assert response.status_code == 200
    assert response.headers.get_list("cache-control") == ["no-store"]
    assert response.headers.get_list("content-length") == ["19"]
    assert response.json() == {"name": "static"}


def test_cors_headers_are_added_to_files(server: LiveServer) -> None:
    response = _get(server, "/v1/robots.txt", origin="https://app.example.com")
    assert response.headers["access-control-allow-origin"] == "https://app.example.com"


def test_a_rewrite_may_name_a_file(server: LiveServer) -> None:
    response = _get(server, "/v1/pixel")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"


def test_a_redirect_to_a_file(server: LiveServer) -> None:
    response = _get(server, "/v1/old-robots.txt")
    assert response.status_code == 308
    assert response.headers["location"] == "/v1/robots.txt"
