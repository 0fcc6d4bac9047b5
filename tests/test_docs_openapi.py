"""docs/openapi.md, run as written: its route files, and the document they give."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.docs_blocks import DocsPage, serve, write_project

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

PAGE = DocsPage("openapi.md")
CONFIG = {"routetree.toml": '[openapi]\nenabled = true\ntitle = "Users API"\n'}


def test_the_page_names_its_files() -> None:
    assert PAGE.paths() == ["app/api/users/[id]/route.py", "app/api/users/route.py"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    project = write_project(tmp_path_factory.mktemp("openapi"), PAGE.files(), CONFIG)
    with serve(project) as (http, _):
        yield http


@pytest.fixture(scope="module")
def document(client: httpx.Client) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    data: dict[str, Any] = response.json()
    return data


def test_operation_declares_what_the_tree_cannot(document: dict[str, Any]) -> None:
    delete = document["paths"]["/api/users/{id}"]["delete"]
    assert delete == {
        "tags": ["admin"],
        "summary": "Remove a user",
        "operationId": "remove_user",
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "responses": {
            "204": {"description": "No Content"},
            "404": {"description": "No such user"},
        },
        "deprecated": True,
    }


def test_typed_handlers_are_described_by_their_annotations(
    document: dict[str, Any],
) -> None:
    users = document["paths"]["/api/users"]
    get, post = users["get"], users["post"]
    assert (get["summary"], get["operationId"], get["tags"]) == (
        "List users, newest first.",
        "get_api_users",
        ["users"],
    )
    assert [(p["name"], p["in"], p["required"]) for p in get["parameters"]] == [
        ("limit", "query", False),
        ("offset", "query", False),
    ]
    assert get["responses"]["200"]["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/User"},
    }
    assert post["requestBody"] == {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/UserIn"}}
        },
    }
    assert sorted(post["responses"]) == ["201", "400", "422"]
    assert document["info"] == {"title": "Users API", "version": "0.1.0"}


def test_the_docs_page_is_served(client: httpx.Client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert client.get("/docs/assets/swagger-ui.css").headers["content-type"] == (
        "text/css; charset=utf-8"
    )
