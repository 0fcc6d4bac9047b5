"""routetree._server._access_log: one line per request, in dev and in start."""

from __future__ import annotations

import concurrent.futures
import io
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import anyio
import httpx
import orjson
import pytest
from rich.console import Console

from routetree import create_app
from routetree._server._access_log import (
    AccessLog,
    ServerAccessLog,
    printable,
    status_style,
)
from routetree._server._request_id import CURRENT_REQUEST_ID
from routetree._server._serve import SERVERS
from tests.server.logged_server import logged_server

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


# routetree start --access-log: ServerAccessLog, one ASGI request at a time.

TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00"
HEX_ID = r"[0-9a-f]{32}"
ACCESS_FIELDS = [
    "time",
    "method",
    "path",
    "query",
    "status",
    "duration_ms",
    "request_id",
]


def _server_logged(
    app: ASGIApp, *, json: bool = True
) -> tuple[ServerAccessLog, io.StringIO]:
    buffer = io.StringIO()
    return ServerAccessLog(app, json=json, stream=buffer), buffer


def _records(buffer: io.StringIO) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in buffer.getvalue().splitlines()]


async def echo_id_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer with the request's x-request-id headers, and one of its own."""
    seen = [value for name, value in scope["headers"] if name == b"x-request-id"]
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"x-request-id", b"the-app-s-own"), (b"x-seen", b"1")],
        }
    )
    await send({"type": "http.response.body", "body": b",".join(seen)})


@pytest.mark.anyio
async def test_server_line_has_exactly_the_json_fields() -> None:
    app, buffer = _server_logged(status_app)
    before = datetime.now(UTC)

    async with _client(app) as client:
        response = await client.post("/status/201?b=2&a=%20x", content=b"{}")

    after = datetime.now(UTC)
    [record] = _records(buffer)
    assert list(record) == ACCESS_FIELDS
    assert record["method"] == "POST"
    assert record["path"] == "/status/201"
    assert record["query"] == "b=2&a=%20x"
    assert record["status"] == 201
    assert isinstance(record["duration_ms"], float)
    assert 0 <= record["duration_ms"] < 5000
    assert record["request_id"] == response.headers["x-request-id"]
    assert re.fullmatch(HEX_ID, response.headers["x-request-id"])
    assert isinstance(record["time"], str)
    assert re.fullmatch(TIME, record["time"])
    logged = datetime.fromisoformat(record["time"])
    assert before - timedelta(milliseconds=1) <= logged <= after


@pytest.mark.anyio
async def test_server_line_in_text() -> None:
    app, buffer = _server_logged(status_app, json=False)

    async with _client(app) as client:
        plain = await client.get("/status/404")
        queried = await client.get("/api/x?q=1", headers={"x-request-id": "abc-1"})

    lines = buffer.getvalue().splitlines()
    rid = plain.headers["x-request-id"]
    assert re.fullmatch(
        rf"{TIME} GET /status/404 404 \d+\.\dms request_id={rid}", lines[0]
    )
    assert re.fullmatch(
        rf"{TIME} GET /api/x\?q=1 200 \d+\.\dms request_id=abc-1", lines[1]
    )
    assert queried.headers["x-request-id"] == "abc-1"


@pytest.mark.anyio
async def test_the_app_sees_the_effective_id_and_the_client_gets_it() -> None:
    app, buffer = _server_logged(echo_id_app)

    async with _client(app) as client:
        kept = await client.get("/", headers={"x-request-id": "client.id_1"})
        replaced = await client.get("/", headers={"x-request-id": "not valid"})
        new = await client.get("/")

    for response in (kept, replaced, new):
        # The app's own x-request-id is replaced: the response says what the log says.
        assert response.headers.get_list("x-request-id") == [response.text]
        assert response.headers["x-seen"] == "1"
    assert kept.text == "client.id_1"
    assert re.fullmatch(HEX_ID, replaced.text)
    assert re.fullmatch(HEX_ID, new.text)
    assert replaced.text != new.text
    assert [r["request_id"] for r in _records(buffer)] == [
        "client.id_1",
        replaced.text,
        new.text,
    ]


@pytest.mark.anyio
async def test_a_crash_before_any_response_is_logged_as_500() -> None:
    app, buffer = _server_logged(status_app)

    async with _client(app) as client:
        with pytest.raises(RuntimeError, match="crashed before answering"):
            await client.get("/crash")

    [record] = _records(buffer)
    assert (record["path"], record["status"]) == ("/crash", 500)


@pytest.mark.anyio
async def test_no_response_at_all_is_logged_as_499() -> None:
    async def silent(scope: Scope, receive: Receive, send: Send) -> None:
        return  # what routetree does when the client left before the answer

    logged, buffer = _server_logged(silent)
    sent: list[object] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.disconnect"}

    async def send(message: object) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/gone", "headers": []}
    await logged(scope, receive, send)

    assert sent == []
    [record] = _records(buffer)
    assert (record["path"], record["query"], record["status"]) == ("/gone", "", 499)


