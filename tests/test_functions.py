"""The request functions: cookies(), headers(), after() and the early stops.

not_found(), forbidden(), unauthorized(), redirect() and permanent_redirect() are
checked in-process with `TestClient`. cookies(), headers() and after() are checked
through a real ``routetree start`` server on 127.0.0.1 serving tests/apps/functions:
each route there runs the same scenario from an ``async def GET`` and a plain
``def PUT`` handler (which runs in a worker thread). after() callbacks run in the
server process, so they record what they saw in ``app/_lib/probe.py``, read back over
HTTP with ``GET /api/records?key=...``; each test uses its own key.
"""

from __future__ import annotations

import re
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
import orjson
import pytest

from routetree import after, cookies, headers
from routetree._headers import READ_ONLY_MESSAGE
from routetree.testing import LiveServer, TestClient, live_server
from tests.raw_http import raw_request

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import MakeProject

ROUTE = "app/api/x/route.py"

SIGNALS = [
    pytest.param(
        "not_found()",
        404,
        [("content-type", "application/json"), ("content-length", "21")],
        b'{"error":"Not Found"}',
        id="not_found",
    ),
    pytest.param(
        "forbidden()",
        403,
        [("content-type", "application/json"), ("content-length", "21")],
        b'{"error":"Forbidden"}',
        id="forbidden",
    ),
    pytest.param(
        "unauthorized()",
        401,
        [("content-type", "application/json"), ("content-length", "24")],
        b'{"error":"Unauthorized"}',
        id="unauthorized",
    ),
    pytest.param(
        'redirect("/x")',
        307,
        [("location", "/x"), ("content-length", "0")],
        b"",
        id="redirect",
    ),
    pytest.param(
        'redirect("https://nextjs.org/")',
        307,
        [("location", "https://nextjs.org/"), ("content-length", "0")],
        b"",
        id="redirect-absolute",
    ),
    pytest.param(
        'permanent_redirect("/x")',
        308,
        [("location", "/x"), ("content-length", "0")],
        b"",
        id="permanent_redirect",
    ),
    pytest.param(
        'permanent_redirect("../x?a=1")',
        308,
        [("location", "../x?a=1"), ("content-length", "0")],
        b"",
        id="permanent_redirect-relative",
    ),
]

IMPORTS = (
    "from routetree import Response, forbidden, not_found, permanent_redirect, "
    "redirect, unauthorized"
)


def _serve(
    make_project: MakeProject, source: str, method: str = "GET"
) -> tuple[int, list[tuple[str, str]], bytes]:
    with TestClient(make_project({ROUTE: source})) as client:
        response = client.request(method, "/api/x")
    return response.status_code, response.headers.multi_items(), response.content


@pytest.mark.parametrize(
    "prefix", [pytest.param("async ", id="async"), pytest.param("", id="sync")]
)
@pytest.mark.parametrize(("call", "status", "headers", "body"), SIGNALS)
def test_function_stops_the_handler_with_its_response(
    make_project: MakeProject,
    prefix: str,
    call: str,
    status: int,
    headers: list[tuple[str, str]],
    body: bytes,
) -> None:
    source = f"""
    {IMPORTS}

    {prefix}def GET() -> Response:
        {call}
        return Response("unreachable")
    """
    assert _serve(make_project, source) == (status, headers, body)


@pytest.mark.parametrize(
    "prefix", [pytest.param("async ", id="async"), pytest.param("", id="sync")]
)
@pytest.mark.parametrize(("call", "status", "headers", "body"), SIGNALS)
def test_except_exception_does_not_swallow_it(
    make_project: MakeProject,
    prefix: str,
    call: str,
    status: int,
    headers: list[tuple[str, str]],
    body: bytes,
) -> None:
    source = f"""
    {IMPORTS}

    {prefix}def GET() -> Response:
        try:
            {call}
        except Exception:
            return Response("swallowed")
        return Response("unreachable")
    """
    assert _serve(make_project, source) == (status, headers, body)


@pytest.mark.parametrize(("call", "status", "headers", "body"), SIGNALS)
def test_function_works_from_a_helper_the_handler_calls(
    make_project: MakeProject,
    call: str,
    status: int,
    headers: list[tuple[str, str]],
    body: bytes,
) -> None:
    source = f"""
    {IMPORTS}

    def load(user_id: str) -> dict[str, str]:
        {call}

    async def GET() -> Response:
        return Response.json(load("1"))
    """
    assert _serve(make_project, source) == (status, headers, body)


