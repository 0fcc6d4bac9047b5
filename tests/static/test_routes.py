"""Files beside routes: which answers a path, through a real server."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from tests.static.project import LINK_WARNING, SHADOWED_WARNING

if TYPE_CHECKING:
    from routetree.testing import LiveServer


def _get(server: LiveServer, path: str) -> httpx.Response:
    return httpx.get(f"{server}{path}", timeout=30)


def test_a_static_route_wins_over_a_file_of_the_same_path(
    static_server: LiveServer,
) -> None:
    response = _get(static_server, "/shadowed.txt")
    assert response.status_code == 200
    assert response.text == "from the route"


def test_start_up_warns_naming_the_route_and_the_file(
    static_server: LiveServer,
) -> None:
    _get(static_server, "/robots.txt")  # the log is complete once it answers
    assert SHADOWED_WARNING in static_server.output
    assert LINK_WARNING in static_server.output


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/docs/guide.txt", "the guide\n"),  # beside docs/[slug]
        ("/files/a/b.txt", "b from public\n"),  # below files/[...path]
        ("/opt/readme.txt", "readme from public\n"),  # below opt/[[...rest]]
    ],
)
def test_a_file_wins_over_dynamic_and_catch_all_routes(
    static_server: LiveServer, path: str, body: str
) -> None:
    response = _get(static_server, path)
    assert response.status_code == 200
    assert response.text == body
    assert response.headers["cache-control"] == "public, max-age=0"


@pytest.mark.parametrize(
    ("path", "answer"),
    [
        ("/docs/other.txt", {"route": "docs/[slug]", "params": {"slug": "other.txt"}}),
        (
            "/files/a/c.txt",
            {"route": "files/[...path]", "params": {"path": ["a", "c.txt"]}},
        ),
        ("/files/a", {"route": "files/[...path]", "params": {"path": ["a"]}}),
        ("/opt", {"route": "opt/[[...rest]]", "params": {}}),
    ],
)
def test_the_routes_still_answer_every_other_path(
    static_server: LiveServer, path: str, answer: dict[str, object]
) -> None:
    response = _get(static_server, path)
    assert response.status_code == 200
    assert response.json() == answer


def test_a_trailing_slash_redirects_to_the_file(static_server: LiveServer) -> None:
    response = _get(static_server, "/docs/guide.txt/")
    assert response.status_code == 308
    assert response.headers["location"] == "/docs/guide.txt"
