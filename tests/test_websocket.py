"""routetree._websocket and its session: WEBSOCKET handlers through a real server.

Every test talks to ``routetree start`` serving tests/apps/websockets (a project with
neither config nor middleware: the app's short path) with the ``websockets`` client.
"""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import orjson
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from routetree import create_app, publish
from routetree.testing import LiveServer, live_server
from tests.raw_http import RawResponse, raw_send

if TYPE_CHECKING:
    from collections.abc import Iterator

    from routetree._types import Message, Scope
    from tests.conftest import MakeProject

APP = "tests/apps/websockets"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(APP) as running:
        yield running


def ws_url(server: str, path: str) -> str:
    return server.replace("http://", "ws://", 1) + path


def refusal(server: str, path: str) -> tuple[int, dict[str, str], bytes]:
    """The HTTP answer that refused an upgrade: status, headers, body."""
    with (
        pytest.raises(InvalidStatus) as refused,
        connect(ws_url(server, path), open_timeout=5),
    ):
        pass
    response = refused.value.response
    return response.status_code, dict(response.headers), bytes(response.body or b"")


def close_code(connection: ClientConnection) -> int | None:
    """Wait for the server to close ``connection``; the code it sent."""
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            connection.recv(timeout=5)
    frame = closed.value.rcvd
    return None if frame is None else frame.code


def test_text_and_bytes_are_echoed_as_they_came(server: LiveServer) -> None:
    with connect(ws_url(server, "/api/echo")) as connection:
        connection.send("héllo")
        assert connection.recv(timeout=5) == "héllo"
        connection.send(b"\x00\xff")
        assert connection.recv(timeout=5) == b"\x00\xff"


def test_json_in_and_out_with_params(server: LiveServer) -> None:
    with connect(ws_url(server, "/api/json")) as connection:
        connection.send(orjson.dumps({"n": [1, 2.5, None]}))
        assert orjson.loads(connection.recv(timeout=5)) == {
            "got": {"n": [1, 2.5, None]},
            "params": {},
        }


def test_catch_all_params_cookies_and_headers(server: LiveServer) -> None:
    with connect(
        ws_url(server, "/api/params/a/b%2Fc"),
        additional_headers={"cookie": "session=s1", "x-test": "yes"},
    ) as connection:
        seen = orjson.loads(connection.recv(timeout=5))
    assert seen == {
        "params": {"slug": ["a", "b/c"]},
        "socket_params": {"slug": ["a", "b/c"]},
        "session": "s1",
        "x_test": "yes",
        "path": "/api/params/a/b%2Fc",
    }


def test_a_route_in_a_route_group(server: LiveServer) -> None:
    with connect(ws_url(server, "/api/grouped")) as connection:
        assert connection.recv(timeout=5) == "grouped"


def test_the_chosen_subprotocol_is_sent_and_the_offer_visible(
    server: LiveServer,
) -> None:
    with connect(
        ws_url(server, "/api/proto"),
        subprotocols=[Subprotocol("chat.v1"), Subprotocol("chat.v2")],
    ) as connection:
        assert connection.subprotocol == "chat.v2"
        assert connection.response is not None
        assert connection.response.headers["x-chosen"] == "chat.v2"
        assert orjson.loads(connection.recv(timeout=5)) == {
            "offered": ["chat.v1", "chat.v2"]
        }


def test_close_with_code_and_reason(server: LiveServer) -> None:
    with connect(ws_url(server, "/api/close?code=4000&reason=done")) as connection:
        assert connection.recv(timeout=5) == "bye"
        with pytest.raises(ConnectionClosed) as closed:
            connection.recv(timeout=5)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4000, "done")


def test_returning_after_accept_closes_with_1000(server: LiveServer) -> None:
    with connect(ws_url(server, "/api/ws-only")) as connection:
        assert close_code(connection) == 1000


def test_exception_after_accept_closes_with_1011_and_is_logged(
    server: LiveServer,
) -> None:
    with connect(ws_url(server, "/api/fail")) as connection:
        connection.send("go")
        assert close_code(connection) == 1011
    deadline = time.monotonic() + 5
    while "the handler broke after accept" not in server.output:
        assert time.monotonic() < deadline, server.output
        time.sleep(0.05)
    assert "Error in WebSocket handler app/api/fail/route.py" in server.output


