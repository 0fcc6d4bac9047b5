"""The whole stack on one machine: nginx in front of two routetree instances.

Two copies of ``examples/users`` run ``routetree start --workers 2 --access-log`` on
free ports with one real PostgreSQL database and one real Redis (the cache store and
the pub/sub) between them; nginx (Debian's), configured with the block of
docs/deployment.md, balances over both. The tests drive the example through nginx as
clients would: writes seen by every instance, the client's address and request id
passed on, a cache revalidation and a WebSocket broadcast crossing instances, a
server-sent event stream that is not buffered, and one instance SIGTERMed under load
with no request failing.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from websockets.sync.client import connect

from routetree.testing import LiveServer, live_server
from tests.docs_blocks import DocsPage
from tests.postgres import postgres_server_class
from tests.redis_server import RedisServer, free_port
from tests.stack.nginx_server import NginxServer

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "users"
PAGE = DocsPage("deployment.md")
API_KEY = "stack-key"
ARGS = ("--workers", "2", "--access-log")
# Added to each copy of the example: the page's "whole stack" routetree.toml.
STACK_CONFIG = PAGE.block("routetree.toml", 2).source
# Routes the example does not have, to see through the proxy the client's address,
# the request id, an event stream, a cached answer and a WebSocket room.
PROBE_ROUTE = """
import asyncio

from routetree import Request, Response


async def GET(request: Request) -> Response:
    if request.url.search_params.get("stream") is None:
        return Response.json(
            {"ip": request.ip, "request_id": request.headers.get("x-request-id")}
        )

    async def events():
        for n in range(3):
            yield f"data: {n}\\n\\n"
            await asyncio.sleep(0.5)

    return Response(events(), headers={"content-type": "text/event-stream"})
"""

CLOCK_ROUTE = """
import time

from routetree import Response, cache_tag

revalidate = False


async def GET() -> Response:
    cache_tag("clock")
    return Response.json({"rendered": time.time_ns()})
"""
REVALIDATE_ROUTE = """
from routetree import Response, revalidate_tag


async def POST() -> Response:
    revalidate_tag("clock")
    return Response(None, status=204)
"""
ROOM_ROUTE = """
import os

from routetree import Request, Response, WebSocket, publish


async def WEBSOCKET(socket: WebSocket, context) -> None:
    await socket.accept()
    await socket.subscribe("room:" + context.params["room"])
    await socket.send_text("joined")
    async for _ in socket:
        pass


async def POST(request: Request, context) -> Response:
    await publish("room:" + context.params["room"], await request.json())
    return Response.json({"pid": os.getpid()})