@pytest.mark.anyio
async def test_duration_ends_with_the_last_byte_not_the_work_after_it() -> None:
    async def slow_after(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"a", "more_body": True})
        await anyio.sleep(0.2)
        await send({"type": "http.response.body", "body": b"b"})
        await anyio.sleep(0.5)  # after() work

    app, buffer = _server_logged(slow_after)

    async with _client(app) as client:
        assert (await client.get("/")).text == "ab"

    [record] = _records(buffer)
    assert isinstance(record["duration_ms"], float)
    assert 200 <= record["duration_ms"] < 700


@pytest.mark.anyio
async def test_unprintable_bytes_in_path_and_query_are_escaped() -> None:
    app, buffer = _server_logged(status_app, json=False)

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: object) -> None:
        pass

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/a\x85b",
        "raw_path": b"/a\x85b c\n",
        "query_string": b"q=\x1b[2J\xc3\xa9",
        "headers": [],
    }
    await app(scope, receive, send)

    [line] = buffer.getvalue().splitlines()
    assert " GET /a%85b%20c%0A?q=%1B[2J%C3%A9 200 " in line
    assert printable(b"/plain?x=1") == "/plain?x=1"


@pytest.mark.anyio
async def test_log_records_of_a_request_carry_its_id() -> None:
    seen: list[str | None] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(CURRENT_REQUEST_ID.get())
        await status_app(scope, receive, send)

    logged, _ = _server_logged(app)

    async with _client(logged) as client:
        response = await client.get("/", headers={"x-request-id": "r1"})

    assert seen == ["r1"] == [response.headers["x-request-id"]]
    assert CURRENT_REQUEST_ID.get() is None


@pytest.mark.anyio
async def test_server_log_passes_lifespan_through_without_a_line() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    logged, buffer = _server_logged(app)

    async def receive() -> dict[str, object]:
        return {"type": "lifespan.startup"}

    async def send(message: object) -> None:
        pass

    await logged({"type": "lifespan"}, receive, send)

    assert seen == ["lifespan"]
    assert buffer.getvalue() == ""


# routetree start --access-log through the real command.

PROJECT = {
    "app/api/items/route.py": """
    import logging
    import os

    from routetree import Request, Response

    log = logging.getLogger("items")

    def GET(request: Request) -> Response:
        log.info("listing items")
        return Response.json(
            {"id": request.headers.get("x-request-id"), "pid": os.getpid()}
        )

    async def POST(request: Request) -> Response:
        return Response.json(await request.json(), status=201)
    """,
    "app/api/crash/route.py": """
    def GET():
        raise ValueError("boom")
    """,
}


def _json_lines(lines: list[str]) -> list[dict[str, object]]:
    """Every line as a JSON object (fails on any line that is not one)."""
    parsed = []
    for line in lines:
        record = orjson.loads(line)
        assert isinstance(record, dict), line
        parsed.append(record)
    return parsed


def _assert_utc(value: object) -> None:
    assert isinstance(value, str)
    assert re.fullmatch(TIME, value), value
    assert datetime.fromisoformat(value).utcoffset() == timedelta(0)