def test_a_message_over_max_message_size_closes_with_1009(server: LiveServer) -> None:
    with connect(ws_url(server, "/api/small")) as connection:
        connection.send("x" * 16)
        assert connection.recv(timeout=5) == "ok 16"
        connection.send("é" * 9)  # 9 characters, 18 bytes of UTF-8
        assert close_code(connection) == 1009


def test_a_message_far_over_the_limit_closes_with_1009_too(server: LiveServer) -> None:
    with connect(ws_url(server, "/api/echo"), max_size=None) as connection:
        connection.send(b"x" * (1024 * 1024))  # the default limit: 1 MiB
        assert connection.recv(timeout=5) == b"x" * (1024 * 1024)
        connection.send(b"x" * (1024 * 1024 + 1))
        assert close_code(connection) == 1009


def test_no_route_is_404(server: LiveServer) -> None:
    status, _, body = refusal(server, "/api/nothing")
    assert (status, body) == (404, b'{"error":"Not Found"}')


def test_route_without_websocket_is_405_with_allow(server: LiveServer) -> None:
    status, headers, body = refusal(server, "/api/http-only")
    assert (status, headers["allow"]) == (405, "GET, HEAD, OPTIONS")
    assert body == b'{"error":"Method Not Allowed"}'


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "DELETE"])
def test_http_request_to_a_websocket_only_route_is_426(
    server: LiveServer, method: str
) -> None:
    answer = httpx.request(method, f"{server}/api/ws-only")
    assert answer.status_code == 426
    assert answer.headers["upgrade"] == "websocket"
    assert "WEBSOCKET" not in answer.headers.get("allow", "")
    assert answer.content == (
        b"" if method == "HEAD" else b'{"error":"Upgrade Required"}'
    )


def test_options_on_a_websocket_only_route_is_204(server: LiveServer) -> None:
    answer = httpx.options(f"{server}/api/ws-only")
    assert (answer.status_code, answer.headers["allow"]) == (204, "OPTIONS")


def test_allow_never_lists_websocket(server: LiveServer) -> None:
    answer = httpx.options(f"{server}/api/params/x")
    assert answer.headers["allow"] == "GET, HEAD, OPTIONS"
    assert httpx.post(f"{server}/api/params/x").headers["allow"] == "GET, HEAD, OPTIONS"
    assert httpx.get(f"{server}/api/params/x").text == "GET too"


def test_returning_none_without_accepting_is_403(server: LiveServer) -> None:
    status, _, body = refusal(server, "/api/denied")
    assert (status, body) == (403, b'{"error":"Forbidden"}')


def test_a_stop_function_before_accept_is_its_http_answer(server: LiveServer) -> None:
    status, _, body = refusal(server, "/api/unauthorized")
    assert (status, body) == (401, b'{"error":"Unauthorized"}')


def test_a_response_before_accept_is_sent_as_is(server: LiveServer) -> None:
    status, headers, body = refusal(server, "/api/unauthorized?as=response")
    assert (status, body) == (401, b'{"error":"no session"}')
    assert headers["content-type"] == "application/json"


def test_an_exception_before_accept_is_a_500_without_details(
    server: LiveServer,
) -> None:
    status, _, body = refusal(server, "/api/fail-early")
    assert (status, body) == (500, b'{"error":"Internal Server Error"}')


def raw_upgrade(server: str, target: str) -> RawResponse:
    """Send an upgrade request for ``target`` as is; the HTTP answer (not a 101)."""
    host = server.removeprefix("http://")
    return raw_send(
        server,
        (
            f"GET {target} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode(),
        timeout=5,
    )


def test_trailing_slash_redirects_the_upgrade(server: LiveServer) -> None:
    answer = raw_upgrade(server, "/api/echo/?a=1")
    assert (answer.status, answer.header("location")) == (308, "/api/echo?a=1")


def test_a_malformed_escape_in_the_upgrade_path_is_400(server: LiveServer) -> None:
    assert raw_upgrade(server, "/api/echo%ZZ").status == 400


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://169.254.169.254/api/echo",
        "ws://evil.example/api/echo",
    ],
)
def test_an_absolute_form_upgrade_target_is_refused_never_proxied(
    server: LiveServer, target: str
) -> None:
    # CVE-2026-44578: Next.js's server proxied such upgrades to the named host.
    answer = raw_upgrade(server, target)
    assert answer.status == 400
    assert answer.body.startswith(b'{"error":"Bad Request"')


