"""routetree._server._access_log: one line per request in dev mode."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

import httpx
import pytest
from rich.console import Console

from routetree import create_app
from routetree._server._access_log import AccessLog, status_style

if TYPE_CHECKING:
    from routetree._types import ASGIApp, Receive, Scope, Send
    from tests.conftest import MakeProject


async def status_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer /status/<code> with that code; raise for /crash."""
    assert scope["type"] == "http"
    path: str = scope["path"]
    if path == "/crash":
        raise RuntimeError("crashed before answering")
    status = int(path.rsplit("/", 1)[-1]) if path.startswith("/status/") else 200
    await send({"type": "http.response.start", "status": status, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _logged(app: ASGIApp) -> tuple[AccessLog, io.StringIO]:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, width=200)
    return AccessLog(app, console), buffer


def _client(app: ASGIApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    )


def _line(method: str, path: str, status: str) -> re.Pattern[str]:
    return re.compile(rf" {re.escape(method)} {re.escape(path)} {status} in \d+ms")


@pytest.mark.anyio
async def test_one_line_per_request() -> None:
    app, buffer = _logged(status_app)

    async with _client(app) as client:
        first = await client.get("/api/x")
        second = await client.post("/api/y")

    assert (first.status_code, second.status_code) == (200, 200)
    lines = buffer.getvalue().splitlines()
    assert len(lines) == 2
    assert _line("GET", "/api/x", "200").fullmatch(lines[0])
    assert _line("POST", "/api/y", "200").fullmatch(lines[1])


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("path", "status"),
    [
        pytest.param("/status/201", "201", id="201"),
        pytest.param("/status/308", "308", id="308"),
        pytest.param("/status/404", "404", id="404"),
        pytest.param("/status/500", "500", id="500"),
    ],
)
async def test_line_shows_the_status_sent(path: str, status: str) -> None:
    app, buffer = _logged(status_app)

    async with _client(app) as client:
        response = await client.get(path)

    assert response.status_code == int(status)
    [line] = buffer.getvalue().splitlines()
    assert _line("GET", path, status).fullmatch(line)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("sent", "logged"),
    [
        pytest.param("/api/caf%C3%A9", "/api/caf%C3%A9", id="percent-escapes-kept"),
        pytest.param("/api/a%2Fb", "/api/a%2Fb", id="encoded-slash-kept"),
        pytest.param("/api/x?q=1&r=2", "/api/x", id="query-not-logged"),
        pytest.param("/api/[id]", "/api/[id]", id="brackets-not-markup"),
    ],
)
async def test_line_shows_the_raw_path_as_sent(sent: str, logged: str) -> None:
    app, buffer = _logged(status_app)

    async with _client(app) as client:
        await client.get(sent)

    [line] = buffer.getvalue().splitlines()
    assert _line("GET", logged, "200").fullmatch(line)


@pytest.mark.anyio
async def test_a_path_longer_than_the_console_is_still_one_line() -> None:
    buffer = io.StringIO()
    app = AccessLog(status_app, Console(file=buffer, force_terminal=False, width=40))
    path = "/api/" + "a" * 100 + "%0aGET%20/admin"

    async with _client(app) as client:
        await client.get(path)

    [line] = buffer.getvalue().splitlines()
    assert _line("GET", path, "200").fullmatch(line)


@pytest.mark.anyio
async def test_line_falls_back_to_the_path_without_raw_path() -> None:
    app, buffer = _logged(status_app)
    sent: list[object] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: object) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/api/plain", "headers": []}
    await app(scope, receive, send)

    [line] = buffer.getvalue().splitlines()
    assert _line("GET", "/api/plain", "200").fullmatch(line)


@pytest.mark.anyio
async def test_a_crash_before_any_response_is_logged_with_a_dash() -> None:
    app, buffer = _logged(status_app)

    async with _client(app) as client:
        with pytest.raises(RuntimeError, match="crashed before answering"):
            await client.get("/crash")

    [line] = buffer.getvalue().splitlines()
    assert _line("GET", "/crash", "-").fullmatch(line)


@pytest.mark.anyio
async def test_lifespan_passes_through_without_a_line() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])
        await send({"type": "lifespan.startup.complete"})

    logged, buffer = _logged(app)
    sent: list[object] = []

    async def receive() -> dict[str, object]:
        return {"type": "lifespan.startup"}

    async def send(message: object) -> None:
        sent.append(message)

    await logged({"type": "lifespan"}, receive, send)

    assert seen == ["lifespan"]
    assert sent == [{"type": "lifespan.startup.complete"}]
    assert buffer.getvalue() == ""


ROUTES = {
    "app/api/x/route.py": """
    from routetree import Response

    def GET() -> Response:
        return Response.json({"ok": True})

    def POST() -> Response:
        raise ValueError("boom")
    """,
}


@pytest.mark.anyio
async def test_wrapping_a_routetree_app(make_project: MakeProject) -> None:
    app, buffer = _logged(create_app(make_project(ROUTES)))

    async with _client(app) as client:
        ok = await client.get("/api/x")
        missing = await client.get("/api/missing")
        failed = await client.post("/api/x")
        not_allowed = await client.delete("/api/x")
        slash = await client.get("/api/x/")

    assert [r.status_code for r in (ok, missing, failed, not_allowed, slash)] == [
        200,
        404,
        500,
        405,
        308,
    ]
    lines = buffer.getvalue().splitlines()
    expected = [
        ("GET", "/api/x", "200"),
        ("GET", "/api/missing", "404"),
        ("POST", "/api/x", "500"),
        ("DELETE", "/api/x", "405"),
        ("GET", "/api/x/", "308"),
    ]
    assert len(lines) == len(expected)
    for line, (method, path, status) in zip(lines, expected, strict=True):
        assert _line(method, path, status).fullmatch(line), line


@pytest.mark.anyio
async def test_status_is_coloured_on_a_terminal() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard")
    app = AccessLog(status_app, console)

    async with _client(app) as client:
        await client.get("/status/404")
        await client.get("/status/500")

    yellow_404, bold_red_500 = buffer.getvalue().splitlines()
    assert "\x1b[33m404\x1b[0m" in yellow_404
    assert "\x1b[1;31m500\x1b[0m" in bold_red_500


@pytest.mark.parametrize(
    ("status", "style"),
    [
        pytest.param(200, "green", id="200"),
        pytest.param(204, "green", id="204"),
        pytest.param(301, "cyan", id="301"),
        pytest.param(308, "cyan", id="308"),
        pytest.param(399, "cyan", id="399"),
        pytest.param(400, "yellow", id="400"),
        pytest.param(404, "yellow", id="404"),
        pytest.param(499, "yellow", id="499"),
        pytest.param(500, "bold red", id="500"),
        pytest.param(504, "bold red", id="504"),
    ],
)
def test_status_style_follows_the_status_class(status: int, style: str) -> None:
    assert status_style(status) == style
