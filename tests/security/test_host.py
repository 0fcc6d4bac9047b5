"""The Host header: one, valid, and allowed, or 400 (CVE-2026-48710, CVE-2012-4520).

tests/apps/entry sets ``allowed_hosts = ["127.0.0.1", "localhost",
"api.example.com", "*.example.org"]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson
import pytest

from routetree.testing import LiveServer, live_server
from tests.raw_http import raw_send
from tests.security.conftest import ENTRY

if TYPE_CHECKING:
    from tests.conftest import MakeProject


def _with_host_lines(server: LiveServer, host_lines: bytes) -> tuple[int, bytes]:
    answer = raw_send(
        server,
        b"GET /api/whoami HTTP/1.1\r\n" + host_lines + b"Connection: close\r\n\r\n",
    )
    return answer.status, answer.body


def test_cve_2026_34525_two_host_headers_are_400(entry_server: LiveServer) -> None:
    status, body = _with_host_lines(
        entry_server, b"Host: 127.0.0.1\r\nHost: api.example.com\r\n"
    )
    assert status == 400
    # h11 refuses it itself; under httptools routetree does, and says why.
    assert b"more than one Host" in body or b"Invalid HTTP request" in body


def test_http_1_1_without_host_is_400(entry_server: LiveServer) -> None:
    status, _ = _with_host_lines(entry_server, b"")
    assert status == 400


def test_http_1_0_without_host_uses_the_server_address(
    entry_server: LiveServer,
) -> None:
    answer = raw_send(entry_server, b"GET /api/whoami HTTP/1.0\r\n\r\n")
    assert answer.status == 200
    assert orjson.loads(answer.body)["host"] == "127.0.0.1"


@pytest.mark.parametrize(
    "host",
    [
        b"example.com/health?x=",
        b"api.example.com:x@evil.example",
        b"user@evil.example",
        b"evil.example#x",
        b"x\\evil.example",
        b"a b",
        b"[::1",
        b"",
        b"127.0.0.1:99999",
        b"caf\xe9.example",
    ],
)
def test_cve_2026_48710_host_that_is_not_host_and_port_is_400(
    entry_server: LiveServer, host: bytes
) -> None:
    status, body = _with_host_lines(entry_server, b"Host: " + host + b"\r\n")
    assert status == 400
    assert b"not a valid host" in body


@pytest.mark.parametrize("host", [b"evil.example", b"example.org", b"localhost.evil"])
def test_host_outside_allowed_hosts_is_400(
    entry_server: LiveServer, host: bytes
) -> None:
    status, body = _with_host_lines(entry_server, b"Host: " + host + b"\r\n")
    assert status == 400
    assert b"allowed_hosts" in body


@pytest.mark.parametrize(
    ("host", "expected_host", "expected_port"),
    [
        (b"api.example.com", "api.example.com", None),
        (b"API.Example.com:8443", "API.Example.com", 8443),
        (b"a.b.example.org", "a.b.example.org", None),
        (b"localhost:3000", "localhost", 3000),
    ],
)
def test_allowed_host_builds_request_url(
    entry_server: LiveServer, host: bytes, expected_host: str, expected_port: int
) -> None:
    status, body = _with_host_lines(entry_server, b"Host: " + host + b"\r\n")
    assert status == 200
    seen = orjson.loads(body)
    assert (seen["host"], seen["port"], seen["path"]) == (
        expected_host,
        expected_port,
        "/api/whoami",
    )


def test_without_allowed_hosts_start_answers_any_valid_host(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "app/api/host/route.py": """
                from routetree import Request, Response

                async def GET(request: Request) -> Response:
                    return Response(request.url.host)
            """
        },
    )
    with live_server(project) as server:
        answer = raw_send(
            server,
            b"GET /api/host HTTP/1.1\r\nHost: anything.example\r\n"
            b"Connection: close\r\n\r\n",
        )
        assert answer.status == 200
        assert answer.body == b"anything.example"


def _throws(server: LiveServer, extra: bytes) -> bytes:
    return raw_send(
        server,
        b"GET /api/throws HTTP/1.1\r\n" + extra + b"Connection: close\r\n\r\n",
    ).body


def test_dev_shows_a_traceback_only_to_a_local_page() -> None:
    with live_server(ENTRY, command="dev") as server:
        local = _throws(server, b"Host: 127.0.0.1\r\n")
        assert b"Traceback" in local or b"traceback" in local
        assert b"S3CRET-T" in local
        # An allowed but not local host (DNS rebinding), or a page of another site:
        # the generic 500 only.
        for extra in (
            b"Host: api.example.com\r\n",
            b"Host: 127.0.0.1\r\nOrigin: http://attacker.example\r\n",
            b"Host: 127.0.0.1\r\nOrigin: null\r\n",
        ):
            body = _throws(server, extra)
            assert orjson.loads(body) == {"error": "Internal Server Error"}


def test_dev_refuses_hosts_that_are_not_local_by_default(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {"app/api/throws/route.py": "async def GET():\n    raise RuntimeError('x')\n"}
    )
    with live_server(project, command="dev") as server:
        assert _throws(server, b"Host: localhost\r\n").count(b"RuntimeError") >= 1
        answer = raw_send(
            server,
            b"GET /api/throws HTTP/1.1\r\nHost: rebind.attacker.example\r\n"
            b"Connection: close\r\n\r\n",
        )
        assert answer.status == 400
        assert b"RuntimeError" not in answer.body
