"""The document and the docs page under the real servers, `dev` and `start`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest
from openapi_spec_validator import validate

from routetree.testing import LiveServer, live_server
from tests.conftest import APPS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import MakeProject

OPENAPI_APP = APPS / "openapi"
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "docs.js": "text/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
HELLO = "from routetree import Response\n\ndef GET():\n    return Response('hi')\n"


@pytest.fixture(scope="module")
def dev_server() -> Iterator[LiveServer]:
    """``routetree dev tests/apps/openapi``, for the whole module."""
    with live_server(OPENAPI_APP, command="dev") as server:
        yield server


def test_dev_serves_the_document_by_default(dev_server: LiveServer) -> None:
    response = httpx.get(f"{dev_server}/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    validate(document)
    assert list(document["paths"])[:3] == ["/", "/api/echo", "/api/files/{path}"]


def test_dev_serves_the_docs_page_by_default(dev_server: LiveServer) -> None:
    response = httpx.get(f"{dev_server}/docs")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert '<script src="/docs/assets/swagger-ui-bundle.js"></script>' in response.text


@pytest.mark.parametrize(("name", "content_type"), ASSETS.items())
def test_dev_serves_the_assets(
    dev_server: LiveServer, name: str, content_type: str
) -> None:
    response = httpx.get(f"{dev_server}/docs/assets/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type


def test_head_of_the_document_has_no_body(dev_server: LiveServer) -> None:
    response = httpx.head(f"{dev_server}/openapi.json")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-type"] == "application/json"


def test_the_bundle_is_gzipped_for_clients_that_accept_it(
    dev_server: LiveServer,
) -> None:
    response = httpx.get(
        f"{dev_server}/docs/assets/swagger-ui-bundle.js",
        headers={"accept-encoding": "gzip"},
    )
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.content) > 1_000_000  # httpx decoded it


def test_start_serves_nothing_by_default() -> None:
    with live_server(OPENAPI_APP) as server:
        for path in ("/openapi.json", "/docs", "/docs/assets/swagger-ui.css"):
            assert httpx.get(f"{server}{path}").status_code == 404
        assert httpx.get(f"{server}/api/users").status_code == 200


def test_start_serves_them_when_enabled_at_the_configured_paths(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "routetree.toml": """
                base_path = "/v1"

                [openapi]
                enabled = true
                path = "/spec.json"
                docs_path = "/reference"
            """,
            "app/api/hello/route.py": HELLO,
        }
    )
    with live_server(project) as server:
        document = httpx.get(f"{server}/v1/spec.json")
        page = httpx.get(f"{server}/v1/reference")
        css = httpx.get(f"{server}/v1/reference/assets/swagger-ui.css")
        default = httpx.get(f"{server}/v1/openapi.json")
    assert document.status_code == 200
    validate(document.json())
    assert document.json()["servers"] == [{"url": "/v1"}]
    assert page.status_code == 200
    assert '{"url": "/v1/spec.json"}' in page.text
    assert css.status_code == 200
    assert css.headers["content-type"] == "text/css; charset=utf-8"
    assert default.status_code == 404
