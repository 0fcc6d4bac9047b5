"""The HTTP behaviour of spec section 6, on small projects, through the ASGI app."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import httpx
import pytest

from routetree import create_app
from routetree.testing import TestClient

if TYPE_CHECKING:
    from collections.abc import Mapping

    from routetree._types import ASGIApp, Message, Scope
    from tests.conftest import MakeProject

ROUTE = "app/api/x/route.py"


def _raw(path: str) -> httpx.URL:
    """A URL whose path is sent byte for byte, without httpx's normalisation."""
    return httpx.URL("http://testserver").copy_with(raw_path=path.encode())


def _methods_route(methods: list[str]) -> str:
    """A route exporting ``methods``; each echoes its method and ``request.method``."""
    lines = ["from routetree import Request, Response", ""]
    for method in methods:
        lines += [
            "",
            f"def {method}(request: Request) -> Response:",
            f'    return Response("{method.lower()}", headers={{'
            f'"x-handler": "{method}", "x-method": request.method}})',
        ]
    return "\n".join(lines) + "\n"


def _exchange(
    make_project: MakeProject,
    files: Mapping[str, str],
    method: str,
    url: str | httpx.URL,
) -> httpx.Response:
    with TestClient(make_project(files)) as client:
        return client.request(method, url)


# --- HEAD -----------------------------------------------------------------------------


def test_head_runs_get_without_body(make_project: MakeProject) -> None:
    response = _exchange(
        make_project, {ROUTE: _methods_route(["GET"])}, "HEAD", "/api/x"
    )
    assert response.status_code == 200
    assert response.headers.multi_items() == [
        ("x-handler", "GET"),
        ("x-method", "HEAD"),
        ("content-type", "text/plain; charset=utf-8"),
        ("content-length", "3"),
    ]
    assert response.content == b""


def test_explicit_head_wins_over_automatic_head(make_project: MakeProject) -> None:
    response = _exchange(
        make_project, {ROUTE: _methods_route(["GET", "HEAD"])}, "HEAD", "/api/x"
    )
    assert response.status_code == 200
    assert response.headers["x-handler"] == "HEAD"
    assert response.headers["x-method"] == "HEAD"
    assert response.content == b""


def test_head_on_a_post_only_route_is_405(make_project: MakeProject) -> None:
    response = _exchange(
        make_project, {ROUTE: _methods_route(["POST"])}, "HEAD", "/api/x"
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "OPTIONS, POST"
    assert response.content == b""


# --- OPTIONS and 405 ------------------------------------------------------------------

ALLOW_CASES = [
    pytest.param(["GET"], "GET, HEAD, OPTIONS", id="get-only"),
    pytest.param(["POST"], "OPTIONS, POST", id="post-only"),
    pytest.param(
        ["GET", "POST", "PUT", "PATCH", "DELETE"],
        "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
        id="all-five",
    ),
    pytest.param(["DELETE", "GET"], "DELETE, GET, HEAD, OPTIONS", id="get-and-delete"),
    pytest.param(["GET", "HEAD"], "GET, HEAD, OPTIONS", id="explicit-head"),
    pytest.param(["HEAD"], "HEAD, OPTIONS", id="head-only"),
]


@pytest.mark.parametrize(("methods", "allow"), ALLOW_CASES)
def test_automatic_options_is_204_with_allow(
    make_project: MakeProject, methods: list[str], allow: str
) -> None:
    response = _exchange(
        make_project, {ROUTE: _methods_route(methods)}, "OPTIONS", "/api/x"
    )
    assert response.status_code == 204
    assert response.headers.multi_items() == [("allow", allow)]
    assert response.content == b""


def test_automatic_options_on_a_dynamic_route(make_project: MakeProject) -> None:
    response = _exchange(
        make_project,
        {"app/api/users/[id]/route.py": _methods_route(["GET", "DELETE"])},
        "OPTIONS",
        "/api/users/5",
    )
    assert response.status_code == 204
    assert response.headers["allow"] == "DELETE, GET, HEAD, OPTIONS"


def test_explicit_options_wins(make_project: MakeProject) -> None:
    source = """
    from routetree import Response

    def GET() -> Response:
        return Response("get")

    def OPTIONS() -> Response:
        return Response("custom options", headers={"access-control-allow-origin": "*"})
    """
    response = _exchange(make_project, {ROUTE: source}, "OPTIONS", "/api/x")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "allow" not in response.headers
    assert response.text == "custom options"


NOT_ALLOWED_CASES = [
    pytest.param(exported, allow, method, id=f"{method}-on-{name}")
    for exported, allow, name in [
        (["GET"], "GET, HEAD, OPTIONS", "get-only"),
        (["POST"], "OPTIONS, POST", "post-only"),
        (["DELETE"], "DELETE, OPTIONS", "delete-only"),
    ]
    for method in ["GET", "POST", "PUT", "PATCH", "DELETE"]
    if method not in exported
]


@pytest.mark.parametrize(("methods", "allow", "method"), NOT_ALLOWED_CASES)
def test_method_the_route_does_not_export_is_405_with_allow(
    make_project: MakeProject, methods: list[str], allow: str, method: str
) -> None:
    response = _exchange(
        make_project, {ROUTE: _methods_route(methods)}, method, "/api/x"
    )
    assert response.status_code == 405
    assert response.headers.multi_items() == [
        ("allow", allow),
        ("content-type", "application/json"),
        ("content-length", "30"),
    ]
    assert response.content == b'{"error":"Method Not Allowed"}'


@pytest.mark.parametrize("method", ["PROPFIND", "QUERY", "FOO", "CONNECT", "TRACE"])
@pytest.mark.parametrize("path", ["/api/x", "/api/nowhere"])
def test_method_outside_the_seven_is_400(
    make_project: MakeProject, method: str, path: str
) -> None:
    response = _exchange(make_project, {ROUTE: _methods_route(["GET"])}, method, path)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "detail"}
    assert body["error"] == "Bad Request"
    assert method in body["detail"]


