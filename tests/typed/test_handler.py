"""Typed handlers through the app: 422s, threads, response models, and the rest.

A typed handler runs in a wrapper that must behave, for everything but its input and
its answer, exactly as an untyped handler: ``cookies()``, ``after()``, control-flow
signals, `HTTPError`, ``max_duration`` and the 500 pages.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

import pytest

from routetree.testing import AsyncTestClient, TestClient

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import MakeProject

MODELS = """
from __future__ import annotations

import asyncio
import dataclasses
import threading
import time

from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from routetree import (
    HTTPError,
    Request,
    Response,
    RouteContext,
    UploadFile,
    after,
    cookies,
    not_found,
    operation,
)


class UserIn(BaseModel):
    name: str
    age: int


class User(BaseModel):
    id: int
    name: str


class Admin(User):
    password: str


class Page(BaseModel):
    limit: int = 20
    tags: list[str] = []


class Where(BaseModel):
    id: int


class Auth(BaseModel):
    x_api_key: str
    trace: str = Field(default="", alias="X-Trace-Id")


class Prefs(BaseModel):
    theme: str


def on_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
"""


def _project(make_project: MakeProject, routes: dict[str, str]) -> Path:
    return make_project({file: MODELS + source for file, source in routes.items()})


ALL_SOURCES = """
async def POST(
    request: Request,
    context: RouteContext,
    body: UserIn,
    query: Page,
    params: Where,
    headers: Auth,
    cookies: Prefs,
) -> Response:
    return Response.json(
        {
            "body": body.model_dump(),
            "query": query.model_dump(),
            "params": params.id,
            "headers": headers.model_dump(),
            "cookies": cookies.theme,
            "raw_params": context.params,
            "method": request.method,
        }
    )
"""


@pytest.fixture
def everything(make_project: MakeProject) -> Path:
    return _project(make_project, {"app/api/users/[id]/route.py": ALL_SOURCES})


def test_every_source_is_read_and_validated(everything: Path) -> None:
    with TestClient(everything) as client:
        response = client.post(
            "/api/users/7?limit=5&tags=a&tags=b",
            json={"name": "Ada", "age": "36"},
            headers={"X-API-Key": "k", "x-trace-id": "t-1", "cookie": "theme=dark"},
        )
    assert response.status_code == 200
    assert response.json() == {
        "body": {"name": "Ada", "age": 36},
        "query": {"limit": 5, "tags": ["a", "b"]},
        "params": 7,
        "headers": {"x_api_key": "k", "trace": "t-1"},
        "cookies": "dark",
        "raw_params": {"id": "7"},
        "method": "POST",
    }


def test_every_failing_field_of_every_source_is_in_one_422(everything: Path) -> None:
    with TestClient(everything) as client:
        response = client.post(
            "/api/users/seven?limit=many",
            json={"age": "old"},
            headers={"cookie": "session=s3cr3t"},
        )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "error": "Unprocessable Content",
        "detail": [
            {
                "type": "missing",
                "loc": ["body", "name"],
                "msg": "Field required",
                "input": {"age": "old"},
            },
            {
                "type": "int_parsing",
                "loc": ["body", "age"],
                "msg": "Input should be a valid integer, unable to parse string as "
                "an integer",
                "input": "old",
            },
            {
                "type": "int_parsing",
                "loc": ["query", "limit"],
                "msg": "Input should be a valid integer, unable to parse string as "
                "an integer",
                "input": "many",
            },
            {
                "type": "int_parsing",
                "loc": ["path", "id"],
                "msg": "Input should be a valid integer, unable to parse string as "
                "an integer",
                "input": "seven",
            },
            {
                "type": "missing",
                "loc": ["header", "x_api_key"],
                "msg": "Field required",
                "input": {},
            },
            {
                "type": "missing",
                "loc": ["cookie", "theme"],
                "msg": "Field required",
                "input": {},  # the session cookie is no field: never echoed
            },
        ],
    }


@pytest.mark.parametrize("body", [b"", b'{"name": "Ada",'], ids=["empty", "malformed"])
def test_malformed_json_stays_400_whatever_else_fails(
    everything: Path, body: bytes
) -> None:
    with TestClient(everything) as client:
        response = client.post("/api/users/seven?limit=many", content=body)
    assert response.status_code == 400
    payload = response.json()
    assert payload["error"] == "Bad Request"
    assert isinstance(payload["detail"], str)


THREADS = """
def GET(query: Page) -> Response:
    return Response.json(
        {"limit": query.limit, "thread": threading.get_ident(), "on_loop": on_loop()}
    )


async def POST(body: UserIn) -> Response:
    return Response.json(
        {"name": body.name, "thread": threading.get_ident(), "on_loop": on_loop()}
    )
