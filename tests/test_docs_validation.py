"""docs/validation.md, run as written.

The page's ```python blocks that start with a ``# <file>`` comment are written to those
files of a project (tests/docs_blocks.py), and the project is served by ``routetree
start``; the tests send the requests the page shows and expect the answers it shows.
The 422 body is compared with the page's ```json block itself.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests.docs_blocks import DocsPage, serve, write_project

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

PAGE = DocsPage("validation.md")


def test_the_page_names_its_files() -> None:
    assert PAGE.paths() == [
        "app/api/products/route.py",
        "app/api/products/[id]/route.py",
        "app/api/me/route.py",
        "app/api/uploads/route.py",
    ]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    project = write_project(tmp_path_factory.mktemp("validation"), PAGE.files())
    with serve(project) as (http, _):
        yield http


def test_body_and_response_model(client: httpx.Client) -> None:
    listed = client.get("/api/products?tag=office")
    assert listed.status_code == 200
    assert (
        listed.content
        == b'[{"name":"Desk","price":180.0,"tags":["home","office"],"id":2}]'
    )
    created = client.post("/api/products", json={"name": "Chair", "price": 60})
    assert created.status_code == 201
    assert created.content == b'{"name":"Chair","price":60.0,"tags":[],"id":3}'


def test_query_lists_and_first_values(client: httpx.Client) -> None:
    both = client.get("/api/products?tag=home&tag=office")
    assert [product["id"] for product in both.json()] == [2]
    first = client.get("/api/products?limit=1&limit=50")
    assert first.status_code == 200
    assert [product["name"] for product in first.json()] == ["Lamp"]


def test_params(client: httpx.Client) -> None:
    found = client.get("/api/products/2")
    assert (found.status_code, found.content) == (200, b'{"id":2,"name":"Desk"}')
    invalid = client.get("/api/products/desk")
    assert invalid.status_code == 422
    [item] = invalid.json()["detail"]
    assert item["loc"] == ["path", "id"]
    assert item["msg"].startswith("Input should be a valid integer, ")
    missing = client.get("/api/products/9")
    assert (missing.status_code, missing.json()) == (404, {"error": "Not Found"})


def test_headers_and_cookies(client: httpx.Client) -> None:
    response = client.get(
        "/api/me",
        headers={"X-API-Key": "k1", "X-Trace-Id": "t-9", "Cookie": "theme=dark"},
    )
    assert response.status_code == 200
    assert response.content == b'{"key":"k1","trace":"t-9","theme":"dark"}'


def test_form_with_files(client: httpx.Client) -> None:
    response = client.post(
        "/api/uploads",
        data={"title": "Photos"},
        files=[("files", ("a.png", b"\x89PNG")), ("files", ("b.png", b"abc"))],
    )
    assert response.status_code == 201
    assert response.content == b'{"title":"Photos","sizes":{"a.png":4,"b.png":3}}'


def test_400_and_the_422_the_page_shows(client: httpx.Client) -> None:
    malformed = client.post(
        "/api/products",
        content=b'{"name": "Lamp",',
        headers={"content-type": "application/json"},
    )
    assert malformed.status_code == 400
    assert malformed.content == (
        b'{"error":"Bad Request","detail":"Malformed JSON in request body: unexpected '
        b'end of data at line 1, column 17 (byte 16)."}'
    )
    invalid = client.post("/api/products", json={"name": "", "price": -1})
    assert invalid.status_code == 422
    assert invalid.reason_phrase == "Unprocessable Content"
    [shown] = [block.text for block in PAGE.blocks if block.lang == "json"]
    assert invalid.json() == json.loads(shown)
