"""The whole stack on one machine: nginx in front of two routetree instances.

Two copies of ``examples/users`` run ``routetree start --workers 2`` on free ports with
one database between them; nginx (Debian's), configured with the block of
docs/deployment.md, balances over both. The tests drive the example through nginx
as clients would: writes seen by every instance, the client's address and request id
passed on, a server-sent event stream that is not buffered, and one instance
SIGTERMed under load with no request failing.
"""

from __future__ import annotations

import re
import shutil
import signal
import threading
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from routetree.testing import LiveServer, live_server
from tests.cache.redis_server import free_port
from tests.docs_blocks import DocsPage
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
# A route the example does not have, to see the client's address, request id and an
# event stream through the proxy.
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


def nginx_http_block(listen: int, upstreams: list[int]) -> str:
    """The page's nginx block with this test's ports."""
    text = PAGE.block("nginx.conf").source
    servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+;$", text, re.MULTILINE)
    assert len(servers) == len(upstreams) == 2, servers
    for line, port in zip(servers, upstreams, strict=True):
        text = text.replace(line, re.sub(r":\d+;", f":{port};", line), 1)
    return text.replace("listen 80;", f"listen 127.0.0.1:{listen};")


def instance_project(tmp_path: Path, name: str) -> Path:
    project = tmp_path / name
    shutil.copytree(
        EXAMPLE, project, ignore=shutil.ignore_patterns("*.db", "__pycache__", "tests")
    )
    toml = project / "routetree.toml"
    # First: the example's file ends in a [cors] table, which would take top-level keys.
    toml.write_text(STACK_CONFIG + "\n" + toml.read_text())
    probe = project / "app" / "api" / "probe" / "route.py"
    probe.parent.mkdir(parents=True)
    probe.write_text(PROBE_ROUTE)
    return project


class Stack:
    """Two instances and nginx in front."""

    def __init__(self, instances: list[LiveServer], nginx: NginxServer) -> None:
        self.instances = instances
        self.nginx = nginx
        self.url = nginx.url


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'users.db'}",
        "USERS_API_KEY": API_KEY,
    }
    projects = [instance_project(tmp_path, name) for name in ("a", "b")]
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


def test_sigterm_to_one_instance_under_load_fails_no_request(stack: Stack) -> None:
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
