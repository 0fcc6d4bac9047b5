"""The ``health`` endpoints of a real ``routetree start``, under both servers.

What they answer while the server serves; how readiness turns 503 on SIGTERM is in
``tests/server/test_drain.py``.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import httpx
import pytest

from routetree._server._serve import SERVERS
from routetree.testing import LiveServer, live_server
from tests.raw_http import raw_request

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import MakeProject

PROJECT = {
    # Health paths are the server's: outside base_path, allowed_hosts and middleware.
    "routetree.toml": """
        base_path = "/v1"
        allowed_hosts = ["api.example.com"]
        health = { live = "/livez", ready = "/readyz" }
        """,
    "middleware.py": """
        from routetree import Response

        def middleware(request):
            return Response("middleware answered", status=418)
        """,
    "app/api/hello/route.py": """
        from routetree import Response

        def GET():
            return Response("hello")
        """,
}


@pytest.fixture(scope="module", params=SERVERS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("health")
    for relative, source in PROJECT.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(source).lstrip())
    with live_server(root, args=("--server", request.param)) as url:
        yield url


@pytest.mark.parametrize("path", ["/livez", "/readyz"])
def test_health_endpoints_answer_200_before_host_checks_and_middleware(
    server: LiveServer, path: str
) -> None:
    # A Kubernetes probe sends the pod's address as its Host.
    response = httpx.get(f"{server}{path}", headers={"host": "10.1.2.3:3000"})
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"


def test_other_paths_still_go_through_the_app(server: LiveServer) -> None:
    refused = httpx.get(f"{server}/v1/api/hello", headers={"host": "10.1.2.3"})
    assert refused.status_code == 400  # not an allowed host
    answered = httpx.get(f"{server}/v1/api/hello", headers={"host": "api.example.com"})
    assert (answered.status_code, answered.text) == (418, "middleware answered")
    below_base_path = httpx.get(
        f"{server}/v1/livez", headers={"host": "api.example.com"}
    )
    assert below_base_path.status_code == 418  # the middleware's, not health's


def test_head_has_no_body(server: LiveServer) -> None:
    response = raw_request(server, "HEAD", "/readyz")
    assert response.status == 200
    assert response.header("content-length") == "15"
    assert response.body == b""


def test_other_methods_are_405_with_allow(server: LiveServer) -> None:
    response = httpx.post(f"{server}/livez")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.json()["error"] == "Method Not Allowed"


def test_without_health_config_the_paths_are_the_apps(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {"app/api/hello/route.py": PROJECT["app/api/hello/route.py"]}
    )
    with live_server(project) as server:
        assert httpx.get(f"{server}/livez").status_code == 404
        assert httpx.get(f"{server}/readyz").status_code == 404
