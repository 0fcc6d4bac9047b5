"""docs/middleware.md, run as written: its middleware files, served."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.docs_blocks import DocsPage, serve, write_project

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import httpx

PAGE = DocsPage("middleware.md")
GUARDED = {
    "app/api/protected/data/route.py": """
        from routetree import Request, Response


        async def GET(request: Request) -> Response:
            return Response.json({"user": request.headers.get("x-user")})
    """
}
ACCOUNT = {
    "lib/sessions.py": """
        from dataclasses import dataclass


        @dataclass
        class User:
            name: str


        async def find_user(session: str | None) -> User | None:
            return User("Ada") if session == "s-1" else None
    """,
    "app/api/account/route.py": """
        from routetree import Request, Response


        async def GET(request: Request) -> Response:
            return Response.json({"name": request.state.user.name})
    """,
    "app/api/public/route.py": """
        from routetree import Request, Response


        async def GET(request: Request) -> Response:
            return Response.json({"user": getattr(request.state, "user", None)})
    """,
}


def test_the_page_names_its_files() -> None:
    assert PAGE.paths() == ["middleware.py", "middleware.py"]


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    project = write_project(
        tmp_path_factory.mktemp("middleware"),
        {"middleware.py": PAGE.block("middleware.py", 1).source},
        GUARDED,
    )
    with serve(project) as (http, _):
        yield http


def test_the_middleware_refuses_or_passes_headers_on(guarded: httpx.Client) -> None:
    refused = guarded.get("/api/protected/data")
    assert (refused.status_code, refused.json()) == (401, {"error": "unauthorized"})
    allowed = guarded.get("/api/protected/data", headers={"authorization": "Bearer ok"})
    assert (allowed.status_code, allowed.json()) == (200, {"user": "ada"})
    assert allowed.headers["x-mw"] == "1"


# "//api/protected/data" too, but httpx would read "api" as a host: the security
# suite sends it over a raw socket.
@pytest.mark.parametrize("path", ["/API/protected/data", "/api/%70rotected/data"])
def test_path_tricks_still_meet_the_middleware(
    guarded: httpx.Client, path: str
) -> None:
    response = guarded.get(path)
    assert (response.status_code, response.json()) == (401, {"error": "unauthorized"})


def test_request_state_reaches_the_handler(tmp_path: Path) -> None:
    project = write_project(
        tmp_path, {"middleware.py": PAGE.block("middleware.py", 2).source}, ACCOUNT
    )
    with serve(project) as (client, _):
        refused = client.get("/api/account")
        assert (refused.status_code, refused.json()) == (
            401,
            {"error": "sign in first"},
        )
        signed_in = client.get("/api/account", headers={"cookie": "session=s-1"})
        assert (signed_in.status_code, signed_in.json()) == (200, {"name": "Ada"})
        # Outside the matcher the middleware does not run, and sets nothing.
        outside = client.get("/api/public", headers={"cookie": "session=s-1"})
        assert (outside.status_code, outside.json()) == (200, {"user": None})
