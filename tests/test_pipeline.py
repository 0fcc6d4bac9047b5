"""The configured pipeline: routetree.toml stages and middleware, in Next.js's order.

Everything about ``tests/apps/configured`` goes through ``routetree start`` on
127.0.0.1 (one server for the module); one-off projects use the test client.
"""

from __future__ import annotations

import gzip
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from routetree import ConfigError, create_app
from routetree.testing import LiveServer, live_server
from tests.raw_http import raw_request

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import MakeProject

CONFIGURED = Path(__file__).parent / "apps" / "configured"
ORIGIN = "https://app.example.com"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(CONFIGURED) as url:
        yield url


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=10) as http:
        yield http


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/hello", 200),
        ("GET", "/api/nothing-here", 404),
        ("DELETE", "/api/hello", 405),
        ("GET", "/api/throws", 500),
    ],
)
def test_config_headers_reach_every_answer(
    client: httpx.Client, method: str, path: str, status: int
) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert response.headers["x-config-header"] == "yes"


def test_config_header_only_under_its_source(make_project: MakeProject) -> None:
    project = make_project(
        {
            "routetree.toml": (
                '[[headers]]\nsource = "/api/:path*"\n'
                'headers = [{ key = "x-api", value = "1" }]\n'
            ),
            "app/rss.xml/route.py": (
                "from routetree import Response\n\n\n"
                "async def GET():\n    return Response('<rss/>')\n"
            ),
        }
    )
    with live_server(project) as url, httpx.Client(base_url=url) as client:
        assert "x-api" not in client.get("/rss.xml").headers


def test_permanent_redirect_keeps_the_query(client: httpx.Client) -> None:
    response = client.get("/api/old/42?x=1")
    assert response.status_code == 308
    assert response.headers["location"] == "/api/users/42?x=1"
    assert response.headers["refresh"] == "0;url=/api/users/42?x=1"
    assert response.text == "/api/users/42?x=1"


def test_temporary_redirect(client: httpx.Client) -> None:
    response = client.get("/api/moved-temp")
    assert response.status_code == 307
    assert response.headers["location"] == "/api/hello"
    assert "refresh" not in response.headers


def test_rewrite_serves_another_route_with_its_params(client: httpx.Client) -> None:
    response = client.get("/api/alias/42")
    assert response.status_code == 200
    assert response.json() == {"route": "[id]", "params": {"id": "42"}}


