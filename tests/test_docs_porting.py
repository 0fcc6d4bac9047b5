"""The Python side of docs/porting-from-nextjs.md, run as written.

The guide's ```python and ```toml blocks that start with a ``# <file>`` comment are
written to those files of a project (tests/docs_blocks.py), and the project is served:
the guide's code must work and do what the guide says, or this test fails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.docs_blocks import DocsPage, serve, write_project

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

PAGE = DocsPage("porting-from-nextjs.md")


def test_the_guide_names_its_files() -> None:
    assert PAGE.paths() == [
        "app/api/users/route.py",
        "app/api/users/[id]/route.py",
        "app/api/signup/route.py",
        "middleware.py",
        "routetree.toml",
    ]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    project = write_project(tmp_path_factory.mktemp("ported"), PAGE.files())
    with serve(project, base_path="/v1") as (http, _):
        yield http


def test_get_reads_query_headers_and_cookies(client: httpx.Client) -> None:
    response = client.get(
        "/api/users?limit=5",
        headers={"accept-language": "fr", "cookie": "theme=dark"},
    )
    assert response.status_code == 200
    assert response.json() == {"users": [], "limit": 5, "lang": "fr", "theme": "dark"}
    assert response.headers["x-frame-options"] == "DENY"  # the config's header rule


def test_post_sets_an_httponly_cookie(client: httpx.Client) -> None:
    response = client.post("/api/users", json={"name": "Ada"})
    assert response.status_code == 201
    assert response.json() == {"created": "Ada"}
    assert response.headers["set-cookie"] == "last-created=Ada; Path=/; HttpOnly"
    malformed = client.post("/api/users", content=b"{nope")
    assert malformed.status_code == 400  # "malformed JSON is a 400, not a 500"


def test_id_route_redirects_and_404s(client: httpx.Client) -> None:
    assert client.get("/api/users/42").json() == {"id": "42"}
    me = client.get("/api/users/me")
    # redirect() sends its URL as given (not under base_path), as in Next.js.
    assert (me.status_code, me.headers["location"]) == (307, "/api/users/42")
    missing = client.get("/api/users/7")
    assert (missing.status_code, missing.json()) == (404, {"error": "Not Found"})


def test_config_redirect_and_rewrite(client: httpx.Client) -> None:
    moved = client.get("/api/old/42")
    assert (moved.status_code, moved.headers["location"]) == (308, "/v1/api/users/42")
    assert client.get("/api/alias/42").json() == {"id": "42"}


def test_middleware_guards_admin_paths(client: httpx.Client) -> None:
    refused = client.get("/api/admin/stats")
    assert (refused.status_code, refused.json()) == (401, {"error": "unauthorized"})
    allowed = client.get("/api/admin/stats", headers={"authorization": "Bearer ok"})
    assert allowed.status_code == 404  # through the middleware; the guide has no route
    assert allowed.headers["x-mw"] == "1"


def test_a_zod_schema_becomes_a_typed_body(client: httpx.Client) -> None:
    created = client.post("/api/signup", json={"name": "Ada", "email": "ada@x.org"})
    assert created.status_code == 201
    assert created.json() == {"name": "Ada", "email": "ada@x.org", "id": 1}
    invalid = client.post("/api/signup", json={"name": "Ada", "email": "nope"})
    assert invalid.status_code == 422
    [item] = invalid.json()["detail"]
    assert (item["type"], item["loc"], item["input"]) == (
        "string_pattern_mismatch",
        ["body", "email"],
        "nope",
    )
    malformed = client.post("/api/signup", content=b"{nope")
    assert malformed.status_code == 400
