"""SIGTERM and SIGINT on a real ``routetree start``: the drain, under both servers.

Each test starts its own server (a signal ends it), with one process or with
``--workers 2``, on uvicorn and on granian: the readiness endpoint turns 503 for
``shutdown_delay`` while everything else is served, then in-flight requests finish
(or are cut after ``shutdown_timeout``), ``after()`` work and ``shutdown()`` run, and
the process exits 0.
"""

from __future__ import annotations

import concurrent.futures
import signal
import time
from typing import TYPE_CHECKING

import httpx
import pytest

from routetree._server._serve import SERVERS
from routetree.testing import LiveServer, live_server

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import MakeProject

# A slow route whose after() work and the project's shutdown() leave a line each in
# files beside the project, so a test can see that they ran (once per worker).
PROJECT = {
    "app/api/slow/route.py": """
        import asyncio
        import os
        from pathlib import Path

        from routetree import Response, after

        def note(line):
            with open(Path(__file__).parents[3] / "after.log", "a") as log:
                log.write(line + "\\n")

        async def GET(request):
            await asyncio.sleep(float(request.url.search_params.get("s", "1.5")))
            after(note, f"after {os.getpid()}")
            return Response(str(os.getpid()))
        """,
    "app/api/hello/route.py": """
        from routetree import Response

        def GET():
            return Response("hello")
        """,
    "instrumentation.py": """
        import os
        from pathlib import Path

        def shutdown():
            with open(Path(__file__).parent / "shutdown.log", "a") as log:
                log.write(f"shutdown {os.getpid()}\\n")
        """,
}

CONFIG = """
health = {{ live = "/livez", ready = "/readyz" }}

[server]
shutdown_delay = {delay}
shutdown_timeout = {timeout}
"""

WORKERS = {"1 process": (), "2 workers": ("--workers", "2")}


def _project(make_project: MakeProject, *, delay: float, timeout: float) -> Path:
    return make_project(
        {**PROJECT, "routetree.toml": CONFIG.format(delay=delay, timeout=timeout)}
    )


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def _wait_for_workers(server: LiveServer, count: int) -> None:
    """Wait until ``count`` different processes have answered."""
    seen: set[str] = set()
    deadline = time.monotonic() + 30
    while len(seen) < count:
        assert time.monotonic() < deadline, server.output
        seen.add(httpx.get(f"{server}/api/slow?s=0", timeout=10).text)


@pytest.fixture(params=SERVERS)
def server_name(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(params=sorted(WORKERS))
def workers(request: pytest.FixtureRequest) -> tuple[str, ...]:
    return WORKERS[request.param]


def test_in_flight_request_finishes_then_after_and_shutdown_run_and_exit_is_0(
    make_project: MakeProject, server_name: str, workers: tuple[str, ...]
) -> None:
    project = _project(make_project, delay=0, timeout=30)
    with live_server(project, args=("--server", server_name, *workers)) as server:
        count = 2 if workers else 1
        _wait_for_workers(server, count)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            in_flight = pool.submit(httpx.get, f"{server}/api/slow", timeout=15)
            time.sleep(0.5)
            server.process.send_signal(signal.SIGTERM)
            answer = in_flight.result(timeout=15)
        assert server.process.wait(timeout=20) == 0, server.output
    assert answer.status_code == 200
    assert f"after {answer.text}" in _lines(project / "after.log")
    shutdowns = _lines(project / "shutdown.log")
    assert len(shutdowns) == count, shutdowns  # once in each worker process
    assert f"shutdown {answer.text}" in shutdowns


def test_readiness_is_503_during_shutdown_delay_while_the_rest_is_served(
    make_project: MakeProject, server_name: str, workers: tuple[str, ...]
) -> None:
    project = _project(make_project, delay=2, timeout=30)
    with live_server(project, args=("--server", server_name, *workers)) as server:
        _wait_for_workers(server, 2 if workers else 1)
        before = httpx.get(f"{server}/readyz", timeout=5)
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        # New connections each time: with two workers, either may answer.
        ready = [httpx.get(f"{server}/readyz", timeout=5) for _ in range(4)]
        live = [httpx.get(f"{server}/livez", timeout=5) for _ in range(4)]
        hello = httpx.get(f"{server}/api/hello", timeout=5)
        assert time.monotonic() - signalled < 1.8  # all within the delay
        assert server.process.wait(timeout=20) == 0, server.output
        exited = time.monotonic() - signalled
    assert (before.status_code, before.json()) == (200, {"status": "ok"})
    assert [(r.status_code, r.json()) for r in ready] == [
        (503, {"status": "shutting down"})
    ] * 4
    assert [(r.status_code, r.json()) for r in live] == [(200, {"status": "ok"})] * 4
    assert (hello.status_code, hello.text) == (200, "hello")
    assert 2 <= exited < 10
    assert len(_lines(project / "shutdown.log")) == (2 if workers else 1)


def test_new_connections_are_refused_after_the_delay(
    make_project: MakeProject, server_name: str
) -> None:
    project = _project(make_project, delay=0.5, timeout=30)
    with live_server(project, args=("--server", server_name)) as server:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            in_flight = pool.submit(httpx.get, f"{server}/api/slow?s=3", timeout=15)
            time.sleep(0.3)
            server.process.send_signal(signal.SIGTERM)
            time.sleep(1.2)
            with pytest.raises(httpx.ConnectError):
                httpx.get(f"{server}/livez", timeout=5)
            assert in_flight.result(timeout=15).status_code == 200
        assert server.process.wait(timeout=20) == 0, server.output


def test_request_past_shutdown_timeout_is_cut_and_exit_is_still_0(
    make_project: MakeProject, server_name: str, workers: tuple[str, ...]
) -> None:
    project = _project(make_project, delay=0, timeout=1)
    with live_server(project, args=("--server", server_name, *workers)) as server:
        _wait_for_workers(server, 2 if workers else 1)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            in_flight = pool.submit(httpx.get, f"{server}/api/slow?s=60", timeout=30)
            time.sleep(0.5)
            noted = _lines(project / "after.log")  # by the requests that found workers
            signalled = time.monotonic()
            server.process.send_signal(signal.SIGTERM)
            try:
                outcome = str(in_flight.result(timeout=30).status_code)
            except httpx.TransportError as exc:
                outcome = type(exc).__name__
            cut = time.monotonic() - signalled
        assert server.process.wait(timeout=20) == 0, server.output
        exited = time.monotonic() - signalled
    # The response had not started: the server answers 500 for it.
    assert outcome == "500"
    assert 0.9 < cut < 5
    assert exited < 10
    assert _lines(project / "after.log") == noted  # the handler never got that far
    assert len(_lines(project / "shutdown.log")) == (2 if workers else 1)


def test_sigint_drains_like_sigterm(
    make_project: MakeProject, server_name: str
) -> None:
    project = _project(make_project, delay=0, timeout=30)
    with live_server(project, args=("--server", server_name)) as server:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            in_flight = pool.submit(httpx.get, f"{server}/api/slow", timeout=15)
            time.sleep(0.5)
            server.process.send_signal(signal.SIGINT)
            assert in_flight.result(timeout=15).status_code == 200
        assert server.process.wait(timeout=20) == 0, server.output
    assert len(_lines(project / "shutdown.log")) == 1
