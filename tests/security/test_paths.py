"""Routing and paths (security-cases.md part 2, family A) through a real server.

Every request goes over a raw socket, so the path reaches the server byte for byte.
The forms of a path that might slip past the middleware are checked with
`assert_guarded`: 401, or a 4xx without the secret, never the protected handler.
"""

from __future__ import annotations

import time

import pytest

from tests.raw_http import RawResponse, raw_exchange, raw_request, raw_send
from tests.security.project import (
    AUTH,
    TOKEN,
    SecurityServer,
    assert_alive,
    assert_guarded,
    assert_no_leak,
    json_of,
    text_of,
    timed,
)


@pytest.mark.parametrize(
    ("target", "params"),
    [
        ("/api/users/a%2Fb", {"id": "a/b"}),
        ("/api/users/a%2fb", {"id": "a/b"}),
        ("/api/files/a%2Fb/c", {"path": ["a/b", "c"]}),
        ("/api/files/%2F/x", {"path": ["/", "x"]}),
    ],
)
def test_encoded_slash_stays_in_one_segment(
    server: SecurityServer, target: str, params: dict[str, object]
) -> None:
    response = raw_request(server.url, "GET", target)
    assert response.status == 200
    assert json_of(response) == {"params": params}


DOT_SEGMENTS = [
    "/api/../api/protected/x",
    "/api/%2e%2e/api/protected/x",
    "/api/%2E%2E/api/protected/x",
    "/api/hello/%2e%2e/protected/x",
    "/api/hello/../protected/x",
    "/api/./protected/x",
    "/api/%2e/protected/x",
    "/api/protected/x/..%2F..%2Fhello",
    "/api/protected/x/../../hello",
    "/../api/protected/x",
]


@pytest.mark.parametrize("target", DOT_SEGMENTS)
def test_dot_segments_never_skip_the_middleware(
    server: SecurityServer, target: str
) -> None:
    assert_guarded(server, raw_request(server.url, "GET", target))


def test_encoded_nul_is_refused_or_kept_as_data(server: SecurityServer) -> None:
    response = raw_request(server.url, "GET", "/api/users/a%00b")
    assert response.status in (200, 400)
    if response.status == 200:
        assert json_of(response) == {"params": {"id": "a\x00b"}}
    assert_alive(server)


