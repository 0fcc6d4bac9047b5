"""docs/routing.md, run as written: its route files, served."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.docs_blocks import DocsPage, serve, write_project

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

PAGE = DocsPage("routing.md")
# The shared code the imports example names.
SHARED = {
    "app/api/_lib/helpers.py": """
        def greeting(name: str) -> str:
            return f"Hello, {name}!"
    """,
    "lib/db.py": """
        def find_user(user_id: str) -> str:
            return {"42": "Ada"}.get(user_id, "stranger")
    """,
}


def test_the_page_names_its_files() -> None:
    assert PAGE.paths() == [
        "app/api/files/[...path]/route.py",
        "app/api/users/[id]/route.py",
    ]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    project = write_project(tmp_path_factory.mktemp("routing"), PAGE.files(), SHARED)
    with serve(project) as (http, _):
        yield http


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/files/a/b/c", {"path": ["a", "b", "c"]}),
        ("/api/files/a%2Fb/c", {"path": ["a/b", "c"]}),
        ("/api/files/caf%C3%A9", {"path": ["café"]}),
    ],
)
def test_a_catch_all_gets_its_segments_decoded_once(
    client: httpx.Client, path: str, params: dict[str, list[str]]
) -> None:
    response = client.get(path)
    assert (response.status_code, response.json()) == (200, params)


def test_a_catch_all_needs_a_segment(client: httpx.Client) -> None:
    response = client.get("/api/files")
    assert (response.status_code, response.json()) == (404, {"error": "Not Found"})


def test_routes_import_shared_code_absolutely(client: httpx.Client) -> None:
    response = client.get("/api/users/42")
    assert (response.status_code, response.json()) == (200, {"message": "Hello, Ada!"})


def test_a_trailing_slash_is_redirected(client: httpx.Client) -> None:
    response = client.get("/api/users/42/?x=1")
    assert response.status_code == 308
    assert response.headers["location"] == "/api/users/42?x=1"
    assert response.headers["refresh"] == "0;url=/api/users/42?x=1"
    assert response.text == "/api/users/42?x=1"
