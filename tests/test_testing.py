"""routetree.testing: TestClient, AsyncTestClient and live_server."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from routetree import RouteConflictError, create_app
from routetree.testing import AsyncTestClient, LiveServer, TestClient, live_server

if TYPE_CHECKING:
    from routetree._types import Receive, Scope, Send
    from tests.conftest import MakeProject

HELLO = """
from routetree import Request, Response

async def GET(request: Request) -> Response:
    client = list(request.client or ())
    return Response.json({"message": "Hello World", "client": client})
"""


@pytest.fixture
def project(make_project: MakeProject) -> Path:
    return make_project({"app/api/hello/route.py": HELLO})


ProjectArgument = Callable[[Path], object]

PROJECT_ARGUMENTS = [
    pytest.param(lambda project: project, id="path"),
    pytest.param(lambda project: str(project), id="str"),
    pytest.param(lambda project: create_app(project), id="app"),
]


@pytest.mark.parametrize("argument", PROJECT_ARGUMENTS)
def test_test_client_as_a_context_manager(
    project: Path, argument: ProjectArgument
) -> None:
    with TestClient(argument(project)) as client:  # type: ignore[arg-type]
        response = client.get("/api/hello")
    assert response.status_code == 200
    assert response.json() == {"message": "Hello World", "client": ["127.0.0.1", 50000]}


def test_test_client_context_manager_leaves_nothing_unclosed(project: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with TestClient(project) as client:
            client.get("/api/hello")
        del client
        gc.collect()
    assert [str(w.message) for w in caught if w.category is ResourceWarning] == []


@pytest.mark.parametrize("argument", PROJECT_ARGUMENTS)
def test_test_client_without_with(project: Path, argument: ProjectArgument) -> None:
    client = TestClient(argument(project))  # type: ignore[arg-type]
    try:
        first = client.get("/api/hello")
        second = client.get("/api/hello")
    finally:
        client.close()
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["message"] == "Hello World"


async def _plain_asgi_app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": scope["path"].encode()})


def test_test_client_accepts_any_asgi_app() -> None:
    with TestClient(_plain_asgi_app) as client:
        response = client.get("/any/path")
    assert response.status_code == 200
    assert response.text == "/any/path"


def test_test_client_reports_the_given_peer_address(project: Path) -> None:
    with TestClient(project, client=("10.1.2.3", 1234)) as client:
        response = client.get("/api/hello")
    assert response.json()["client"] == ["10.1.2.3", 1234]


def test_test_client_does_not_follow_redirects(make_project: MakeProject) -> None:
    source = """
    from routetree import redirect

    def GET():
        redirect("/api/elsewhere")
    """
    with TestClient(make_project({"app/api/x/route.py": source})) as client:
        response = client.get("/api/x")
    assert response.status_code == 307
    assert response.headers["location"] == "/api/elsewhere"


def test_test_client_keeps_cookies_between_requests(make_project: MakeProject) -> None:
    source = """
    from routetree import Request, Response

    def POST() -> Response:
        response = Response("logged in")
        response.cookies.set("session", "abc")
        return response

    def GET(request: Request) -> Response:
        return Response.json({"session": request.cookies.get("session")})
    """
    with TestClient(make_project({"app/api/login/route.py": source})) as client:
        login = client.post("/api/login")
        me = client.get("/api/login")
    assert login.headers["set-cookie"] == "session=abc; Path=/"
    assert me.json() == {"session": "abc"}


def test_test_client_in_dev_mode_shows_tracebacks(make_project: MakeProject) -> None:
    source = """
    def GET():
        raise RuntimeError("dev only")
    """
    project = make_project({"app/api/x/route.py": source})
    with TestClient(project, dev=True) as dev, TestClient(project) as prod:
        dev_body = dev.get("/api/x").json()
        prod_body = prod.get("/api/x").json()
    assert dev_body["exception"]["message"] == "dev only"
    assert prod_body == {"error": "Internal Server Error"}


def test_test_client_on_an_invalid_tree_raises_the_tree_error(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {"app/(a)/api/x/route.py": HELLO, "app/(b)/api/x/route.py": HELLO}
    )
    with pytest.raises(RouteConflictError):
        TestClient(project)


@pytest.mark.anyio
@pytest.mark.parametrize("argument", PROJECT_ARGUMENTS)
async def test_async_test_client_as_a_context_manager(
    project: Path, argument: ProjectArgument
) -> None:
    async with AsyncTestClient(argument(project)) as client:  # type: ignore[arg-type]
        response = await client.get("/api/hello")
    assert response.status_code == 200
    assert response.json() == {"message": "Hello World", "client": ["127.0.0.1", 50000]}


@pytest.mark.anyio
async def test_async_test_client_without_async_with(project: Path) -> None:
    client = AsyncTestClient(project)
    try:
        response = await client.get("/api/hello")
    finally:
        await client.aclose()
    assert response.status_code == 200
    assert response.json()["message"] == "Hello World"


def test_live_server_serves_the_project_over_http(project: Path) -> None:
    with live_server(project) as base_url:
        assert isinstance(base_url, LiveServer)
        assert base_url.startswith("http://127.0.0.1:")
        response = httpx.get(f"{base_url}/api/hello", timeout=10)
        missing = httpx.get(f"{base_url}/api/nowhere", timeout=10)
    assert response.status_code == 200
    assert response.json()["message"] == "Hello World"
    assert response.json()["client"][0] == "127.0.0.1"
    assert missing.status_code == 404
    assert missing.json() == {"error": "Not Found"}
    assert base_url in base_url.output
