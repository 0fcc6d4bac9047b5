"""Slow and oversized clients against a real ``routetree start``, under every server.

Every test runs under uvicorn with ``--http httptools`` and with ``--http h11``, and
most under ``--server granian`` too, where the same answers come from granian's HTTP/1
settings and routetree's ASGI wrapper (`routetree._server._limits._granian`). What
hyper (granian's HTTP parser) does itself instead is tested as such, under granian
only: the tests named ``..._under_granian``. The project in ``tests/apps/limits`` sets
a header and body timeout of 1 s and a keep-alive timeout of 2 s (``/api/late`` waits
2 s before it reads the body); the size, count and pipelining limits are the defaults
(16 KiB, 100 headers, 16 pipelined requests). Clients are raw sockets on 127.0.0.1, so
that nothing rewrites or spaces out the bytes; each test bounds its own time.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import re
import resource
import select
import signal
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import orjson
import pytest

from routetree.testing import LiveServer, live_server
from tests.raw_http import RawResponse

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import MakeProject

LIMITS = Path(__file__).parent.parent / "apps" / "limits"
PARSERS = ("httptools", "h11")
# The `routetree start` arguments of each server under test, by test id.
SERVER_ARGS = {
    "httptools": ("--http", "httptools"),
    "h11": ("--http", "h11"),
    "granian": ("--server", "granian"),
}
HEADER_TIMEOUT = BODY_TIMEOUT = 1.0  # tests/apps/limits/routetree.toml
KEEP_ALIVE_TIMEOUT = 2.0
MAX_HEADER_SIZE = 16 * 1024  # the defaults
MAX_HEADERS = 100
MAX_PIPELINED = 16

GET_HELLO = b"GET /api/hello HTTP/1.1\r\nHost: test\r\n\r\n"


@pytest.fixture(scope="module", params=list(SERVER_ARGS))
def server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """``tests/apps/limits`` under uvicorn (either parser) and under granian."""
    with live_server(LIMITS, args=SERVER_ARGS[request.param]) as url:
        yield url


@pytest.fixture(scope="module", params=PARSERS)
def uvicorn_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """``tests/apps/limits`` under uvicorn, for what only its protocols do."""
    with live_server(LIMITS, args=SERVER_ARGS[request.param]) as url:
        yield url


@pytest.fixture(scope="module")
def granian_server() -> Iterator[LiveServer]:
    """``tests/apps/limits`` under granian, for what hyper does there itself."""
    with live_server(LIMITS, args=SERVER_ARGS["granian"]) as url:
        yield url


@pytest.fixture(params=list(SERVER_ARGS))
def server_args(request: pytest.FixtureRequest) -> tuple[str, ...]:
    """For a test that starts its own server(s): the arguments of each server."""
    return SERVER_ARGS[request.param]


@pytest.fixture(params=PARSERS)
def parser(request: pytest.FixtureRequest) -> str:
    """For a test that starts its own uvicorn server(s)."""
    name: str = request.param
    return name


def _is_granian(server: LiveServer) -> bool:
    args = server.process.args
    assert isinstance(args, list)
    return "granian" in args


def _connect(url: str) -> socket.socket:
    address = urlsplit(url)
    assert address.hostname is not None and address.port is not None
    return socket.create_connection((address.hostname, address.port), timeout=10)


def _answered(sock: socket.socket) -> bool:
    """Whether the server has sent something, or closed, on ``sock``."""
    return bool(select.select([sock], [], [], 0)[0])


def _send_in_parts(sock: socket.socket, parts: list[bytes], pause: float) -> None:
    """Send ``parts`` ``pause`` s apart; stop once the server answers or closes."""
    for index, part in enumerate(parts):
        if _answered(sock):
            return
        try:
            sock.sendall(part)
        except OSError:  # the server closed: what it said is read next
            return
        if pause and index < len(parts) - 1:
            time.sleep(pause)


def _read_all(sock: socket.socket, timeout: float) -> bytes:
    """What the server sends until it closes (a reset ends it too)."""
    sock.settimeout(timeout)
    chunks = []
    with contextlib.suppress(ConnectionResetError):
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _exchange(url: str, data: bytes, *, parts: int = 1, pause: float = 0.0) -> bytes:
    """Send ``data`` in ``parts`` writes; return everything the server answered."""
    size = -(-len(data) // parts)
    with _connect(url) as sock:
        _send_in_parts(
            sock, [data[i : i + size] for i in range(0, len(data), size)], pause
        )
        return _read_all(sock, timeout=10)


def _assert_error(data: bytes, status: int, error: str) -> RawResponse:
    response = RawResponse(data)
    assert response.status == status, data[:300]
    assert response.header("connection") == "close"
    assert response.header("content-type") == "application/json"
    body = orjson.loads(response.body)
    assert body["error"] == error
    assert isinstance(body["detail"], str)
    return response


def _assert_refused_by_hyper(data: bytes) -> None:
    """hyper's own 431 under granian: the status and the close, no body."""
    response = RawResponse(data)
    assert response.status == 431, data[:300]
    assert response.header("connection") == "close"
    assert response.header("content-length") == "0"