@pytest.mark.parametrize(
    ("call", "status"),
    [
        pytest.param("not_found()", 404, id="not_found"),
        pytest.param('redirect("/x")', 307, id="redirect"),
    ],
)
def test_function_on_head_sends_no_body(
    make_project: MakeProject, call: str, status: int
) -> None:
    source = f"""
    {IMPORTS}

    def GET() -> Response:
        {call}
    """
    code, _, content = _serve(make_project, source, method="HEAD")
    assert (code, content) == (status, b"")


def test_redirect_to_a_url_with_crlf_is_a_500(make_project: MakeProject) -> None:
    source = f"""
    {IMPORTS}

    def GET() -> Response:
        redirect("/x\\r\\nSet-Cookie: evil=1")
    """
    status, headers, body = _serve(make_project, source)
    assert status == 500
    assert body == b'{"error":"Internal Server Error"}'
    assert "set-cookie" not in dict(headers)


# --- cookies(), headers() and after() through a real server --------------------------

FUNCTIONS_APP = Path(__file__).parent / "apps" / "functions"
DEADLINE = 20.0  # seconds to wait for an after() callback's effect; generous for CI
KINDS = [pytest.param("GET", id="async-def"), pytest.param("PUT", id="def")]
DELETED = "Expires=Thu, 01 Jan 1970 00:00:00 GMT"
INTERNAL_ERROR = b'{"error":"Internal Server Error"}'
# What docs/functions.md promises a write to headers() raises, word for word.
DOCS_READ_ONLY = (
    "Headers cannot be modified: request headers are read-only. Set headers on the "
    "Response you return instead (response.headers[...] = ...)."
)


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(FUNCTIONS_APP) as url:
        yield url


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    # A jar that accepts nothing: Set-Cookie answers must not leak into later requests.
    jar = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    with httpx.Client(base_url=server, timeout=30, cookies=jar) as client:
        yield client


def new_key() -> str:
    """A fresh name for one test's after() records."""
    return uuid.uuid4().hex


def wait_for_records(http: httpx.Client, key: str, count: int) -> list[dict[str, Any]]:
    """Poll ``/api/records`` until ``count`` records for ``key`` are there.

    Args:
        http: A client of the functions app.
        key: The test's key.
        count: How many records to wait for.

    Returns:
        The records, once there are at least ``count``; fails after `DEADLINE`.
    """
    deadline = time.monotonic() + DEADLINE
    while True:
        found: list[dict[str, Any]] = http.get(
            "/api/records", params={"key": key}
        ).json()
        if len(found) >= count or time.monotonic() > deadline:
            assert len(found) >= count, found
            return found
        time.sleep(0.02)


def wait_for_output(server: LiveServer, since: int, *texts: str) -> str:
    """Poll the server's output until what it printed after ``since`` holds ``texts``.

    Args:
        server: The live server.
        since: Where to start looking: ``len(server.output)`` before the request.
        texts: What the output must contain.

    Returns:
        The output after ``since``; fails after `DEADLINE`.
    """
    deadline = time.monotonic() + DEADLINE
    while True:
        output = server.output[since:]
        if all(text in output for text in texts) or time.monotonic() > deadline:
            missing = [text for text in texts if text not in output]
            assert not missing, f"{missing} not in:\n{output}"
            return output
        time.sleep(0.02)


def events(records: list[dict[str, Any]]) -> list[str]:
    """The ``event`` field of each record, in order."""
    return [str(record.get("event")) for record in records]


# --- after() ------------------------------------------------------------------------


@pytest.mark.parametrize("method", KINDS)
def test_after_runs_callbacks_in_order_with_their_args(
    http: httpx.Client, method: str
) -> None:
    key = new_key()
    response = http.request(method, "/api/after", params={"key": key, "mode": "order"})
    assert (response.status_code, response.text) == (200, "sent order")
    found = wait_for_records(http, key, 4)
    assert events(found) == ["first", "second", "third", "fourth"]
    assert [r["args"] for r in found] == [["a", 2], ["b"], [], [4, None]]
    # A plain def callback runs in a worker thread, an async def one on the loop.
    assert [r["in_loop"] for r in found] == [False, True, False, True]
    assert found[1]["thread"] == found[3]["thread"]
    assert found[0]["thread"] != found[1]["thread"]
    assert found[2]["thread"] != found[1]["thread"]


