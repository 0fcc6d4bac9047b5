"""docs/cookies.md, run as written: its route files, served."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.docs_blocks import DocsPage, serve, write_project

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

PAGE = DocsPage("cookies.md")
# The config header rule the merging example mentions.
CONFIG = {
    "routetree.toml": """
        [[headers]]
        source = "/api/merge"
        headers = [{ key = "set-cookie", value = "cfg=1; Path=/" }]
    """
}


def test_the_page_names_its_files() -> None:
    assert PAGE.paths() == ["app/api/visit/route.py", "app/api/merge/route.py"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    project = write_project(tmp_path_factory.mktemp("cookies"), PAGE.files(), CONFIG)
    with serve(project) as (http, _):
        yield http


def test_reads_a_cookie_sets_one_and_deletes_one(client: httpx.Client) -> None:
    response = client.get("/api/visit", headers={"cookie": "token=abc%20def"})
    assert (response.status_code, response.json()) == (200, {"logged_in": True})
    visited, flash = response.headers.get_list("set-cookie")
    assert re.fullmatch(
        r"visited=1; Path=/; Expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; "
        r"Max-Age=3600; HttpOnly; SameSite=lax",
        visited,
    )
    assert flash == "flash=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
    signed_out = client.get("/api/visit", headers={"cookie": "bad; other=1"})
    assert signed_out.json() == {"logged_in": False}


def test_cookies_from_config_response_and_store_merge_in_order(
    client: httpx.Client,
) -> None:
    response = client.get("/api/merge")
    [shown] = [b.text for b in PAGE.file_blocks if b.path == "app/api/merge/route.py"]
    expected = [
        line.removeprefix("# set-cookie: ")
        for line in shown.splitlines()
        if line.startswith("# set-cookie: ")
    ]
    assert response.headers.get_list("set-cookie") == expected
    assert len(expected) == 3