def _assert_serves(url: str) -> None:
    with httpx.Client(base_url=url, timeout=10) as client:
        response = client.get("/api/hello")
    assert response.status_code == 200
    assert response.json() == {"message": "Hello World"}


def _head(size: int, *, close: bool = False) -> bytes:
    """A GET whose request line and headers are exactly ``size`` bytes, as sent."""
    start = b"GET /api/hello HTTP/1.1\r\nHost: test\r\n"
    if close:
        start += b"Connection: close\r\n"
    start += b"X-Pad: "
    return start + b"a" * (size - len(start) - 4) + b"\r\n\r\n"


def _with_headers(count: int) -> bytes:
    """A GET with ``count`` header lines (Host among them)."""
    lines = b"".join(b"X-%d: 1\r\n" % i for i in range(count - 1))
    return b"GET /api/hello HTTP/1.1\r\nHost: test\r\n" + lines + b"\r\n"


def _memory_kb(pid: int, field: str = "VmHWM") -> int:
    """The server's peak (VmHWM) or current (VmRSS) resident memory, in kB."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    assert found is not None, status
    return int(found.group(1))


# --- header timeout -------------------------------------------------------------------


def _trickle_a_head(server: LiveServer) -> tuple[bytes, float]:
    """Send a head a byte every 50 ms, never ending it; the answer and its time."""
    started = time.monotonic()
    with _connect(server) as sock:
        sock.sendall(b"GET /api/hello HTTP/1.1\r\n")
        trickle = b"X-Slow: never-ending\r\n" * 10  # the blank line never comes
        _send_in_parts(sock, [bytes([byte]) for byte in trickle], pause=0.05)
        data = _read_all(sock, timeout=5)
    return data, time.monotonic() - started


def test_headers_trickled_a_byte_at_a_time_get_408(uvicorn_server: LiveServer) -> None:
    data, elapsed = _trickle_a_head(uvicorn_server)
    assert HEADER_TIMEOUT - 0.1 < elapsed < HEADER_TIMEOUT + 1
    _assert_error(data, 408, "Request Timeout")
    _assert_serves(uvicorn_server)


def test_headers_trickled_are_cut_off_without_408_under_granian(
    granian_server: LiveServer,
) -> None:
    # hyper's header read timeout closes the connection and answers nothing.
    data, elapsed = _trickle_a_head(granian_server)
    assert HEADER_TIMEOUT - 0.1 < elapsed < HEADER_TIMEOUT + 1
    assert data == b""
    _assert_serves(granian_server)


def test_connection_that_sends_nothing_is_closed_silently(server: LiveServer) -> None:
    started = time.monotonic()
    with _connect(server) as sock:
        data = _read_all(sock, timeout=5)
    assert data == b""
    assert HEADER_TIMEOUT - 0.1 < time.monotonic() - started < HEADER_TIMEOUT + 1


def test_idle_keep_alive_connection_is_closed_silently(server: LiveServer) -> None:
    with _connect(server) as sock:
        sock.sendall(GET_HELLO)
        answer = b""
        while not answer.endswith(b'{"message":"Hello World"}'):
            answer += sock.recv(65536)
        answered = time.monotonic()
        rest = _read_all(sock, timeout=5)
    assert rest == b""
    # uvicorn: the header timeout (1 s) does not apply between requests, only the
    # keep-alive timeout (2 s). granian: hyper's header read timeout runs from the
    # end of the answer, and closes the idle connection first.
    idle = HEADER_TIMEOUT if _is_granian(server) else KEEP_ALIVE_TIMEOUT
    assert idle - 0.2 < time.monotonic() - answered < idle + 1


def test_slow_header_connections_do_not_lock_out_a_fresh_client(
    server_args: tuple[str, ...],
) -> None:
    """Slowloris: 200 clients never finishing their headers, 100 descriptors free."""
    with live_server(LIMITS, args=server_args) as server:
        pid = server.process.pid
        in_use = len(os.listdir(f"/proc/{pid}/fd"))
        limit = in_use + 100
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (limit, limit))
        with contextlib.ExitStack() as stack:
            slow = []
            for _ in range(200):
                sock = stack.enter_context(_connect(server))
                sock.sendall(b"GET /api/hello HTTP/1.1\r\nHost: test\r\n")
                slow.append(sock)
            keep_on_until = time.monotonic() + HEADER_TIMEOUT + 1
            while time.monotonic() < keep_on_until:
                for sock in slow:
                    with contextlib.suppress(OSError):
                        sock.send(b"X")
                time.sleep(0.25)
            _assert_serves(server)


def test_websocket_upgrade_is_handed_over_and_refused(server: LiveServer) -> None:
    # The head goes through the subclass's slicing, then uvicorn's WebSocket protocol
    # takes the connection over, and routetree answers the upgrade: /api/hello has no
    # WEBSOCKET, so 405 with its Allow (docs/websockets.md).
    data = _exchange(
        server,
        b"GET /api/hello HTTP/1.1\r\nHost: test\r\nConnection: Upgrade\r\n"
        b"Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    )
    answer = RawResponse(data)
    assert (answer.status, answer.header("allow")) == (405, "GET, HEAD, OPTIONS")


# --- body timeout ---------------------------------------------------------------------


def test_body_that_stops_gets_408_and_the_handler_is_released(
    server: LiveServer, tmp_path: Path
) -> None:
    marker = tmp_path / "marker"
    head = (
        f"POST /api/echo?marker={marker} HTTP/1.1\r\nHost: test\r\n"
        "Content-Length: 1000\r\n\r\n"
    ).encode()
    started = time.monotonic()
    data = _exchange(server, head + b"x" * 10)
    assert BODY_TIMEOUT - 0.1 < time.monotonic() - started < BODY_TIMEOUT + 1
    _assert_error(data, 408, "Request Timeout")
    deadline = time.monotonic() + 5
    while not marker.exists():
        assert time.monotonic() < deadline, "the handler never returned"
        time.sleep(0.02)
    # Its pending receive() got http.disconnect, which routetree raises as this:
    assert marker.read_text() == "ClientDisconnectedError"
    _assert_serves(server)


def test_bodies_stalled_at_different_times_each_get_their_408(
    server: LiveServer,
) -> None:
    # Under granian one timer serves every waiting body: each still gets its own.
    head = b"POST /api/echo HTTP/1.1\r\nHost: test\r\nContent-Length: 9\r\n\r\n"

    def stall(delay: float) -> tuple[bytes, float]:
        time.sleep(delay)
        started = time.monotonic()
        data = _exchange(server, head + b"x")
        return data, time.monotonic() - started

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        results = list(pool.map(stall, [0.0, 0.3, 0.6]))
    for data, elapsed in results:
        assert BODY_TIMEOUT - 0.1 < elapsed < BODY_TIMEOUT + 1
        _assert_error(data, 408, "Request Timeout")


STREAMING_UPLOAD = """
from routetree import Response