@pytest.mark.parametrize("method", KINDS)
def test_after_runs_once_the_response_is_sent(http: httpx.Client, method: str) -> None:
    # The held callbacks wait (up to 10 s) for /api/release, which the test sends only
    # once it holds the whole response. Were the callbacks run before the response
    # went out, the response would come 10 s late and they would record
    # released=False. The release goes over the same keep-alive connection: it is
    # answered while the callbacks of the request before it still run.
    key = new_key()
    response = http.request(method, "/api/after", params={"key": key, "mode": "held"})
    assert (response.status_code, response.text) == (200, "sent held")
    release = http.get("/api/release", params={"key": key})
    assert release.status_code == 200
    assert release.json()["client_port"] == int(response.headers["x-client-port"])
    assert not {"sync-held", "async-held"} & set(release.json()["seen"])
    found = wait_for_records(http, key, 3)
    assert events(found) == ["first", "sync-held", "async-held"]
    assert [r.get("released") for r in found[1:]] == [True, True]


@pytest.mark.parametrize("method", KINDS)
def test_after_runs_when_the_handler_raises(
    server: LiveServer, http: httpx.Client, method: str
) -> None:
    key = new_key()
    mark = len(server.output)
    response = http.request(method, "/api/after", params={"key": key, "mode": "raise"})
    assert response.status_code == 500
    assert response.content == INTERNAL_ERROR
    assert events(wait_for_records(http, key, 1)) == ["first"]
    wait_for_output(server, mark, f"ValueError: handler broke {key}")


@pytest.mark.parametrize("method", KINDS)
@pytest.mark.parametrize(
    ("mode", "status", "location", "body"),
    [
        pytest.param("redirect", 307, "/api/elsewhere", b"", id="redirect"),
        pytest.param("not_found", 404, None, b'{"error":"Not Found"}', id="not_found"),
    ],
)
def test_after_runs_when_the_handler_stops_early(
    http: httpx.Client,
    method: str,
    mode: str,
    status: int,
    location: str | None,
    body: bytes,
) -> None:
    key = new_key()
    response = http.request(method, "/api/after", params={"key": key, "mode": mode})
    assert response.status_code == status
    assert response.headers.get("location") == location
    assert response.content == body
    assert events(wait_for_records(http, key, 1)) == ["first"]


@pytest.mark.parametrize("method", KINDS)
def test_after_errors_are_logged_never_sent(
    server: LiveServer, http: httpx.Client, method: str
) -> None:
    key = new_key()
    mark = len(server.output)
    response = http.request(method, "/api/after", params={"key": key, "mode": "boom"})
    assert (response.status_code, response.text) == (200, "sent boom")
    assert key not in str(response.headers.multi_items())
    # The callback after the broken ones still runs.
    assert events(wait_for_records(http, key, 2)) == ["first", "after-boom"]
    output = wait_for_output(
        server,
        mark,
        f"RuntimeError: after broke {key}",
        f"LookupError: async after broke {key}",
    )
    assert "ERROR routetree: Error in after() callback <function boom at 0x" in output
    assert "Error in after() callback <function async_boom at 0x" in output


@pytest.mark.parametrize("method", KINDS)
def test_not_found_or_redirect_in_an_after_callback_is_logged_like_an_error(
    server: LiveServer, http: httpx.Client, method: str
) -> None:
    key = new_key()
    mark = len(server.output)
    response = http.request(method, "/api/after", params={"key": key, "mode": "stops"})
    assert (response.status_code, response.text) == (200, "sent stops")
    assert events(wait_for_records(http, key, 2)) == ["first", "after-stops"]
    output = wait_for_output(
        server,
        mark,
        "Error in after() callback <function stops at 0x",
        "Error in after() callback <function async_stops at 0x",
    )
    assert "Exception in ASGI application" not in output