"""


@pytest.mark.anyio
async def test_a_sync_typed_handler_runs_in_a_worker_thread(
    make_project: MakeProject,
) -> None:
    project = _project(make_project, {"app/api/x/route.py": THREADS})
    async with AsyncTestClient(project) as client:
        sync = (await client.get("/api/x?limit=3")).json()
        asynchronous = (
            await client.post("/api/x", json={"name": "A", "age": 1})
        ).json()
    assert sync["limit"] == 3
    assert sync["on_loop"] is False
    assert sync["thread"] != threading.get_ident()
    assert asynchronous == {
        "name": "A",
        "thread": threading.get_ident(),
        "on_loop": True,
    }


@pytest.mark.parametrize("prefix", ["async ", ""], ids=["async", "sync"])
@pytest.mark.parametrize(
    ("parameters", "body", "expected"),
    [
        pytest.param("query: Page", "[query.limit]", [4], id="input-only"),
        pytest.param(
            "request, query: Page",
            "[request.method, query.limit]",
            ["GET", 4],
            id="request",
        ),
        pytest.param(
            "request, context, *, query: Page",
            "[request.method, context.params['id'], query.limit]",
            ["GET", "9", 4],
            id="request-context-keyword-only-input",
        ),
        pytest.param(
            "*args, query: Page",
            "[len(args), args[1].params['id'], query.limit]",
            [2, "9", 4],
            id="var-positional",
        ),
    ],
)
def test_request_and_context_are_passed_as_the_handler_asks(
    make_project: MakeProject,
    prefix: str,
    parameters: str,
    body: str,
    expected: list[object],
) -> None:
    source = f"""
{prefix}def GET({parameters}) -> Response:
    return Response.json({body})
"""
    project = _project(make_project, {"app/api/x/[id]/route.py": source})
    with TestClient(project) as client:
        response = client.get("/api/x/9?limit=4")
    assert response.status_code == 200
    assert response.json() == expected


def test_a_form_with_files_and_repeated_fields(make_project: MakeProject) -> None:
    source = """
class Upload(BaseModel):
    title: str
    tags: list[str] = []
    file: UploadFile


async def POST(form: Upload) -> Response:
    return Response.json(
        {
            "title": form.title,
            "tags": form.tags,
            "file": [form.file.filename, (await form.file.read()).decode()],
        }
    )
"""
    project = _project(make_project, {"app/api/x/route.py": source})
    with TestClient(project) as client:
        sent = client.post(
            "/api/x",
            data={"title": "Notes", "tags": ["a", "b"]},
            files={"file": ("notes.txt", b"hello", "text/plain")},
        )
        text_for_file = client.post("/api/x", data={"title": "T", "file": "text"})
        urlencoded = client.post("/api/x", data={"tags": ["x"]})
    assert sent.status_code == 200
    assert sent.json() == {
        "title": "Notes",
        "tags": ["a", "b"],
        "file": ["notes.txt", "hello"],
    }
    assert text_for_file.status_code == 422
    assert text_for_file.json()["detail"] == [
        {
            "type": "is_instance_of",
            "loc": ["body", "file"],
            "msg": "Input should be an instance of UploadFile",
            "input": "text",
            "ctx": {"class": "UploadFile"},
        }
    ]
    assert urlencoded.status_code == 422
    assert [item["loc"] for item in urlencoded.json()["detail"]] == [
        ["body", "title"],
        ["body", "file"],
    ]


# --- response models ------------------------------------------------------------------

MODELS_ROUTE = """
class Row:
    def __init__(self, id: int, name: str) -> None:
        self.id, self.name, self.internal = id, name, "hidden"


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Counts(TypedDict):
    users: int


async def GET(request: Request) -> list[User]:
    kind = request.url.search_params.get("kind")
    if kind == "subclass":
        return [Admin(id=1, name="root", password="hunter2")]
    if kind == "orm":
        return [Row(2, "orm")]
    if kind == "response":
        return Response("as it is", status=202)
    if kind == "wrong":
        return [{"id": "one", "name": "x"}, {"id": 2, "name": 5}]
    return [{"id": 3, "name": "dict", "extra": True}]


@operation(status=201)
def POST(body: UserIn) -> User:
    return {"id": 9, **body.model_dump()}


def PUT() -> Point:
    return Point(1, 2)


def PATCH() -> dict[str, Counts]:
    return {"a": {"users": 3, "extra": 1}}