def test_every_method_reaches_its_handler(make_project: MakeProject) -> None:
    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    with TestClient(make_project({ROUTE: _methods_route(methods)})) as client:
        for method in methods:
            response = client.request(method, "/api/x")
            assert response.status_code == 200
            assert response.headers["x-handler"] == method
            assert response.content == (
                b"" if method == "HEAD" else method.lower().encode()
            )


# --- 404 ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "OPTIONS"])
@pytest.mark.parametrize(
    "path", ["/api/nowhere", "/", "/api", "/api/x/extra", "/API/X"]
)
def test_unknown_path_is_404(make_project: MakeProject, method: str, path: str) -> None:
    response = _exchange(make_project, {ROUTE: _methods_route(["GET"])}, method, path)
    assert response.status_code == 404
    assert response.headers.multi_items() == [
        ("content-type", "application/json"),
        ("content-length", "21"),
    ]
    assert response.content == b'{"error":"Not Found"}'


def test_unknown_path_on_head_is_404_without_body(make_project: MakeProject) -> None:
    response = _exchange(
        make_project, {ROUTE: _methods_route(["GET"])}, "HEAD", "/nowhere"
    )
    assert response.status_code == 404
    assert response.content == b""


# --- malformed percent escapes --------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/api/x/%ZZ", id="not-hex"),
        pytest.param("/api/x/%E0%A4%A", id="truncated-escape"),
        pytest.param("/api/x/%C3%28", id="invalid-utf-8"),
        pytest.param("/api/x/%", id="lone-percent"),
        pytest.param("/api/%ZZ/x", id="in-a-static-segment"),
        pytest.param("/nowhere/%ZZ", id="on-an-unknown-path"),
    ],
)
def test_malformed_percent_escape_is_400(make_project: MakeProject, path: str) -> None:
    response = _exchange(
        make_project,
        {"app/api/x/[id]/route.py": _methods_route(["GET"])},
        "GET",
        _raw(path),
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "detail"}
    assert body["error"] == "Bad Request"


def test_valid_percent_escape_reaches_the_route(make_project: MakeProject) -> None:
    response = _exchange(
        make_project,
        {"app/api/x/[id]/route.py": _methods_route(["GET"])},
        "GET",
        _raw("/api/x/caf%C3%A9"),
    )
    assert response.status_code == 200


# --- trailing slash -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "location"),
    [
        pytest.param("/api/x/", "/api/x", id="plain"),
        pytest.param("/api/x/?a=1", "/api/x?a=1", id="query-kept"),
        pytest.param(
            "/api/x/?a=1&b=x%20y", "/api/x?a=1&b=x%20y", id="query-kept-verbatim"
        ),
        pytest.param("/api/x//", "/api/x", id="two-slashes"),
        pytest.param("/api/nowhere/", "/api/nowhere", id="unknown-path"),
    ],
)
def test_trailing_slash_redirects_308_to_the_path_without_it(
    make_project: MakeProject, path: str, location: str
) -> None:
    response = _exchange(
        make_project, {ROUTE: _methods_route(["GET"])}, "GET", _raw(path)
    )
    assert response.status_code == 308
    assert response.headers["location"] == location
    assert response.headers["refresh"] == f"0;url={location}"
    assert response.text == location


def test_trailing_slash_redirect_keeps_the_method_for_post(
    make_project: MakeProject,
) -> None:
    response = _exchange(
        make_project, {ROUTE: _methods_route(["POST"])}, "POST", "/api/x/"
    )
    assert response.status_code == 308
    assert response.headers["location"] == "/api/x"


