"""Hostile forms against a real server: bounded, answered quickly, never blocking.

``routetree start`` serves ``tests/apps/security_forms``. The server must go on
answering other requests while a large form is parsed.
"""

from __future__ import annotations

import concurrent.futures
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from routetree.testing import LiveServer, live_server

if TYPE_CHECKING:
    from collections.abc import Iterator

APP = Path(__file__).resolve().parent.parent / "apps" / "security_forms"
BOUNDARY = "----routetreeSecurity42"
MULTIPART = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
CLOSE = f"--{BOUNDARY}--\r\n".encode()


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(APP) as url:
        yield url


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as http:
        yield http


def _part(name: str, value: bytes, *, params: str = "", head: str = "") -> bytes:
    disposition = f'form-data; name="{name}"{params}'
    start = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n{head}\r\n"
    return start.encode() + value + b"\r\n"


# --- the event loop -------------------------------------------------------------------


def test_other_requests_are_answered_while_a_large_form_is_parsed(
    server: LiveServer, client: httpx.Client
) -> None:
    # 80,000 fields, about 9 MB: seconds of parsing, which once held up
    # every request.
    count, size = 80_000, 30
    body = b"".join(_part(f"f{i}", b"v" * size) for i in range(count)) + CLOSE
    assert 8_000_000 < len(body) < 10 * 1024 * 1024

    def post() -> tuple[httpx.Response, float]:
        with httpx.Client(base_url=server, timeout=30) as http:
            response = http.post("/api/many", content=body, headers=MULTIPART)
        return response, time.perf_counter()

    hellos: list[tuple[float, float]] = []  # (started, latency)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        posted = pool.submit(post)
        while not posted.done():
            started = time.perf_counter()
            hello = client.get("/api/hello")
            hellos.append((started, time.perf_counter() - started))
            assert hello.json() == {"message": "Hello World"}
            time.sleep(0.02)
        response, answered = posted.result()

    assert response.status_code == 200
    assert response.json() == {"fields": count, "bytes": count * size}
    during = [latency for started, latency in hellos if started < answered]
    assert max(during) < 0.5, sorted(during)[-5:]
    # The POST took long enough for the comparison to mean something.
    assert len(during) >= 10
