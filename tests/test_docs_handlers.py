"""docs/handlers.md, run as written: its route files and decorator, served."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.docs_blocks import DocsPage, serve, write_project

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

PAGE = DocsPage("handlers.md")
# What the page's examples import from the project's own modules.
LIB = {
    "lib/db.py": """
        USERS = {"42": {"id": "42", "name": "Ada"}}
        DELETED: list[str] = []


        async def find_user(user_id: str) -> dict[str, str] | None:
            return USERS.get(user_id)


        def delete_user(user_id: str) -> None:
            DELETED.append(user_id)
            USERS.pop(user_id, None)
    """,
    "lib/users.py": """
        from dataclasses import dataclass

        from routetree import Request


        @dataclass
        class User:
            name: str


        async def authenticate(request: Request) -> User | None:
            if request.headers.get("authorization") == "Bearer ok":
                return User("Ada")
            return None
    """,
}


def test_the_page_names_its_files() -> None:
    assert PAGE.paths() == [
        "app/api/users/[id]/route.py",
        "app/api/echo/route.py",
        "lib/auth.py",
        "app/api/me/route.py",
        "app/api/orders/route.py",
        "app/api/upload/route.py",
    ]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    project = write_project(tmp_path_factory.mktemp("handlers"), PAGE.files(), LIB)
    with serve(project) as (http, _):
        yield http


def test_get_404s_and_delete_runs_in_a_thread(client: httpx.Client) -> None:
    found = client.get("/api/users/42")
    assert (found.status_code, found.json()) == (200, {"id": "42", "name": "Ada"})
    missing = client.get("/api/users/7")
    assert (missing.status_code, missing.json()) == (404, {"error": "Not Found"})
    deleted = client.delete("/api/users/42")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert client.get("/api/users/42").status_code == 404


def test_one_function_serves_several_methods(client: httpx.Client) -> None:
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        response = client.request(method, "/api/echo")
        assert (response.status_code, response.text) == (200, method)
    head = client.head("/api/echo")
    assert (head.status_code, head.headers["content-length"]) == (200, "4")
    options = client.options("/api/echo")
    assert options.status_code == 204
    assert options.headers["allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"


def test_405_and_unknown_methods(client: httpx.Client) -> None:
    refused = client.put("/api/orders")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "OPTIONS, POST"
    assert refused.json() == {"error": "Method Not Allowed"}
    unknown = client.request("PROPFIND", "/api/nowhere")
    assert unknown.status_code == 400
    assert unknown.json() == {
        "error": "Bad Request",
        "detail": "Unsupported method 'PROPFIND': route handlers answer GET, HEAD, "
        "POST, PUT, PATCH, DELETE and OPTIONS.",
    }


def test_the_decorator_passes_a_third_argument(client: httpx.Client) -> None:
    refused = client.get("/api/me")
    assert (refused.status_code, refused.json()) == (401, {"error": "unauthorized"})
    me = client.get("/api/me", headers={"authorization": "Bearer ok"})
    assert (me.status_code, me.json()) == (200, {"name": "Ada"})


def test_http_error_answers_with_its_status_and_detail(client: httpx.Client) -> None:
    invalid = client.post("/api/orders", json={"quantity": 0})
    assert invalid.status_code == 422
    assert invalid.content == (
        b'{"error":"Unprocessable Content","detail":"quantity must be positive"}'
    )
    created = client.post("/api/orders", json={"quantity": 2})
    assert (created.status_code, created.json()) == (201, {"quantity": 2})


def test_the_segment_config_raises_the_body_limit(client: httpx.Client) -> None:
    eleven_mb = b"x" * 11 * 1024 * 1024  # past the 10 MB default
    response = client.post("/api/upload", content=eleven_mb)
    assert (response.status_code, response.json()) == (
        200,
        {"received": len(eleven_mb)},
    )
