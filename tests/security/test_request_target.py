"""The request target: only a path (origin-form) is routed, under every parser.

A target that does not start with "/" used to be routed with its first character
dropped, so `GET *api/protected/x` reached a route its middleware guards without the
middleware (whose matcher needs the "/"). Source: Starlette CVE-2026-54282,
Next.js CVE-2026-44578.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson
import pytest

from routetree.testing import live_server
from tests.raw_http import raw_send

if TYPE_CHECKING:
    from routetree.testing import LiveServer
    from tests.conftest import MakeProject


def _get(
    server: LiveServer, target: bytes, method: bytes = b"GET"
) -> tuple[int, bytes]:
    answer = raw_send(
        server,
        method + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Connection: close\r\n\r\n",
    )
    return answer.status, answer.body


@pytest.mark.parametrize(
    "target",
    [b"*api/protected/x", b"Xapi/protected/x", b"@api/protected/x", b"api/protected/x"],
)
def test_target_without_leading_slash_never_reaches_a_guarded_route(
    entry_server: LiveServer, target: bytes
) -> None:
    status, body = _get(entry_server, target)
    assert status == 400
    assert b"S3CRET" not in body


@pytest.mark.parametrize("target", [b"*", b"api/whoami", b"@evil.example"])
def test_cve_2026_54282_target_that_is_not_a_path_is_400(
    entry_server: LiveServer, target: bytes
) -> None:
    status, _ = _get(entry_server, target)
    assert status == 400


def test_options_star_answers_with_every_method(entry_server: LiveServer) -> None:
    answer = raw_send(
        entry_server,
        b"OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    assert answer.status == 204
    assert answer.header("allow") == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"


def test_cve_2026_44578_absolute_form_is_routed_by_path_or_refused(
    entry_server: LiveServer,
) -> None:
    status, body = _get(entry_server, b"http://169.254.169.254/api/whoami")
    # httptools passes the path on (/api/whoami), h11 the whole URL (refused).
    assert status in (200, 400)
    if status == 200:
        seen = orjson.loads(body)
        assert seen["path"] == "/api/whoami"
        assert seen["host"] == "127.0.0.1"


def test_a_guarded_path_still_meets_its_middleware(entry_server: LiveServer) -> None:
    status, body = _get(entry_server, b"/api/protected/x")
    assert status == 401
    assert b"S3CRET" not in body


def test_fast_path_without_config_refuses_targets_that_are_not_paths(
    make_project: MakeProject,
) -> None:
    # A project with neither config nor middleware is served by the app's fast path.
    project = make_project(
        {
            "app/api/x/[id]/route.py": """
                from routetree import Response

                async def GET() -> Response:
                    return Response("routed")
            """
        }
    )
    with live_server(project) as server:
        for target in (b"*api/x/1", b"Xapi/x/1", b"*"):
            status, body = _get(server, target)
            assert status == 400, target
            assert b"routed" not in body
        assert _get(server, b"/api/x/1") == (200, b"routed")
        answer = raw_send(
            server,
            b"OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        )
        assert answer.status == 204