@pytest.mark.parametrize("method", KINDS)
def test_cookies_and_headers_work_inside_after_callbacks(
    http: httpx.Client, method: str
) -> None:
    key = new_key()
    response = http.request(
        method,
        "/api/after",
        params={"key": key, "mode": "context"},
        headers={"cookie": "token=abc%20def", "x-probe": "P"},
    )
    assert (response.status_code, response.text) == (200, "sent context")
    # A cookie set in a callback goes nowhere: the response is sent already.
    assert response.headers.get_list("set-cookie") == []
    found = wait_for_records(http, key, 3)
    assert found[1:] == [
        {
            "event": "context",
            "token": "abc def",
            "has_token": True,
            "late": "1",
            "probe": "P",
        },
        {"event": "async-context", "token": "abc def", "probe": "P"},
    ]


def test_after_runs_when_the_handler_times_out(http: httpx.Client) -> None:
    key = new_key()
    response = http.get("/api/after-timeout", params={"key": key})
    assert response.status_code == 504
    assert response.json() == {
        "error": "Gateway Timeout",
        "detail": "The handler did not answer within max_duration (0.2 s).",
    }
    # Registered with a lambda: keyword arguments go through a closure.
    assert wait_for_records(http, key, 1) == [{"event": "after"}]


def test_after_runs_when_the_client_goes_away(server: LiveServer) -> None:
    key = new_key()
    address = urlsplit(server)
    assert address.hostname is not None and address.port is not None
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(
            f"GET /api/after-stream?key={key} HTTP/1.1\r\n"
            f"Host: {address.netloc}\r\n\r\n".encode()
        )
        received = b""
        while b"tick" not in received:
            chunk = sock.recv(65536)
            assert chunk, received
            received += chunk
    assert received.startswith(b"HTTP/1.1 200 ")
    with httpx.Client(base_url=server, timeout=30) as http:
        found = wait_for_records(http, key, 2)
    # The endless body stops when the client leaves; then the callback runs.
    assert events(found) == ["stream-closed", "after"]


def test_request_functions_outside_a_request_raise() -> None:
    for name, call in (
        ("cookies", cookies),
        ("headers", headers),
        ("after", lambda: after(print)),
    ):
        message = (
            f"{name}() was called outside a request. Call it from a route handler, "
            "or from a function the handler calls."
        )
        with pytest.raises(RuntimeError, match=f"^{re.escape(message)}$"):
            call()


def test_request_functions_in_a_thread_the_handler_started_raise(
    http: httpx.Client,
) -> None:
    response = http.get("/api/outside")
    assert response.status_code == 200
    assert response.json() == {
        name: f"{name}() was called outside a request. Call it from a route handler, "
        "or from a function the handler calls."
        for name in ("cookies", "headers", "after")
    }


# --- cookies() ----------------------------------------------------------------------


