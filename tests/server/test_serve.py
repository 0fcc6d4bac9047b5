"""The whole stack through real HTTP: ``routetree start`` (uvicorn) on 127.0.0.1.

Requests that depend on the exact bytes of the path go through a raw socket, so no
client library normalises them first.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import orjson
import pytest

from routetree._server._serve import SERVERS
from routetree.testing import LiveServer, live_server
from tests.conftest import wait_for_output
from tests.raw_http import raw_request
from tests.routing_cases import CASES, MAIN_TREE, RoutingCase, tree_files, trees

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import MakeProject

BASIC = Path(__file__).parents[1] / "apps" / "basic"


@pytest.fixture(scope="module", params=SERVERS)
def server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    with live_server(BASIC, args=("--server", request.param)) as url:
        yield url


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=10) as http:
        yield http


@pytest.fixture(scope="module")
def tree_servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[tuple[str, ...], str]]:
    """One live server per routing tree of routing_cases.py."""
    with contextlib.ExitStack() as stack:
        urls: dict[tuple[str, ...], str] = {}
        for index, tree in enumerate(trees()):
            root = tmp_path_factory.mktemp(f"tree{index}")
            for relative, source in tree_files(tree).items():
                target = root / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(source)
            urls[tree] = stack.enter_context(live_server(root))
        yield urls


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_routing_table_over_real_http(
    tree_servers: dict[tuple[str, ...], str], case: RoutingCase
) -> None:
    response = raw_request(tree_servers[case.tree], "GET", case.path)
    if case.route is None:
        assert response.status == 404
        assert orjson.loads(response.body) == {"error": "Not Found"}
    else:
        assert response.status == 200
        assert orjson.loads(response.body) == {
            "route": case.route,
            "params": case.params,
        }


def test_main_tree_has_every_feature() -> None:
    assert any("[[..." in folder for folder in MAIN_TREE)


def test_json_response(client: httpx.Client) -> None:
    response = client.get("/api/hello")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == b'{"message":"Hello World"}'


def test_text_response_from_sync_handler(client: httpx.Client) -> None:
    response = client.get("/api/text")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == "hello, world"


def test_unicode_json_is_compact_utf8(client: httpx.Client) -> None:
    response = client.get("/api/unicode")
    assert (
        response.content
        == '{"msg":"café ☕","n":1.0,"f":1.5,"nested":{"list":[1,"two",null]}}'.encode()
    )


def test_root_route(client: httpx.Client) -> None:
    assert client.get("/").text == "root"


def test_head_runs_get_without_body(server: LiveServer) -> None:
    response = raw_request(server, "HEAD", "/api/get-only")
    assert response.status == 200
    assert response.header("x-method") == "HEAD"
    assert response.header("content-type") == "text/plain; charset=utf-8"
    assert response.body == b""


def test_explicit_head_wins(client: httpx.Client) -> None:
    assert client.head("/api/head-explicit").headers["x-from"] == "HEAD"


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/api/get-only", "GET, HEAD, OPTIONS"),
        ("/api/post-only", "OPTIONS, POST"),
        ("/api/all", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"),
        ("/api/users/5", "DELETE, GET, HEAD, OPTIONS"),
    ],
)
def test_automatic_options(client: httpx.Client, path: str, allow: str) -> None:
    response = client.options(path)
    assert response.status_code == 204
    assert response.headers["allow"] == allow
    assert response.content == b""


def test_explicit_options_wins(client: httpx.Client) -> None:
    response = client.options("/api/explicit-options")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.text == "custom options"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_method_not_exported_is_405_with_allow(
    client: httpx.Client, method: str
) -> None:
    response = client.request(method, "/api/get-only")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"
    assert response.json() == {"error": "Method Not Allowed"}


def test_head_without_get_is_405(server: LiveServer) -> None:
    response = raw_request(server, "HEAD", "/api/post-only")
    assert response.status == 405
    assert response.header("allow") == "OPTIONS, POST"
    assert response.body == b""


@pytest.mark.parametrize("method", ["PROPFIND", "QUERY"])
def test_unknown_method_is_400(server: LiveServer, method: str) -> None:
    response = raw_request(server, method, "/api/get-only")
    assert response.status == 400
    assert orjson.loads(response.body)["error"] == "Bad Request"


def test_method_the_http_parser_rejects_is_400(server: LiveServer) -> None:
    # As with Node under Next.js, the HTTP parser answers methods it cannot parse.
    assert raw_request(server, "FOO", "/api/get-only").status == 400


def test_bodies_readable_on_delete(client: httpx.Client) -> None:
    response = client.request("DELETE", "/api/echo-json", json={"name": "foo"})
    assert response.status_code == 200
    assert response.text == "delete foo"


@pytest.mark.parametrize(
    "target", ["/api/users/%E0%A4%A", "/api/users/%ZZ", "/api/users/%C3%28"]
)
def test_malformed_percent_escape_is_400(server: LiveServer, target: str) -> None:
    response = raw_request(server, "GET", target)
    assert response.status == 400
    body = orjson.loads(response.body)
    assert body["error"] == "Bad Request"
    assert "percent" in body["detail"]


def test_trailing_slash_redirects_keeping_query(server: LiveServer) -> None:
    response = raw_request(server, "GET", "/api/users/123/?x=1")
    assert response.status == 308
    assert response.header("location") == "/api/users/123?x=1"


def test_trailing_slash_never_redirects_off_site(server: LiveServer) -> None:
    response = raw_request(server, "GET", "//evil.example/")
    assert response.status == 308
    assert response.header("location") == "/evil.example"


def test_private_folder_is_not_routed(client: httpx.Client) -> None:
    assert client.get("/api/_private").status_code == 404


def test_project_folder_is_importable(client: httpx.Client) -> None:
    assert client.get("/api/imports").text == "Hello, import"


def test_handler_exception_is_500_without_leak(
    server: LiveServer, client: httpx.Client
) -> None:
    response = client.get("/api/throws")
    assert response.status_code == 500
    assert response.content == b'{"error":"Internal Server Error"}'
    wait_for_output(server, "boom from handler")
    assert "ValueError" in server.output


def test_non_response_is_500_and_logged(
    server: LiveServer, client: httpx.Client
) -> None:
    response = client.post("/api/no-return")
    assert response.status_code == 500
    assert response.json() == {"error": "Internal Server Error"}
    wait_for_output(
        server,
        "No response is returned from route handler app/api/no-return/route.py "
        "(method: POST, url: /api/no-return)",
    )


def test_not_found_signal_escapes_except_exception(client: httpx.Client) -> None:
    response = client.get("/api/not-found")
    assert response.status_code == 404
    assert response.json() == {"error": "Not Found"}


@pytest.mark.parametrize(("query", "status"), [("", 307), ("?permanent=1", 308)])
def test_redirect_functions(client: httpx.Client, query: str, status: int) -> None:
    response = client.get(f"/api/redirect{query}")
    assert response.status_code == status
    assert response.headers["location"] == "/api/hello"
    assert response.content == b""


def test_custom_status_and_headers(server: LiveServer) -> None:
    response = raw_request(server, "GET", "/api/status")
    assert response.status == 418
    assert response.header("x-custom") == "1"
    assert orjson.loads(response.body) == {"error": "teapot"}


def test_json_body_round_trip(client: httpx.Client) -> None:
    response = client.post("/api/echo-json", json={"ping": "pong", "n": 1})
    assert response.json() == {"body": {"ping": "pong", "n": 1}}


@pytest.mark.parametrize(
    ("body", "where"),
    [(b"{bad json", "line 1, column 2"), (b"", "empty"), (b"[" * 5000, "depth")],
)
def test_malformed_json_is_400_located(
    client: httpx.Client, body: bytes, where: str
) -> None:
    response = client.post("/api/echo-json", content=body)
    assert response.status_code == 400
    payload = response.json()
    assert payload["error"] == "Bad Request"
    assert where in payload["detail"]


def test_body_read_twice(client: httpx.Client) -> None:
    response = client.post("/api/echo", content=b"hello, world")
    assert response.json() == {"length": 12, "text": "hello, world"}


def test_urlencoded_form(client: httpx.Client) -> None:
    response = client.post(
        "/api/form", data={"name": "Ada", "email": "ada@example.com"}
    )
    assert response.json() == {"name": "Ada", "email": "ada@example.com"}


def test_multipart_form_with_file(client: httpx.Client) -> None:
    payload = b'{"name": "probe"}' * 9
    response = client.post(
        "/api/form",
        data={"name": "Ada"},
        files={"file": ("package.json", payload, "application/json")},
    )
    assert response.json() == {
        "name": "Ada",
        "file": {
            "name": "package.json",
            "size": len(payload),
            "type": "application/json",
            "read": len(payload),
        },
    }


def test_form_on_json_body_is_415(client: httpx.Client) -> None:
    response = client.post("/api/form", json={"a": 1})
    assert response.status_code == 415
    assert response.json()["error"] == "Unsupported Media Type"


def test_body_over_limit_is_413_by_content_length(client: httpx.Client) -> None:
    response = client.post("/api/small-body", content=b"x" * 2000)
    assert response.status_code == 413
    assert response.json()["error"] == "Content Too Large"


def test_streamed_body_over_limit_is_413(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"x" * 500

    response = client.post("/api/small-body", content=chunks())
    assert response.status_code == 413


def test_body_under_limit_is_read(client: httpx.Client) -> None:
    response = client.post("/api/small-body", content=b"x" * 1000)
    assert response.json() == {"length": 1000}


def test_request_body_streams_back(client: httpx.Client) -> None:
    lines = [b'{"ping":"pong"}\n'] * 10
    response = client.post("/api/pipe", content=iter(lines))
    assert response.status_code == 200
    assert response.content == b"".join(lines)


def test_server_sent_events_arrive_as_produced(client: httpx.Client) -> None:
    arrivals: list[tuple[float, bytes]] = []
    with client.stream("GET", "/api/sse") as response:
        assert response.headers["content-type"] == "text/event-stream"
        for chunk in response.iter_raw():
            arrivals.append((time.monotonic(), chunk))
    assert b"".join(c for _, c in arrivals) == b"data: 0\n\ndata: 1\n\ndata: 2\n\n"
    # The handler sleeps 0.3 s between events: buffered, they would all arrive at once.
    assert arrivals[0][1] == b"data: 0\n\n"
    assert arrivals[-1][0] - arrivals[0][0] >= 0.5


def test_sync_generator_streams(client: httpx.Client) -> None:
    assert client.get("/api/sync-stream").text == "chunk 0\nchunk 1\nchunk 2\n"


def test_sync_handlers_run_in_a_thread_async_on_the_loop(client: httpx.Client) -> None:
    assert client.get("/api/thread").json() == {"thread": True}
    assert client.post("/api/thread").json() == {"thread": False}


def test_max_duration_is_504(client: httpx.Client) -> None:
    response = client.get("/api/slow")
    assert response.status_code == 504
    assert response.json()["error"] == "Gateway Timeout"
    assert client.get("/api/slow?sleep=0").text == "finished"


def test_query_parameters(client: httpx.Client) -> None:
    response = client.get("/api/query?a=1&a=2&b=x%20y&c")
    base = str(client.base_url).rstrip("/")
    assert response.json() == {
        "url": f"{base}/api/query?a=1&a=2&b=x%20y&c",
        "path": "/api/query",
        "search": "?a=1&a=2&b=x%20y&c",
        "a": "1",
        "aAll": ["1", "2"],
        "b": "x y",
        "c": "",
        "missing": None,
    }


def test_request_headers_and_cookies(client: httpx.Client) -> None:
    response = client.get(
        "/api/headers",
        headers=[
            ("x-custom", "hi"),
            ("accept", "text/html"),
            ("accept", "application/json"),
            ("cookie", "token=abc%20def; broken; x=1"),
        ],
    )
    assert response.json() == {
        "custom": "hi",
        "accept": ["text/html", "application/json"],
        "token": "abc def",
        "cookies": ["token", "x"],
        "client": "127.0.0.1",
    }


def test_keep_alive_connection_serves_many_requests(client: httpx.Client) -> None:
    for _ in range(20):
        assert client.get("/api/hello").status_code == 200


def test_invalid_tree_fails_start_naming_both_files(tmp_path: Path) -> None:
    for group in ("(a)", "(b)"):
        route = tmp_path / "app" / group / "api" / "x" / "route.py"
        route.parent.mkdir(parents=True)
        route.write_text("async def GET(): ...\n")
    result = subprocess.run(
        [sys.executable, "-m", "routetree", "start", str(tmp_path), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "app/(a)/api/x/route.py" in result.stderr
    assert "app/(b)/api/x/route.py" in result.stderr
    assert "Traceback" not in result.stderr


def test_port_in_use_is_one_line_error(server: LiveServer) -> None:
    port = str(urlsplit(server).port)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "routetree",
            "start",
            str(BASIC),
            "--host",
            "127.0.0.1",
            "--port",
            port,
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert f"Port {port} is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_endless_stream_stops_when_client_leaves(
    client: httpx.Client, tmp_path: Path
) -> None:
    marker = tmp_path / "closed.txt"
    with client.stream(
        "GET", "/api/forever", params={"marker": str(marker)}
    ) as response:
        first = next(response.iter_raw())
        assert first.startswith(b"data: tick")
    deadline = time.monotonic() + 20  # generous: CI machines may be busy
    # write_text creates the file before it writes: wait for the content itself.
    while time.monotonic() < deadline:
        if marker.exists() and marker.read_text() == "closed":
            break
        time.sleep(0.02)
    assert marker.exists(), "the stream was never closed after the client left"
    assert marker.read_text() == "closed"


def _children(pid: int) -> list[str]:
    """Command lines of the processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append((stat.parent / "cmdline").read_bytes().decode())
        except (OSError, IndexError, ValueError):
            continue
    return found


