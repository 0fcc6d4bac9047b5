"""Errors and leaks (family H of the security cases) against real servers.

Most tests run against ``routetree start``; the log-injection and dev-exposure cases run
against ``routetree dev``, which logs one line per request and shows tracebacks. The
tree's ``instrumentation.py`` has an ``on_request_error`` that always raises.

Already tested through a real server: ``tests/server/test_serve.py`` checks a plain
handler exception is the generic 500
(``test_handler_exception_is_500_without_leak``), and ``tests/server/test_dev.py``
that dev mode shows tracebacks to a local client
(``test_dev_shows_handler_tracebacks``).
"""

from __future__ import annotations

import re
import time
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from routetree.testing import LiveServer, live_server
from tests.raw_http import dechunk, raw_request

if TYPE_CHECKING:
    from collections.abc import Iterator

ERRORS = Path(__file__).parent.parent / "apps" / "security_faults" / "errors"
INTERNAL_ERROR = b'{"error":"Internal Server Error"}'
SECRET = "sk_live_7f3a9c-not-for-clients"  # in the messages of the failing routes
KINDS = ["system-exit", "sys-exit", "cancelled", "recursion", "coroutine"]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(ERRORS) as url:
        yield url


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def dev_server() -> Iterator[LiveServer]:
    with live_server(ERRORS, command="dev") as url:
        wait_for_output(url, 0, "✓ Ready")
        yield url


def wait_for_output(server: LiveServer, mark: int, *texts: str) -> str:
    """Wait until the output after ``mark`` holds every text; return that output."""
    deadline = time.monotonic() + 10
    while True:
        output = server.output[mark:]
        if all(text in output for text in texts):
            return output
        assert time.monotonic() < deadline, f"{texts} not in:\n{output}"
        time.sleep(0.02)


def assert_leaks_nothing(body: bytes) -> None:
    for secret in ("Traceback", SECRET, "route.py", "Error:"):
        assert secret.encode() not in body, body


def assert_alive(server: LiveServer, http: httpx.Client) -> None:
    assert server.process.poll() is None, server.output
    assert http.get("/api/hello").json() == {"hello": "world"}


@pytest.mark.parametrize("accept", ["application/json", "text/html", "*/*"])
def test_handler_exception_is_exactly_the_generic_500(
    server: LiveServer, http: httpx.Client, accept: str
) -> None:
    mark = len(server.output)
    response = http.get("/api/throws", headers={"accept": accept})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.content == INTERNAL_ERROR
    # The operator still learns what happened, from the log.
    wait_for_output(
        server,
        mark,
        "Error in route handler app/api/throws/route.py (method: GET, url: "
        "/api/throws)",
        f"RuntimeError: could not log in with {SECRET}",
    )


@pytest.mark.parametrize("accept_encoding", ["identity", "gzip"])
def test_exception_mid_stream_ends_the_response_unfinished(
    server: LiveServer, http: httpx.Client, accept_encoding: str
) -> None:
    answer = raw_request(
        server,
        "GET",
        "/api/stream-fails",
        header_lines=f"Accept-Encoding: {accept_encoding}\r\n".encode(),
    )
    assert answer.status == 200
    assert answer.header("transfer-encoding") == "chunked"
    data, finished = dechunk(answer.body)
    # The first chunk arrived; the terminating zero-length chunk never does, so the
    # client knows the body is cut short.
    assert not finished
    if accept_encoding == "gzip":
        assert answer.header("content-encoding") == "gzip"
        data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)
    assert data == b"first chunk\n"
    assert_leaks_nothing(answer.body)
    assert_alive(server, http)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("base", ["fail", "fail-sync"], ids=["async-def", "def"])
def test_base_exceptions_and_misuse_are_the_generic_500(
    server: LiveServer, http: httpx.Client, base: str, kind: str
) -> None:
    mark = len(server.output)
    response = http.get(f"/api/{base}/{kind}")
    assert response.status_code == 500
    assert response.content == INTERNAL_ERROR
    wait_for_output(
        server,
        mark,
        f"route handler app/api/{base}/[kind]/route.py",
        # reported to on_request_error, whose error here names the path
        f"on_request_error broke for /api/{base}/{kind}",
    )
    assert_alive(server, http)


@pytest.mark.parametrize("base", ["fail", "fail-sync"], ids=["async-def", "def"])
def test_keyboard_interrupt_in_a_handler_is_a_500_and_the_worker_lives(
    server: LiveServer, http: httpx.Client, base: str
) -> None:
    # An interrupt is not the handler's to answer: routetree lets it through, and
    # uvicorn answers its own plain 500 and keeps serving.
    response = http.get(f"/api/{base}/keyboard-interrupt")
    assert response.status_code == 500
    assert_leaks_nothing(response.content)
    assert b"KeyboardInterrupt" not in response.content
    assert_alive(server, http)


