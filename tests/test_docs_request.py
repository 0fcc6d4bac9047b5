"""docs/request.md, run as written: its route files and middleware, served."""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

import pytest

from tests.docs_blocks import DocsPage, serve, write_project

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import httpx

PAGE = DocsPage("request.md")
# request.state's middleware runs for every path, so it gets a project of its own.
STATE = ("middleware.py", "app/api/me/route.py")
SESSIONS = """
from dataclasses import dataclass


@dataclass
class User:
    id: int
    name: str


async def find_user(session: str | None) -> User | None:
    return User(1, "Ada") if session == "s-1" else None
"""


def test_the_page_names_its_files() -> None:
    assert PAGE.paths() == [
        "app/api/search/route.py",
        "app/api/webhook/route.py",
        "app/api/echo/route.py",
        "app/api/avatar/route.py",
        "app/api/profile/route.py",
        "app/api/survey/route.py",
        *STATE,
    ]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    project = write_project(tmp_path_factory.mktemp("request"), PAGE.files(skip=STATE))
    with serve(project) as (http, _):
        yield http


def test_the_first_example_reads_json_query_cookies_and_headers(
    client: httpx.Client,
) -> None:
    response = client.post(
        "/api/search?page=2",
        json={"q": "lamp"},
        headers={"cookie": "session=abc", "user-agent": "docs/1.0"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "query": {"q": "lamp"},
        "page": "2",
        "signed_in": True,
        "agent": "docs/1.0",
        "ip": "127.0.0.1",
    }
    malformed = client.post("/api/search", content=b'{"q": "lamp",}')
    assert malformed.status_code == 400
    assert (
        "trailing comma is not allowed at line 1, column 13 (byte 12)"
        in malformed.json()["detail"]
    )


def test_the_webhook_checks_the_raw_bytes_then_parses_them(
    client: httpx.Client,
) -> None:
    body = b'{"event": "paid"}'
    signature = hmac.new(b"dev-secret", body, hashlib.sha256).hexdigest()
    signed = client.post(
        "/api/webhook", content=body, headers={"x-signature": signature}
    )
    assert (signed.status_code, signed.json()) == (200, {"received": {"event": "paid"}})
    forged = client.post("/api/webhook", content=body, headers={"x-signature": "0"})
    assert (forged.status_code, forged.json()) == (403, {"error": "Forbidden"})


def test_the_stream_pipes_the_upload_back(client: httpx.Client) -> None:
    chunks = [b"a" * 70_000, b"b" * 70_000]
    response = client.post("/api/echo", content=iter(chunks))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.content == b"".join(chunks)


def test_the_route_sets_its_own_body_size_limit(client: httpx.Client) -> None:
    fits = client.put("/api/avatar", content=b"x" * 2 * 1024 * 1024)
    assert (fits.status_code, fits.json()) == (200, {"bytes": 2 * 1024 * 1024})
    too_large = client.put("/api/avatar", content=b"x" * (2 * 1024 * 1024 + 1))
    assert too_large.status_code == 413
    assert too_large.json() == {
        "error": "Content Too Large",
        "detail": "Request body is larger than the limit of 2097152 bytes. Raise "
        "max_body_size in the route file (or in the project config) if larger bodies "
        "are expected.",
    }


def test_the_form_gives_fields_and_files(client: httpx.Client) -> None:
    response = client.post(
        "/api/profile",
        data={"name": "Ada", "tag": ["a", "b"]},
        files={"avatar": ("me.png", b"\x89PNG", "image/png")},
    )
    assert response.status_code == 200
    assert response.json() == {
        "name": "Ada",
        "tags": ["a", "b"],
        "file": "me.png",
        "type": "image/png",
        "size": 4,
        "read": 4,
    }
    no_file = client.post("/api/profile", data={"name": "Ada", "tag": "a"})
    assert no_file.json() == {"name": "Ada", "tags": ["a"]}
    not_a_form = client.post("/api/profile", json={"name": "Ada"})
    assert not_a_form.status_code == 415
    assert not_a_form.json() == {
        "error": "Unsupported Media Type",
        "detail": "Content-Type was 'application/json'; request.form() reads only "
        '"application/x-www-form-urlencoded" or "multipart/form-data" bodies.',
    }


def test_the_survey_sets_its_form_limits(client: httpx.Client) -> None:
    answers = {f"q{n}": "yes" for n in range(1500)}  # past the default 1000
    response = client.post("/api/survey", data=answers)
    assert (response.status_code, response.json()) == (200, {"answers": 1500})
    upload = client.post("/api/survey", files={"cv": ("cv.pdf", b"%PDF")})
    assert upload.status_code == 413
    assert upload.json()["detail"].startswith(
        "Too many files in the form: the limit is max_files = 0."
    )


def test_request_state_carries_the_user_from_the_middleware(
    tmp_path: Path,
) -> None:
    project = write_project(tmp_path, PAGE.files(*STATE), {"lib/sessions.py": SESSIONS})
    with serve(project) as (client, _):
        refused = client.get("/api/me")
        assert (refused.status_code, refused.json()) == (
            401,
            {"error": "sign in first"},
        )
        me = client.get("/api/me", headers={"cookie": "session=s-1"})
        assert (me.status_code, me.json()) == (200, {"id": 1, "name": "Ada"})
