"""docs/websockets.md, run as written: its route files under ``routetree start``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import orjson
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from routetree.testing import live_server
from tests.docs_blocks import DocsPage, serve, write_project
from tests.redis_server import RedisServer

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from routetree.testing import LiveServer

PAGE = DocsPage("websockets.md")


def test_the_page_names_its_files() -> None:
    assert PAGE.paths() == [
        "app/api/echo/route.py",
        "app/api/rooms/[room]/route.py",
        "middleware.py",
        "app/api/private/feed/route.py",
        "app/api/graphql/route.py",
        "routetree.toml",
        "app/api/rooms/[room]/messages/route.py",
        "app/api/upload/route.py",
        "routetree.toml",
        "app/api/account/live/route.py",
    ]


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[httpx.Client, LiveServer]]:
    files = PAGE.files(skip=("routetree.toml",))
    files["routetree.toml"] = PAGE.block("routetree.toml", 2).source  # the limits
    project = write_project(tmp_path_factory.mktemp("websockets"), files)
    with serve(project) as running:
        yield running


def ws(served: tuple[httpx.Client, LiveServer], path: str) -> str:
    return served[1].replace("http://", "ws://", 1) + path


def test_echo(served: tuple[httpx.Client, LiveServer]) -> None:
    with connect(ws(served, "/api/echo")) as socket:
        socket.send("hi")
        assert socket.recv(timeout=5) == "echo: hi"
        socket.send(b"\x00")
        assert socket.recv(timeout=5) == b"\x00"


def test_a_room_refuses_without_a_session_cookie(
    served: tuple[httpx.Client, LiveServer],
) -> None:
    with pytest.raises(InvalidStatus) as refused, connect(ws(served, "/api/rooms/x")):
        pass
    assert refused.value.response.status_code == 401
    assert bytes(refused.value.response.body or b"") == b'{"error":"Unauthorized"}'


def test_a_post_and_a_member_publish_to_the_room(
    served: tuple[httpx.Client, LiveServer],
) -> None:
    client, _ = served
    cookie = {"cookie": "session=1"}
    with (
        connect(ws(served, "/api/rooms/lobby"), additional_headers=cookie) as ada,
        connect(ws(served, "/api/rooms/lobby"), additional_headers=cookie) as bob,
    ):
        for _ in range(50):  # both sockets have subscribed once a message arrives
            client.post("/api/rooms/lobby/messages", json={"text": "ping"})
            try:
                ada.recv(timeout=0.1)
                bob.recv(timeout=0.1)
                break
            except TimeoutError:
                continue
        while True:  # drain the pings still in flight
            try:
                ada.recv(timeout=0.2)
            except TimeoutError:
                break
        while True:
            try:
                bob.recv(timeout=0.2)
            except TimeoutError:
                break
        posted = client.post("/api/rooms/lobby/messages", json={"text": "hi"})
        assert posted.status_code == 204
        assert ada.recv(timeout=5) == bob.recv(timeout=5) == '{"text":"hi"}'
        ada.send("from ada")
        assert ada.recv(timeout=5) == bob.recv(timeout=5) == "from ada"


def test_middleware_refuses_or_sets_the_user(
    served: tuple[httpx.Client, LiveServer],
) -> None:
    with (
        pytest.raises(InvalidStatus) as refused,
        connect(ws(served, "/api/private/feed")),
    ):
        pass
    assert refused.value.response.status_code == 401
    with connect(ws(served, "/api/private/feed?token=s3cret")) as socket:
        assert orjson.loads(socket.recv(timeout=5)) == {"hello": "ada"}


def test_graphql_subprotocol(served: tuple[httpx.Client, LiveServer]) -> None:
    with pytest.raises(InvalidStatus) as refused, connect(ws(served, "/api/graphql")):
        pass
    assert refused.value.response.status_code == 403
    with connect(
        ws(served, "/api/graphql"),
        subprotocols=[Subprotocol("graphql-transport-ws")],
    ) as socket:
        assert socket.subprotocol == "graphql-transport-ws"
        socket.send('{"type": "connection_init"}')
        assert orjson.loads(socket.recv(timeout=5)) == {"type": "connection_ack"}


def test_max_message_size_of_the_config_and_of_a_route(
    served: tuple[httpx.Client, LiveServer],
) -> None:
    three_mb = b"x" * (3 * 1024 * 1024)
    with connect(ws(served, "/api/upload"), max_size=None) as socket:
        socket.send(three_mb)  # the route's 8mb
        assert socket.recv(timeout=10) == f"got {len(three_mb)} bytes"
    with connect(ws(served, "/api/echo"), max_size=None) as socket:
        socket.send(three_mb)  # the config's 2mb
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=10)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009


def test_a_websocket_only_route_answers_http_with_426(
    served: tuple[httpx.Client, LiveServer],
) -> None:
    client, _ = served
    answer = client.get("/api/echo")
    assert (answer.status_code, answer.headers["upgrade"]) == (426, "websocket")
    assert client.options("/api/echo").status_code == 204


def test_the_origin_check(served: tuple[httpx.Client, LiveServer]) -> None:
    cookie = {"cookie": "session=s1"}
    for origin in ({}, {"origin": "https://evil.example"}):
        with (
            pytest.raises(InvalidStatus) as refused,
            connect(
                ws(served, "/api/account/live"), additional_headers=cookie | origin
            ),
        ):
            pass
        assert refused.value.response.status_code == 403
    allowed = cookie | {"origin": "https://app.example.com"}
    with connect(ws(served, "/api/account/live"), additional_headers=allowed) as s:
        assert orjson.loads(s.recv(timeout=5)) == {"session": "s1"}


def test_pubsub_url_reaches_a_socket_held_by_another_process(tmp_path: Path) -> None:
    redis = RedisServer()
    redis.start()
    try:
        toml = PAGE.block("routetree.toml", 1).source.replace(
            "redis://127.0.0.1:6379/0", redis.url
        )
        files = {**PAGE.files(skip=("routetree.toml",)), "routetree.toml": toml}
        project = write_project(tmp_path, files)
        cookie = {"cookie": "session=1"}
        with live_server(project) as a, live_server(project) as b:
            url = a.replace("http://", "ws://", 1) + "/api/rooms/lobby"
            with connect(url, additional_headers=cookie) as socket:
                for _ in range(50):  # subscribed once a message arrives
                    posted = httpx.post(
                        f"{b}/api/rooms/lobby/messages", json={"text": "from b"}
                    )
                    assert posted.status_code == 204
                    try:
                        assert socket.recv(timeout=0.2) == '{"text":"from b"}'
                        break
                    except TimeoutError:
                        continue
                else:
                    pytest.fail("no message from process B reached the socket on A")
    finally:
        redis.stop()
