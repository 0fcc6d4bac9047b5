"""HTTP versions and message framing the app refuses whatever the parser let through.

Each refused request is answered once with 400 and the connection is closed, so
nothing sent after it on that connection (a smuggled request) is ever answered.
Sources: RFC 9112 2.3, 3.2 and 6.1; gunicorn CVE-2024-1135 and CVE-2024-6827.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.raw_http import raw_send

if TYPE_CHECKING:
    from routetree.testing import LiveServer


# Sent after the request under test on the same connection: must never be answered.
SMUGGLED = (
    b"GET /api/protected/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Authorization: Bearer ok\r\n\r\n"
)


@pytest.mark.parametrize(
    "request_line",
    [b"GET /api/whoami HTTP/2.0", b"GET /api/whoami HTTP/1.2", b"GET /api/whoami"],
    ids=["http-2.0-on-http-1", "http-1.2", "http-0.9"],
)
def test_unsupported_http_version_is_400(
    entry_server: LiveServer, request_line: bytes
) -> None:
    answer = raw_send(entry_server, request_line + b"\r\nHost: 127.0.0.1\r\n\r\n")
    assert answer.status == 400


@pytest.mark.parametrize(
    "framing",
    [
        b"Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: chunked, gzip\r\n",
        b"Transfer-Encoding: gzip\r\n",
        b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: xchunked\r\nContent-Length: 4\r\n",
    ],
    ids=["identity-then-chunked", "chunked-gzip", "gzip", "cl-and-te", "xchunked-cl"],
)
def test_ambiguous_transfer_encoding_is_400_and_closes(
    entry_server: LiveServer, framing: bytes
) -> None:
    answer = raw_send(
        entry_server,
        b"POST /api/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + framing
        + b"\r\n3\r\nabc\r\n0\r\n\r\n"
        + SMUGGLED,
    )
    assert answer.status == 400
    assert b"S3CRET" not in answer.body
    assert answer.body.count(b"HTTP/1.1 ") == 0  # one answer only


def test_chunked_on_http_1_0_is_400(entry_server: LiveServer) -> None:
    answer = raw_send(
        entry_server,
        b"POST /api/whoami HTTP/1.0\r\nHost: 127.0.0.1\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    )
    assert answer.status == 400


def test_plain_chunked_body_is_read(entry_server: LiveServer) -> None:
    answer = raw_send(
        entry_server,
        b"POST /api/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    )
    assert answer.status == 200
    assert b'{"body":"abc"}' in answer.body
