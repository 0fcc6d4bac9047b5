"""The chat example end to end: a real server, real sockets, a real SQLite file.

Each test module serves the example with ``routetree start`` on a free port and a
database in a temporary folder, and talks to it as a browser would: HTTP with httpx,
WebSockets with the ``websockets`` client library.
"""

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from routetree.testing import LiveServer, live_server

EXAMPLE_DIR = Path(__file__).resolve().parent.parent
TIMEOUT = 10


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("chat") / "chat.db"


@pytest.fixture(scope="module")
def server(database: Path) -> Iterator[LiveServer]:
    with live_server(EXAMPLE_DIR, env={"DATABASE_URL": f"sqlite:///{database}"}) as url:
        yield url


def ws_url(server: str, room: str) -> str:
    return server.replace("http://", "ws://", 1) + f"/api/rooms/{room}"


def join(server: str, room: str) -> ClientConnection:
    """A socket in ``room``, its history already read."""
    history = httpx.get(f"{server}/api/rooms/{room}", timeout=TIMEOUT).json()
    socket = connect(ws_url(server, room), open_timeout=TIMEOUT)
    for _ in history:
        socket.recv(timeout=TIMEOUT)
    return socket


def receive(socket: ClientConnection) -> Any:
    return json.loads(socket.recv(timeout=TIMEOUT))


def rows(database: Path, room: str) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(database)) as db:
        return db.execute(
            "SELECT author, text FROM messages WHERE room = ? ORDER BY id", (room,)
        ).fetchall()


def test_a_message_sent_by_one_socket_reaches_every_socket_of_the_room(
    server: LiveServer, database: Path
) -> None:
    with join(server, "one") as ada, join(server, "one") as bob:
        ada.send(json.dumps({"author": "ada", "text": "hello"}))
        to_ada, to_bob = receive(ada), receive(bob)
    assert to_ada == to_bob
    assert (to_ada["room"], to_ada["author"], to_ada["text"]) == ("one", "ada", "hello")
    assert rows(database, "one") == [("ada", "hello")]


def test_other_rooms_hear_nothing(server: LiveServer) -> None:
    with join(server, "quiet") as quiet, join(server, "loud") as loud:
        loud.send(json.dumps({"author": "ada", "text": "shout"}))
        assert receive(loud)["text"] == "shout"
        with pytest.raises(TimeoutError):
            quiet.recv(timeout=0.5)


def test_an_http_post_is_stored_and_published_to_the_sockets(
    server: LiveServer, database: Path
) -> None:
    with join(server, "posted") as socket:
        answer = httpx.post(
            f"{server}/api/rooms/posted",
            json={"author": "cron", "text": "backup done"},
            timeout=TIMEOUT,
        )
        assert answer.status_code == 201
        assert receive(socket) == answer.json()
    assert rows(database, "posted") == [("cron", "backup done")]


def test_a_socket_that_joins_gets_the_history_first(server: LiveServer) -> None:
    for text in ("first", "second"):
        httpx.post(
            f"{server}/api/rooms/history",
            json={"author": "ada", "text": text},
            timeout=TIMEOUT,
        )
    with connect(ws_url(server, "history"), open_timeout=TIMEOUT) as socket:
        assert [receive(socket)["text"] for _ in range(2)] == ["first", "second"]


def test_a_room_keeps_its_last_fifty_messages(server: LiveServer) -> None:
    for n in range(55):
        httpx.post(
            f"{server}/api/rooms/busy",
            json={"author": "bot", "text": f"m{n}"},
            timeout=TIMEOUT,
        )
    history = httpx.get(f"{server}/api/rooms/busy", timeout=TIMEOUT).json()
    assert [message["text"] for message in history] == [f"m{n}" for n in range(5, 55)]


def test_an_invalid_message_is_answered_to_its_sender_only(server: LiveServer) -> None:
    with join(server, "strict") as sender, join(server, "strict") as other:
        sender.send("not json")
        error = receive(sender)
        assert error["error"] == "invalid message"
        sender.send(json.dumps({"author": "ada", "text": ""}))
        assert receive(sender)["error"] == "invalid message"
        sender.send(json.dumps({"author": "ada", "text": "ok now"}))
        assert receive(sender)["text"] == "ok now"
        assert receive(other)["text"] == "ok now"  # and not the two errors before it


def test_an_invalid_room_name_is_refused_before_the_upgrade(server: LiveServer) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(server, "no%20spaces"), open_timeout=TIMEOUT)
    assert refused.value.response.status_code == 404
    assert json.loads(refused.value.response.body or b"") == {
        "error": "Not Found",
        "detail": "no such room",
    }
    answer = httpx.get(f"{server}/api/rooms/no%20spaces", timeout=TIMEOUT)
    assert answer.status_code == 422


def test_a_frame_over_the_configured_size_closes_with_1009(server: LiveServer) -> None:
    with join(server, "big") as socket:
        socket.send(json.dumps({"author": "ada", "text": "x" * 20_000}))
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=TIMEOUT)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009


def test_the_page_is_served_from_public_and_the_root_points_to_it(
    server: LiveServer,
) -> None:
    root = httpx.get(f"{server}/", timeout=TIMEOUT)
    assert (root.status_code, root.headers["location"]) == (307, "/chat.html")
    page = httpx.get(f"{server}/chat.html", timeout=TIMEOUT)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script src="/chat.js"></script>' in page.text
    script = httpx.get(f"{server}/chat.js", timeout=TIMEOUT)
    assert script.status_code == 200
    assert "new WebSocket(" in script.text
