"""docs/functions.md, run as written: its route files, served."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from tests.conftest import wait_for_output
from tests.docs_blocks import DocsPage, serve, write_project

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

    from routetree.testing import LiveServer

PAGE = DocsPage("functions.md")
# What the login example imports from the project's own modules.
LIB = {
    "lib/users.py": """
        from dataclasses import dataclass


        @dataclass
        class User:
            id: int
            session_id: str


        async def check_password(email: str, password: str) -> User | None:
            if (email, password) == ("ada@example.com", "secret"):
                return User(1, "s-1")
            return None
    """,
    "lib/audit.py": """
        def record_login(user_id: int, agent: str | None) -> None:
            print("login", user_id, agent)
    """,
}


def test_the_page_names_its_files() -> None:
    assert PAGE.paths() == [
        "app/api/login/route.py",
        "app/api/save/route.py",
        "app/api/precedence/route.py",
        "app/api/audit/route.py",
        "app/api/profile/route.py",
    ]


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[httpx.Client, LiveServer]]:
    project = write_project(tmp_path_factory.mktemp("functions"), PAGE.files(), LIB)
    with serve(project, env={"PYTHONUNBUFFERED": "1"}) as client_and_server:
        yield client_and_server


def test_login_stops_early_sets_a_cookie_and_runs_after(
    served: tuple[httpx.Client, LiveServer],
) -> None:
    client, server = served
    wrong = client.post(
        "/api/login", json={"email": "ada@example.com", "password": "guess"}
    )
    assert (wrong.status_code, wrong.json()) == (401, {"error": "Unauthorized"})
    assert "set-cookie" not in wrong.headers
    right = client.post(
        "/api/login",
        json={"email": "ada@example.com", "password": "secret"},
        headers={"user-agent": "docs/1.0"},
    )
    assert (right.status_code, right.json()) == (200, {"id": 1})
    assert right.headers["set-cookie"] == "session=s-1; Path=/; HttpOnly; SameSite=lax"
    wait_for_output(server, "login 1 docs/1.0")


def test_a_cookie_set_before_a_redirect_is_sent_with_it(
    served: tuple[httpx.Client, LiveServer],
) -> None:
    response = served[0].get("/api/save")
    assert response.status_code == 307
    assert response.headers["location"] == "/api/items"
    assert response.headers["set-cookie"] == "flash=saved; Path=/"


def test_the_response_line_wins_and_comes_first(
    served: tuple[httpx.Client, LiveServer],
) -> None:
    response = served[0].get("/api/precedence")
    assert response.headers.get_list("set-cookie") == [
        "foo=from-response; Path=/",
        "bar=bar2; Path=/",
        "baz=baz2; Path=/",
    ]


def test_after_runs_once_the_response_is_sent(
    served: tuple[httpx.Client, LiveServer],
) -> None:
    client, server = served
    started = time.monotonic()
    response = client.get("/api/audit", headers={"user-agent": "docs/2.0"})
    assert (response.status_code, response.text) == (200, "scheduled")
    assert time.monotonic() - started < 1  # write_audit sleeps 1 s after it
    wait_for_output(server, "audit viewed docs/2.0")


def test_unauthorized_and_redirect_stop_the_handler(
    served: tuple[httpx.Client, LiveServer],
) -> None:
    client = served[0]
    signed_out = client.get("/api/profile")
    assert (signed_out.status_code, signed_out.json()) == (
        401,
        {"error": "Unauthorized"},
    )
    signed_in = {"cookie": "session=s-1"}
    moved = client.get("/api/profile?v=1", headers=signed_in)
    assert (moved.status_code, moved.headers["location"]) == (307, "/api/v2/profile")
    assert moved.content == b""
    ok = client.get("/api/profile", headers=signed_in)
    assert (ok.status_code, ok.json()) == (200, {"ok": True})