async def POST(request):
    async def lines():
        yield b"start\\n"
        async for chunk in request.stream():
            yield b"got %d\\n" % len(chunk)
        yield b"end\\n"

    return Response(lines())
"""


def test_body_that_stops_after_the_response_started_ends_in_a_close(
    make_project: MakeProject, server_args: tuple[str, ...]
) -> None:
    project = make_project(
        {
            "routetree.toml": "[server]\nbody_timeout = 1\n",
            "app/api/up/route.py": STREAMING_UPLOAD,
        }
    )
    head = b"POST /api/up HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n"
    with live_server(project, args=server_args) as server:
        started = time.monotonic()
        data = _exchange(server, head + b"xxxx")
        assert BODY_TIMEOUT - 0.1 < time.monotonic() - started < BODY_TIMEOUT + 1
    # The 200 went out; the connection closes without the body's last chunk.
    response = RawResponse(data)
    assert response.status == 200
    assert response.header("transfer-encoding") == "chunked"
    assert b"got 4" in response.body
    assert not response.body.endswith(b"0\r\n\r\n")


def test_body_timeout_is_reset_by_every_byte(server: LiveServer) -> None:
    head = b"POST /api/echo HTTP/1.1\r\nHost: test\r\nContent-Length: 8\r\n"
    head += b"Connection: close\r\n\r\n"
    started = time.monotonic()
    with _connect(server) as sock:
        _send_in_parts(sock, [head, *(bytes([b]) for b in b"12345678")], pause=0.3)
        data = _read_all(sock, timeout=5)
    assert time.monotonic() - started > 2 * BODY_TIMEOUT  # longer than it, in all
    response = RawResponse(data)
    assert response.status == 200
    assert orjson.loads(response.body) == {"length": 8}


def test_body_the_server_holds_back_is_not_timed_out(server: LiveServer) -> None:
    # /api/late reads nothing for 2 s; past 64 KiB unread, the server stops reading.
    body = b"x" * (1024 * 1024)
    head = b"POST /api/late HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
    data = _exchange(server, head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
    response = RawResponse(data)
    assert response.status == 200
    assert orjson.loads(response.body) == {"length": len(body)}


def test_body_timeout_waits_for_100_continue(server: LiveServer) -> None:
    head = b"POST /api/late HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
    head += b"Expect: 100-continue\r\nContent-Length: 5\r\n\r\n"
    with _connect(server) as sock:
        sock.sendall(head)
        interim = b""
        while not interim.endswith(b"\r\n\r\n"):  # sent when the handler reads
            interim += sock.recv(1)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"hello")
        data = _read_all(sock, timeout=5)
    response = RawResponse(data)
    assert response.status == 200
    assert orjson.loads(response.body) == {"length": 5}


# --- head size and header count -------------------------------------------------------

BIG_HEAD = _head(64 * 1024)


@pytest.mark.parametrize(
    ("parts", "pause"),
    [(1, 0.0), (4, 0.02), (len(BIG_HEAD), 0.0)],
    ids=["one write", "four writes 20 ms apart", "byte by byte"],
)
def test_64_kb_head_gets_431_however_it_is_split(
    server: LiveServer, parts: int, pause: float
) -> None:
    data = _exchange(server, BIG_HEAD, parts=parts, pause=pause)
    _assert_error(data, 431, "Request Header Fields Too Large")
    _assert_serves(server)


@pytest.mark.parametrize("parts", [1, MAX_HEADER_SIZE], ids=["one write", "bytewise"])
@pytest.mark.parametrize(
    ("size", "status"),
    [(MAX_HEADER_SIZE, 200), (MAX_HEADER_SIZE + 1, 431)],
    ids=["at the limit", "one byte over"],
)
def test_head_size_limit_is_exact(
    server: LiveServer, parts: int, size: int, status: int
) -> None:
    head = _head(size, close=True)
    assert len(head) == size
    data = _exchange(server, head, parts=parts)
    assert RawResponse(data).status == status


def test_one_megabyte_head_is_refused_at_once(server: LiveServer) -> None:
    started = time.monotonic()
    data = _exchange(server, _head(1024 * 1024))
    assert time.monotonic() - started < 2
    # 431, or closed before the client could read it: never served. Under granian
    # the head outgrows hyper's read buffer (64 KiB here), and hyper answers.
    if data and _is_granian(server):
        _assert_refused_by_hyper(data)
    elif data:
        _assert_error(data, 431, "Request Header Fields Too Large")
    _assert_serves(server)


def test_five_thousand_headers_get_431(uvicorn_server: LiveServer) -> None:
    data = _exchange(uvicorn_server, _with_headers(5000))
    _assert_error(data, 431, "Request Header Fields Too Large")
    _assert_serves(uvicorn_server)


@pytest.mark.parametrize("count", [MAX_HEADERS + 1, 5000])
def test_over_100_headers_get_hypers_own_431_under_granian(
    granian_server: LiveServer, count: int
) -> None:
    # hyper stops at 100 header lines, before routetree sees the request.
    _assert_refused_by_hyper(_exchange(granian_server, _with_headers(count)))
    _assert_serves(granian_server)


@pytest.mark.parametrize("parts", [1, 10_000], ids=["one write", "bytewise"])
@pytest.mark.parametrize(
    ("count", "status"),
    [(MAX_HEADERS, 200), (MAX_HEADERS + 1, 431)],
    ids=["at the limit", "one over"],
)
def test_header_count_limit_is_exact(
    server: LiveServer, parts: int, count: int, status: int
) -> None:
    head = _with_headers(count).replace(b"X-0: 1", b"Connection: close")
    data = _exchange(server, head, parts=min(parts, len(head)))
    assert RawResponse(data).status == status
    if status == 431 and not _is_granian(server):  # granian: hyper's 431, above
        assert b"more than 100 header lines" in data


@pytest.mark.parametrize(
    ("count", "status"), [(20, 200), (21, 431)], ids=["at the limit", "one over"]
)
def test_a_lower_header_count_limit_is_exact(
    make_project: MakeProject, server_args: tuple[str, ...], count: int, status: int
) -> None:
    # Under 100 lines, granian's requests reach routetree's wrapper, which answers.
    project = make_project(
        {
            "routetree.toml": "[server]\nmax_headers = 20\n",
            "app/api/hello/route.py": (LIMITS / "app/api/hello/route.py").read_text(),
        }
    )
    head = _with_headers(count).replace(b"X-0: 1", b"Connection: close")
    with live_server(project, args=server_args) as server:
        data = _exchange(server, head)
    if status == 200:
        assert RawResponse(data).status == 200
    else:
        _assert_error(data, 431, "Request Header Fields Too Large")
        assert b"more than 20 header lines" in data


# --- pipelining -----------------------------------------------------------------------


def test_pipelined_requests_up_to_the_limit_are_all_answered(
    server: LiveServer,
) -> None:
    last = GET_HELLO.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")
    data = _exchange(server, GET_HELLO * MAX_PIPELINED + last)
    assert data.count(b"HTTP/1.1 200 OK\r\n") == MAX_PIPELINED + 1
    assert data.endswith(b'{"message":"Hello World"}')


def test_100_000_pipelined_requests_cost_bounded_memory(
    uvicorn_server: LiveServer,
) -> None:
    pid = uvicorn_server.process.pid
    before = _memory_kb(pid, "VmRSS")
    started = time.monotonic()
    with _connect(uvicorn_server) as sock:
        with contextlib.suppress(OSError):
            sock.sendall(GET_HELLO * 100_000)
        data = _read_all(sock, timeout=10)
    assert time.monotonic() - started < 10
    # The ones read before the limit are answered, then the connection is closed
    # (with unread bytes: a reset, which may cost the client some of the answers).
    assert data.count(b"HTTP/1.1 200 OK\r\n") <= MAX_PIPELINED + 1
    assert _memory_kb(pid) - before < 50 * 1024
    _assert_serves(uvicorn_server)


def test_pipelined_requests_are_all_answered_in_bounded_memory_under_granian(
    granian_server: LiveServer,
) -> None:
    # No max_pipelined under granian: hyper reads at most its buffer ahead and
    # answers one request at a time, so memory is bounded, not the count.
    pid = granian_server.process.pid
    before = _memory_kb(pid, "VmRSS")
    last = GET_HELLO.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")
    with _connect(granian_server) as sock:
        sock.sendall(GET_HELLO * 19_999 + last)
        data = _read_all(sock, timeout=30)
    assert data.count(b"HTTP/1.1 200 OK\r\n") == 20_000
    assert _memory_kb(pid) - before < 50 * 1024
    _assert_serves(granian_server)


# --- concurrency, shutdown, defaults, dev and workers ---------------------------------

SLOW_ROUTE = """
import asyncio

