"""Hostile request bodies (family C of the security cases) against ``routetree start``.

What is already tested through a real server elsewhere is not repeated here:
``{bad json``, an empty body and 5,000 ``[`` are 400s in
``tests/server/test_serve.py::test_malformed_json_is_400_located``, a
``Content-Length`` over the limit is a 413 in
``test_body_over_limit_is_413_by_content_length``, and ``form()`` on a JSON body is a
415 in ``test_form_on_json_body_is_415``.
"""

from __future__ import annotations

import concurrent.futures
import gzip
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import orjson
import pytest

from routetree.testing import LiveServer, live_server
from tests.raw_http import raw_exchange

if TYPE_CHECKING:
    from collections.abc import Iterator

BODIES = Path(__file__).parent.parent / "apps" / "security_faults" / "bodies"
UPLOAD_LIMIT = 1_000_000  # max_body_size of app/api/upload/route.py
HANDLERS = [
    pytest.param("/api/echo-json", id="async-def"),
    pytest.param("/api/echo-json-sync", id="def"),
]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(BODIES) as url:
        yield url


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=10) as client:
        yield client


def assert_bad_request(response: httpx.Response) -> str:
    """Check for routetree's JSON 400 and return its detail."""
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    payload = response.json()
    assert payload["error"] == "Bad Request"
    detail: str = payload["detail"]
    return detail


def assert_alive(http: httpx.Client, server: LiveServer) -> None:
    assert server.process.poll() is None, server.output
    assert http.get("/api/hello").json() == {"hello": "world"}


# --- C1-C6: what the JSON parser is given -------------------------------------------


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        pytest.param(
            b'{"a": 1,\n "b": tru}',
            "invalid literal, expected 'true' at line 2, column 7 (byte 15).",
            id="second-line",
        ),
        pytest.param(
            b'{"a": 1} trailing',
            "unexpected content after document at line 1, column 10 (byte 9).",
            id="trailing-data",
        ),
        pytest.param(
            b'{"a":',
            "unexpected end of data at line 1, column 6 (byte 5).",
            id="truncated",
        ),
        pytest.param(
            '{"café": x}'.encode(),
            "unexpected character, expected a JSON value at line 1, column 10 "
            "(byte 10).",
            id="after-non-ascii",
        ),
    ],
)
def test_malformed_json_is_400_saying_where(
    http: httpx.Client, body: bytes, detail: str
) -> None:
    response = http.post("/api/echo-json", content=body)
    assert assert_bad_request(response) == f"Malformed JSON in request body: {detail}"


@pytest.mark.parametrize("path", HANDLERS)
@pytest.mark.parametrize(
    ("body", "where"),
    [
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "(byte 1025)", id="arrays"),
        pytest.param(
            b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "(byte 5121)", id="objects"
        ),
    ],
)
def test_deep_nesting_is_400_and_the_worker_lives_on(
    server: LiveServer, http: httpx.Client, path: str, body: bytes, where: str
) -> None:
    started = time.monotonic()
    response = http.post(path, content=body)
    assert time.monotonic() - started < 2
    detail = assert_bad_request(response)
    assert detail.startswith("Malformed JSON in request body: depth limit exceeded")
    assert detail.endswith(f"{where}.")
    assert_alive(http, server)


@pytest.mark.parametrize("path", HANDLERS)
def test_cve_2020_10735_huge_integer_is_400(
    server: LiveServer, http: httpx.Client, path: str
) -> None:
    started = time.monotonic()
    response = http.post(path, content=b'{"n": ' + b"1" * 5000 + b"}")
    assert time.monotonic() - started < 2
    assert assert_bad_request(response) == (
        "Malformed JSON in request body: number is infinity when parsed as double "
        "at line 1, column 7 (byte 6)."
    )
    assert_alive(http, server)


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b"[NaN, Infinity, -Infinity, 1e999]", "column 2 (byte 1)"),
        (b"[Infinity]", "column 2 (byte 1)"),
        (b"[-Infinity]", "column 3 (byte 2)"),
        (b"[1e999]", "column 2 (byte 1)"),
        (b'{"n": -1e400}', "column 7 (byte 6)"),
    ],
    ids=["all", "infinity", "minus-infinity", "overflow", "negative-overflow"],
)
def test_nan_and_infinity_in_a_body_are_400(
    http: httpx.Client, body: bytes, where: str
) -> None:
    detail = assert_bad_request(http.post("/api/echo-json", content=body))
    assert detail.endswith(f"at line 1, {where}.")


def test_response_json_writes_nan_and_infinity_as_null(http: httpx.Client) -> None:
    # docs/response.md: "NaN and infinities become null"; never a bare NaN/Infinity,
    # which is not JSON and which strict parsers (JSON.parse, orjson) reject.
    response = http.get("/api/infinity")
    assert response.status_code == 200
    assert response.content == b'{"values":[null,null,null,1.5]}'

    def refuse(constant: str) -> object:
        raise AssertionError(f"bare {constant} in a JSON response")

    assert json.loads(response.content, parse_constant=refuse) == {
        "values": [None, None, None, 1.5]
    }


