"""Concurrency and faults (family I of the security cases) against real servers.

Clients that leave, slow readers, signals, a killed worker, time limits, load and a dev
reload, on the tree under ``tests/apps/security_faults/faults`` (the reload on a copy
made by ``make_project``). Tests that end their server (signals, a killed worker,
reloads) start one of their own; the rest share one.

Already tested through a real server in ``tests/server/test_serve.py``: one in-flight
request drains on SIGTERM (``test_single_process_start_drains_on_sigterm``) and an
endless stream ticking every 50 ms stops when its client leaves
(``test_endless_stream_stops_when_client_leaves``).
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import socket
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import orjson
import pytest

from routetree._server._serve import SERVERS
from routetree.testing import LiveServer, live_server
from tests.raw_http import RawResponse, dechunk, raw_request

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from tests.conftest import MakeProject

FAULTS = Path(__file__).parent.parent / "apps" / "security_faults" / "faults"
# routetree start's graceful shutdown timeout (uvicorn's timeout_graceful_shutdown).
GRACEFUL_TIMEOUT = 30.0
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(FAULTS) as url:
        yield url


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=10) as client:
        yield client


def connect(server: str) -> socket.socket:
    address = urlsplit(server)
    assert address.hostname is not None and address.port is not None
    return socket.create_connection((address.hostname, address.port), timeout=10)


def read_until(sock: socket.socket, marker: bytes) -> bytes:
    """Read from ``sock`` until ``marker`` has arrived; return everything read."""
    received = b""
    while marker not in received:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before {marker!r}: {received!r}"
        received += chunk
    return received


def read_to_end(sock: socket.socket) -> bytes:
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def open_stream(server: str, target: str) -> socket.socket:
    """Start GET ``target`` and read up to its first event."""
    sock = connect(server)
    sock.sendall(f"GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    assert read_until(sock, b"data: 0\n\n").startswith(b"HTTP/1.1 200 ")
    return sock


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll ``condition`` until true; return how long it took (at most ``timeout``)."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, f"no {what} after {timeout} s"
        time.sleep(0.02)
    return time.monotonic() - started


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND


def timed_get(server: str, target: str) -> tuple[RawResponse, float]:
    started = time.monotonic()
    answer = raw_request(server, "GET", target)
    return answer, time.monotonic() - started


def under_load(
    server: str, target: str, count: int
) -> tuple[list[tuple[RawResponse, float]], list[float]]:
    """Send ``count`` parallel GETs of ``target``; time /api/hello until they finish.

    Returns:
        Each answer with its duration, and the durations of the /api/hello requests
        sent one after another meanwhile.
    """
    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(timed_get, server, target) for _ in range(count)]
        time.sleep(0.2)  # let them all start
        hello: list[float] = []
        while not all(future.done() for future in futures):
            answer, elapsed = timed_get(server, "/api/hello")
            assert answer.status == 200
            hello.append(elapsed)
            time.sleep(0.02)
        return [future.result() for future in futures], hello


def worker_pids(supervisor: int) -> list[int]:
    """Process ids of the ``routetree._server._worker`` children of ``supervisor``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == supervisor and b"routetree._server._worker" in command:
            found.append(int(stat.parent.name))
    return sorted(found)


def pid_answering(server: str) -> int:
    answer = raw_request(server, "GET", "/api/pid")
    assert answer.status == 200
    pid: int = orjson.loads(answer.body)["pid"]
    return pid


def wait_for_answers_from(server: str, pids: set[int], timeout: float) -> None:
    """Send requests on new connections until each of ``pids`` has answered one."""
    seen: set[int] = set()

    def all_seen() -> bool:
        seen.add(pid_answering(server))
        return pids <= seen

    wait_for(all_seen, timeout, f"answers from each of {pids}")


# --- I5, part 1: an endless stream at SIGTERM -----------------------------------------
# Its server waits the whole graceful timeout: it runs while the other tests do, and
# test_sigterm_with_an_endless_stream_exits_after_the_graceful_timeout, last in this
# file, waits for what is left.


