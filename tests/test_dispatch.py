"""routetree._dispatch: what a routed request is answered with, given its match.

The dispatcher is the last stage of both request paths; these call it directly with
what the matcher found, on a real project, and collect what it sends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson
import pytest

from routetree import create_app

if TYPE_CHECKING:
    from routetree._app import RouteTreeApp
    from routetree._types import Message, Scope
    from tests.conftest import MakeProject


@pytest.fixture
def app(make_project: MakeProject) -> RouteTreeApp:
    return create_app(
        make_project(
            {
                "app/api/items/[id]/route.py": """
                    from routetree import Request, Response, RouteContext

                    async def GET(request: Request, context: RouteContext) -> Response:
                        return Response.json({"id": context.params["id"]})
                """,
            }
        )
    )


def _scope(method: str, path: str) -> Scope:
    return {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
    }


async def _answer(app: RouteTreeApp, method: str, path: str) -> tuple[int, Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    found = app._matcher.match(path)
    await app._dispatcher.answer(_scope(method, path), receive, send, path, found)
    start, body = sent[0], sent[-1]
    return start["status"], {
        "headers": dict(start["headers"]),
        "body": body.get("body", b""),
    }


@pytest.mark.anyio
async def test_a_route_with_the_method_runs_its_handler(app: RouteTreeApp) -> None:
    status, sent = await _answer(app, "GET", "/api/items/7")
    assert status == 200
    assert orjson.loads(sent["body"]) == {"id": "7"}


@pytest.mark.anyio
async def test_no_route_is_404(app: RouteTreeApp) -> None:
    status, sent = await _answer(app, "GET", "/api/nothing")
    assert status == 404
    assert orjson.loads(sent["body"]) == {"error": "Not Found"}


@pytest.mark.anyio
async def test_no_route_for_a_target_that_is_not_a_path_is_400(
    app: RouteTreeApp,
) -> None:
    status, sent = await _answer(app, "GET", "api/items/7")
    assert status == 400
    assert "starting with '/'" in orjson.loads(sent["body"])["detail"]


@pytest.mark.anyio
async def test_missing_method_is_405_with_allow(app: RouteTreeApp) -> None:
    status, sent = await _answer(app, "DELETE", "/api/items/7")
    assert status == 405
    assert sent["headers"][b"allow"] == b"GET, HEAD, OPTIONS"


@pytest.mark.anyio
async def test_options_without_a_handler_is_204_with_allow(app: RouteTreeApp) -> None:
    status, sent = await _answer(app, "OPTIONS", "/api/items/7")
    assert status == 204
    assert sent["headers"][b"allow"] == b"GET, HEAD, OPTIONS"
    assert sent["body"] == b""


@pytest.mark.anyio
async def test_head_runs_get_without_a_body(app: RouteTreeApp) -> None:
    status, sent = await _answer(app, "HEAD", "/api/items/7")
    assert status == 200
    assert sent["body"] == b""
    assert sent["headers"][b"content-length"] == b"10"