SLOW_PROJECT = {
    "app/api/slow/route.py": (
        "import asyncio\nimport os\n\nfrom routetree import Response\n\n\n"
        "async def GET():\n    await asyncio.sleep(1)\n"
        "    return Response(str(os.getpid()))\n"
    )
}


def test_start_with_two_workers_serves_from_both_and_drains_on_sigterm(
    make_project: MakeProject,
) -> None:
    project = make_project(SLOW_PROJECT)
    with live_server(project, args=("--workers", "2")) as server:
        deadline = time.monotonic() + 20
        while len([c for c in _children(server.process.pid) if "_worker" in c]) < 2:
            assert time.monotonic() < deadline, server.output
            time.sleep(0.05)
        with httpx.Client(base_url=server, timeout=10) as client:
            assert client.get("/api/slow").status_code == 200
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                in_flight = pool.submit(client.get, "/api/slow")
                time.sleep(0.3)
                server.process.send_signal(signal.SIGTERM)
                drained = in_flight.result(timeout=15)
        assert drained.status_code == 200
        assert server.process.wait(timeout=20) == 0


def test_single_process_start_drains_on_sigterm(make_project: MakeProject) -> None:
    project = make_project(SLOW_PROJECT)
    with (
        live_server(project) as server,
        httpx.Client(base_url=server, timeout=10) as client,
    ):
        assert client.get("/api/slow").status_code == 200
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            in_flight = pool.submit(client.get, "/api/slow")
            time.sleep(0.3)
            server.process.send_signal(signal.SIGTERM)
            assert in_flight.result(timeout=15).status_code == 200
        # A drained server exits 0, as orchestrators expect of a clean stop.
        assert server.process.wait(timeout=20) == 0


