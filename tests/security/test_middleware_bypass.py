"""Middleware bypass attempts (security-cases.md part 2, family D, and B10/B12).

``middleware.py`` guards ``/api/protected/:path*``: 401 unless ``Authorization:
Bearer ok``, then the handler sees ``x-user: ada``. Every request here tries to reach
the handler's secret without the token, or to change what the middleware decided.
The path forms of family A (dot segments, doubled slashes, letter case, trailing junk)
are in test_paths.py; D2 below adds the forms specific to the matcher.
"""

from __future__ import annotations

import contextlib
import socket
from typing import TYPE_CHECKING

import pytest

from tests.raw_http import raw_request
from tests.security.project import (
    AUTH,
    PROTECTED,
    SECRET,
    SecurityServer,
    assert_guarded,
    assert_no_leak,
    json_object,
    json_of,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

UNAUTHORIZED = {"error": "unauthorized"}


def test_protected_route_answers_only_with_the_token(server: SecurityServer) -> None:
    # The control for every test below: the guard works, and the token passes it.
    refused = raw_request(server.url, "GET", PROTECTED)
    assert refused.status == 401
    assert json_of(refused) == UNAUTHORIZED
    allowed = raw_request(server.url, "GET", PROTECTED, header_lines=AUTH)
    assert allowed.status == 200
    assert SECRET in allowed.body.decode()


SUBREQUEST_VALUES = [
    "middleware:middleware:middleware:middleware:middleware",
    "src/middleware:src/middleware:src/middleware:src/middleware:src/middleware",
    "proxy:proxy:proxy:proxy:proxy",
    "src/proxy:src/proxy:src/proxy:src/proxy:src/proxy",
    "middleware",
    "pages/_middleware",
    "1",
    "middleware:" * 50 + "middleware",
]


@pytest.mark.parametrize("value", SUBREQUEST_VALUES)
@pytest.mark.parametrize("name", ["x-middleware-subrequest", "X-Middleware-Subrequest"])
def test_cve_2025_29927_subrequest_header_ignored(
    server: SecurityServer, name: str, value: str
) -> None:
    response = raw_request(
        server.url, "GET", PROTECTED, header_lines=f"{name}: {value}\r\n".encode()
    )
    assert response.status == 401
    assert json_of(response) == UNAUTHORIZED


def test_cve_2025_29927_subrequest_header_with_a_bad_token(
    server: SecurityServer,
) -> None:
    response = raw_request(
        server.url,
        "GET",
        PROTECTED,
        header_lines=b"Authorization: Bearer no\r\n"
        b"x-middleware-subrequest: middleware:middleware:middleware:middleware:"
        b"middleware\r\nx-middleware-subrequest-id: 1\r\n",
    )
    assert response.status == 401


MATCHER_FORMS = [
    "/api/%70rotected/x",
    "/api/%50rotected/x",
    "/%61pi/protected/x",
    "/api/protected%2Fx",
    "/api/protected%2fx",
    "/api%2Fprotected/x",
    "/api/protected%00/x",
    "/api/protected/.",
    "/api/protected/%2e",
    "/api/protected/..",
    "/api/protected/%2e%2e",
    "/api/protected/%2F",
    "/api/protected/%2Fx",
    "/api/protected",
    "/api/protected%5C/x",
    "/api/protected\\x",
]


@pytest.mark.parametrize("target", MATCHER_FORMS)
def test_path_variants_never_skip_the_middleware(
    server: SecurityServer, target: str
) -> None:
    assert_guarded(server, raw_request(server.url, "GET", target))


def test_trailing_slash_redirect_keeps_the_middleware_decision(
    server: SecurityServer,
) -> None:
    response = raw_request(server.url, "GET", "/api/protected/x/")
    assert_no_leak(response)
    assert response.status == 308
    assert response.header("location") == PROTECTED
    followed = raw_request(server.url, "GET", PROTECTED)
    assert followed.status == 401


def test_head_is_refused_without_revealing_the_secret_size(
    server: SecurityServer,
) -> None:
    refused_get = raw_request(server.url, "GET", PROTECTED)
    allowed_get = raw_request(server.url, "GET", PROTECTED, header_lines=AUTH)
    head = raw_request(server.url, "HEAD", PROTECTED)
    assert head.status == 401
    assert head.body == b""
    length = head.header("content-length")
    assert length in (None, refused_get.header("content-length"))
    assert length != allowed_get.header("content-length")


def test_options_goes_through_the_middleware(server: SecurityServer) -> None:
    response = raw_request(server.url, "OPTIONS", PROTECTED)
    assert response.status == 401
    assert response.header("allow") is None
    assert_no_leak(response)


@pytest.mark.parametrize(
    "override", ["X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"]
)
def test_method_override_headers_are_ignored(
    server: SecurityServer, override: str
) -> None:
    line = f"{override}: DELETE\r\n".encode()
    refused = raw_request(server.url, "POST", PROTECTED, header_lines=line)
    assert refused.status == 401
    allowed = raw_request(server.url, "POST", PROTECTED, header_lines=AUTH + line)
    assert allowed.status == 200
    assert json_object(allowed)["method"] == "POST"
    get = raw_request(server.url, "GET", PROTECTED, header_lines=line)
    assert get.status == 401


@pytest.mark.parametrize(
    "query",
    [
        "__routetree=1",
        "_rsc=1",
        "__nextLocale=en",
        "__nextDataReq=1",
        "rest=public",
        "rest=public&rest=x",
        "nxtPrest=public",
        "path=/api/hello",
    ],
)
def test_query_never_changes_the_middleware_decision_or_params(
    server: SecurityServer, query: str
) -> None:
    refused = raw_request(server.url, "GET", f"{PROTECTED}?{query}")
    assert refused.status == 401
    allowed = raw_request(server.url, "GET", f"{PROTECTED}?{query}", header_lines=AUTH)
    assert allowed.status == 200
    assert json_object(allowed)["params"] == {"rest": ["x"]}


def test_encoded_fragment_never_changes_the_path(server: SecurityServer) -> None:
    response = raw_request(server.url, "GET", "/api/protected/x%23/../../hello")
    assert_guarded(server, response)
    assert response.status == 401


@contextlib.contextmanager
def listener() -> Iterator[socket.socket]:
    """A listening socket on 127.0.0.1 that nothing should ever connect to."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.setblocking(False)
        yield sock


def connected(sock: socket.socket) -> bool:
    try:
        client, _ = sock.accept()
    except BlockingIOError:
        return False
    client.close()
    return True


@pytest.mark.parametrize(
    "header",
    [
        "Location",
        "x-middleware-rewrite",
        "x-middleware-redirect",
        "Refresh",
    ],
)
def test_cve_2025_57822_forwarded_headers_never_redirect_or_fetch(
    server: SecurityServer, header: str
) -> None:
    # middleware.py copies every request header of /api/forward onto the response
    # (Response.next(headers=dict(request.headers))).
    with listener() as sock:
        port = sock.getsockname()[1]
        value = f"http://127.0.0.1:{port}/x"
        lines = f"{header}: {value}\r\nx-middleware-next: 1\r\n".encode()
        response = raw_request(server.url, "GET", "/api/forward", header_lines=lines)
        assert response.status == 200
        assert json_of(response) == {"route": "forward"}
        assert not connected(sock)


def test_client_location_never_redirects_a_protected_answer(
    server: SecurityServer,
) -> None:
    with listener() as sock:
        port = sock.getsockname()[1]
        lines = AUTH + f"Location: http://127.0.0.1:{port}/x\r\n".encode()
        response = raw_request(server.url, "GET", PROTECTED, header_lines=lines)
        assert response.status == 200
        assert response.header("location") is None
        assert not connected(sock)


@pytest.mark.parametrize(
    ("lines", "x_user", "x_user_underscore"),
    [
        (b"x-user: mallory\r\n", "ada", None),
        (b"X-User: mallory\r\nx-user: eve\r\n", "ada", None),
        (b"x_user: mallory\r\n", "ada", "mallory"),
        (b"X_User: mallory\r\nx-user: eve\r\n", "ada", "mallory"),
    ],
    ids=["dash", "twice", "underscore", "both"],
)
def test_request_header_overrides_beat_the_client(
    server: SecurityServer,
    lines: bytes,
    x_user: str,
    x_user_underscore: str | None,
) -> None:
    response = raw_request(server.url, "GET", PROTECTED, header_lines=AUTH + lines)
    assert response.status == 200
    body = json_object(response)
    assert body["x-user"] == x_user
    assert body["x_user"] == x_user_underscore


INTERNAL_HEADERS = [
    ("x-middleware-subrequest", "middleware"),
    ("x-middleware-next", "1"),
    ("x-middleware-rewrite", "/api/protected/x"),
    ("x-middleware-redirect", "http://evil.example/"),
    ("x-middleware-override-headers", "authorization,x-user"),
    ("x-middleware-request-authorization", "Bearer ok"),
    ("x-middleware-request-x-user", "mallory"),
    ("x-middleware-set-cookie", "session=evil; Path=/"),
    ("x-middleware-skip", "1"),
    ("x-matched-path", "/api/protected/[...rest]"),
    ("x-nextjs-data", "1"),
    ("x-nextjs-rewrite", "/api/protected/x"),
    ("x-nextjs-redirect", "http://evil.example/"),
    ("x-now-route-matches", "rest=x"),
    ("x-invoke-path", "/api/protected/x"),
    ("x-invoke-output", "/api/protected/x"),
    ("rsc", "1"),
    ("next-router-state-tree", "%5B%22%22%5D"),
    ("next-router-prefetch", "1"),
    ("next-action", "x"),
    ("x-routetree-dev", "1"),
]


@pytest.mark.parametrize(("name", "value"), INTERNAL_HEADERS)
def test_internal_headers_never_change_routing_status_or_cookies(
    server: SecurityServer, name: str, value: str
) -> None:
    line = f"{name}: {value}\r\n".encode()
    hello = raw_request(server.url, "GET", "/api/hello", header_lines=line)
    assert hello.status == 200
    assert json_of(hello) == {"message": "Hello World"}
    refused = raw_request(server.url, "GET", PROTECTED, header_lines=line)
    assert refused.status == 401
    assert json_of(refused) == UNAUTHORIZED
    for response in (hello, refused):
        assert response.header("location") is None
        assert response.header("set-cookie") is None
        assert_no_leak(response)


def test_all_internal_headers_together_do_not_authenticate(
    server: SecurityServer,
) -> None:
    lines = b"".join(f"{n}: {v}\r\n".encode() for n, v in INTERNAL_HEADERS)
    response = raw_request(server.url, "GET", PROTECTED, header_lines=lines)
    assert response.status == 401
    assert response.header("location") is None
    assert response.header("set-cookie") is None
    assert_no_leak(response)