@pytest.mark.parametrize(
    "escaped",
    [b"\\ud800", b"\\udc00", b"\\ude00\\ud83d", b"a\\ud83dz"],
    ids=["lone-high", "lone-low", "reversed-pair", "high-then-letter"],
)
def test_lone_surrogate_escape_is_400_not_500(
    http: httpx.Client, escaped: bytes
) -> None:
    detail = assert_bad_request(
        http.post("/api/echo-json", content=b'{"s":"' + escaped + b'"}')
    )
    assert "surrogate" in detail


def test_surrogate_pair_escape_is_the_character(http: httpx.Client) -> None:
    response = http.post("/api/echo-json", content=b'{"s":"\\ud83d\\ude00"}')
    assert response.status_code == 200
    assert response.content == '{"body":{"s":"\U0001f600"}}'.encode()


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b'{"a":"\xc3\x28"}', "(byte 0xc3) at line 1, column 7 (byte 6)"),
        (b'{\n  "a": "\xff"}', "(byte 0xff) at line 2, column 9 (byte 10)"),
        (b'{"\xed\xa0\x80": 1}', "(byte 0xed) at line 1, column 3 (byte 2)"),
    ],
    ids=["bad-continuation", "second-line", "encoded-surrogate"],
)
def test_body_that_is_not_utf8_is_400_naming_the_byte(
    http: httpx.Client, body: bytes, where: str
) -> None:
    detail = assert_bad_request(http.post("/api/echo-json", content=body))
    assert detail == f"Malformed JSON in request body: not valid UTF-8 {where}."


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-32", "utf-32-be"], ids=str
)
def test_utf16_and_utf32_bodies_are_400(http: httpx.Client, encoding: str) -> None:
    # UTF-8 only, as the Fetch API's request.json(); Python's json.loads(bytes) would
    # guess the encoding and accept these.
    body = '{"a": 1}'.encode(encoding)
    detail = assert_bad_request(http.post("/api/echo-json", content=body))
    assert detail.startswith("Malformed JSON in request body: ")


@pytest.mark.parametrize("path", HANDLERS)
def test_utf8_byte_order_mark_is_skipped(http: httpx.Client, path: str) -> None:
    response = http.post(path, content=b'\xef\xbb\xbf{"a": "\xc3\xa9"}')
    assert response.status_code == 200
    assert response.json() == {"body": {"a": "\u00e9"}}


def test_byte_order_mark_counts_in_the_error_position(http: httpx.Client) -> None:
    detail = assert_bad_request(
        http.post("/api/echo-json", content=b'\xef\xbb\xbf{"a": x}')
    )
    assert detail.endswith("at line 1, column 7 (byte 9).")


def test_dangerous_keys_are_plain_data(http: httpx.Client) -> None:
    body = {"__proto__": {"x": 1}, "__class__": "y", "constructor": 1, "then": None}
    response = http.post("/api/echo-json", json=body)
    assert response.status_code == 200
    assert response.json() == {"body": body}
    form = http.post(
        "/api/form", data={"__proto__": "1", "__class__": "y", "constructor": "1"}
    )
    assert form.status_code == 200
    assert form.json() == {"__proto__": "1", "__class__": "y", "constructor": "1"}


# --- C11, C13, C14: size, encoding and type of the body ------------------------------


def test_declared_length_over_the_limit_is_413_without_100_continue(
    server: LiveServer,
) -> None:
    answer = raw_exchange(
        server,
        b"POST /api/upload HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        b"Content-Length: 20000000\r\nExpect: 100-continue\r\n\r\n",
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b"100 Continue" not in answer
    assert orjson.loads(body) == {
        "error": "Content Too Large",
        "detail": f"Request body is larger than the limit of {UPLOAD_LIMIT} bytes. "
        "Raise max_body_size in the route file (or in the project config) if larger "
        "bodies are expected.",
    }


def test_chunked_body_over_the_limit_is_413_before_it_ends(
    server: LiveServer,
) -> None:
    # 15 chunks of 64 KiB and one of 20,000 bytes pass the limit by 3,040 bytes; the
    # terminating chunk is never sent, so a 413 shows the rest was not waited for.
    chunks = [b"x" * 65536] * 15 + [b"x" * 20_000]
    assert sum(map(len, chunks)) > UPLOAD_LIMIT
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks)
    answer = raw_exchange(
        server,
        b"POST /api/upload HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + body,
    )
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b'"error":"Content Too Large"' in answer


def test_parallel_uploads_under_the_limit_all_succeed(http: httpx.Client) -> None:
    size = 900_000
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        responses = list(
            pool.map(
                lambda n: http.post("/api/upload", content=bytes([n]) * size),
                range(20),
            )
        )
    assert time.monotonic() - started < 10
    assert [(r.status_code, r.json()) for r in responses] == [
        (200, {"length": size})
    ] * 20


def test_gzip_request_body_is_not_inflated(http: httpx.Client) -> None:
    # As in Next.js: Content-Encoding on a request is the handler's business, so a
    # small body cannot inflate into gigabytes inside the server.
    compressed = gzip.compress(b"\0" * 10_000_000)
    response = http.post(
        "/api/body", content=compressed, headers={"content-encoding": "gzip"}
    )
    assert response.status_code == 200
    assert response.content == compressed


def test_form_on_a_text_plain_body_is_415(http: httpx.Client) -> None:
    # text/plain is what a cross-site form or fetch can send without a preflight.
    response = http.post(
        "/api/form", content=b"admin=1", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["detail"].startswith("Content-Type was 'text/plain'; ")