from routetree import Response


async def GET():
    await asyncio.sleep(1.5)
    return Response("done")
"""


def test_limit_concurrency_answers_503_at_once(
    make_project: MakeProject, server_args: tuple[str, ...]
) -> None:
    project = make_project(
        {
            "routetree.toml": "[server]\nlimit_concurrency = 2\n",
            "app/api/slow/route.py": SLOW_ROUTE,
        }
    )

    def get(url: str) -> tuple[int, float, bytes]:
        started = time.monotonic()
        response = httpx.get(url, timeout=10)
        return response.status_code, time.monotonic() - started, response.content

    with (
        live_server(project, args=server_args) as server,
        concurrent.futures.ThreadPoolExecutor(3) as pool,
    ):
        results = sorted(pool.map(get, [f"{server}/api/slow"] * 3))
    assert [status for status, _, _ in results] == [200, 200, 503]
    _, elapsed, body = results[2]
    assert elapsed < 1
    assert orjson.loads(body)["error"] == "Service Unavailable"


def test_shutdown_timeout_cuts_off_requests_still_running(
    make_project: MakeProject, server_args: tuple[str, ...]
) -> None:
    project = make_project(
        {
            "routetree.toml": "[server]\nshutdown_timeout = 0.2\n",
            "app/api/slow/route.py": SLOW_ROUTE.replace("1.5", "5"),
        }
    )
    with (
        live_server(project, args=server_args) as server,
        concurrent.futures.ThreadPoolExecutor(1) as pool,
    ):
        in_flight = pool.submit(httpx.get, f"{server}/api/slow", timeout=10)
        time.sleep(0.3)
        stopped = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        # Rounded up to 1 s, then the lifespan shutdown; well before the 5 s request.
        assert server.process.wait(timeout=10) in (0, -signal.SIGTERM)
        assert time.monotonic() - stopped < 4
        # Cancelled: a 500, or the connection closed before it could be sent.
        try:
            status = in_flight.result(timeout=10).status_code
        except httpx.TransportError:
            status = None
        assert status in (500, None)


def test_default_limits_apply_without_a_config(
    make_project: MakeProject, server_args: tuple[str, ...]
) -> None:
    project = make_project(
        {"app/api/hello/route.py": (LIMITS / "app/api/hello/route.py").read_text()}
    )
    with live_server(project, args=server_args) as server:
        data = _exchange(server, _with_headers(5000))
        if _is_granian(server):
            _assert_refused_by_hyper(data)
        else:
            _assert_error(data, 431, "Request Header Fields Too Large")
        _assert_error(
            _exchange(server, _head(17 * 1024)), 431, "Request Header Fields Too Large"
        )
        data = _exchange(server, _head(15 * 1024, close=True))
        assert RawResponse(data).status == 200


@pytest.mark.parametrize(
    "args",
    [("dev",), ("start", "--workers", "2")],
    ids=["dev", "start --workers 2"],
)
def test_limits_apply_in_dev_and_in_workers(args: tuple[str, ...], parser: str) -> None:
    command, *rest = args
    with live_server(LIMITS, command=command, args=(*rest, "--http", parser)) as server:
        _assert_serves(server)  # the worker is up
        started = time.monotonic()
        data = _exchange(server, b"GET /api/hello HTTP/1.1\r\nHost: test\r\n")
        assert time.monotonic() - started < HEADER_TIMEOUT + 1
        _assert_error(data, 408, "Request Timeout")
        _assert_error(
            _exchange(server, _with_headers(5000)),
            431,
            "Request Header Fields Too Large",
        )


def test_limits_apply_in_granian_workers() -> None:
    args = ("--workers", "2", *SERVER_ARGS["granian"])
    with live_server(LIMITS, args=args) as server:
        _assert_serves(server)  # the worker is up
        head = b"POST /api/echo HTTP/1.1\r\nHost: test\r\nContent-Length: 9\r\n\r\n"
        _assert_error(_exchange(server, head + b"x"), 408, "Request Timeout")
        _assert_error(
            _exchange(server, _head(17 * 1024)), 431, "Request Header Fields Too Large"
        )