def test_literal_nul_in_the_request_line_is_refused(server: SecurityServer) -> None:
    response = raw_send(
        server.url,
        b"GET /api/users/a\x00b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    assert response.status == 400
    assert_alive(server)


@pytest.mark.parametrize(
    "escape", ["%E0%A4%A", "%ZZ", "abc%", "%", "%C3%28", "%%41", "%G0", "%ff"]
)
@pytest.mark.parametrize("prefix", ["/api/users/", "/api/protected/"])
def test_malformed_escape_is_a_400(
    server: SecurityServer, prefix: str, escape: str
) -> None:
    response = raw_request(server.url, "GET", prefix + escape, header_lines=AUTH)
    assert response.status == 400
    assert_no_leak(response)


REPEATED_SLASHES = [
    "//api/protected/x",
    "/api//protected/x",
    "/api/protected//x",
    "///api///protected///x",
    "/api/protected/x//",
]


@pytest.mark.parametrize("target", REPEATED_SLASHES)
def test_repeated_slashes_never_skip_the_middleware(
    server: SecurityServer, target: str
) -> None:
    assert_guarded(server, raw_request(server.url, "GET", target))


@pytest.mark.parametrize(
    "target",
    [
        "/api/users/" + "a" * 100_000,
        "/api/files/" + "a/" * 20_000,
        "/api/files/" + "a/" * 20_000 + "a",
        "/api/protected/" + "a/" * 20_000 + "a",
        "/api/" + "%2e%2e/" * 10_000 + "protected/x",
    ],
    ids=["100k-segment", "20k-segments-slash", "20k-segments", "20k-protected", "dots"],
)
def test_overlong_path_is_answered_quickly_without_5xx(
    server: SecurityServer, target: str
) -> None:
    response, seconds = timed(lambda: raw_request(server.url, "GET", target))
    assert response.status < 500
    assert seconds < 1.0
    assert_no_leak(response)
    assert_alive(server)


def test_unicode_is_not_normalised(server: SecurityServer) -> None:
    nfc = raw_request(server.url, "GET", "/api/users/caf%C3%A9")
    nfd = raw_request(server.url, "GET", "/api/users/cafe%CC%81")
    assert json_of(nfc) == {"params": {"id": "caf\u00e9"}}
    assert json_of(nfd) == {"params": {"id": "cafe\u0301"}}


def test_raw_utf8_in_the_request_line_is_refused(server: SecurityServer) -> None:
    response = raw_send(
        server.url,
        b"GET /api/caf\xc3\xa9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    assert response.status == 400
    assert_alive(server)


CASE_AND_UNICODE = [
    "/API/protected/x",
    "/api/Protected/x",
    "/API/PROTECTED/X",
    "/api/PROTECTED/x",
    "/api/prote%C4%B1cted/x",  # dotless i
    "/api/prot%C3%A9cted/x",
    "/api/%EF%BD%90rotected/x",  # fullwidth p
    "/api/protected%E2%80%8B/x",  # zero-width space
]


@pytest.mark.parametrize("target", CASE_AND_UNICODE)
def test_case_and_unicode_never_skip_the_middleware(
    server: SecurityServer, target: str
) -> None:
    assert_guarded(server, raw_request(server.url, "GET", target))


PROJECT_FILES = [
    "/api/_lib/x",
    "/api/%5Flib/x",
    "/api/%5flib/x",
    "/api/_lib/helpers.py",
    "/api/_lib/x/route.py",
    "/.env",
    "/%2Eenv",
    "/routetree.toml",
    "/.routetree/",
    "/.routetree/manifest.json",
    "/middleware.py",
    "/app/api/hello/route.py",
    "/../.env",
    "/api/..%2f..%2f.env",
    "/api/..%2F..%2Froutetree.toml",
    "/api/hello/route.py",
    "/api/hello/__pycache__/route.cpython-311.pyc",
]


@pytest.mark.parametrize("target", PROJECT_FILES)
def test_project_files_and_private_folders_are_never_served(
    server: SecurityServer, target: str
) -> None:
    response = raw_request(server.url, "GET", target)
    assert response.status != 200
    assert response.status < 500
    assert_no_leak(response)


def test_catch_all_serves_file_names_as_params_only(server: SecurityServer) -> None:
    # /api/files/[...path] answers with its params: never with the file they name.
    response = raw_request(server.url, "GET", "/api/files/..%2F..%2F.env")
    assert response.status == 200
    assert json_of(response) == {"params": {"path": ["../../.env"]}}
    assert_no_leak(response)


TRAILING_JUNK = [
    "/api/protected/x%0A",
    "/api/protected/x%0D",
    "/api/protected/x%0D%0A",
    "/api/protected/x%20",
    "/api/protected/x%09",
    "/api/protected/x%00",
    "/api/protected;jsessionid=1/x",
    "/api/protected%3Bx/y",
    "/api/protected%3B/x",
    "/api/protected/x%23frag",
    "/api/protected/x%3Fy=1",
    "/api/protected%0A/x",
    "/api/protected%20/x",
]


@pytest.mark.parametrize("target", TRAILING_JUNK)
def test_trailing_junk_never_skips_the_middleware(
    server: SecurityServer, target: str
) -> None:
    assert_guarded(server, raw_request(server.url, "GET", target))


@pytest.mark.parametrize(
    ("method", "target", "header_lines"),
    [
        ("get", "/api/hello", b""),
        ("_DO_DELETE", "/api/hello", b""),
        ("DELETE_ALL", "/api/protected/x", AUTH),
        ("delete_all", "/api/protected/x", AUTH),
        ("API_TOKEN", "/api/protected/x", AUTH),
        ("GENERATE_STATIC_PARAMS", "/api/hello", b""),
        ("GENERATE_STATIC_PARAMS", "/api/protected/x", AUTH),
        ("get", "/api/protected/x", AUTH),
        ("Get", "/api/protected/x", AUTH),
        ("_ANSWER", "/api/protected/x", AUTH),
    ],
)
def test_cve_2026_48817_method_never_selects_an_attribute(
    server: SecurityServer, method: str, target: str, header_lines: bytes
) -> None:
    response = raw_request(server.url, method, target, header_lines=header_lines)
    assert response.status in (400, 405)
    assert TOKEN not in text_of(response)
    assert_no_leak(response)
    assert not (server.markers / "DELETE_ALL").exists()
    assert_alive(server)


def test_method_control_reaches_the_protected_handler(server: SecurityServer) -> None:
    # The same route and token with a real method: the refusals above are the
    # method's doing, not the path's or the middleware's.
    response = raw_request(server.url, "DELETE", "/api/protected/x", header_lines=AUTH)
    assert response.status == 200
    assert json_of(response) == {
        "secret": "S3CRET-P",
        "method": "DELETE",
        "params": {"rest": ["x"]},
        "x-user": "ada",
        "x_user": None,
        "cookies": {},
        "query": [],
    }


@pytest.mark.parametrize(
    ("target", "params"),
    [
        ("/api/users/42?id=7", {"id": "42"}),
        ("/api/users/42?id=7&id=8", {"id": "42"}),
        ("/api/files/a?path=b&path=c", {"path": ["a"]}),
        ("/api/files/a?path%5B%5D=b", {"path": ["a"]}),
        ("/api/users/42?__nextLocale=en&nxtPid=7", {"id": "42"}),
    ],
)
def test_cve_2026_44574_query_never_changes_params(
    server: SecurityServer, target: str, params: dict[str, object]
) -> None:
    response = raw_request(server.url, "GET", target)
    assert response.status == 200
    assert json_of(response) == {"params": params}


@pytest.mark.parametrize(
    ("target", "header_lines"),
    [("/api/hello", b""), ("/api/protected/x", AUTH)],
    ids=["unread", "parsed"],
)
def test_megabyte_query_is_answered_within_a_second(
    server: SecurityServer, target: str, header_lines: bytes
) -> None:
    query = "a=1&" * 200_000
    request = (
        f"GET {target}?{query} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n".encode()
        + header_lines
        + b"\r\n"
    )
    started = time.monotonic()
    # A server that refuses the line may answer and close while the request is still
    # being sent, so the answer can be cut short by a reset: then there is none.
    answer = raw_exchange(server.url, request, timeout=5)
    seconds = time.monotonic() - started
    if answer:
        assert RawResponse(answer).status < 500
    assert seconds < 1.0
    assert_alive(server)