def test_root_path_is_not_redirected(make_project: MakeProject) -> None:
    response = _exchange(
        make_project, {"app/route.py": _methods_route(["GET"])}, "GET", "/"
    )
    assert response.status_code == 200
    assert response.text == "get"


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("//evil.example/", id="double-slash"),
        pytest.param("///evil.example/", id="triple-slash"),
        pytest.param("//evil.example/path/", id="double-slash-with-path"),
        pytest.param("/\\evil.example/", id="slash-backslash"),
        pytest.param("/\\/evil.example/", id="slash-backslash-slash"),
        pytest.param("/%2F%2Fevil.example/", id="encoded-slashes"),
        pytest.param("/%2f/evil.example/", id="encoded-slash-lower-case"),
        pytest.param("/%5Cevil.example/", id="encoded-backslash"),
        pytest.param("/%5c%5C/evil.example/", id="encoded-backslashes"),
        pytest.param("///", id="only-slashes"),
        pytest.param("/%2F/", id="only-encoded-slash"),
    ],
)
def test_trailing_slash_redirect_never_leaves_the_site(
    make_project: MakeProject, path: str
) -> None:
    # Browsers read "//host" and "/\\host" as protocol-relative URLs to another host,
    # and a proxy or client that decodes "/%2F" or "/%5C" may too.
    response = _exchange(
        make_project, {ROUTE: _methods_route(["GET"])}, "GET", _raw(path)
    )
    assert response.status_code == 308
    location = response.headers["location"]
    assert location.startswith("/")
    assert not location.upper().startswith(("//", "/\\", "/%2F", "/%5C")), location
    assert "evil.example" not in httpx.URL("http://testserver").join(location).host


# --- lifespan and websockets ----------------------------------------------------------


def test_test_client_runs_the_lifespan(make_project: MakeProject) -> None:
    with TestClient(make_project({ROUTE: _methods_route(["GET"])})) as client:
        first = client.get("/api/x")
        second = client.get("/api/x")
    assert (first.status_code, second.status_code) == (200, 200)


async def _drive(app: ASGIApp, scope: Scope, incoming: list[Message]) -> list[Message]:
    """Call ``app``; ``receive`` yields ``incoming``, then waits forever."""
    sent: list[Message] = []
    queue = list(incoming)
    never = anyio.Event()

    async def receive() -> Message:
        if queue:
            return queue.pop(0)
        await never.wait()
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    with anyio.fail_after(5):
        await app(scope, receive, send)
    return sent


@pytest.mark.anyio
async def test_lifespan_protocol_completes_startup_and_shutdown(
    make_project: MakeProject,
) -> None:
    app = create_app(make_project({ROUTE: _methods_route(["GET"])}))
    sent = await _drive(
        app,
        {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}},
        [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}],
    )
    assert sent == [
        {"type": "lifespan.startup.complete"},
        {"type": "lifespan.shutdown.complete"},
    ]


def _websocket_scope(**extra: object) -> Scope:
    return {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "path": "/api/x",
        "raw_path": b"/api/x",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "subprotocols": [],
        **extra,
    }


@pytest.mark.anyio
async def test_websocket_refusal_without_the_http_response_extension_is_a_1008_close(
    make_project: MakeProject,
) -> None:
    app = create_app(make_project({ROUTE: _methods_route(["GET"])}))
    sent = await _drive(app, _websocket_scope(), [{"type": "websocket.connect"}])
    assert sent == [{"type": "websocket.close", "code": 1008}]


@pytest.mark.anyio
async def test_websocket_refusal_with_the_http_response_extension_is_http(
    make_project: MakeProject,
) -> None:
    app = create_app(make_project({ROUTE: _methods_route(["GET"])}))
    scope = _websocket_scope(extensions={"websocket.http.response": {}})
    sent = await _drive(app, scope, [{"type": "websocket.connect"}])
    assert [m["type"] for m in sent] == [
        "websocket.http.response.start",
        "websocket.http.response.body",
    ]
    assert sent[0]["status"] == 405
    assert (b"allow", b"GET, HEAD, OPTIONS") in sent[0]["headers"]
    assert sent[1]["body"] == b'{"error":"Method Not Allowed"}'


@pytest.mark.anyio
async def test_app_serves_http_after_refusing_a_websocket(
    make_project: MakeProject,
) -> None:
    app = create_app(make_project({ROUTE: _methods_route(["GET"])}))
    await _drive(
        app,
        {"type": "websocket", "path": "/api/x", "raw_path": b"/api/x", "headers": []},
        [{"type": "websocket.connect"}],
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver"
    ) as client:
        response = await client.get("/api/x")
    assert response.status_code == 200
    assert response.text == "get"
