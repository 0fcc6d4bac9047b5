"""docs/response.md, run as written: its route files, served."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

import pytest

from tests.docs_blocks import DocsPage, serve, write_project

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

PAGE = DocsPage("response.md")


def test_the_page_names_its_files() -> None:
    assert PAGE.paths() == [
        "app/api/hello/route.py",
        "app/api/types/route.py",
        "app/api/export/route.py",
        "app/api/events/route.py",
    ]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    project = write_project(tmp_path_factory.mktemp("response"), PAGE.files())
    with serve(project) as (http, _):
        yield http


def test_the_first_example_sets_a_header_and_a_cookie(client: httpx.Client) -> None:
    response = client.get("/api/hello", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.json() == {"message": "Hello World"}
    assert response.headers["cache-control"] == "no-store"
    assert re.fullmatch(
        r"visited=1; Path=/; Expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; "
        r"Max-Age=3600",
        response.headers["set-cookie"],
    )
    # Under 500 bytes: sent as it is, and it does not vary.
    assert "content-encoding" not in response.headers
    assert "vary" not in response.headers


def test_json_encodes_the_types_as_the_page_shows(client: httpx.Client) -> None:
    [shown] = [block.text for block in PAGE.blocks if block.lang == "json"]
    response = client.get("/api/types")
    assert response.headers["content-type"] == "application/json"
    assert response.content == shown.strip().encode()


def test_the_csv_export_streams_and_is_gzipped(client: httpx.Client) -> None:
    response = client.get("/api/export", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv"
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert "content-length" not in response.headers  # streamed
    lines = response.text.splitlines()  # httpx decodes the gzip
    assert (len(lines), lines[0], lines[1], lines[-1]) == (
        100_001,
        "id,name",
        "1,user1",
        "100000,user100000",
    )


def test_events_arrive_one_by_one_and_are_never_gzipped(client: httpx.Client) -> None:
    arrivals: list[tuple[float, bytes]] = []
    with client.stream(
        "GET", "/api/events", headers={"accept-encoding": "gzip"}
    ) as response:
        assert response.headers["content-type"] == "text/event-stream"
        assert response.headers["cache-control"] == "no-cache"
        assert "content-encoding" not in response.headers
        for chunk in response.iter_raw():
            arrivals.append((time.monotonic(), chunk))
    body = b"".join(chunk for _, chunk in arrivals).decode()
    [curl] = [block.text for block in PAGE.blocks if block.text.startswith("$ curl")]
    assert body == curl.split("\n", 1)[1]
    assert len(arrivals) == 3
    assert arrivals[2][0] - arrivals[0][0] >= 1.5  # one a second