@pytest.mark.parametrize("server_name", SERVERS)
def test_start_json_access_log(make_project: MakeProject, server_name: str) -> None:
    project = make_project(PROJECT)
    args = ("--access-log", "--log-format", "json", "--server", server_name)
    with logged_server(project, *args) as server:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            reused = client.get("/api/items", headers={"X-Request-Id": "trace-42.a_b"})
            replaced = client.get("/api/items", headers={"X-Request-Id": "bad id!"})
            missing = client.get("/api/missing")
            posted = client.post("/api/items?draft=1&tag=a%20b", json={"n": 1})
            crashed = client.get("/api/crash")
        responses = [reused, replaced, missing, posted, crashed]
        assert server.stop() == 0

    assert [r.status_code for r in responses] == [200, 200, 404, 201, 500]
    assert reused.headers["x-request-id"] == "trace-42.a_b"
    assert reused.json()["id"] == "trace-42.a_b"
    assert re.fullmatch(HEX_ID, replaced.headers["x-request-id"])
    assert replaced.json()["id"] == replaced.headers["x-request-id"]
    # stdout: the banner as a JSON object, then one object per request.
    banner, *access = _json_lines(server.stdout)
    assert list(banner) == ["time", "level", "logger", "message"]
    assert isinstance(banner["message"], str)
    assert banner["message"].startswith("routetree ")
    assert server.url in banner["message"]
    assert [list(record) for record in access] == [ACCESS_FIELDS] * 5
    assert [
        (r["method"], r["path"], r["query"], r["status"], r["request_id"])
        for r in access
    ] == [
        ("GET", "/api/items", "", 200, "trace-42.a_b"),
        ("GET", "/api/items", "", 200, replaced.headers["x-request-id"]),
        ("GET", "/api/missing", "", 404, missing.headers["x-request-id"]),
        (
            "POST",
            "/api/items",
            "draft=1&tag=a%20b",
            201,
            posted.headers["x-request-id"],
        ),
        ("GET", "/api/crash", "", 500, crashed.headers["x-request-id"]),
    ]
    for record in access:
        _assert_utc(record["time"])
        assert isinstance(record["duration_ms"], int | float)
        assert record["duration_ms"] >= 0
    # stderr: every log record, uvicorn's included, as a JSON object.
    records = _json_lines(server.stderr)
    for record in records:
        _assert_utc(record["time"])
        assert {"time", "level", "logger", "message"} <= set(record)
    messages = [(r["logger"], r["message"]) for r in records]
    if server_name == "uvicorn":  # granian logs errors only
        assert ("uvicorn.error", "Application startup complete.") in messages
    listed = [r for r in records if r["message"] == "listing items"]
    assert [r.get("request_id") for r in listed] == [
        "trace-42.a_b",
        replaced.headers["x-request-id"],
    ]
    [failure] = [r for r in records if r["level"] == "ERROR"]
    assert failure["request_id"] == crashed.headers["x-request-id"]
    assert isinstance(failure["exception"], str)
    assert failure["exception"].endswith("ValueError: boom")


@pytest.mark.parametrize("server_name", SERVERS)
def test_start_text_access_log(make_project: MakeProject, server_name: str) -> None:
    project = make_project(PROJECT)
    with logged_server(project, "--access-log", "--server", server_name) as server:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            ok = client.get("/api/items?page=2")
            missing = client.get("/api/missing", headers={"x-request-id": "my-id"})
        assert server.stop() == 0

    assert missing.headers["x-request-id"] == "my-id"
    assert server.stdout[0].startswith("▲ routetree ")
    access = [line for line in server.stdout if re.match(TIME, line)]
    ok_id = ok.headers["x-request-id"]
    assert len(access) == 2, server.stdout
    assert re.fullmatch(
        rf"{TIME} GET /api/items\?page=2 200 \d+\.\dms request_id={ok_id}", access[0]
    )
    assert re.fullmatch(
        rf"{TIME} GET /api/missing 404 \d+\.\dms request_id=my-id", access[1]
    )
    record = re.compile(rf"{TIME} (DEBUG|INFO|WARNING|ERROR) [\w.]+( \[[\w.-]+\])?: .*")
    assert server.stderr
    for line in server.stderr:
        assert record.fullmatch(line), line
    assert any(
        line.endswith(f" INFO items [{ok_id}]: listing items") for line in server.stderr
    )


def test_start_has_no_access_log_or_request_id_by_default(
    make_project: MakeProject,
) -> None:
    project = make_project(PROJECT)
    with logged_server(project) as server:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            response = client.get("/api/items", headers={"x-request-id": "abc"})
        server.stop()

    assert "x-request-id" not in response.headers
    assert response.json()["id"] == "abc"  # passed through untouched
    assert not [line for line in server.stdout if "/api/items" in line]
    assert any(
        re.fullmatch(rf"{TIME} INFO items: listing items", line)
        for line in server.stderr
    )


@pytest.mark.parametrize("server_name", SERVERS)
def test_start_workers_log_every_request_in_one_format(
    make_project: MakeProject, server_name: str
) -> None:
    project = make_project(PROJECT)
    args = ("--workers", "2", "--server", server_name, "--access-log")
    with logged_server(project, *args, "--log-format", "json") as server:
        served: dict[str, int] = {}  # request id -> worker pid
        deadline = time.monotonic() + 30
        while len(set(served.values())) < 2:
            assert time.monotonic() < deadline, served
            # A new connection each time, so that either worker may accept it.
            body = httpx.get(f"{server.url}/api/items", timeout=10).json()
            served[body["id"]] = body["pid"]
        assert server.stop() == 0

    banner, *rest = _json_lines(server.stdout)
    assert isinstance(banner["message"], str)
    assert "(production, 2 workers)" in banner["message"]
    ready = [r for r in rest if "method" not in r]
    assert [r["message"] for r in ready] == ["Ready: 2 routes"] * 2
    access = [r for r in rest if "method" in r]
    assert [list(r) for r in access] == [ACCESS_FIELDS] * len(served)
    assert {r["request_id"] for r in access} == set(served)
    records = _json_lines(server.stderr)
    started = {
        r["message"] for r in records if str(r["message"]).startswith("Started server")
    }
    if server_name == "uvicorn":  # granian logs errors only
        assert started == {
            f"Started server process [{pid}]" for pid in set(served.values())
        }


