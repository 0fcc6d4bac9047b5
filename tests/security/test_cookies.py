"""Hostile cookies (family F of the security cases) against ``routetree start``.

Already tested through a real server in ``tests/test_functions.py``: a value with CR/LF,
``;``, ``,``, space and ``"`` is percent-encoded on one ``Set-Cookie`` line (F1,
``test_a_cookie_value_is_encoded_so_it_cannot_break_the_header``); names with a space,
``;``, ``=`` or CR/LF and an empty name are refused, and an uncaught refusal is a 500
that leaks nothing (F2, ``test_bad_cookie_names_and_attributes_are_refused`` and
``test_an_uncaught_bad_cookie_is_a_500_that_leaks_nothing``); the first of two values
in one ``Cookie`` line wins (F8, ``test_malformed_cookie_headers_are_read_leniently``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import orjson
import pytest

from routetree.testing import LiveServer, live_server
from tests.raw_http import RawResponse, raw_request

if TYPE_CHECKING:
    from collections.abc import Iterator

COOKIES = Path(__file__).parent.parent / "apps" / "security_faults" / "cookies"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(COOKIES) as url:
        yield url


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=10) as client:
        yield client


def read_cookies(server: LiveServer, *cookie_lines: bytes) -> RawResponse:
    """GET /api/cookies/read with these ``Cookie`` header values, one line each."""
    lines = b"".join(b"Cookie: " + line + b"\r\n" for line in cookie_lines)
    return raw_request(server, "GET", "/api/cookies/read", header_lines=lines)


def output_lines_after(server: LiveServer, mark: int) -> list[str]:
    """Lines the server printed after ``mark`` (a length of its output), a bit later."""
    time.sleep(0.3)  # the output is read by a thread; give a stray log line time
    return server.output[mark:].splitlines()


def name_error(name: str) -> str:
    return (
        f"Invalid cookie name {name!r}: use letters, digits and !#$%&'*+-.^_`|~ only."
    )


def test_cve_2024_47764_names_that_would_rewrite_the_header_are_refused(
    http: httpx.Client,
) -> None:
    response = http.get("/api/cookies/refuse", params={"case": "names"})
    assert response.status_code == 200
    # Each name is refused by response.cookies.set and by cookies().set alike.
    assert response.json() == {
        name: [name_error(name)] * 2
        for name in [
            "a=b; Domain=evil.example",
            "a,b",
            "a\tb",
            "a\x7fb",
            "caf\u00e9",
            "__Host-a\x00",
        ]
    }
    assert response.headers.get_list("set-cookie") == []


def test_attributes_that_would_rewrite_the_header_are_refused(
    http: httpx.Client,
) -> None:
    response = http.get("/api/cookies/refuse", params={"case": "attributes"})
    assert response.status_code == 200, response.text
    expected = {
        "path": "Invalid cookie path '/; Domain=evil.example': it contains ';' or a "
        "control character.",
        "domain": "Invalid cookie domain 'evil.example; HttpOnly': it contains ';' or "
        "a control character.",
        "samesite with attribute": "samesite must be 'lax', 'strict' or 'none', not "
        "'Lax; Domain=evil'.",
        "samesite bogus": "samesite must be 'lax', 'strict' or 'none', not 'bogus'.",
        "max_age with attribute": "max_age must be a number of seconds, not "
        "'1; Secure'.",
        "expires not a date": "expires must be a datetime, not "
        "'Thu, 01 Jan 2099 00:00:00 GMT; Domain=evil'.",
    }
    assert response.json() == {what: [error] * 2 for what, error in expected.items()}
    assert response.headers.get_list("set-cookie") == []


def test_cve_2023_23934_nameless_pair_cannot_shadow_a_host_cookie(
    server: LiveServer,
) -> None:
    answer = read_cookies(server, b"=__Host-sess=evil; __Host-sess=good")
    assert answer.status == 200
    assert orjson.loads(answer.body) == {"__Host-sess": "good"}


@pytest.mark.parametrize(
    "prefix",
    [b"\xe2\x80\x80", b"\xc2\xa0", b"\xa0", b"\x85"],
    ids=["u2000-as-utf8", "nbsp-as-utf8", "nbsp-byte", "nel-byte"],
)
def test_unicode_whitespace_does_not_make_a_host_prefixed_name(
    server: LiveServer, prefix: bytes
) -> None:
    # Only space and tab around a name are dropped (RFC 6265 5.2): a browser stores
    # "\xa0__Host-sess" as an ordinary cookie, without the __Host- guarantees.
    answer = read_cookies(server, prefix + b"__Host-sess=evil; __Host-sess=good")
    assert answer.status == 200
    assert orjson.loads(answer.body) == {"__Host-sess": "good"}


def test_space_and_tab_around_a_name_are_dropped(server: LiveServer) -> None:
    answer = read_cookies(server, b" \t a=1 \t;\tb\t=\t2")
    assert orjson.loads(answer.body) == {"a": "1", "b": "2"}


def test_cve_2024_7592_backslashes_in_a_cookie_parse_in_linear_time(
    server: LiveServer,
) -> None:
    started = time.monotonic()
    answer = read_cookies(server, b'a="' + b"\\" * 40_000 + b'"; b=1')
    elapsed = time.monotonic() - started
    # 431 would be a header size limit answering first, which is as good.
    assert answer.status in (200, 431)
    if answer.status == 200:
        assert orjson.loads(answer.body) == {"a": "\\" * 40_000, "b": "1"}
    assert elapsed < 0.5


def test_ten_thousand_cookies_half_invalid_are_read_quickly_and_quietly(
    server: LiveServer,
) -> None:
    pairs = b"; ".join(
        b"c%d=%d" % (n, n) if n % 2 else b"bad name%d" % n for n in range(10_000)
    )
    mark = len(server.output)
    started = time.monotonic()
    answer = read_cookies(server, pairs)
    elapsed = time.monotonic() - started
    assert answer.status in (200, 431)
    if answer.status == 200:
        cookies = orjson.loads(answer.body)
        assert len(cookies) == 5_000
        assert cookies["c9999"] == "9999"
    assert elapsed < 0.5
    assert len(output_lines_after(server, mark)) <= 1


def test_two_cookie_lines_are_both_read_and_the_first_value_wins(
    server: LiveServer,
) -> None:
    answer = read_cookies(server, b"a=1; a=2", b"a=3; b=4")
    assert answer.status == 200
    assert orjson.loads(answer.body) == {"a": "1", "b": "4"}
