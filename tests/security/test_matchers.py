"""Middleware matchers on a real server: refused at start-up, or fast on any path."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import TYPE_CHECKING

import pytest

from routetree.testing import live_server
from tests.raw_http import raw_request

if TYPE_CHECKING:
    from tests.conftest import MakeProject

ROUTE = """
from routetree import Response

def GET(request):
    return Response.json({"path": request.url.path})
"""


def _middleware(*matchers: str) -> str:
    return f"""
from routetree import Response

config = {{"matcher": {list(matchers)!r}}}

def middleware(request):
    if request.headers.get("authorization") != "Bearer ok":
        return Response.json({{"error": "unauthorized"}}, status=401)
    return None
"""


@pytest.mark.parametrize("command", ["build", "start"])
def test_a_matcher_that_backtracks_catastrophically_stops_the_command(
    make_project: MakeProject, command: str
) -> None:
    project = make_project(
        {
            "app/[[...rest]]/route.py": ROUTE,
            "middleware.py": _middleware("/admin/:path*", "/:x((?:a+)+)"),
        }
    )
    extra = ["--host", "127.0.0.1", "--port", "0"] if command == "start" else []
    result = subprocess.run(
        [sys.executable, "-m", "routetree", command, str(project), *extra],
        capture_output=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(
        'Error: middleware.py: config["matcher"][1]: Invalid path pattern '
        "'/:x((?:a+)+)': the group ((?:a+)+) repeats something that itself repeats"
    )
    assert "catastrophic backtracking" in result.stderr
    assert "a+ rather than (?:a+)+" in result.stderr


def test_accepted_regex_matchers_answer_near_misses_quickly(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "app/[[...rest]]/route.py": ROUTE,
            "middleware.py": _middleware(
                "/admin/:path*",
                "/:slug((?:[a-z0-9]+-)*[a-z0-9]+)",
                "/files-:rest*/raw",
                "/((?!api|_next/static|_next/image|favicon.ico).*)",
            ),
        }
    )
    with live_server(project) as base_url:
        assert raw_request(base_url, "GET", "/api/warm-up").status == 200
        # Each reaches the regex entries and misses them at its last character.
        for target, status in [
            ("/api/" + "a" * 30 + "!", 200),
            ("/" + "a" * 30 + "!", 401),
            ("/" + "a-" * 5_000 + "!", 401),
            ("/files-" + "a" * 30 + "/x", 401),
        ]:
            started = time.perf_counter()
            answer = raw_request(base_url, "GET", target)
            elapsed = time.perf_counter() - started
            assert answer.status == status
            assert elapsed < 0.1, (target[:40], elapsed)
        assert raw_request(base_url, "GET", "/admin/users").status == 401
        assert raw_request(base_url, "GET", "/hello-world").status == 401
        authorized = raw_request(
            base_url,
            "GET",
            "/admin/users",
            header_lines=b"Authorization: Bearer ok\r\n",
        )
        assert authorized.status == 200
        assert authorized.body == b'{"path":"/admin/users"}'
