"""routetree._websocket_session in a configured project: every stage sees the upgrade.

A real ``routetree start`` serves a project with ``routetree.toml`` (base_path,
headers, rewrites, allowed_hosts), ``middleware.py`` and ``instrumentation.py``:
the configured request path (`routetree._pipeline`) and the project hooks.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

import orjson
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from routetree.testing import LiveServer, live_server
from tests.raw_http import RawResponse, raw_send

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from websockets.http11 import Response as WsResponse

    from tests.conftest import MakeProject

PROJECT = {
    "routetree.toml": """
    base_path = "/v1"
    allowed_hosts = ["127.0.0.1"]

    [[headers]]
    source = "/:path*"
    headers = [{ key = "x-config", value = "yes" }]

    [[rewrites]]
    source = "/old-chat"
    destination = "/api/chat"

    [[redirects]]
    source = "/moved"
    destination = "/open"
    permanent = true
    """,
    "middleware.py": """
    from routetree import Request, Response

    config = {"matcher": ["/api/:path*"]}

    async def middleware(request: Request) -> Response | None:
        if request.headers.get("authorization") != "Bearer ok":
            return Response.json({"error": "unauthorized"}, status=401)
        request.state.user = "ada"
        return Response.next(headers={"x-mw": "1"})
    """,
    "instrumentation.py": """
    import json
    from pathlib import Path

    from routetree import Response

    ERRORS = Path(__file__).parent / "errors.log"

    def on_request_error(error, request, context):
        with ERRORS.open("a") as log:
            log.write(json.dumps([type(error).__name__, str(error), request["path"],
                                  request["method"], context["route_path"]]) + "\\n")

    def handle_error(error, request):
        status = getattr(error, "status", 500)
        return Response.json({"handled": type(error).__name__}, status=status)
    """,
    "app/api/chat/route.py": """
    from routetree import WebSocket

    async def WEBSOCKET(socket: WebSocket) -> None:
        await socket.accept()
        user = getattr(socket.state, "user", None)
        await socket.send_json({"user": user, "path": socket.url.path})
        async for message in socket:
            await socket.send_text(message)
    """,
    "app/open/route.py": """
    from routetree import WebSocket

    async def WEBSOCKET(socket: WebSocket) -> None:
        await socket.accept()
        await socket.send_text("open")
    """,
    "app/api/boom/route.py": """
    from routetree import WebSocket

    async def WEBSOCKET(socket: WebSocket) -> None:
        await socket.accept()
        await socket.receive_text()
        raise ValueError("broke after accept")
    """,
    "app/api/early/route.py": """
    from routetree import WebSocket, not_found

    async def WEBSOCKET(socket: WebSocket) -> None:
        if socket.url.search_params.get("crash"):
            raise KeyError("broke before accept")
        not_found()
    """,
}

AUTH = {"authorization": "Bearer ok"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import textwrap

    root = tmp_path_factory.mktemp("ws_session")
    for relative, source in PROJECT.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(source).lstrip())
    return root


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[LiveServer]:
    with live_server(project) as running:
        yield running


def ws(server: str, path: str) -> str:
    return server.replace("http://", "ws://", 1) + path


def _refused(
    server: str, path: str, headers: dict[str, str] | None = None
) -> WsResponse:
    with (
        pytest.raises(InvalidStatus) as refused,
        connect(ws(server, path), additional_headers=headers, open_timeout=5),
    ):
        pass
    return refused.value.response


def test_middleware_refusal_is_its_http_answer(server: LiveServer) -> None:
    response = _refused(server, "/v1/api/chat")
    assert response.status_code == 401
    assert bytes(response.body) == b'{"error":"unauthorized"}'
    assert response.headers["x-config"] == "yes"


def test_middleware_state_and_headers_reach_the_session(server: LiveServer) -> None:
    with connect(ws(server, "/v1/api/chat"), additional_headers=AUTH) as connection:
        assert orjson.loads(connection.recv(timeout=5)) == {
            "user": "ada",
            "path": "/api/chat",  # below base_path, as request.url.path
        }
        assert connection.response is not None
        assert connection.response.headers["x-mw"] == "1"
        assert connection.response.headers["x-config"] == "yes"
        connection.send("hi")
        assert connection.recv(timeout=5) == "hi"


def test_a_path_outside_base_path_is_404(server: LiveServer) -> None:
    response = _refused(server, "/api/chat", AUTH)
    assert response.status_code == 404


def test_a_rewrite_routes_the_upgrade(server: LiveServer) -> None:
    # /old-chat is outside the middleware's matcher: no user.
    with connect(ws(server, "/v1/old-chat")) as connection:
        assert orjson.loads(connection.recv(timeout=5)) == {
            "user": None,
            "path": "/api/chat",
        }


def _raw_upgrade(server: str, target: str, host: str) -> RawResponse:
    return raw_send(
        server,
        (
            f"GET {target} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode(),
        timeout=5,
    )


def test_a_config_redirect_answers_the_upgrade(server: LiveServer) -> None:
    port = server.rsplit(":", 1)[1]
    answer = _raw_upgrade(server, "/v1/moved", f"127.0.0.1:{port}")
    assert (answer.status, answer.header("location")) == (308, "/v1/open")
    assert answer.header("x-config") == "yes"


def test_an_exception_before_accept_shows_its_details_in_dev(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {"app/api/early/route.py": PROJECT["app/api/early/route.py"]}
    )
    with (
        live_server(project, command="dev") as dev,
        pytest.raises(InvalidStatus) as refused,
        connect(ws(dev, "/api/early?crash=1"), open_timeout=10),
    ):
        pass
    response = refused.value.response
    assert response.status_code == 500
    details = orjson.loads(bytes(response.body or b""))
    assert details["error"] == "Internal Server Error"
    assert "KeyError" in str(details)
    assert "broke before accept" in str(details)


def test_a_host_outside_allowed_hosts_is_400(server: LiveServer) -> None:
    assert _raw_upgrade(server, "/v1/open", "evil.example").status == 400
    port = server.rsplit(":", 1)[1]
    assert _raw_upgrade(server, "/v1/open", f"127.0.0.1:{port}").status == 101


def _errors(project: Path, count: int) -> list[list[str]]:
    log = project / "errors.log"
    deadline = time.monotonic() + 5
    while True:
        lines = log.read_text().splitlines() if log.exists() else []
        if len(lines) >= count or time.monotonic() > deadline:
            return [json.loads(line) for line in lines]
        time.sleep(0.05)


def test_an_error_after_accept_is_1011_and_reaches_on_request_error(
    server: LiveServer, project: Path
) -> None:
    before = len(_errors(project, 0))
    with connect(ws(server, "/v1/api/boom"), additional_headers=AUTH) as connection:
        connection.send("go")
        with pytest.raises(ConnectionClosed) as closed:
            connection.recv(timeout=5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1011
    errors = _errors(project, before + 1)[before:]
    assert errors == [
        ["ValueError", "broke after accept", "/api/boom", "GET", "/api/boom"]
    ]


def test_handle_error_answers_a_stop_function_before_accept(
    server: LiveServer,
) -> None:
    response = _refused(server, "/v1/api/early", AUTH)
    assert response.status_code == 404
    assert bytes(response.body) == b'{"handled":"HTTPError"}'


def test_an_exception_before_accept_is_500_through_both_hooks(
    server: LiveServer, project: Path
) -> None:
    before = len(_errors(project, 0))
    response = _refused(server, "/v1/api/early?crash=1", AUTH)
    assert response.status_code == 500
    assert bytes(response.body) == b'{"handled":"KeyError"}'
    [error] = _errors(project, before + 1)[before:]
    assert error[0] == "KeyError"
    assert error[2:] == ["/api/early", "GET", "/api/early"]


def test_the_fast_path_project_and_the_configured_one_agree(
    make_project: MakeProject,
) -> None:
    # The same route without config or middleware: the app's short path.
    plain = make_project({"app/open/route.py": PROJECT["app/open/route.py"]})
    with live_server(plain) as other, connect(ws(other, "/open")) as connection:
        assert connection.recv(timeout=5) == "open"
