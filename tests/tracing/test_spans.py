"""The spans of each request, as a real server exports them.

The projects under tests/apps/tracing* set up the OpenTelemetry SDK in ``register()``
with an ``InMemorySpanExporter``, in the server's process; their ``GET /spans`` route
answers what it exported since the last call. Each test sends real requests, then
reads the spans they made.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from routetree.testing import live_server

if TYPE_CHECKING:
    from collections.abc import Iterator

APPS = Path(__file__).resolve().parent.parent / "apps"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"

Span = dict[str, Any]


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with (
        live_server(APPS / "tracing") as url,
        httpx.Client(base_url=url) as client,
    ):
        client.get("/spans")  # start clean
        yield client


@pytest.fixture(scope="module")
def mw_client() -> Iterator[httpx.Client]:
    with (
        live_server(APPS / "tracing_middleware") as url,
        httpx.Client(base_url=url) as client,
    ):
        client.get("/v1/spans")
        yield client


def _spans(client: httpx.Client, path: str = "/spans") -> dict[str, Span]:
    """The spans exported since the last read, by name (each name once)."""
    spans = client.get(path).json()
    by_name = {span["name"]: span for span in spans}
    assert len(by_name) == len(spans), [span["name"] for span in spans]
    return by_name


def _id(span: Span, key: str) -> str:
    return str(span["context"][key]).removeprefix("0x")


def _is_child(child: Span, parent: Span) -> bool:
    return child["parent_id"] == parent["context"]["span_id"] and _id(
        child, "trace_id"
    ) == _id(parent, "trace_id")


def test_a_request_is_one_server_span_named_after_its_route(
    client: httpx.Client,
) -> None:
    response = client.get("/api/users/42", headers={"user-agent": "tests"})
    assert response.json() == {"id": "42"}
    spans = _spans(client)
    assert set(spans) == {
        "GET /api/users/[id]",
        "executing api route (app) /api/users/[id]",
        "load user",
    }
    server = spans["GET /api/users/[id]"]
    assert server["kind"] == "SpanKind.SERVER"
    assert server["parent_id"] is None  # no traceparent: a new trace
    assert server["status"]["status_code"] == "UNSET"
    url = httpx.URL(str(client.base_url))
    assert server["attributes"] == {
        "http.request.method": "GET",
        "url.path": "/api/users/42",
        "url.scheme": "http",
        "network.protocol.version": "1.1",
        "server.address": "127.0.0.1",
        "server.port": url.port,
        "client.address": "127.0.0.1",
        "user_agent.original": "tests",
        "http.route": "/api/users/[id]",
        "http.response.status_code": 200,
    }


def test_the_handler_span_is_the_server_spans_child_and_the_parent_of_its_own(
    client: httpx.Client,
) -> None:
    client.get("/api/users/42")
    spans = _spans(client)
    server = spans["GET /api/users/[id]"]
    handler = spans["executing api route (app) /api/users/[id]"]
    assert handler["kind"] == "SpanKind.INTERNAL"
    assert _is_child(handler, server)
    assert handler["attributes"] == {
        "code.file.path": "app/api/users/[id]/route.py",
        "code.function.name": "GET",
    }
    # The span the handler's code starts is the handler span's child.
    assert _is_child(spans["load user"], handler)


def test_a_plain_def_handler_makes_its_spans_in_the_handler_span(
    client: httpx.Client,
) -> None:
    assert client.get("/api/sync").json() == {"ok": True}
    spans = _spans(client)
    handler = spans["executing api route (app) /api/sync"]
    assert _is_child(handler, spans["GET /api/sync"])
    assert _is_child(spans["in a thread"], handler)


def test_the_incoming_traceparent_is_the_server_spans_parent(
    client: httpx.Client,
) -> None:
    client.get("/api/users/7", headers={"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01"})
    spans = _spans(client)
    server = spans["GET /api/users/[id]"]
    assert _id(server, "trace_id") == TRACE_ID
    assert server["parent_id"].removeprefix("0x") == PARENT_ID
    assert {_id(span, "trace_id") for span in spans.values()} == {TRACE_ID}


def test_a_handler_exception_fails_both_spans(client: httpx.Client) -> None:
    assert client.get("/api/boom").status_code == 500
    spans = _spans(client)
    server = spans["GET /api/boom"]
    handler = spans["executing api route (app) /api/boom"]
    assert server["status"]["status_code"] == "ERROR"
    assert server["attributes"]["http.response.status_code"] == 500
    assert server["attributes"]["error.type"] == "ValueError"
    assert handler["status"]["status_code"] == "ERROR"
    assert handler["attributes"]["error.type"] == "ValueError"
    [event] = handler["events"]
    assert event["name"] == "exception"
    assert event["attributes"]["exception.type"] == "ValueError"
    assert event["attributes"]["exception.message"] == "boom"
    assert 'raise ValueError("boom")' in event["attributes"]["exception.stacktrace"]
    assert server["events"] == []  # recorded once, where it was raised


def test_an_http_error_the_handler_raises_is_no_failure(client: httpx.Client) -> None:
    assert client.post("/api/boom").status_code == 409
    spans = _spans(client)
    server = spans["POST /api/boom"]
    handler = spans["executing api route (app) /api/boom"]
    assert server["attributes"]["http.response.status_code"] == 409
    assert "error.type" not in server["attributes"]
    assert server["status"]["status_code"] == "UNSET"
    assert handler["status"]["status_code"] == "UNSET"
    assert handler["events"] == []


def test_a_request_that_matches_no_route_has_no_route(client: httpx.Client) -> None:
    assert client.get("/api/nowhere").status_code == 404
    spans = _spans(client)
    assert set(spans) == {"GET"}
    server = spans["GET"]
    assert "http.route" not in server["attributes"]
    assert server["attributes"]["url.path"] == "/api/nowhere"
    assert server["attributes"]["http.response.status_code"] == 404
    assert server["status"]["status_code"] == "UNSET"


def test_a_method_the_route_lacks_is_named_after_the_route(
    client: httpx.Client,
) -> None:
    assert client.delete("/api/users/1").status_code == 405
    spans = _spans(client)
    assert set(spans) == {"DELETE /api/users/[id]"}  # no handler ran
    assert spans["DELETE /api/users/[id]"]["attributes"]["http.route"] == (
        "/api/users/[id]"
    )


def test_a_stream_that_breaks_fails_the_server_span(client: httpx.Client) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/api/stream")
    spans = _spans(client)
    server = spans["GET /api/stream"]
    assert server["attributes"]["http.response.status_code"] == 200
    assert server["attributes"]["error.type"] == "RuntimeError"
    assert server["status"]["status_code"] == "ERROR"


def test_the_middleware_has_its_span_and_http_route_has_the_base_path(
    mw_client: httpx.Client,
) -> None:
    response = mw_client.get("/v1/api/users/3")
    assert response.headers["x-middleware"] == "1"
    spans = _spans(mw_client, "/v1/spans")
    assert set(spans) == {
        "GET /v1/api/users/[id]",
        "middleware GET",
        "executing api route (app) /api/users/[id]",
        "load user",
    }
    server = spans["GET /v1/api/users/[id]"]
    assert server["attributes"]["http.route"] == "/v1/api/users/[id]"
    middleware = spans["middleware GET"]
    assert _is_child(middleware, server)
    assert middleware["attributes"] == {
        "http.request.method": "GET",
        "url.path": "/api/users/3",
        "code.file.path": "middleware.py",
    }
    assert _is_child(spans["executing api route (app) /api/users/[id]"], server)


def test_a_failing_middleware_fails_its_span_and_the_server_span(
    mw_client: httpx.Client,
) -> None:
    assert mw_client.get("/v1/api/users/3", headers={"x-break": "1"}).status_code == 500
    spans = _spans(mw_client, "/v1/spans")
    assert set(spans) == {"GET", "middleware GET"}  # the route never ran
    middleware = spans["middleware GET"]
    assert middleware["status"]["status_code"] == "ERROR"
    [event] = middleware["events"]
    assert event["attributes"]["exception.message"] == "the middleware broke"
    assert spans["GET"]["attributes"]["error.type"] == "RuntimeError"
    assert spans["GET"]["status"]["status_code"] == "ERROR"


def test_a_cached_answer_is_named_after_its_route_without_running_the_handler(
    client: httpx.Client,
) -> None:
    first = client.get("/api/cached")
    second = client.get("/api/cached")
    assert [
        first.headers["x-routetree-cache"],
        second.headers["x-routetree-cache"],
    ] == [
        "MISS",
        "HIT",
    ]
    spans = client.get("/spans").json()
    names = sorted(span["name"] for span in spans)
    assert names == [
        "GET /api/cached",
        "GET /api/cached",
        "executing api route (app) /api/cached",  # the MISS only
    ]


def test_a_handler_past_max_duration_fails_its_span(client: httpx.Client) -> None:
    assert client.get("/api/slow").status_code == 504
    spans = _spans(client)
    server = spans["GET /api/slow"]
    handler = spans["executing api route (app) /api/slow"]
    assert server["attributes"]["error.type"] == "TimeoutError"
    assert server["status"]["status_code"] == "ERROR"
    [event] = handler["events"]
    assert event["attributes"]["exception.type"] == "TimeoutError"