def test_cors_preflight_is_answered_before_the_handler(client: httpx.Client) -> None:
    response = client.options(
        "/api/hello",
        headers={
            "origin": ORIGIN,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-max-age"] == "600"
    assert "POST" in response.headers["access-control-allow-methods"]


def test_cors_refuses_other_origins(client: httpx.Client) -> None:
    response = client.options(
        "/api/hello",
        headers={
            "origin": "https://evil.example",
            "access-control-request-method": "POST",
        },
    )
    assert "access-control-allow-origin" not in response.headers
    simple = client.get("/api/hello", headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers


def test_cors_headers_on_an_actual_request(client: httpx.Client) -> None:
    response = client.get("/api/hello", headers={"origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "origin" in response.headers["vary"].lower()


def test_middleware_refuses_without_credentials(client: httpx.Client) -> None:
    response = client.get("/api/protected/data")
    assert response.status_code == 401
    assert response.json() == {"success": False, "message": "authentication failed"}
    assert response.headers["x-config-header"] == "yes"


def test_middleware_passes_request_and_response_headers(client: httpx.Client) -> None:
    response = client.get("/api/protected/data", headers={"authorization": "Bearer ok"})
    assert response.status_code == 200
    assert response.json() == {"secret": 42, "user": "ada"}
    assert response.headers["x-mw"] == "1"


def test_subrequest_header_does_not_skip_middleware(client: httpx.Client) -> None:
    for value in (
        "middleware:middleware:middleware:middleware:middleware",
        "proxy:proxy:proxy:proxy:proxy",
        "src/proxy:src/proxy:src/proxy:src/proxy:src/proxy",
    ):
        response = client.get(
            "/api/protected/data", headers={"x-middleware-subrequest": value}
        )
        assert response.status_code == 401


def test_middleware_rewrite_and_redirect(client: httpx.Client) -> None:
    rewritten = client.get("/api/protected/rewrite")
    assert rewritten.status_code == 200
    assert rewritten.json() == {"message": "Hello World", "path": "/api/hello"}
    redirected = client.get("/api/protected/redirect")
    assert redirected.status_code == 307
    assert redirected.headers["location"] == "/api/hello"


def test_middleware_that_raises_is_500(client: httpx.Client) -> None:
    response = client.get("/api/protected/boom")
    assert response.status_code == 500
    assert response.json() == {"error": "Internal Server Error"}


def test_ip_from_a_trusted_proxy(client: httpx.Client) -> None:
    # The test client's peer is 127.0.0.1, a trusted proxy in routetree.toml.
    response = client.get(
        "/api/ip", headers={"x-forwarded-for": "203.0.113.9, 10.0.0.1, 127.0.0.1"}
    )
    assert response.json() == {"ip": "10.0.0.1"}


def test_ip_is_the_peer_without_trusted_proxies(make_project: MakeProject) -> None:
    project = make_project(
        {
            "app/api/ip/route.py": (
                "from routetree import Response\n\n\n"
                "async def GET(request):\n"
                "    return Response.json({'ip': request.ip})\n"
            )
        }
    )
    with live_server(project) as url, httpx.Client(base_url=url) as client:
        response = client.get("/api/ip", headers={"x-forwarded-for": "203.0.113.9"})
    assert response.json() == {"ip": "127.0.0.1"}


@pytest.mark.parametrize(
    "target",
    [
        "//api/protected/data",
        "/api/protected/%64ata",
        "/API/protected/data",
        "/api/protected/data/",
        "/api/protected/data;x=1",
        "/api/%70rotected/data",
    ],
)
def test_path_tricks_never_reach_the_handler_unauthenticated(
    server: LiveServer, target: str
) -> None:
    response = raw_request(server, "GET", target)
    # The middleware matches the decoded, collapsed, case-folded path routing sees:
    # each trick is refused by it (or redirected first, for the trailing slash).
    assert response.status in (401, 308), (target, response.status)
    assert b"secret" not in response.body


def test_base_path(make_project: MakeProject) -> None:
    project = make_project(
        {
            "routetree.toml": (
                'base_path = "/v1"\n\n'
                '[[redirects]]\nsource = "/api/old"\ndestination = "/api/hello"\n'
                "permanent = false\n\n"
                '[[redirects]]\nsource = "/api/away"\n'
                'destination = "https://example.com/elsewhere"\npermanent = false\n'
            ),
            "app/api/hello/route.py": (
                "from routetree import Response\n\n\n"
                "async def GET(request):\n"
                "    return Response.json({'path': request.url.path})\n"
            ),
        }
    )
    with live_server(project) as url, httpx.Client(base_url=url) as client:
        assert client.get("/v1/api/hello").json() == {"path": "/api/hello"}
        assert client.get("/api/hello").status_code == 404
        # As in Next.js, a redirect's relative destination is under base_path too.
        moved = client.get("/v1/api/old?x=1")
        assert (moved.status_code, moved.headers["location"]) == (
            307,
            "/v1/api/hello?x=1",
        )
        away = client.get("/v1/api/away")
        assert away.headers["location"] == "https://example.com/elsewhere"


def test_trailing_slash_true(make_project: MakeProject) -> None:
    route = (
        "from routetree import Response\n\n\n"
        "async def GET(request):\n"
        "    return Response.json({'path': request.url.path})\n"
    )
    project = make_project(
        {
            "routetree.toml": "trailing_slash = true\n",
            "app/api/hello/route.py": route,
            "app/api/hello.json/route.py": route,
        }
    )
    with live_server(project) as url, httpx.Client(base_url=url) as client:
        added = client.get("/api/hello")
        assert (added.status_code, added.headers["location"]) == (308, "/api/hello/")
        assert client.get("/api/hello/").json() == {"path": "/api/hello/"}
        assert client.get("/api/hello.json").json() == {"path": "/api/hello.json"}
        dropped = client.get("/api/hello.json/")
        assert dropped.headers["location"] == "/api/hello.json"


def test_gzip_when_accepted_never_for_event_streams(client: httpx.Client) -> None:
    big = client.get("/api/big", headers={"accept-encoding": "gzip"})
    assert big.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in big.headers["vary"].lower()
    assert len(big.json()["items"]) == 200  # httpx decodes it
    plain = client.get("/api/big", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    sse = client.get("/api/sse", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in sse.headers
    assert sse.text.count("data: ") == 3


def test_gzip_on_a_project_without_config(make_project: MakeProject) -> None:
    project = make_project(
        {
            "app/api/text/route.py": (
                "from routetree import Response\n\n\n"
                "async def GET():\n    return Response('x' * 5000)\n"
            )
        }
    )
    with live_server(project) as url, httpx.Client(base_url=url) as client:
        response = client.get("/api/text", headers={"accept-encoding": "gzip"})
        with client.stream(
            "GET", "/api/text", headers={"accept-encoding": "gzip"}
        ) as streamed:
            raw = b"".join(streamed.iter_raw())
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == "x" * 5000
    assert len(raw) < 200
    assert gzip.decompress(raw) == b"x" * 5000


def test_config_errors_name_the_file_and_key(make_project: MakeProject) -> None:
    project = make_project(
        {"routetree.toml": "trailing_slashes = true\n", "app/api/x/route.py": ""}
    )
    with pytest.raises(ConfigError) as caught:
        create_app(project)
    assert "routetree.toml" in str(caught.value)
    assert "trailing_slashes" in str(caught.value)


def test_invalid_matcher_is_a_start_up_error(make_project: MakeProject) -> None:
    project = make_project(
        {
            "middleware.py": (
                "config = {'matcher': ['api/no-leading-slash']}\n\n\n"
                "def middleware(request):\n    return None\n"
            ),
            "app/api/x/route.py": "",
        }
    )
    with pytest.raises(ConfigError) as caught:
        create_app(project)
    assert "middleware.py" in str(caught.value)


# The order of the stages, as in Next.js: headers, redirects, middleware,
# before_files rewrites, static routes, after_files rewrites, dynamic routes,
# fallback rewrites.


def test_later_header_rule_wins_and_cookies_add_up(client: httpx.Client) -> None:
    everywhere = client.get("/api/echo")
    assert everywhere.headers["x-order"] == "all"
    assert everywhere.headers.get_list("set-cookie") == ["config-a=1; Path=/"]
    hello = client.get("/api/hello")
    assert hello.headers.get_list("x-order") == ["hello"]
    assert hello.headers.get_list("set-cookie") == [
        "config-a=1; Path=/",
        "config-b=2; Path=/",
    ]


def test_header_rules_fill_params(server: LiveServer) -> None:
    response = raw_request(server, "GET", "/api/users/a%20b%0D%0Ax:%20y")
    assert response.status == 200
    assert response.header("x-user-id") == "a b%0D%0Ax: y"
    assert response.header("x-id-a%20b%0d%0ax%3a%20y") == "1"  # names lower-cased
    assert response.header("x") is None  # no header was smuggled in


def test_config_headers_reach_redirects(client: httpx.Client) -> None:
    response = client.get("/api/old/42")
    assert response.status_code == 308
    assert response.headers["x-config-header"] == "yes"


def test_redirects_run_before_middleware(client: httpx.Client) -> None:
    response = client.get("/api/protected/old")  # no credentials
    assert response.status_code == 307
    assert response.headers["location"] == "/api/hello"


def test_cors_preflight_is_answered_before_middleware(client: httpx.Client) -> None:
    response = client.options(
        "/api/protected/data",
        headers={"origin": ORIGIN, "access-control-request-method": "GET"},
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ORIGIN


def test_rewrites_run_after_middleware(client: httpx.Client) -> None:
    # The middleware matched the path the client sent (not under its matcher), so a
    # rewrite into a guarded path is not guarded: docs/middleware.md warns of this.
    response = client.get("/api/guarded-alias")
    assert response.status_code == 200
    assert response.json() == {"secret": 42, "user": None}


def test_before_files_rewrite_hides_a_static_route(client: httpx.Client) -> None:
    response = client.get("/api/shadowed?x=1")
    assert response.json() == {
        "route": "echo",
        "path": "/api/echo",
        "query": [["x", "1"], ["from", "before"]],
        "user": None,
    }


def test_static_route_wins_over_after_files(client: httpx.Client) -> None:
    assert client.get("/api/hello").json()["message"] == "Hello World"


def test_after_files_rewrite_wins_over_dynamic_routes(client: httpx.Client) -> None:
    assert client.get("/api/users/special").json()["route"] == "echo"
    assert client.get("/api/users/7").json() == {
        "route": "[id]",
        "params": {"id": "7"},
    }


def test_fallback_rewrite_passes_unused_params_in_the_query(
    client: httpx.Client,
) -> None:
    response = client.get("/api/fallback/a/b?x=1")
    assert response.json()["query"] == [["x", "1"], ["rest", "a"], ["rest", "b"]]
    assert client.get("/api/nothing-here").status_code == 404


def test_cors_subdomain_pattern(client: httpx.Client) -> None:
    origin = "https://pr-7.preview.example.com"
    allowed = client.get("/api/hello", headers={"origin": origin})
    assert allowed.headers["access-control-allow-origin"] == origin
    refused = client.get(
        "/api/hello", headers={"origin": "https://preview.example.com"}
    )
    assert "access-control-allow-origin" not in refused.headers


def test_refused_preflight_still_varies_on_origin(client: httpx.Client) -> None:
    response = client.options(
        "/api/hello",
        headers={
            "origin": "https://evil.example",
            "access-control-request-method": "POST",
        },
    )
    assert response.status_code == 204
    assert "access-control-allow-origin" not in response.headers
    assert "Origin" in response.headers["vary"]


def test_has_condition_captures_a_param(client: httpx.Client) -> None:
    response = client.get("/api/tenant-home?x=1", headers={"x-tenant": "acme"})
    assert response.status_code == 307
    assert response.headers["location"] == "/api/users/acme?x=1"
    assert (
        client.get("/api/tenant-home", headers={"x-tenant": "ACME"}).status_code == 404
    )
    assert client.get("/api/tenant-home").status_code == 404


def test_middleware_rewrite_to_an_absolute_url(server: LiveServer) -> None:
    with httpx.Client(base_url=server) as client:
        same = client.get("/api/protected/same-host")
        other = client.get("/api/protected/other-host")
    assert same.status_code == 200
    assert same.json()["query"] == [["via", "mw"]]
    assert other.status_code == 500
    assert other.json() == {"error": "Internal Server Error"}
    deadline = time.monotonic() + 10  # the log line is read off the pipe by a thread
    while "names another host" not in server.output and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "Response.rewrite('https://other.example/api/hello') names another host" in (
        server.output
    )


def test_config_max_body_size_applies_to_every_route(client: httpx.Client) -> None:
    assert client.post("/api/echo", content=b"x" * 1024).json() == {"received": 1024}
    too_big = client.post("/api/echo", content=b"x" * 1025)
    assert too_big.status_code == 413
    streamed = client.post("/api/echo", content=iter([b"x" * 600, b"x" * 600]))
    assert streamed.status_code == 413


def test_middleware_matcher_conditions(client: httpx.Client) -> None:
    assert client.get("/api/echo").status_code == 200
    assert client.get("/api/echo", headers={"x-guard": "1"}).status_code == 401
    skipped = client.get("/api/echo?skip-guard=1", headers={"x-guard": "1"})
    assert skipped.status_code == 200


def test_set_cookie_lines_from_every_stage_add_up_in_order(
    client: httpx.Client,
) -> None:
    # docs/cookies.md: config, then middleware, then the response's own, then
    # cookies() (whose "same" loses to the response's).
    response = client.get("/api/protected/data", headers={"authorization": "Bearer ok"})
    assert response.headers.get_list("set-cookie") == [
        "config-a=1; Path=/",
        "mw=1; Path=/",
        "same=from-response; Path=/",
        "store=s; Path=/",
    ]