def test_start_with_workers_fails_cleanly_on_a_broken_project(
    make_project: MakeProject,
) -> None:
    project = make_project({"app/api/x/route.py": "def GET(:\n"})
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "routetree",
            "start",
            str(project),
            "--port",
            "0",
            "--workers",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "app/api/x/route.py" in result.stderr


@pytest.mark.parametrize(
    ("query", "method_name"),
    [("", "Response.next()"), ("?rewrite=1", "Response.rewrite()")],
)
def test_middleware_directives_in_a_handler_are_500(
    server: LiveServer, client: httpx.Client, query: str, method_name: str
) -> None:
    response = client.get(f"/api/misuse{query}")
    assert response.status_code == 500
    assert response.json() == {"error": "Internal Server Error"}
    wait_for_output(
        server,
        f"{method_name} was used in route handler app/api/misuse/route.py",
    )


@pytest.mark.parametrize("parser", ["httptools", "h11"])
def test_status_lines_use_rfc_9110_reason_phrases(
    make_project: MakeProject, parser: str
) -> None:
    # Python before 3.13 still names these as RFC 7231 did ("Unprocessable Entity");
    # the status line must say what routetree's error bodies say.
    project = make_project(
        {
            "app/api/status/[code]/route.py": (
                "from routetree import Response\n\n\n"
                "def GET(request, context):\n"
                "    return Response(None, status=int(context.params['code']))\n"
            )
        }
    )
    with live_server(project, args=("--http", parser)) as url:
        for status, phrase in [
            (413, "Content Too Large"),
            (414, "URI Too Long"),
            (416, "Range Not Satisfiable"),
            (422, "Unprocessable Content"),
            (404, "Not Found"),
        ]:
            response = raw_request(url, "GET", f"/api/status/{status}")
            status_line = response.head.split(b"\r\n", 1)[0]
            assert status_line == f"HTTP/1.1 {status} {phrase}".encode()