def test_start_refuses_an_unknown_log_format(make_project: MakeProject) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "routetree", "start", ".", "--log-format", "xml"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Invalid value for '--log-format': 'xml' is not one of 'text', 'json'." in (
        result.stderr
    )


@pytest.mark.parametrize("server_name", SERVERS)
def test_start_logs_the_503_of_limit_concurrency_with_its_id(
    make_project: MakeProject, server_name: str
) -> None:
    project = make_project(
        {
            "routetree.toml": "[server]\nlimit_concurrency = 1\n",
            "app/api/slow/route.py": """
            import asyncio

            from routetree import Response

            async def GET():
                await asyncio.sleep(1.5)
                return Response("done")
            """,
        }
    )
    args = ("--access-log", "--log-format", "json", "--server", server_name)
    with (
        logged_server(project, *args) as server,
        concurrent.futures.ThreadPoolExecutor(2) as pool,
    ):
        slow = pool.submit(httpx.get, f"{server.url}/api/slow", timeout=10)
        time.sleep(0.5)
        refused = httpx.get(f"{server.url}/api/slow", timeout=10)
        done = slow.result()
        server.stop()

    assert (done.status_code, refused.status_code) == (200, 503)
    access = _json_lines(server.stdout)[1:]
    assert sorted((r["status"], r["request_id"]) for r in access) == [
        (200, done.headers["x-request-id"]),
        (503, refused.headers["x-request-id"]),
    ]


@pytest.mark.anyio
async def test_a_log_that_cannot_be_written_does_not_fail_the_request() -> None:
    closed = io.StringIO()
    closed.close()
    app = ServerAccessLog(status_app, json=True, stream=closed)

    async with _client(app) as client:
        response = await client.get("/status/201")

    assert response.status_code == 201
    assert "x-request-id" in response.headers


# One line per WebSocket session.

SOCKETS = {
    "app/api/chat/route.py": """
    from routetree import WebSocket

    async def WEBSOCKET(socket: WebSocket) -> None:
        if socket.url.search_params.get("deny"):
            return None
        await socket.accept()
        async for message in socket:
            await socket.send_text(message)
    """,
}


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_start_access_log_has_one_line_per_websocket_session(
    make_project: MakeProject, log_format: str
) -> None:
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    project = make_project(SOCKETS)
    args = ("--access-log", "--log-format", log_format)
    with logged_server(project, *args) as server:
        base = server.url.replace("http://", "ws://")
        with connect(f"{base}/api/chat?room=1") as connection:
            connection.send("hi")
            assert connection.recv(timeout=5) == "hi"
            time.sleep(0.3)  # the session lasts at least this long
            assert connection.response is not None
            accepted_id = connection.response.headers["x-request-id"]
        with (
            pytest.raises(InvalidStatus) as refused,
            connect(f"{base}/api/chat?deny=1"),
        ):
            pass
        with pytest.raises(InvalidStatus), connect(f"{base}/api/none"):
            pass
        time.sleep(0.3)  # the line is written when the session's task ends
        assert server.stop() == 0

    assert refused.value.response.status_code == 403
    # uvicorn's own three lines per connection are left out: the access log has one.
    stderr = "\n".join(server.stderr)
    for chatter in ('"WebSocket /api/chat', "connection open", "connection closed"):
        assert chatter not in stderr
    assert "Application startup complete" in stderr  # other INFO records stay
    if log_format == "json":
        lines = _json_lines(server.stdout)[1:]
        assert [list(record) for record in lines] == [ACCESS_FIELDS] * 3
        assert [(r["method"], r["path"], r["query"], r["status"]) for r in lines] == [
            ("GET", "/api/chat", "room=1", 101),
            ("GET", "/api/chat", "deny=1", 403),
            ("GET", "/api/none", "", 404),
        ]
        assert lines[0]["request_id"] == accepted_id
        duration = lines[0]["duration_ms"]
        assert isinstance(duration, float) and duration >= 300
    else:
        text = [line for line in server.stdout if " GET /api/" in line]
        assert len(text) == 3, server.stdout
        assert " GET /api/chat?room=1 101 " in text[0]
        assert f"request_id={accepted_id}" in text[0]
        assert " GET /api/chat?deny=1 403 " in text[1]
        assert " GET /api/none 404 " in text[2]


@pytest.mark.anyio
async def test_dev_log_has_a_line_for_a_websocket_session() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": 1000})

    logged, buffer = _logged(app)

    async def receive() -> dict[str, object]:
        return {"type": "websocket.connect"}

    async def send(message: object) -> None:
        pass

    await logged({"type": "websocket", "path": "/ws", "headers": []}, receive, send)
    assert _line("GET", "/ws", "101").search(buffer.getvalue())