def test_bad_json_is_never_reflected(http: httpx.Client) -> None:
    script = b"<script>alert(1)</script>"
    body = b'{"comment": "' + script * 2000 + b'", oops}'
    assert len(body) > 50_000
    response = http.post("/api/echo-json", content=body)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert len(response.content) < 300
    assert b"<script" not in response.content
    assert response.json()["detail"].startswith("Malformed JSON in request body: ")


def test_cve_2020_7694_dev_logs_one_escaped_line_per_request(
    dev_server: LiveServer,
) -> None:
    mark = len(dev_server.output)
    long_path = "/api/" + "a" * 200 + "%0aGET%20/admin%20200"
    for target, header_lines in [
        ("/api/%0d%0aGET%20/admin%20200", b""),
        ("/api/%1b%5b2J", b""),
        (long_path, b""),
        ("/api/hello", b"User-Agent: evil\x1b[2J\x1b]0;owned\x07\r\n"),
    ]:
        raw_request(dev_server, "GET", target, header_lines=header_lines)
    wait_for_output(dev_server, mark, "Invalid HTTP request received.")
    time.sleep(0.3)  # anything printed late would still show up below
    lines = dev_server.output[mark:].splitlines()
    expected = [
        " GET /api/%0d%0aGET%20/admin%20200 404 in ",
        " GET /api/%1b%5b2J 404 in ",
        f" GET {long_path} 404 in ",
        # A control character in a header is refused by the HTTP parser, before
        # routetree: a 400 and uvicorn's one warning.
        "WARNING uvicorn.error: Invalid HTTP request received.",
    ]
    assert len(lines) == len(expected), lines
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), lines
        assert re.fullmatch(r"[\x20-\x7e]*", line), line


@pytest.mark.parametrize(
    "headers",
    [
        {"host": "attacker.example"},
        {"host": "attacker.example", "accept": "text/html"},
        {"origin": "http://attacker.example"},
    ],
    ids=["host", "host-html", "origin"],
)
def test_dev_tracebacks_are_not_shown_to_other_sites(
    dev_server: LiveServer, headers: dict[str, str]
) -> None:
    # A page on another site can reach a dev server on 127.0.0.1 (DNS rebinding gives
    # it a Host of its own; a fetch sends its Origin): it must not read tracebacks.
    response = httpx.get(f"{dev_server}/api/throws", headers=headers, timeout=10)
    assert response.status_code in (400, 403, 500)
    assert_leaks_nothing(response.content)
    assert b"exception" not in response.content


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("?debug=1", {}),
        ("?dev=true&__routetree_dev=1", {}),
        ("", {"x-debug": "1"}),
        ("", {"x-routetree-dev": "1"}),
        ("", {"x-forwarded-for": "127.0.0.1", "x-real-ip": "127.0.0.1"}),
    ],
    ids=["debug-query", "dev-query", "x-debug", "x-routetree-dev", "forwarded-local"],
)
def test_nothing_a_client_sends_switches_on_dev_mode(
    http: httpx.Client, query: str, headers: dict[str, str]
) -> None:
    response = http.get(f"/api/throws{query}", headers=headers)
    assert response.status_code == 500
    assert response.content == INTERNAL_ERROR


def test_failing_on_request_error_still_sends_the_generic_500(
    server: LiveServer, http: httpx.Client
) -> None:
    # The hook runs after the answer is sent, so an earlier request's hook may still
    # log after the mark: count only the lines about this path.
    mark = len(server.output)
    response = http.get("/api/report-fails")
    assert response.content == INTERNAL_ERROR
    logged = "RuntimeError: on_request_error broke for /api/report-fails"
    output = wait_for_output(server, mark, logged)
    time.sleep(0.3)  # a second report would show up by now
    assert server.output[mark:].count(logged) == 1, output
    assert_alive(server, http)


@pytest.mark.parametrize(
    ("query", "logged"),
    [
        ("", "RuntimeError: after() callback broke"),
        ("?exit=1", "SystemExit: after() callback exited"),
    ],
    ids=["exception", "system-exit"],
)
def test_failing_after_callback_still_sends_the_answer(
    server: LiveServer, http: httpx.Client, query: str, logged: str
) -> None:
    mark = len(server.output)
    response = http.get(f"/api/after-raises{query}")
    assert (response.status_code, response.text) == (200, "sent")
    output = wait_for_output(server, mark, "Error in after() callback", logged)
    time.sleep(0.3)  # a second report would show up by now
    assert server.output[mark:].count(logged) == 1, output
    assert_alive(server, http)
