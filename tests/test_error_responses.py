"""The 500 a client sees: in dev mode what went wrong and where; otherwise nothing.

Against real servers of tests/apps/dev_errors: ``routetree dev`` (the details, pointing
at the project's code) and ``routetree start`` (the bare body).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from routetree.testing import LiveServer, live_server
from tests.conftest import APPS

if TYPE_CHECKING:
    from collections.abc import Iterator

PROJECT = APPS / "dev_errors"
INTERNAL_ERROR = b'{"error":"Internal Server Error"}'
FAILING = [
    "/api/none",
    "/api/decode",
    "/api/typed",
    "/api/chained",
    "/api/mw/raise",
    "/api/mw/wrong",
]


@pytest.fixture(scope="module")
def dev_server() -> Iterator[LiveServer]:
    """``routetree dev tests/apps/dev_errors``."""
    with live_server(PROJECT, command="dev") as server:
        yield server


@pytest.fixture(scope="module")
def start_server() -> Iterator[LiveServer]:
    """``routetree start tests/apps/dev_errors``."""
    with live_server(PROJECT) as server:
        yield server


def _details(server: LiveServer, path: str) -> dict[str, object]:
    response = httpx.get(f"{server}{path}", timeout=10)
    assert response.status_code == 500, response.text
    body = response.json()
    assert body["error"] == "Internal Server Error"
    details: dict[str, object] = body["exception"]
    assert "/routetree/_" not in str(details["traceback"])
    return details


def _line_of(relative: str, text: str) -> int:
    lines = (PROJECT / relative).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_a_non_response_says_so_in_dev(dev_server: LiveServer) -> None:
    details = _details(dev_server, "/api/none")
    assert details["type"] == "TypeError"
    assert details["message"] == (
        "No response is returned from route handler app/api/none/route.py (method: "
        "GET, url: /api/none). Expected a Response but received 'dict'. Return a "
        "Response in all branches of the handler."
    )
    assert details["file"] == str(PROJECT / "app/api/none/route.py")
    assert details["line"] == 1  # the handler's def


def test_an_error_in_a_library_points_at_the_line_calling_it(
    dev_server: LiveServer,
) -> None:
    details = _details(dev_server, "/api/decode")
    assert details["type"] == "JSONDecodeError"
    assert details["file"] == str(PROJECT / "app/api/decode/route.py")
    assert details["line"] == _line_of("app/api/decode/route.py", "json.loads")
    # The library's own frames stay in the traceback: they say how it failed.
    assert f"json{'/'}decoder.py" in str(details["traceback"])


def test_a_response_model_mismatch_points_at_the_handler(
    dev_server: LiveServer,
) -> None:
    details = _details(dev_server, "/api/typed")
    assert details["type"] == "ResponseValidationError"
    assert "GET in app/api/typed/route.py returned a value that does not fit" in str(
        details["message"]
    )
    assert details["file"] == str(PROJECT / "app/api/typed/route.py")
    assert details["line"] == _line_of("app/api/typed/route.py", "async def GET")


def test_a_chained_error_shows_both_without_routetree_frames(
    dev_server: LiveServer,
) -> None:
    details = _details(dev_server, "/api/chained")  # no routetree frame, cause too
    assert details["type"] == "LookupError"
    traceback = str(details["traceback"])
    assert traceback.index("TypeError") < traceback.index(
        "LookupError: cannot answer an object"
    )
    assert "The above exception was the direct cause" in traceback
    assert "Response.json(value)" in traceback
    assert details["line"] == _line_of("app/api/chained/route.py", "raise LookupError")


def test_a_middleware_that_raises_says_so_in_dev(dev_server: LiveServer) -> None:
    details = _details(dev_server, "/api/mw/raise")
    assert details["type"] == "PermissionError"
    assert details["message"] == "token store unreachable"
    assert details["file"] == str(PROJECT / "middleware.py")
    assert details["line"] == _line_of("middleware.py", "raise PermissionError")
    assert "Error in middleware.py" in dev_server.output


def test_a_middleware_returning_a_wrong_value_says_so_in_dev(
    dev_server: LiveServer,
) -> None:
    details = _details(dev_server, "/api/mw/wrong")
    assert details["type"] == "TypeError"
    assert details["message"] == (
        "middleware.py returned str: return None, a Response, Response.next() or "
        "Response.rewrite(url)."
    )
    assert details["file"] == str(PROJECT / "middleware.py")
    assert details["line"] == _line_of("middleware.py", "def middleware")


def test_dev_shows_the_details_only_to_a_local_client(dev_server: LiveServer) -> None:
    # A page of another site (DNS rebinding, CORS) never sees them.
    response = httpx.get(
        f"{dev_server}/api/none",
        headers={"origin": "https://evil.example"},
        timeout=10,
    )
    assert (response.status_code, response.content) == (500, INTERNAL_ERROR)


def test_the_html_page_names_the_file_and_line(dev_server: LiveServer) -> None:
    response = httpx.get(
        f"{dev_server}/api/mw/raise", headers={"accept": "text/html"}, timeout=10
    )
    assert response.status_code == 500
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    line = _line_of("middleware.py", "raise PermissionError")
    assert f"{PROJECT / 'middleware.py'}, line {line}" in response.text


@pytest.mark.parametrize("path", FAILING)
def test_production_500s_say_nothing(start_server: LiveServer, path: str) -> None:
    response = httpx.get(f"{start_server}{path}", timeout=10)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.content == INTERNAL_ERROR


def test_a_middleware_that_lets_the_request_through_still_works(
    dev_server: LiveServer, start_server: LiveServer
) -> None:
    for server in (dev_server, start_server):
        response = httpx.get(f"{server}/api/mw/ok", timeout=10)
        assert (response.status_code, response.text) == (
            200,
            "the middleware let it through",
        )
