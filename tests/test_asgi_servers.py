"""``create_app`` under the ASGI servers users deploy with."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.conftest import MakeProject

PROJECT = {
    "asgi.py": (
        "from pathlib import Path\n\nfrom routetree import create_app\n\n"
        "app = create_app(Path(__file__).parent)\n"
    ),
    "app/api/users/[id]/route.py": (
        "from routetree import Response\n\n\n"
        "async def GET(request, context):\n"
        "    return Response.json({'id': context.params['id']})\n\n\n"
        "async def POST(request, context):\n"
        "    return Response.json(await request.json(), status=201)\n"
    ),
}

SERVERS = {
    "uvicorn": ["-m", "uvicorn", "asgi:app", "--host", "127.0.0.1", "--port", "{port}"],
    "hypercorn": ["-m", "hypercorn", "asgi:app", "--bind", "127.0.0.1:{port}"],
    "granian": [
        "-m", "granian", "--interface", "asgi", "asgi:app",
        "--host", "127.0.0.1", "--port", "{port}",
    ],
}  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(params=sorted(SERVERS))
def base_url(
    request: pytest.FixtureRequest, make_project: MakeProject
) -> Iterator[str]:
    project: Path = make_project(PROJECT)
    port = _free_port()
    args = [a.format(port=port) for a in SERVERS[request.param]]
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(project)},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{url}/api/users/1", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, f"{request.param} exited"
                assert time.monotonic() < deadline, f"{request.param} did not start"
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_params_are_decoded_once_on_every_server(base_url: str) -> None:
    response = httpx.get(f"{base_url}/api/users/a%2Fb")
    assert response.status_code == 200
    assert response.json() == {"id": "a/b"}


def test_json_body_and_status(base_url: str) -> None:
    response = httpx.post(f"{base_url}/api/users/1", json={"name": "Ada"})
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"name": "Ada"}


def test_automatic_head_and_405(base_url: str) -> None:
    head = httpx.head(f"{base_url}/api/users/1")
    assert head.status_code == 200
    assert head.content == b""
    wrong = httpx.delete(f"{base_url}/api/users/1")
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "GET, HEAD, OPTIONS, POST"


# --- WebSockets under each server, and each of uvicorn's implementations ---------

SOCKETS = {
    **PROJECT,
    "app/api/echo/route.py": (
        "from routetree import Response, WebSocket\n\n\n"
        "max_message_size = 64\n\n\n"
        "async def WEBSOCKET(socket: WebSocket):\n"
        "    if socket.url.search_params.get('deny'):\n"
        "        return Response.json({'error': 'denied'}, status=401)\n"
        "    await socket.accept()\n"
        "    async for message in socket:\n"
        "        await socket.send_text(f'echo: {message}')\n"
        "    return None\n"
    ),
}

WEBSOCKET_SERVERS = {
    "uvicorn-websockets": [*SERVERS["uvicorn"], "--ws", "websockets"],
    "uvicorn-websockets-sansio": [*SERVERS["uvicorn"], "--ws", "websockets-sansio"],
    "uvicorn-wsproto": [*SERVERS["uvicorn"], "--ws", "wsproto"],
    "hypercorn": SERVERS["hypercorn"],
    "granian": SERVERS["granian"],
}


@pytest.fixture(params=sorted(WEBSOCKET_SERVERS))
def ws_url(request: pytest.FixtureRequest, make_project: MakeProject) -> Iterator[str]:
    project: Path = make_project(SOCKETS)
    port = _free_port()
    args = [a.format(port=port) for a in WEBSOCKET_SERVERS[request.param]]
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(project)},
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/users/1", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, f"{request.param} exited"
                assert time.monotonic() < deadline, f"{request.param} did not start"
                time.sleep(0.1)
        yield f"ws://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_websocket_echo_refusal_and_message_limit_on_every_server(ws_url: str) -> None:
    from websockets.exceptions import ConnectionClosed, InvalidStatus
    from websockets.sync.client import connect

    with connect(f"{ws_url}/api/echo") as socket:
        socket.send("hi")
        assert socket.recv(timeout=5) == "echo: hi"
        socket.send("x" * 65)
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009
    # Every one of these servers offers the websocket.http.response extension: the
    # refusal reaches the client as routetree's HTTP answer.
    with (
        pytest.raises(InvalidStatus) as refused,
        connect(f"{ws_url}/api/echo?deny=1"),
    ):
        pass
    assert refused.value.response.status_code == 401
    assert bytes(refused.value.response.body or b"") == b'{"error":"denied"}'
