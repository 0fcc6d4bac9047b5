"""Typed handlers through a real server: ``routetree start tests/apps/typed``.

Every input source, sync and async handlers, 400 against 422, a 422 that locates
failures across every source, response models, ``@operation(status=201)``, a
response-model mismatch, and start-up errors, as a client and an operator see them.
"""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import httpx
import pytest

from routetree.testing import LiveServer, live_server
from tests.conftest import APPS, wait_for_output

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import MakeProject

PROJECT = APPS / "typed"
INT_PARSING = "Input should be a valid integer, unable to parse string as an integer"


@pytest.fixture(scope="module", params=["httptools", "h11"])
def server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    with live_server(PROJECT, args=("--http", request.param)) as url:
        yield url


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=10) as http:
        yield http


# --- async handlers: query, body, response models ---------------------------------


def test_query_model_and_response_model_drop_what_the_model_lacks(
    client: httpx.Client,
) -> None:
    response = client.get("/api/users?names=Ada&names=Grace&limit=1&offset=1")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    # The stored users carry a password hash; list[User] leaves it out.
    assert response.content == b'[{"name":"Grace","email":"grace@example.com","id":2}]'


def test_operation_status_answers_a_created_model(client: httpx.Client) -> None:
    response = client.post(
        "/api/users", json={"name": "Edsger", "email": "ewd@example.com", "x": 1}
    )
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"name": "Edsger", "email": "ewd@example.com", "id": 3}