@pytest.mark.parametrize("method", KINDS)
def test_cookies_reads_decoded_values_and_its_own_writes(
    http: httpx.Client, method: str
) -> None:
    response = http.request(
        method, "/api/cookies/read", headers={"cookie": "token=abc%20def; other=1"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "before": {
            "token": "abc def",
            "has_token": True,
            "missing": None,
            "has_missing": False,
            "names": ["token", "other"],
            "len": 2,
            "same_store": True,
            "request_cookies": {"token": "abc def", "other": "1"},
        },
        "after": {
            "fresh": "new value",
            "has_fresh": True,
            "token": None,
            "has_token": False,
            "names": ["other", "fresh"],
            "len": 2,
        },
    }
    assert response.headers.get_list("set-cookie") == [
        "fresh=new%20value; Path=/",
        f"token=; Path=/; {DELETED}",
    ]


def assert_expires_in(line: str, seconds: int) -> None:
    """Check that ``line``'s ``Expires`` is about now + ``seconds``, in GMT.

    Args:
        line: A Set-Cookie value with an Expires attribute.
        seconds: The Max-Age the cookie was set with.
    """
    found = re.search(r"; Expires=(\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT);", line)
    assert found is not None, line
    expected = datetime.now(UTC) + timedelta(seconds=seconds)
    assert abs(parsedate_to_datetime(found.group(1)) - expected) < timedelta(minutes=2)


@pytest.mark.parametrize("method", KINDS)
def test_cookies_set_and_delete_write_nextjs_lines(
    http: httpx.Client, method: str
) -> None:
    response = http.request(method, "/api/cookies/attrs")
    assert (response.status_code, response.text) == (200, "attrs")
    lines = response.headers.get_list("set-cookie")
    session = lines[0]
    assert re.fullmatch(
        r"session=a%20b%3B%C3%A9!~\*'\(\); Path=/; Expires=[^;]+; Max-Age=3600; "
        r"Domain=example\.com; Secure; HttpOnly; SameSite=lax; Partitioned",
        session,
    ), session
    assert_expires_in(session, 3600)
    # Setting a name twice leaves one line, with the last value.
    assert [line for line in lines if line.startswith("twice=")] == [
        "twice=second; Path=/"
    ]
    assert [line for line in lines[1:] if not line.startswith("twice=")] == [
        "plain=1; Path=/",
        "nopath=2",
        "dated=3; Path=/; Expires=Wed, 02 Jan 2030 03:04:05 GMT",
        "both=4; Path=/; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Max-Age=60",
        "strict=5; Path=/api; SameSite=strict",
        f"flash=; Path=/; {DELETED}",
        f"d2=; Path=/api; {DELETED}; Domain=example.com",
    ]


def test_each_cookie_is_its_own_set_cookie_line_on_the_wire(
    server: LiveServer, http: httpx.Client
) -> None:
    answer = raw_request(server, "GET", "/api/cookies/attrs")
    assert answer.status == 200
    wire = answer.get_list("set-cookie")
    assert len(wire) == 9
    # Expires holds a comma: joined lines could not be told apart.
    assert [line.count("Expires=") for line in wire] == [1, 0, 0, 0, 1, 1, 0, 1, 1]
    through_httpx = http.get("/api/cookies/attrs").headers.get_list("set-cookie")
    assert wire[1:] == through_httpx[1:]  # the first holds a clock-dependent Expires


@pytest.mark.parametrize("method", KINDS)
@pytest.mark.parametrize(
    ("case", "lines", "listed"),
    [
        pytest.param(
            "docs",
            ["foo=from-response; Path=/", "bar=bar2; Path=/", "baz=baz2; Path=/"],
            "foo,bar",
            id="response-cookies",
        ),
        pytest.param(
            "raw",
            ["same=raw; Path=/", "own=1; Path=/", "store=s; Path=/"],
            None,
            id="set-cookie-headers",
        ),
        pytest.param(
            "delete",
            [f"gone=; Path=/; {DELETED}", f"kept=; Path=/; {DELETED}"],
            None,
            id="response-delete",
        ),
    ],
)
def test_the_responses_own_cookie_wins_and_comes_first(
    http: httpx.Client,
    method: str,
    case: str,
    lines: list[str],
    listed: str | None,
) -> None:
    response = http.request(method, "/api/cookies/merge", params={"case": case})
    assert (response.status_code, response.text) == (200, case)
    assert response.headers.get_list("set-cookie") == lines
    assert response.headers.get("x-listed") == listed


@pytest.mark.parametrize("method", KINDS)
@pytest.mark.parametrize(
    ("how", "status", "location", "body"),
    [
        pytest.param("ok", 200, None, b'{"how":"ok"}', id="response"),
        pytest.param("redirect", 307, "/api/items?x=1", b"", id="redirect"),
        pytest.param(
            "permanent_redirect", 308, "../elsewhere", b"", id="permanent_redirect"
        ),
        pytest.param("not_found", 404, None, b'{"error":"Not Found"}', id="not_found"),
        pytest.param("forbidden", 403, None, b'{"error":"Forbidden"}', id="forbidden"),
        pytest.param(
            "unauthorized", 401, None, b'{"error":"Unauthorized"}', id="unauthorized"
        ),
        pytest.param(
            "http_error",
            422,
            None,
            b'{"error":"Unprocessable Content","detail":"quantity must be positive"}',
            id="http_error",
        ),
        pytest.param("raise", 500, None, INTERNAL_ERROR, id="raise"),
        pytest.param("no_response", 500, None, INTERNAL_ERROR, id="no_response"),
    ],
)
def test_cookies_reach_whatever_response_the_request_ends_with(
    http: httpx.Client,
    method: str,
    how: str,
    status: int,
    location: str | None,
    body: bytes,
) -> None:
    response = http.request(method, "/api/cookies/ending", params={"how": how})
    assert response.status_code == status
    assert response.headers.get("location") == location
    assert response.content == body
    assert response.headers.get_list("set-cookie") == [
        "flash=saved; Path=/",
        f"old=; Path=/; {DELETED}",
    ]


def test_a_shared_response_never_collects_cookies_from_earlier_requests(
    http: httpx.Client,
) -> None:
    sequence = [("a", ["store=a; Path=/"]), (None, []), ("b", ["store=b; Path=/"])]
    for value, store_lines in [*sequence, (None, [])]:
        params = {} if value is None else {"set": value}
        response = http.get("/api/cookies/shared", params=params)
        assert (response.status_code, response.text) == (200, "shared")
        assert response.headers.get_list("set-cookie") == [
            "own=1; Path=/",
            *store_lines,
        ]


def _name_error(name: str) -> str:
    return (
        f"Invalid cookie name {name!r}: use letters, digits and !#$%&'*+-.^_`|~ only."
    )


def _attribute_error(what: str, value: str) -> str:
    return f"Invalid cookie {what} {value!r}: it contains ';' or a control character."


@pytest.mark.parametrize("method", KINDS)
def test_bad_cookie_names_and_attributes_are_refused(
    http: httpx.Client, method: str
) -> None:
    response = http.request(method, "/api/cookies/bad", params={"case": "refused"})
    assert response.status_code == 200
    assert response.json() == {
        "errors": {
            "name with space": _name_error("a b"),
            "name with semicolon": _name_error("a;b"),
            "empty name": _name_error(""),
            "name with CRLF": _name_error("a\r\nSet-Cookie: evil"),
            "name with equals": _name_error("a=b"),
            "path with semicolon": _attribute_error("path", "/a;b"),
            "path with CRLF": _attribute_error("path", "/\r\nSet-Cookie: evil=1"),
            "domain with semicolon": _attribute_error("domain", "example.com; evil"),
            "domain with NUL": _attribute_error("domain", "exa\x00mple.com"),
            "bad samesite": "samesite must be 'lax', 'strict' or 'none', not 'Foo'.",
            "delete bad name": _name_error("a b"),
            "delete bad path": _attribute_error("path", "/a;b"),
        },
        "stored": {"a b": None, "p": None, "d": None, "s": None},
        "names": [],
    }
    # Nothing refused reaches the wire.
    assert response.headers.get_list("set-cookie") == []


@pytest.mark.parametrize("method", KINDS)
def test_a_cookie_value_is_encoded_so_it_cannot_break_the_header(
    server: LiveServer, http: httpx.Client, method: str
) -> None:
    value = 'a\r\nSet-Cookie: evil=1; Path=/\x00"q",é'
    response = http.request(method, "/api/cookies/bad", params={"case": "value"})
    assert response.status_code == 200
    assert response.json() == {"v": value}
    assert response.headers.get_list("set-cookie") == [
        "v=a%0D%0ASet-Cookie%3A%20evil%3D1%3B%20Path%3D%2F%00%22q%22%2C%C3%A9; Path=/"
    ]
    answer = raw_request(server, "GET", "/api/cookies/bad?case=value")
    assert answer.get_list("set-cookie") == response.headers.get_list("set-cookie")
    assert b"evil=1" not in answer.head
    assert b"\r\nset-cookie: evil" not in answer.head.lower()


@pytest.mark.parametrize("method", KINDS)
@pytest.mark.parametrize(
    ("case", "lines", "logged"),
    [
        pytest.param(
            "uncaught",
            ["good=1; Path=/"],
            _name_error("bad name\r\nX-Evil: 1"),
            id="cookies",
        ),
        pytest.param(
            "uncaught-response", [], _name_error("bad;name"), id="response-cookies"
        ),
    ],
)
def test_an_uncaught_bad_cookie_is_a_500_that_leaks_nothing(
    server: LiveServer,
    http: httpx.Client,
    method: str,
    case: str,
    lines: list[str],
    logged: str,
) -> None:
    mark = len(server.output)
    response = http.request(method, "/api/cookies/bad", params={"case": case})
    assert response.status_code == 500
    assert response.content == INTERNAL_ERROR
    # The cookie set before the failure is still sent; the bad one is not.
    assert response.headers.get_list("set-cookie") == lines
    assert "x-evil" not in response.headers
    wait_for_output(server, mark, f"ValueError: {logged}")


@pytest.mark.parametrize(
    ("cookie", "expected"),
    [
        pytest.param(b"token=abc%20def", {"token": "abc def"}, id="decoded"),
        pytest.param(b"a=1; ;; =x; b", {"a": "1"}, id="empty-and-nameless-pairs"),
        pytest.param(b'%ZZ=1; c="q"', {"%ZZ": "1", "c": "q"}, id="quoted"),
        pytest.param(b"t=abc; bad; t=second", {"t": "abc"}, id="first-wins"),
        pytest.param(
            b"n=%C3%28; m=%ZZ; e=%E2%82%AC",
            {"n": "%C3%28", "m": "%ZZ", "e": "\u20ac"},
            id="bad-escapes-kept",
        ),
        pytest.param(
            b'a b=1;  sp =  padded value ; x=""; y="',
            {"sp": "padded value", "x": "", "y": '"'},
            id="spaces-and-quotes",
        ),
        pytest.param(b"=; ==; ;", {}, id="nothing-valid"),
    ],
)
def test_malformed_cookie_headers_are_read_leniently(
    server: LiveServer, cookie: bytes, expected: dict[str, str]
) -> None:
    answer = raw_request(
        server, "GET", "/api/cookies/read", header_lines=b"Cookie: " + cookie + b"\r\n"
    )
    assert answer.status == 200
    before = orjson.loads(answer.body)["before"]
    assert before["request_cookies"] == expected
    assert before["names"] == list(expected)
    assert before["len"] == len(expected)
    assert before["token"] == expected.get("token")


@pytest.mark.parametrize("method", KINDS)
def test_response_cookies_over_http(http: httpx.Client, method: str) -> None:
    response = http.request(method, "/api/response-cookies")
    assert (response.status_code, response.text) == (200, "r")
    lines = response.headers.get_list("set-cookie")
    full = lines[1]
    assert re.fullmatch(
        r"full=x%20y; Path=/api; Expires=[^;]+; Max-Age=120; Domain=example\.com; "
        r"Secure; SameSite=none",
        full,
    ), full
    assert_expires_in(full, 120)
    assert lines[:1] + lines[2:] == [
        "session=abc; Path=/; HttpOnly",
        "nopath=1",
        "at=2; Path=/; Expires=Wed, 02 Jan 2030 03:04:05 GMT",
        f"flash=; Path=/; {DELETED}",
        f"d2=; Path=/api; {DELETED}; Domain=example.com",
        "again=new; Path=/",  # set again: replaced, and sent after the others
    ]
    assert response.headers["x-get-session"] == "session=abc; Path=/; HttpOnly"
    assert response.headers["x-get-missing"] == "None"
    assert response.headers["x-in"] == "[True, False]"


# --- headers() ----------------------------------------------------------------------


@pytest.mark.parametrize("method", KINDS)
def test_headers_reads_the_request_headers(
    server: LiveServer, http: httpx.Client, method: str
) -> None:
    response = http.request(
        method,
        "/api/headers/read",
        headers=[("X-Probe", "P"), ("x-multi", "a"), ("X-Multi", "b")],
    )
    assert response.status_code == 200
    assert response.json() == {
        "lower": "P",
        "mixed": "P",
        "item": "P",
        "in": [True, True, False],
        "missing": None,
        "default": "fallback",
        "joined": "a, b",
        "all": ["a", "b"],
        "all_missing": [],
        "host": urlsplit(server).netloc,
        "same_as_request": True,
        "same_each_call": True,
    }


@pytest.mark.parametrize("method", KINDS)
def test_headers_are_read_only(http: httpx.Client, method: str) -> None:
    assert READ_ONLY_MESSAGE == DOCS_READ_ONLY
    response = http.request(
        method,
        "/api/headers/write",
        params={"case": "caught"},
        headers={"x-probe": "P"},
    )
    assert response.status_code == 200
    refused = ["TypeError", DOCS_READ_ONLY]
    assert response.json() == {
        "setitem": refused,
        "delitem": refused,
        "set": refused,
        "append": refused,
        "delete": refused,
        "still": ["P", None],
    }


@pytest.mark.parametrize("method", KINDS)
def test_an_uncaught_header_write_is_a_500_that_leaks_nothing(
    server: LiveServer, http: httpx.Client, method: str
) -> None:
    mark = len(server.output)
    response = http.request(method, "/api/headers/write", params={"case": "uncaught"})
    assert response.status_code == 500
    assert response.content == INTERNAL_ERROR
    assert "x-new" not in response.headers
    wait_for_output(
        server,
        mark,
        f"Error in route handler app/api/headers/write/route.py (method: {method}",
        f"TypeError: {DOCS_READ_ONLY}",
    )