class StreamAtShutdown:
    """An open event stream at SIGTERM, watched by a thread until the server exits.

    Attributes:
        server: The server, signalled when the stream had sent its first event.
        signalled: When the signal was sent (``time.monotonic()``).
        received: What the stream sent after its first event, so far.
        closed: When the stream ended, once it has.
        exited: When the server process exited, once it has.
    """

    def __init__(self, server: LiveServer, stream: socket.socket) -> None:
        self.server = server
        self.signalled = time.monotonic()
        self.received = b""
        self.closed: float | None = None
        self.exited: float | None = None
        self._stream = stream
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        self._stream.settimeout(GRACEFUL_TIMEOUT + 15)
        with self._stream:
            try:
                while chunk := self._stream.recv(65536):
                    self.received += chunk
            except OSError:
                pass
        self.closed = time.monotonic()
        self.server.process.wait(GRACEFUL_TIMEOUT + 15)
        self.exited = time.monotonic()

    def join(self) -> None:
        self._watcher.join(GRACEFUL_TIMEOUT + 35)


@pytest.fixture(scope="module")
def stream_at_shutdown() -> Iterator[StreamAtShutdown]:
    with live_server(FAULTS) as server:
        stream = open_stream(server, "/api/sse?every=0.5")
        server.process.send_signal(signal.SIGTERM)
        shutdown = StreamAtShutdown(server, stream)
        yield shutdown
        shutdown.join()


def test_sigterm_keeps_an_open_stream_flowing_and_refuses_new_connections(
    stream_at_shutdown: StreamAtShutdown,
) -> None:
    wait_for(
        lambda: b"data: 2\n\n" in stream_at_shutdown.received, 5, "events after SIGTERM"
    )

    def refused() -> bool:
        try:
            connect(stream_at_shutdown.server).close()
        except ConnectionRefusedError:
            return True
        return False

    wait_for(refused, 5, "refused connection")


# --- I1-I3: clients that leave or read slowly ---------------------------------------


def test_client_leaving_mid_body_leaves_the_server_quiet_and_alive(
    server: LiveServer, http: httpx.Client
) -> None:
    mark = len(server.output)
    for _ in range(5):
        with connect(server) as sock:
            sock.sendall(
                b"POST /api/sink HTTP/1.1\r\nHost: localhost\r\n"
                b"Content-Length: 100000\r\n\r\n0123456789"
            )
    time.sleep(0.3)
    assert http.get("/api/hello").status_code == 200
    assert server.process.poll() is None
    assert "Traceback" not in server.output[mark:]


def test_stream_generator_finally_runs_within_a_second_of_the_client_leaving(
    server: LiveServer, http: httpx.Client, tmp_path: Path
) -> None:
    # The generator sleeps 5 s after its first event: its finally must not wait for
    # the next event to notice the client is gone.
    marker = tmp_path / "closed"
    mark = len(server.output)
    stream = open_stream(server, f"/api/sse?marker={marker}")
    stream.close()
    took = wait_for(marker.exists, 1.0, "finally")
    assert marker.read_text() == "closed", took
    assert http.get("/api/hello").status_code == 200
    assert "Traceback" not in server.output[mark:]


def test_slow_readers_of_a_200_mb_stream_keep_server_memory_bounded(
    server: LiveServer,
) -> None:
    pid = server.process.pid
    before = rss_bytes(pid)
    peak = before
    readers = []
    for accept_encoding in (b"identity", b"gzip"):
        sock = connect(server)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        sock.sendall(
            b"GET /api/big?type=text/plain HTTP/1.1\r\nHost: localhost\r\n"
            b"Accept-Encoding: " + accept_encoding + b"\r\n\r\n"
        )
        readers.append(sock)
    received = [0, 0]
    started = time.monotonic()
    with readers[0], readers[1]:
        while time.monotonic() - started < 3:  # about 100 KB/s each
            for index, sock in enumerate(readers):
                received[index] += len(sock.recv(10 * 1024))
            peak = max(peak, rss_bytes(pid))
            time.sleep(0.1)
    assert all(count > 100_000 for count in received), received
    assert peak - before < 20 * 1024 * 1024


@pytest.mark.parametrize("accept_encoding", ["identity", "gzip"])
def test_a_stream_stops_as_soon_as_its_reader_leaves(
    server: LiveServer, accept_encoding: str
) -> None:
    # /api/big never awaits anything of its own between chunks; once the reader is
    # gone, sending returns at once, and the stream must still stop, not run through
    # its 200 MB (gzipping them) with the event loop blocked.
    pid = server.process.pid
    with connect(server) as sock:
        sock.sendall(
            b"GET /api/big?type=text/plain HTTP/1.1\r\nHost: localhost\r\n"
            + f"Accept-Encoding: {accept_encoding}\r\n\r\n".encode()
        )
        read_until(sock, b"\r\n\r\n")
    cpu_before = cpu_seconds(pid)
    answer, elapsed = timed_get(server, "/api/hello")
    assert answer.status == 200
    assert elapsed < 0.5
    time.sleep(1)
    assert cpu_seconds(pid) - cpu_before < 0.5