"""


@pytest.fixture
def models(make_project: MakeProject) -> Path:
    return _project(make_project, {"app/api/models/route.py": MODELS_ROUTE})


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        pytest.param("dict", b'[{"id":3,"name":"dict"}]', id="extra-key-dropped"),
        pytest.param(
            "subclass", b'[{"id":1,"name":"root"}]', id="subclass-as-declared"
        ),
        pytest.param("orm", b'[{"id":2,"name":"orm"}]', id="orm-object"),
    ],
)
def test_a_response_model_keeps_only_its_fields(
    models: Path, kind: str, expected: bytes
) -> None:
    with TestClient(models) as client:
        response = client.get(f"/api/models?kind={kind}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-length"] == str(len(expected))
    assert response.content == expected


def test_other_response_models(models: Path) -> None:
    with TestClient(models) as client:
        created = client.post("/api/models", json={"name": "Ada", "age": 3})
        point = client.put("/api/models")
        counts = client.patch("/api/models")
    assert (created.status_code, created.content) == (201, b'{"id":9,"name":"Ada"}')
    assert (point.status_code, point.content) == (200, b'{"x":1,"y":2}')
    assert (counts.status_code, counts.content) == (200, b'{"a":{"users":3}}')


def test_a_returned_response_is_sent_unchanged(models: Path) -> None:
    with TestClient(models) as client:
        response = client.get("/api/models?kind=response")
    assert response.status_code == 202
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == "as it is"


def test_a_value_that_does_not_fit_is_a_logged_500(
    models: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR), TestClient(models) as client:
        response = client.get("/api/models?kind=wrong")
    assert response.status_code == 500
    assert response.content == b'{"error":"Internal Server Error"}'
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.getMessage() == (
        "Error in route handler app/api/models/route.py (method: GET, url: /api/models)"
    )
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == (
        "GET in app/api/models/route.py returned a value that does not fit its return "
        "annotation list[User] (2 errors):\n"
        "  0.id: Input should be a valid integer, unable to parse string as an "
        "integer [type=int_parsing, input_type=str]\n"
        "  1.name: Input should be a valid string [type=string_type, input_type=int]"
    )


def test_in_dev_mode_the_500_shows_the_mismatch(models: Path) -> None:
    with TestClient(models, dev=True) as client:
        response = client.get("/api/models?kind=wrong")
    assert response.status_code == 500
    exception = response.json()["exception"]
    assert exception["type"] == "ResponseValidationError"
    assert "0.id: Input should be a valid integer" in exception["message"]


def test_head_of_a_typed_get_sends_no_body(models: Path) -> None:
    with TestClient(models) as client:
        response = client.head("/api/models")
    assert response.status_code == 200
    assert response.headers["content-length"] == "24"
    assert response.content == b""


# --- everything else works as for untyped handlers ------------------------------------

FUNCTIONS = """
calls = []


def GET(query: Page) -> User:
    cookies().set("seen", str(query.limit))
    after(calls.append, query.limit)
    if query.limit == 404:
        not_found()
    if query.limit == 418:
        raise HTTPError(418, "short and stout")
    if query.limit == 500:
        raise RuntimeError("boom")
    return {"id": query.limit, "name": "x"}


async def POST(request: Request) -> User:
    return {"id": len(calls), "name": "calls"}
"""


@pytest.mark.parametrize(
    ("limit", "status", "body"),
    [
        pytest.param(1, 200, b'{"id":1,"name":"x"}', id="answer"),
        pytest.param(404, 404, b'{"error":"Not Found"}', id="not_found"),
        pytest.param(
            418,
            418,
            b'{"error":"I\'m a Teapot","detail":"short and stout"}',
            id="HTTPError",
        ),
        pytest.param(500, 500, b'{"error":"Internal Server Error"}', id="exception"),
    ],
)
def test_cookies_after_and_signals_work_in_typed_handlers(
    make_project: MakeProject, limit: int, status: int, body: bytes
) -> None:
    project = _project(make_project, {"app/api/x/route.py": FUNCTIONS})
    with TestClient(project) as client:
        response = client.get(f"/api/x?limit={limit}")
        calls = client.post("/api/x").json()["id"]
    assert response.status_code == status
    assert response.content == body
    assert response.headers["set-cookie"] == f"seen={limit}; Path=/"
    assert calls == 1  # the after() callback ran, whatever the handler did


@pytest.mark.parametrize("prefix", ["async ", ""], ids=["async", "sync"])
def test_max_duration_applies_to_typed_handlers(
    make_project: MakeProject, prefix: str
) -> None:
    wait = "await asyncio.sleep(5)" if prefix else "time.sleep(5)"
    source = f"""
max_duration = 0.2


{prefix}def GET(query: Page) -> User:
    {wait}
    return {{"id": 1, "name": "late"}}
"""
    project = _project(make_project, {"app/api/x/route.py": source})
    with TestClient(project) as client:
        response = client.get("/api/x")
    assert response.status_code == 504
    assert response.json()["error"] == "Gateway Timeout"