def _subscribers(server: str, room: str) -> int:
    count: int = httpx.get(f"{server}/api/subscribers/{room}").json()["count"]
    return count


def _wait_for_subscribers(server: str, room: str, count: int) -> None:
    deadline = time.monotonic() + 5
    while _subscribers(server, room) != count:
        assert time.monotonic() < deadline, f"{room} never had {count} subscribers"
        time.sleep(0.02)


def test_publish_from_http_reaches_subscribed_sockets(server: LiveServer) -> None:
    with (
        connect(ws_url(server, "/api/rooms/r1")) as first,
        connect(ws_url(server, "/api/rooms/r1")) as second,
        connect(ws_url(server, "/api/rooms/other")) as other,
    ):
        for connection in (first, second, other):
            assert connection.recv(timeout=5) == "joined"
        assert _subscribers(server, "r1") == 2
        posted = httpx.post(f"{server}/api/publish/r1", json={"text": "hi"})
        assert posted.status_code == 204
        assert first.recv(timeout=5) == '{"text":"hi"}'
        assert second.recv(timeout=5) == '{"text":"hi"}'
        first.send(b"\x01bytes")  # published by the handler: binary stays binary
        assert first.recv(timeout=5) == b"\x01bytes"
        assert second.recv(timeout=5) == b"\x01bytes"
        with pytest.raises(TimeoutError):
            other.recv(timeout=0.3)
    _wait_for_subscribers(server, "r1", 0)
    _wait_for_subscribers(server, "other", 0)


def _open_and_vanish(server: LiveServer, path: str, first: bytes, room: str) -> None:
    """Open a socket on ``path``, read until ``first``, then drop the TCP connection."""
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as raw:
        raw.sendall(
            (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        received = b""
        while first not in received:
            received += raw.recv(4096)
        assert received.startswith(b"HTTP/1.1 101 ")
        _wait_for_subscribers(server, room, 1)
    # No close frame: the TCP connection just ended.


def test_a_client_vanishing_without_close_ends_the_session(server: LiveServer) -> None:
    _open_and_vanish(server, "/api/rooms/gone", b"joined", "gone")
    _wait_for_subscribers(server, "gone", 0)
    with connect(ws_url(server, "/api/echo")) as still_serving:
        still_serving.send("ok")
        assert still_serving.recv(timeout=5) == "ok"


def test_a_handler_sending_to_a_vanished_client_ends_without_an_error(
    server: LiveServer,
) -> None:
    _open_and_vanish(server, "/api/ticker", b"tick", "ticker")
    _wait_for_subscribers(server, "ticker", 0)
    assert "app/api/ticker/route.py" not in server.output


@pytest.mark.anyio
async def test_a_session_leaves_no_task_and_no_subscription(
    make_project: MakeProject,
) -> None:
    # The app itself, driven over ASGI: the tasks of this event loop are visible.
    project = make_project(
        {"app/room/route.py": (Path(APP) / "app/api/rooms/[room]/route.py").read_text()}
    )
    project.joinpath("app/room").rename(project / "app/[room]")
    app = create_app(project)
    incoming: asyncio.Queue[Message] = asyncio.Queue()
    sent: asyncio.Queue[Message] = asyncio.Queue()
    await incoming.put({"type": "websocket.connect"})
    scope: Scope = {
        "type": "websocket",
        "scheme": "ws",
        "path": "/lobby",
        "raw_path": b"/lobby",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "subprotocols": [],
        "extensions": {"websocket.http.response": {}},
    }
    before = asyncio.all_tasks()
    session = asyncio.create_task(app(scope, incoming.get, sent.put))
    assert (await sent.get())["type"] == "websocket.accept"
    assert (await sent.get())["text"] == "joined"
    assert app.broker.subscriber_count("room:lobby") == 1
    assert len(asyncio.all_tasks() - before) == 2  # the session and its pump
    await publish("room:lobby", "news")
    assert (await sent.get())["text"] == "news"
    await incoming.put({"type": "websocket.disconnect", "code": 1006})
    await asyncio.wait_for(session, 5)
    assert app.broker.subscriber_count("room:lobby") == 0
    assert asyncio.all_tasks() == before
    assert sent.empty()  # a peer gone: no close frame is sent to it