def test_valid_json_that_fails_validation_is_422(client: httpx.Client) -> None:
    response = client.post("/api/users", json={"name": "", "email": "nope"})
    assert response.status_code == 422
    assert response.reason_phrase == "Unprocessable Content"
    assert response.headers["content-type"] == "application/json"
    pattern = r"^[^@\s]+@[^@\s]+$"
    assert response.json() == {
        "error": "Unprocessable Content",
        "detail": [
            {
                "type": "string_too_short",
                "loc": ["body", "name"],
                "msg": "String should have at least 1 character",
                "input": "",
                "ctx": {"min_length": 1},
            },
            {
                "type": "string_pattern_mismatch",
                "loc": ["body", "email"],
                "msg": f"String should match pattern '{pattern}'",
                "input": "nope",
                "ctx": {"pattern": pattern},
            },
        ],
    }


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        pytest.param(
            b'{"name": "Ada",',
            "Malformed JSON in request body: unexpected end of data at line 1, "
            "column 16 (byte 15).",
            id="malformed",
        ),
        pytest.param(
            b"", "Request body is empty; expected a JSON document.", id="empty"
        ),
    ],
)
def test_malformed_or_empty_json_is_400(
    client: httpx.Client, body: bytes, detail: str
) -> None:
    response = client.post(
        "/api/users", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {"error": "Bad Request", "detail": detail}


# --- every source in one answer -------------------------------------------------------


def test_every_source_is_read(client: httpx.Client) -> None:
    response = client.put(
        "/api/orders/17?dry_run=true",
        json={"items": [{"sku": "A-1", "quantity": 2}]},
        headers={"Idempotency-Key": "k-1", "cookie": "session=s-1"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "order_id": 17,
        "items": [{"sku": "A-1", "quantity": 2}],
        "dry_run": True,
        "key": "k-1",
        "session": "s-1",
        "raw": {"order_id": "17"},
    }


def test_every_failing_field_of_every_source_is_located(client: httpx.Client) -> None:
    response = client.put(
        "/api/orders/x?dry_run=maybe",
        json={"items": [{"sku": 1, "quantity": 0}]},
        headers={"cookie": "other=1"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "error": "Unprocessable Content",
        "detail": [
            {
                "type": "string_type",
                "loc": ["body", "items", 0, "sku"],
                "msg": "Input should be a valid string",
                "input": 1,
            },
            {
                "type": "greater_than",
                "loc": ["body", "items", 0, "quantity"],
                "msg": "Input should be greater than 0",
                "input": 0,
                "ctx": {"gt": 0},
            },
            {
                "type": "bool_parsing",
                "loc": ["query", "dry_run"],
                "msg": "Input should be a valid boolean, unable to interpret input",
                "input": "maybe",
            },
            {
                "type": "int_parsing",
                "loc": ["path", "order_id"],
                "msg": INT_PARSING,
                "input": "x",
            },
            {
                "type": "missing",
                "loc": ["header", "idempotency_key"],
                "msg": "Field required",
                "input": {},
            },
            {
                "type": "missing",
                "loc": ["cookie", "session"],
                "msg": "Field required",
                "input": {},
            },
        ],
    }


# --- sync handlers: params, headers, cookies; forms -----------------------------------


def test_sync_handler_reads_params_headers_and_cookies_in_a_worker_thread(
    client: httpx.Client,
) -> None:
    response = client.patch(
        "/api/users/2",
        headers={
            "X-Client-Version": "3",
            "Accept-Language": "fr",
            "cookie": "theme=dark",
        },
    )
    assert response.status_code == 200
    assert response.json() == {
        "id": 2,
        "client": 3,
        "language": "fr",
        "theme": "dark",
        "main_thread": False,
    }


def test_sync_handler_with_a_response_model_and_not_found(
    client: httpx.Client,
) -> None:
    found = client.get("/api/users/1", headers={"x-client-version": "1"})
    assert found.status_code == 200
    assert found.content == b'{"name":"Ada","email":"ada@example.com","id":1}'
    missing = client.get("/api/users/99", headers={"x-client-version": "1"})
    assert missing.status_code == 404
    assert missing.json() == {"error": "Not Found"}


def test_params_and_headers_failing_together(client: httpx.Client) -> None:
    response = client.get("/api/users/0")
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "greater_than_equal",
            "loc": ["path", "id"],
            "msg": "Input should be greater than or equal to 1",
            "input": "0",
            "ctx": {"ge": 1},
        },
        {
            "type": "missing",
            "loc": ["header", "x_client_version"],
            "msg": "Field required",
            "input": {},
        },
    ]


def test_multipart_form_with_files(client: httpx.Client) -> None:
    response = client.post(
        "/api/uploads",
        data={"title": "Photos", "tags": ["a", "b"]},
        files=[
            ("files", ("one.png", b"\x89PNG", "image/png")),
            ("files", ("two.txt", b"hello", "text/plain")),
        ],
    )
    assert response.status_code == 201
    assert response.json() == {
        "title": "Photos",
        "tags": ["a", "b"],
        "files": [["one.png", "image/png", 4], ["two.txt", "text/plain", 5]],
    }


def test_urlencoded_form(client: httpx.Client) -> None:
    response = client.post("/api/uploads", data={"title": "Notes", "tags": "x"})
    assert response.status_code == 201
    assert response.json() == {"title": "Notes", "tags": ["x"], "files": []}
    missing = client.post("/api/uploads", data={"tags": "x"})
    assert missing.status_code == 422
    assert missing.json()["detail"] == [
        {
            "type": "missing",
            "loc": ["body", "title"],
            "msg": "Field required",
            "input": {"tags": ["x"]},
        }
    ]


def test_a_form_handler_given_json_is_415(client: httpx.Client) -> None:
    response = client.post("/api/uploads", json={"title": "x"})
    assert response.status_code == 415
    assert response.json()["error"] == "Unsupported Media Type"


# --- a response model mismatch --------------------------------------------------------


def test_a_response_model_mismatch_is_a_500_that_leaks_nothing(
    server: LiveServer, client: httpx.Client
) -> None:
    response = client.get("/api/broken-model")
    assert response.status_code == 500
    assert response.content == b'{"error":"Internal Server Error"}'
    wait_for_output(
        server,
        "GET in app/api/broken-model/route.py returned a value that does not fit its "
        "return annotation User (1 error):\n"
        f"  id: {INT_PARSING} [type=int_parsing, input_type=str]",
    )
    assert "not-a-number" not in server.output  # the value itself is never logged


# --- start-up errors ------------------------------------------------------------------

ROUTE = "app/api/users/[id]/route.py"
MODEL = """
from __future__ import annotations

from pydantic import BaseModel

from routetree import Request, Response


class UserIn(BaseModel):
    name: str
"""

STARTUP_ERRORS = {
    "unknown-name": (
        "async def POST(request: Request, payload: UserIn) -> Response: ...\n",
        "POST in app/api/users/[id]/route.py: parameter `payload: UserIn` is not one "
        "routetree can fill. Typed inputs are named body, form, query, params, "
        "headers or cookies",
    ),
    "params-field-not-a-segment": (
        "class Where(BaseModel):\n    user_id: int\n\n\n"
        "def GET(params: Where) -> Response: ...\n",
        "GET in app/api/users/[id]/route.py: the `params` field 'user_id' is not a "
        "dynamic segment of this route (its segments are id).",
    ),
    "type-pydantic-cannot-validate": (
        "class Db:\n    pass\n\n\ndef POST(body: Db) -> Response: ...\n",
        "POST in app/api/users/[id]/route.py: pydantic cannot validate `body: Db`: "
        "Unable to generate pydantic-core schema for",
    ),
    "unresolvable-annotation": (
        "def POST(body: Missing) -> Response: ...\n",
        "POST in app/api/users/[id]/route.py: the annotation of `body` (Missing) "
        "cannot be resolved: name 'Missing' is not defined.",
    ),
}


@pytest.mark.parametrize("case", list(STARTUP_ERRORS))
def test_start_up_errors_stop_the_server_and_name_the_file(
    make_project: MakeProject, case: str
) -> None:
    source, message = STARTUP_ERRORS[case]
    project = make_project({ROUTE: MODEL + "\n\n" + source})
    result = subprocess.run(
        [sys.executable, "-m", "routetree", "start", str(project), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