def test_a_large_body_piped_back_to_a_slow_reader_arrives_whole(
    server: LiveServer,
) -> None:
    # /api/pipe streams request.stream() back. The client sends 8 MB and reads
    # nothing for a second, so sending the response waits and the disconnect watcher
    # reads the rest of the body meanwhile: the stream must still get all of it.
    body = bytes(range(256)) * (8_000_000 // 256)
    with connect(server) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        sender = threading.Thread(
            target=sock.sendall,
            args=(
                b"POST /api/pipe HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body,
            ),
        )
        sender.start()
        time.sleep(1)
        sock.settimeout(5)
        answer = RawResponse(read_to_end(sock))
        sender.join(5)
    assert answer.status == 200
    data, finished = dechunk(answer.body)
    assert finished
    assert data == body


# --- I8-I10: time limits and load ----------------------------------------------------


def test_max_duration_stops_async_handlers_at_one_second(
    server: LiveServer, tmp_path: Path
) -> None:
    markers = [tmp_path / f"m{n}" for n in range(20)]
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        results = list(
            pool.map(
                lambda marker: timed_get(server, f"/api/timeout-async?marker={marker}"),
                markers,
            )
        )
    for answer, elapsed in results:
        assert answer.status == 504
        assert 0.9 < elapsed < 2.5
    # Each handler was cancelled: its finally ran.
    wait_for(lambda: all(m.exists() for m in markers), 1.0, "finally of every handler")
    assert {m.read_text() for m in markers} == {"cancelled"}


def test_max_duration_answers_def_handlers_at_one_second_while_async_ones_run(
    server: LiveServer,
) -> None:
    # A thread cannot be stopped: each one sleeps its 3 s out, holding one of the 40
    # worker-thread tokens; the answer does not wait for it.
    results, hello = under_load(server, "/api/timeout-sync", 20)
    for answer, elapsed in results:
        assert answer.status == 504
        assert b"max_duration (1.0 s)" in answer.body
        assert 0.9 < elapsed < 2.5
    assert max(hello) < 0.2


def test_a_hundred_slow_requests_run_concurrently_and_hello_stays_fast(
    server: LiveServer,
) -> None:
    started = time.monotonic()
    results, hello = under_load(server, "/api/slow?s=1", 100)
    assert time.monotonic() - started < 3.5
    assert {answer.status for answer, _ in results} == {200}
    assert max(elapsed for _, elapsed in results) < 3
    hello.sort()
    assert hello[int(len(hello) * 0.99) - 1] < 0.2


# --- I4, I6, I7: signals and a killed worker -----------------------------------------


@pytest.mark.parametrize("server_name", SERVERS)
def test_sigterm_lets_ten_requests_in_flight_finish(server_name: str) -> None:
    with live_server(FAULTS, args=("--server", server_name)) as own:
        sockets = [connect(own) for _ in range(10)]
        for sock in sockets:
            sock.sendall(b"GET /api/slow?s=2 HTTP/1.1\r\nHost: localhost\r\n\r\n")
        time.sleep(0.5)  # all ten are being handled
        own.process.send_signal(signal.SIGTERM)
        answers = []
        for sock in sockets:
            with sock:
                answers.append(RawResponse(read_to_end(sock)))
        assert [answer.status for answer in answers] == [200] * 10
        # A drained server exits 0, as orchestrators expect of a clean stop.
        assert own.process.wait(5) == 0


@pytest.mark.parametrize("server_name", SERVERS)
def test_sigterm_with_only_idle_keep_alive_connections_exits_at_once(
    server_name: str,
) -> None:
    with live_server(FAULTS, args=("--server", server_name)) as own:
        clients = [httpx.Client(base_url=own, timeout=10) for _ in range(5)]
        for client in clients:
            assert client.get("/api/hello").status_code == 200
        started = time.monotonic()
        own.process.send_signal(signal.SIGTERM)
        assert own.process.wait(5) == 0
        assert time.monotonic() - started < 2
        for client in clients:
            client.close()


def test_a_killed_worker_is_replaced_and_requests_keep_succeeding() -> None:
    with live_server(FAULTS, args=("--workers", "2")) as own:
        supervisor = own.process.pid
        wait_for(lambda: len(worker_pids(supervisor)) == 2, 20, "two workers")
        spawned = time.monotonic()
        workers = worker_pids(supervisor)
        wait_for_answers_from(own, set(workers), 20)
        # The supervisor takes a worker dying within 2 s of its start for a project
        # that cannot start, and stops; this test is about a worker dying later.
        time.sleep(max(0.0, spawned + 2.5 - time.monotonic()))
        victim = workers[0]
        os.kill(victim, signal.SIGKILL)
        answers = [raw_request(own, "GET", "/api/pid") for _ in range(50)]
        assert [answer.status for answer in answers] == [200] * 50

        def replaced() -> bool:
            pids = worker_pids(supervisor)
            return len(pids) == 2 and victim not in pids

        wait_for(replaced, 10, "replacement worker")
        [newcomer] = set(worker_pids(supervisor)) - set(workers)
        wait_for_answers_from(own, {newcomer}, 20)
        assert f"Worker {victim} exited with -9; starting another" in own.output


# --- I15: a dev reload under load ----------------------------------------------------

GOOD_ROUTE = """
from routetree import Response


async def GET():
    return Response.json({"hello": "world"})
"""


def poll_outcome(client: httpx.Client) -> str:
    """GET /api/hello: "200", "500 with traceback", another answer, or "dropped"."""
    try:
        response = client.get("/api/hello")
    except httpx.TransportError as exc:
        return f"dropped: {exc!r}"
    if response.status_code == 200 and response.json() == {"hello": "world"}:
        return "200"
    if response.status_code == 500:
        details = response.json().get("exception") or {}
        if "SyntaxError" in details.get("traceback", ""):
            return "500 with traceback"
    return f"{response.status_code} {response.text[:100]}"


def test_dev_reload_under_load_answers_every_request(make_project: MakeProject) -> None:
    project = make_project({"app/api/hello/route.py": GOOD_ROUTE})
    route = project / "app" / "api" / "hello" / "route.py"
    outcomes: list[str] = []
    stop = threading.Event()

    def poll() -> None:
        with httpx.Client(base_url=own, timeout=10) as client:
            while not stop.is_set():
                outcomes.append(poll_outcome(client))

    with live_server(project, command="dev") as own:
        pollers = [threading.Thread(target=poll) for _ in range(10)]
        for poller in pollers:
            poller.start()
        try:
            wait_for(lambda: outcomes.count("200") >= 20, 10, "answers")
            route.write_text("def GET(:\n")
            wait_for(lambda: "500 with traceback" in outcomes, 15, "the error page")
            broken = len(outcomes)
            route.write_text(GOOD_ROUTE)
            wait_for(lambda: "200" in outcomes[broken:], 15, "answers after the fix")
            time.sleep(0.5)
        finally:
            stop.set()
            for poller in pollers:
                poller.join(15)
        assert own.process.poll() is None, own.output
    # A request that got no HTTP answer at all is one a reload dropped.
    dropped = [outcome for outcome in outcomes if outcome.startswith("dropped")]
    assert not dropped, (
        f"{len(dropped)} of {len(outcomes)} requests got no answer: "
        f"{sorted(set(dropped))}"
    )
    assert set(outcomes) == {"200", "500 with traceback"}


# --- I5, part 2 -----------------------------------------------------------------------


def test_sigterm_with_an_endless_stream_exits_after_the_graceful_timeout(
    stream_at_shutdown: StreamAtShutdown,
) -> None:
    # routetree start gives in-flight responses GRACEFUL_TIMEOUT seconds, then
    # cancels them and exits; the client sees its stream end.
    shutdown = stream_at_shutdown
    shutdown.join()
    assert shutdown.closed is not None and shutdown.exited is not None
    assert shutdown.server.process.returncode == 0
    closed = shutdown.closed - shutdown.signalled
    exited = shutdown.exited - shutdown.signalled
    assert GRACEFUL_TIMEOUT - 1 < closed < GRACEFUL_TIMEOUT + 5
    assert exited < GRACEFUL_TIMEOUT + 10
    # Events kept coming (one every 0.5 s) until the stream was cut.
    assert shutdown.received.count(b"data: ") > GRACEFUL_TIMEOUT
    assert "timeout graceful shutdown exceeded" in shutdown.server.output