"""
PROBES = {
    "app/api/probe/route.py": PROBE_ROUTE,
    "app/api/clock/route.py": CLOCK_ROUTE,
    "app/api/clock/revalidate/route.py": REVALIDATE_ROUTE,
    "app/api/rooms/[room]/route.py": ROOM_ROUTE,
}


def nginx_http_block(listen: int, upstreams: list[int]) -> str:
    """The page's nginx block with this test's ports."""
    text = PAGE.block("nginx.conf").source
    servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+;$", text, re.MULTILINE)
    assert len(servers) == len(upstreams) == 2, servers
    for line, port in zip(servers, upstreams, strict=True):
        text = text.replace(line, re.sub(r":\d+;", f":{port};", line), 1)
    return text.replace("listen 80;", f"listen 127.0.0.1:{listen};")


def instance_project(tmp_path: Path, name: str, redis_url: str) -> Path:
    project = tmp_path / name
    shutil.copytree(
        EXAMPLE, project, ignore=shutil.ignore_patterns("*.db", "__pycache__", "tests")
    )
    toml = project / "routetree.toml"
    # First: the example's file ends in a [cors] table, which would take top-level keys.
    stack_config = STACK_CONFIG.replace("redis://127.0.0.1:6379/0", redis_url)
    toml.write_text(stack_config + "\n" + toml.read_text())
    for path, source in PROBES.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(source)
    return project


class Stack:
    """Two instances and nginx in front."""

    def __init__(self, instances: list[LiveServer], nginx: NginxServer) -> None:
        self.instances = instances
        self.nginx = nginx
        self.url = nginx.url


@contextmanager
def running_stack(tmp_path: Path, database_url: str, redis_url: str) -> Iterator[Stack]:
    """Two instances of the example on one database and one Redis, nginx in front."""
    env = {"DATABASE_URL": database_url, "USERS_API_KEY": API_KEY}
    projects = [instance_project(tmp_path, name, redis_url) for name in ("a", "b")]
    with (
        live_server(projects[0], env=env, args=ARGS) as first,
        live_server(projects[1], env=env, args=ARGS) as second,
    ):
        ports = [int(url.rsplit(":", 1)[1]) for url in (first, second)]
        port = free_port()
        nginx = NginxServer(tmp_path / "nginx", nginx_http_block(port, ports), port)
        nginx.start()
        try:
            yield Stack([first, second], nginx)
        finally:
            nginx.stop()


@pytest.fixture(scope="module")
def services() -> Iterator[tuple[Any, RedisServer]]:
    """One real PostgreSQL server and one real redis-server for the module."""
    postgres = postgres_server_class()()
    redis = RedisServer()
    postgres.start()
    try:
        redis.start()
        yield postgres, redis
    finally:
        redis.stop()
        postgres.stop()


@pytest.fixture(scope="module")
def stack(
    services: tuple[Any, RedisServer], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    postgres, redis = services
    postgres.create_database("stack")
    with running_stack(
        tmp_path_factory.mktemp("stack"), postgres.url("stack"), redis.url
    ) as running:
        yield running


@pytest.fixture
def own_stack(services: tuple[Any, RedisServer], tmp_path: Path) -> Iterator[Stack]:
    """A stack for a test that stops one of its instances."""
    postgres, redis = services
    postgres.create_database("drained")
    with running_stack(tmp_path, postgres.url("drained"), redis.url) as running:
        yield running


def test_a_write_through_nginx_is_seen_by_every_instance(stack: Stack) -> None:
    created = httpx.post(
        f"{stack.url}/api/users",
        json={"name": "Ada", "email": "ada@example.com"},
        headers={"x-api-key": API_KEY},
    )
    assert created.status_code == 201
    user = created.json()
    for instance in stack.instances:
        seen = httpx.get(f"{instance}/api/users/{user['id']}")
        assert (seen.status_code, seen.json()) == (200, user)


def test_requests_are_spread_over_both_instances(stack: Stack) -> None:
    answers = [httpx.get(f"{stack.url}/api/probe") for _ in range(8)]
    assert {answer.status_code for answer in answers} == {200}
    # nginx's access log names the upstream that answered each request.
    log = (stack.nginx.prefix / "access.log").read_text().splitlines()
    upstreams = Counter(line.rsplit(" ", 1)[1] for line in log if "/api/probe" in line)
    assert set(upstreams) == {url.removeprefix("http://") for url in stack.instances}


def test_the_client_address_and_request_id_come_from_nginx(stack: Stack) -> None:
    answer = httpx.get(
        f"{stack.url}/api/probe", headers={"x-forwarded-for": "203.0.113.9"}
    )
    body = answer.json()
    # nginx appends the address it saw (127.0.0.1) to what the client sent; routetree
    # trusts 127.0.0.1 and takes the right-most address it does not trust.
    assert body["ip"] == "203.0.113.9"
    assert re.fullmatch(r"[0-9a-f]{32}", body["request_id"])  # nginx's $request_id
    assert answer.headers["x-request-id"] == body["request_id"]


@pytest.mark.parametrize("through", ["nginx", "instance"])
def test_an_event_stream_is_not_buffered_by_nginx(stack: Stack, through: str) -> None:
    url = stack.url if through == "nginx" else stack.instances[0]
    started = time.monotonic()
    arrivals: list[float] = []
    with httpx.stream("GET", f"{url}/api/probe?stream=1", timeout=10) as answer:
        assert answer.headers["content-type"] == "text/event-stream"
        for line in answer.iter_lines():
            if line.startswith("data: "):
                arrivals.append(time.monotonic() - started)
    assert len(arrivals) == 3, arrivals
    # Each event arrives when it is sent, half a second apart, not all at the end.
    assert arrivals[2] - arrivals[0] > 0.8, arrivals


def test_a_revalidation_through_nginx_reaches_every_instance(stack: Stack) -> None:
    first = [httpx.get(f"{instance}/api/clock").json() for instance in stack.instances]
    assert first[0] == first[1]  # one entry in the shared store, whoever rendered it
    again = [httpx.get(f"{instance}/api/clock") for instance in stack.instances]
    assert [answer.headers["x-routetree-cache"] for answer in again] == ["HIT", "HIT"]
    assert httpx.post(f"{stack.url}/api/clock/revalidate").status_code == 204
    fresh = [httpx.get(f"{instance}/api/clock").json() for instance in stack.instances]
    assert fresh[0] == fresh[1]
    assert fresh[0]["rendered"] > first[0]["rendered"]


def test_a_websocket_through_nginx_hears_posts_to_every_instance(stack: Stack) -> None:
    url = stack.url.replace("http://", "ws://", 1) + "/api/rooms/lobby"
    with connect(url, open_timeout=10) as socket:
        assert socket.recv(timeout=10) == "joined"
        for n, instance in enumerate(stack.instances):
            posted = httpx.post(f"{instance}/api/rooms/lobby", json={"n": n})
            assert posted.status_code == 200
            assert json.loads(socket.recv(timeout=10)) == {"n": n}


def test_sigterm_to_one_instance_under_load_fails_no_request(own_stack: Stack) -> None:
    stack = own_stack
    outcomes: Counter[str] = Counter()
    stop = threading.Event()

    def load() -> None:
        with httpx.Client(base_url=stack.url, timeout=10) as client:
            while not stop.is_set():
                try:
                    status = client.get("/api/users").status_code
                except httpx.HTTPError as exc:
                    outcomes[type(exc).__name__] += 1
                else:
                    outcomes[str(status)] += 1

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1)
        stopped = stack.instances[0].process
        stopped.send_signal(signal.SIGTERM)
        exit_code = stopped.wait(timeout=30)
        time.sleep(1)  # and the other instance alone carries on
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert exit_code == 0
    assert set(outcomes) == {"200"}, outcomes
    assert outcomes["200"] > 20
