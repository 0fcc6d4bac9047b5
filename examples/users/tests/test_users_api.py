"""The users example end to end: every endpoint, on SQLite and on PostgreSQL.

Every test runs twice, once per database (``[sqlite]`` and ``[postgresql]`` in its id).
Each run gets its own empty database: a SQLite file in ``tmp_path``, or a database of
its own on a real PostgreSQL server the tests start once (``postgres_server.py``), with
``DATABASE_URL`` pointing at it. The tests check the rows in that database directly
(with ``sqlite3`` or psycopg), not only what the API says.

Input that does not validate is routetree's 422, whose items are FastAPI's; the tests
compare whole bodies, so a change in what a client reads fails them.

Writes need the ``x-api-key`` header (``middleware.py``). The tests set
``USERS_API_KEY`` themselves, to a value other than the ``dev-key`` of
``.env.development`` (which the test mode does not read anyway), so a test that passed
only thanks to that file would fail.
"""

import json
import os
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from postgres_server import PostgresServer
from sqlalchemy import text

from routetree.testing import TestClient, live_server

EXAMPLE_DIR = Path(__file__).resolve().parent.parent
ALLOW_COLLECTION = "GET, HEAD, OPTIONS, POST"
ALLOW_ITEM = "DELETE, GET, HEAD, OPTIONS, PATCH, PUT"
API_KEY = "test-key"
KEY_HEADERS = {"x-api-key": API_KEY}
FRONTEND_ORIGIN = "http://localhost:5173"


@dataclass(frozen=True)
class Database:
    """The database of one test: a SQLite file (``path``) or a PostgreSQL database."""

    url: str
    path: Path | None = None
    conninfo: str | None = None

    def rows(self) -> list[tuple[Any, ...]]:
        """Every user row, read from the database: (id, name, email, created_at)."""
        query = "SELECT id, name, email, created_at FROM users ORDER BY id"
        if self.path is not None:
            if not self.path.exists():
                return []
            with closing(sqlite3.connect(self.path)) as connection:
                return list(connection.execute(query).fetchall())
        assert self.conninfo is not None
        with psycopg.connect(self.conninfo) as connection:
            if connection.execute("SELECT to_regclass('users')").fetchone() == (None,):
                return []  # no request has made the table yet
            return list(connection.execute(query).fetchall())

    def end_other_connections(self) -> int:
        """End every other connection to this PostgreSQL database; return how many."""
        others = (
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert self.conninfo is not None
        with psycopg.connect(self.conninfo, autocommit=True) as connection:
            pids = [row[0] for row in connection.execute(others)]
            for pid in pids:
                connection.execute("SELECT pg_terminate_backend(%s)", (pid,))
            # Wait until they are gone, so the next request cannot find one alive.
            for _ in range(500):
                if connection.execute(others).fetchone() is None:
                    break
                time.sleep(0.02)
            else:
                raise AssertionError(f"connections {pids} did not end")
        return len(pids)


def _is_example_module(module: object) -> bool:
    """Whether a module was loaded from this example (its tests excepted)."""
    file = getattr(module, "__file__", None)
    if not isinstance(file, str):
        return False
    path = Path(file).resolve()
    return path.is_relative_to(EXAMPLE_DIR) and not path.is_relative_to(
        EXAMPLE_DIR / "tests"
    )


def purge_example_modules() -> None:
    """Forget this example's modules (lib, lib.db, the route files) and its engine."""
    db_module = sys.modules.get("lib.db")
    if db_module is not None and _is_example_module(db_module):
        db_module.reset_engine()
    for name, module in list(sys.modules.items()):
        if _is_example_module(module):
            del sys.modules[name]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session, started the first time a test needs it."""
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def postgres_database(postgres: PostgresServer) -> Iterator[Database]:
    """A new, empty database on ``postgres``, dropped at the end."""
    name = f"users_{uuid.uuid4().hex}"
    postgres.create_database(name)
    try:
        yield Database(url=postgres.url(name), conninfo=postgres.conninfo(name))
    finally:
        postgres.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Database]:
    """An empty database of the kind the test's id names, as ``DATABASE_URL``."""
    monkeypatch.setenv("USERS_API_KEY", API_KEY)
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        database = Database(url=f"sqlite:///{path}", path=path)
        monkeypatch.setenv("DATABASE_URL", database.url)
        yield database
        return
    with postgres_database(request.getfixturevalue("postgres")) as database:
        monkeypatch.setenv("DATABASE_URL", database.url)
        yield database


@pytest.fixture
def client(database: Database) -> Iterator[TestClient]:
    """A client that sends the API key with every request."""
    purge_example_modules()
    try:
        with TestClient(EXAMPLE_DIR, headers=KEY_HEADERS) as test_client:
            yield test_client
    finally:
        purge_example_modules()


def without_key(
    client: TestClient,
    method: str,
    url: str,
    *,
    json: object = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """Send a request through ``client`` without its ``x-api-key`` header."""
    request = client.build_request(method, url, json=json, headers=headers)
    del request.headers["x-api-key"]
    return client.send(request)


def create(
    client: TestClient, name: str = "Ada", email: str = "ada@example.com"
) -> dict[str, Any]:
    response = client.post("/api/users", json={"name": name, "email": email})
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


def assert_unprocessable(response: httpx.Response, *items: dict[str, Any]) -> None:
    """A 422 listing exactly ``items``, in order."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"error": "Unprocessable Content", "detail": list(items)}


def missing(loc: list[str | int], given: object) -> dict[str, Any]:
    """The 422 item of a required field that ``given`` (the object around it) lacks."""
    return {"type": "missing", "loc": loc, "msg": "Field required", "input": given}


def bad_email(given: str) -> dict[str, Any]:
    return {
        "type": "value_error",
        "loc": ["body", "email"],
        "msg": "value is not a valid email address",
        "input": given,
    }


def not_a_string(field: str, given: object) -> dict[str, Any]:
    return {
        "type": "string_type",
        "loc": ["body", field],
        "msg": "Input should be a valid string",
        "input": given,
    }


def extra_field(field: str, given: object) -> dict[str, Any]:
    return {
        "type": "extra_forbidden",
        "loc": ["body", field],
        "msg": "Extra inputs are not permitted",
        "input": given,
    }


def empty_name(given: str) -> dict[str, Any]:
    return {
        "type": "string_too_short",
        "loc": ["body", "name"],
        "msg": "String should have at least 1 character",
        "input": given,
        "ctx": {"min_length": 1},
    }


def bad_name(given: str) -> dict[str, Any]:
    return {
        "type": "value_error",
        "loc": ["body", "name"],
        "msg": "Name should have no control characters and no space at either end",
        "input": given,
    }


def not_an_object(model: str, given: object) -> dict[str, Any]:
    return {
        "type": "model_type",
        "loc": ["body"],
        "msg": f"Input should be a valid dictionary or instance of {model}",
        "input": given,
        "ctx": {"class_name": model},
    }


def bad_id(given: str) -> dict[str, Any]:
    """The 422 item of an id that is not a number at all (``abc``)."""
    return {
        "type": "int_parsing",
        "loc": ["path", "id"],
        "msg": "Input should be a valid integer, unable to parse string as an integer",
        "input": given,
    }


# --- /api/users -----------------------------------------------------------------------


def test_list_is_empty_at_first(client: TestClient) -> None:
    response = client.get("/api/users")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == []


def test_create_returns_201_and_the_user(
    client: TestClient, database: Database
) -> None:
    before = datetime.now(UTC)
    response = client.post(
        "/api/users", json={"name": "Ada", "email": "ada@example.com"}
    )
    after = datetime.now(UTC)

    assert response.status_code == 201
    assert response.headers["content-type"].startswith("application/json")
    user = response.json()
    assert set(user) == {"id", "name", "email", "created_at"}
    assert isinstance(user["id"], int)
    assert user["name"] == "Ada"
    assert user["email"] == "ada@example.com"
    assert response.headers["location"] == f"/api/users/{user['id']}"

    created_at = datetime.fromisoformat(user["created_at"])
    assert user["created_at"].endswith("+00:00")
    assert created_at.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= created_at <= after + timedelta(seconds=1)

    rows = database.rows()
    assert [(row[0], row[1], row[2]) for row in rows] == [
        (user["id"], "Ada", "ada@example.com")
    ]


def test_created_user_appears_in_the_list(client: TestClient) -> None:
    ada = create(client, "Ada", "ada@example.com")
    grace = create(client, "Grace", "grace@example.com")
    response = client.get("/api/users")
    assert response.status_code == 200
    assert response.json() == [ada, grace]


def test_list_pages_with_limit_and_offset(client: TestClient) -> None:
    users = [create(client, f"User {i}", f"user{i}@example.com") for i in range(5)]
    assert client.get("/api/users?limit=2").json() == users[:2]
    assert client.get("/api/users?limit=2&offset=2").json() == users[2:4]
    assert client.get("/api/users?offset=4").json() == users[4:]
    assert client.get("/api/users?offset=5").json() == []
    assert client.get(f"/api/users?offset={2**63 - 1}").json() == []


def test_list_sends_at_most_100_users_at_a_time(client: TestClient) -> None:
    users = [create(client, f"User {i}", f"user{i}@example.com") for i in range(101)]
    assert client.get("/api/users").json() == users[:100]
    assert client.get("/api/users?limit=100").json() == users[:100]
    assert client.get("/api/users?offset=100").json() == users[100:]


def bound(
    field: str, kind: str, limit: int, given: str, *, at_least: bool
) -> dict[str, Any]:
    """The 422 item of a query field outside its bounds."""
    words = "greater than or equal to" if at_least else "less than or equal to"
    return {
        "type": kind,
        "loc": ["query", field],
        "msg": f"Input should be {words} {limit}",
        "input": given,
        "ctx": {"ge" if at_least else "le": limit},
    }


@pytest.mark.parametrize(
    ("query", "items"),
    [
        ("limit=0", [bound("limit", "greater_than_equal", 1, "0", at_least=True)]),
        ("limit=101", [bound("limit", "less_than_equal", 100, "101", at_least=False)]),
        ("offset=-1", [bound("offset", "greater_than_equal", 0, "-1", at_least=True)]),
        (
            f"offset={2**63}",
            [bound("offset", "less_than_equal", 2**63 - 1, str(2**63), at_least=False)],
        ),
        (
            "limit=ten&offset=-1",
            [
                {
                    "type": "int_parsing",
                    "loc": ["query", "limit"],
                    "msg": "Input should be a valid integer, unable to parse string "
                    "as an integer",
                    "input": "ten",
                },
                bound("offset", "greater_than_equal", 0, "-1", at_least=True),
            ],
        ),
    ],
)
def test_list_with_bad_paging_is_422(
    client: TestClient, query: str, items: list[dict[str, Any]]
) -> None:
    assert_unprocessable(client.get(f"/api/users?{query}"), *items)


def test_create_lowercases_email(client: TestClient, database: Database) -> None:
    user = create(client, "Ada Lovelace", "Ada@Example.COM")
    assert user["name"] == "Ada Lovelace"
    assert user["email"] == "ada@example.com"
    assert [row[1:3] for row in database.rows()] == [
        ("Ada Lovelace", "ada@example.com")
    ]


@pytest.mark.parametrize(
    "name", ["Ada Lovelace", "Ада Лавлейс", "A", "Ada  (née Byron)", "x" * 100]
)
def test_name_with_inner_spaces_and_any_script_is_accepted(
    client: TestClient, name: str
) -> None:
    assert create(client, name)["name"] == name


def test_create_with_duplicate_email_is_409(
    client: TestClient, database: Database
) -> None:
    create(client, "Ada", "ada@example.com")
    response = client.post(
        "/api/users", json={"name": "Other", "email": "ADA@example.com"}
    )
    assert response.status_code == 409
    assert response.json() == {
        "error": "Conflict",
        "detail": "a user with email ada@example.com already exists",
    }
    assert len(database.rows()) == 1


@pytest.mark.parametrize("field", ["name", "email"])
def test_create_with_missing_field_is_422_naming_it(
    client: TestClient, database: Database, field: str
) -> None:
    body = {"name": "Ada", "email": "ada@example.com"}
    del body[field]
    response = client.post("/api/users", json=body)
    assert_unprocessable(response, missing(["body", field], body))
    assert database.rows() == []


def test_create_lists_every_failing_field(
    client: TestClient, database: Database
) -> None:
    response = client.post("/api/users", json={"email": "nope", "admin": True})
    assert_unprocessable(
        response,
        missing(["body", "name"], {"email": "nope", "admin": True}),
        bad_email("nope"),
        extra_field("admin", True),
    )
    assert database.rows() == []


@pytest.mark.parametrize(
    "email",
    [
        "not-an-email",
        "ada@",
        "@example.com",
        "ada@example",
        "a b@example.com",
        "",
        # Spaces around an address are refused, not stripped: the document's pattern
        # says no spaces, and the API accepts exactly what the document says.
        " ada@example.com",
        "ada@example.com ",
        "ada@@example.com",
        "ada@example..com",
        "ada\t@example.com",
        "ada@exam\x00ple.com",
        "ada@example.com\n",
        f"{'a' * 243}@example.com",  # 255 characters, one past the limit
    ],
)
def test_create_with_bad_email_is_422_naming_email(
    client: TestClient, database: Database, email: str
) -> None:
    response = client.post("/api/users", json={"name": "Ada", "email": email})
    assert_unprocessable(response, bad_email(email))
    assert database.rows() == []


@pytest.mark.parametrize(
    ("name", "item"),
    [
        ("", empty_name("")),
        # Refused, not stripped: the document's pattern says so, and the API
        # accepts exactly what the document says.
        ("   ", bad_name("   ")),
        (" Ada", bad_name(" Ada")),
        ("Ada ", bad_name("Ada ")),
        ("Ada\nLovelace", bad_name("Ada\nLovelace")),
        ("\tAda", bad_name("\tAda")),
        ("Ada\x00", bad_name("Ada\x00")),
        ("Ada\x7f", bad_name("Ada\x7f")),
        (
            "x" * 101,
            {
                "type": "string_too_long",
                "loc": ["body", "name"],
                "msg": "String should have at most 100 characters",
                "input": "x" * 101,
                "ctx": {"max_length": 100},
            },
        ),
        (42, not_a_string("name", 42)),
        (None, not_a_string("name", None)),
    ],
)
def test_create_with_bad_name_is_422_naming_name(
    client: TestClient, database: Database, name: object, item: dict[str, Any]
) -> None:
    response = client.post(
        "/api/users", json={"name": name, "email": "ada@example.com"}
    )
    assert_unprocessable(response, item)
    assert database.rows() == []


def test_name_of_100_characters_is_accepted(client: TestClient) -> None:
    assert create(client, "x" * 100)["name"] == "x" * 100


def test_email_of_254_characters_is_accepted(client: TestClient) -> None:
    email = f"{'a' * 242}@example.com"
    assert len(email) == 254
    assert create(client, email=email)["email"] == email


def test_create_with_unknown_field_is_422(
    client: TestClient, database: Database
) -> None:
    response = client.post(
        "/api/users", json={"name": "Ada", "email": "ada@example.com", "admin": True}
    )
    assert_unprocessable(response, extra_field("admin", True))
    assert database.rows() == []


@pytest.mark.parametrize("body", [[1, 2], "Ada", 7, None])
def test_json_that_is_not_an_object_is_422(
    client: TestClient, database: Database, body: object
) -> None:
    # Raw content: httpx would send no body at all for json=None.
    response = client.post(
        "/api/users",
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
    )
    assert_unprocessable(response, not_an_object("UserCreate", body))
    assert database.rows() == []


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (
            b"{bad",
            "Malformed JSON in request body: unexpected character, expected a "
            "string key at line 1, column 2 (byte 1).",
        ),
        (b"", "Request body is empty; expected a JSON document."),
    ],
)
def test_malformed_json_is_400_from_the_framework(
    client: TestClient, database: Database, content: bytes, detail: str
) -> None:
    response = client.post(
        "/api/users", content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"error": "Bad Request", "detail": detail}
    assert database.rows() == []


def test_wrong_method_on_the_collection_is_405_with_allow(client: TestClient) -> None:
    response = client.delete("/api/users")
    assert response.status_code == 405
    assert response.headers["allow"] == ALLOW_COLLECTION


def test_options_lists_the_methods(client: TestClient) -> None:
    collection = client.options("/api/users")
    assert collection.status_code == 204
    assert collection.headers["allow"] == ALLOW_COLLECTION
    item = client.options("/api/users/1")
    assert item.status_code == 204
    assert item.headers["allow"] == ALLOW_ITEM


def test_head_runs_get_without_a_body(client: TestClient) -> None:
    create(client)
    response = client.head("/api/users")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.content == b""


# --- /api/users/[id] ------------------------------------------------------------------


def test_get_one_user(client: TestClient) -> None:
    user = create(client)
    response = client.get(f"/api/users/{user['id']}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == user


@pytest.mark.parametrize("user_id", ["999", str(2**63 - 1)])
def test_get_unknown_id_is_404(client: TestClient, user_id: str) -> None:
    create(client)
    response = client.get(f"/api/users/{user_id}")
    assert response.status_code == 404
    assert response.json() == {"error": "Not Found"}


NOT_PLAIN_DIGITS = (
    "Input should be written in plain decimal digits, with no leading zero"
)


def not_plain(given: str) -> dict[str, Any]:
    return {
        "type": "int_canonical",
        "loc": ["path", "id"],
        "msg": NOT_PLAIN_DIGITS,
        "input": given,
    }


def not_positive(given: str) -> dict[str, Any]:
    return {
        "type": "greater_than",
        "loc": ["path", "id"],
        "msg": "Input should be greater than 0",
        "input": given,
        "ctx": {"gt": 0},
    }


@pytest.mark.parametrize(
    ("user_id", "item"),
    [
        ("abc", bad_id("abc")),
        ("1.5", bad_id("1.5")),
        ("0", not_positive("0")),
        ("-1", not_positive("-1")),
        # id 1 exists: other spellings of 1 must not find it (one URL per user).
        ("01", not_plain("01")),
        ("+1", not_plain("+1")),
        ("1.0", not_plain("1.0")),
        ("1_0", not_plain("1_0")),
        (
            str(2**63),  # past SQLite's 64-bit INTEGER
            {
                "type": "less_than_equal",
                "loc": ["path", "id"],
                "msg": f"Input should be less than or equal to {2**63 - 1}",
                "input": str(2**63),
                "ctx": {"le": 2**63 - 1},
            },
        ),
    ],
)
def test_get_invalid_id_is_422_naming_it(
    client: TestClient, user_id: str, item: dict[str, Any]
) -> None:
    create(client)
    response = client.get(f"/api/users/{user_id}")
    assert_unprocessable(response, item)


def test_put_replaces_the_user(client: TestClient, database: Database) -> None:
    user = create(client)
    response = client.put(
        f"/api/users/{user['id']}",
        json={"name": "Ada Lovelace", "email": "ada@lovelace.org"},
    )
    assert response.status_code == 200
    updated = response.json()
    assert updated == {**user, "name": "Ada Lovelace", "email": "ada@lovelace.org"}
    assert client.get(f"/api/users/{user['id']}").json() == updated
    assert [row[1:3] for row in database.rows()] == [
        ("Ada Lovelace", "ada@lovelace.org")
    ]


def test_put_needs_every_field(client: TestClient, database: Database) -> None:
    user = create(client)
    response = client.put(f"/api/users/{user['id']}", json={"name": "Ada Lovelace"})
    assert_unprocessable(response, missing(["body", "email"], {"name": "Ada Lovelace"}))
    assert [row[1:3] for row in database.rows()] == [("Ada", "ada@example.com")]


def test_put_with_bad_id_and_body_lists_both(
    client: TestClient, database: Database
) -> None:
    create(client)
    response = client.put("/api/users/abc", json={"name": ""})
    assert_unprocessable(
        response,
        bad_id("abc"),
        empty_name(""),
        missing(["body", "email"], {"name": ""}),
    )
    assert [row[1:3] for row in database.rows()] == [("Ada", "ada@example.com")]


def test_put_unknown_user_is_404(client: TestClient, database: Database) -> None:
    response = client.put(
        "/api/users/42", json={"name": "Ada", "email": "ada@example.com"}
    )
    assert response.status_code == 404
    assert response.json()["error"] == "Not Found"
    assert database.rows() == []


def test_patch_changes_only_the_given_fields(
    client: TestClient, database: Database
) -> None:
    user = create(client)
    response = client.patch(f"/api/users/{user['id']}", json={"name": "Countess"})
    assert response.status_code == 200
    assert response.json() == {**user, "name": "Countess"}

    response = client.request(
        "PATCH", f"/api/users/{user['id']}", json={"email": "c@l.org"}
    )
    assert response.status_code == 200
    assert response.json() == {**user, "name": "Countess", "email": "c@l.org"}
    assert [row[1:3] for row in database.rows()] == [("Countess", "c@l.org")]


def test_patch_lowercases_email(client: TestClient) -> None:
    user = create(client)
    response = client.patch(
        f"/api/users/{user['id']}", json={"name": "Countess", "email": "C@L.org"}
    )
    assert response.status_code == 200
    assert response.json() == {**user, "name": "Countess", "email": "c@l.org"}


def test_patch_with_empty_object_changes_nothing(client: TestClient) -> None:
    user = create(client)
    response = client.patch(f"/api/users/{user['id']}", json={})
    assert response.status_code == 200
    assert response.json() == user


@pytest.mark.parametrize(
    ("body", "item"),
    [
        ({"name": None}, not_a_string("name", None)),
        ({"name": 42}, not_a_string("name", 42)),
        ({"name": ""}, empty_name("")),
        ({"name": " Countess "}, bad_name(" Countess ")),
        ({"email": None}, not_a_string("email", None)),
        ({"email": "nope"}, bad_email("nope")),
        ({"email": " c@l.org"}, bad_email(" c@l.org")),
        ({"id": 5}, extra_field("id", 5)),
    ],
)
def test_patch_with_invalid_field_is_422(
    client: TestClient, database: Database, body: dict[str, Any], item: dict[str, Any]
) -> None:
    user = create(client)
    response = client.patch(f"/api/users/{user['id']}", json=body)
    assert_unprocessable(response, item)
    assert [row[1:3] for row in database.rows()] == [("Ada", "ada@example.com")]


def test_patch_with_array_body_is_422(client: TestClient, database: Database) -> None:
    user = create(client)
    response = client.patch(f"/api/users/{user['id']}", json=[{"name": "x"}])
    assert_unprocessable(
        response,
        {
            "type": "dict_type",
            "loc": ["body"],
            "msg": "Input should be a valid dictionary",
            "input": [{"name": "x"}],
        },
    )
    assert [row[1:3] for row in database.rows()] == [("Ada", "ada@example.com")]


def test_patch_unknown_user_is_404(client: TestClient) -> None:
    response = client.patch("/api/users/42", json={"name": "Ada"})
    assert response.status_code == 404
    assert response.json()["error"] == "Not Found"


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_update_to_another_users_email_is_409(
    client: TestClient, database: Database, method: str
) -> None:
    create(client, "Ada", "ada@example.com")
    grace = create(client, "Grace", "grace@example.com")
    response = client.request(
        method,
        f"/api/users/{grace['id']}",
        json={"name": "Grace", "email": "ada@example.com"},
    )
    assert response.status_code == 409
    assert response.json() == {
        "error": "Conflict",
        "detail": "a user with email ada@example.com already exists",
    }
    assert [row[2] for row in database.rows()] == [
        "ada@example.com",
        "grace@example.com",
    ]


def test_update_keeping_own_email_is_fine(client: TestClient) -> None:
    user = create(client)
    response = client.put(
        f"/api/users/{user['id']}", json={"name": "Ada L.", "email": "ada@example.com"}
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Ada L."


def test_delete_is_204_then_the_user_is_gone(
    client: TestClient, database: Database
) -> None:
    user = create(client)
    other = create(client, "Grace", "grace@example.com")

    response = client.delete(f"/api/users/{user['id']}")
    assert response.status_code == 204
    assert response.content == b""

    assert client.get(f"/api/users/{user['id']}").status_code == 404
    assert client.get("/api/users").json() == [other]
    assert [row[0] for row in database.rows()] == [other["id"]]

    again = client.delete(f"/api/users/{user['id']}")
    assert again.status_code == 404
    assert again.json()["error"] == "Not Found"


def test_ids_are_never_reused(client: TestClient, database: Database) -> None:
    # Not even the last one, after it is deleted: a deleted user's URL never names
    # someone else. PostgreSQL's sequence never goes back; SQLite needs AUTOINCREMENT.
    ada = create(client, "Ada", "ada@example.com")
    grace = create(client, "Grace", "grace@example.com")
    assert grace["id"] > ada["id"]
    assert client.delete(f"/api/users/{grace['id']}").status_code == 204
    edsger = create(client, "Edsger", "edsger@example.com")
    assert edsger["id"] > grace["id"]
    assert client.get(f"/api/users/{grace['id']}").status_code == 404
    assert [row[0] for row in database.rows()] == [ada["id"], edsger["id"]]


def test_delete_invalid_id_is_422(client: TestClient, database: Database) -> None:
    create(client)
    assert_unprocessable(client.delete("/api/users/abc"), bad_id("abc"))
    assert_unprocessable(client.delete("/api/users/01"), not_plain("01"))
    assert len(database.rows()) == 1


# --- the API key (middleware.py) -----------------------------------------------------


def assert_unauthorized(response: httpx.Response, detail: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["www-authenticate"] == 'ApiKey header="x-api-key"'
    assert response.json() == {"error": "Unauthorized", "detail": detail}


def test_create_without_the_key_is_401_and_writes_nothing(
    client: TestClient, database: Database
) -> None:
    response = without_key(
        client, "POST", "/api/users", json={"name": "Ada", "email": "ada@example.com"}
    )
    assert_unauthorized(response, "missing x-api-key header")
    assert database.rows() == []
    assert client.get("/api/users").json() == []


@pytest.mark.parametrize("key", ["wrong", "test-keyx", "TEST-KEY", "dev-key", ""])
def test_create_with_a_wrong_key_is_401(
    client: TestClient, database: Database, key: str
) -> None:
    # "dev-key" is the .env.development value, which the test mode does not read.
    response = client.post(
        "/api/users",
        json={"name": "Ada", "email": "ada@example.com"},
        headers={"x-api-key": key},
    )
    assert_unauthorized(response, "invalid x-api-key header")
    assert database.rows() == []


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("PUT", {"name": "Eve", "email": "eve@example.com"}),
        ("PATCH", {"name": "Eve"}),
        ("DELETE", None),
    ],
)
def test_every_write_on_a_user_needs_the_key(
    client: TestClient, database: Database, method: str, body: object
) -> None:
    user = create(client)
    response = without_key(client, method, f"/api/users/{user['id']}", json=body)
    assert_unauthorized(response, "missing x-api-key header")
    assert [row[1:3] for row in database.rows()] == [("Ada", "ada@example.com")]


def test_the_key_is_checked_before_routing(client: TestClient) -> None:
    # The middleware runs before the route is looked up, so a method the route does
    # not export is 401 without the key (405 with it, see above), and so is a write
    # to an id that is not one (422 with the key).
    assert without_key(client, "DELETE", "/api/users").status_code == 401
    assert without_key(client, "DELETE", "/api/users/abc").status_code == 401


def test_reads_need_no_key(client: TestClient) -> None:
    user = create(client)
    listed = without_key(client, "GET", "/api/users")
    assert listed.status_code == 200
    assert listed.json() == [user]
    one = without_key(client, "GET", f"/api/users/{user['id']}")
    assert one.status_code == 200
    assert one.json() == user
    assert without_key(client, "HEAD", "/api/users").status_code == 200
    options = without_key(client, "OPTIONS", "/api/users/1")
    assert options.status_code == 204
    assert options.headers["allow"] == ALLOW_ITEM


@pytest.mark.parametrize("value", [None, ""])
def test_writes_are_refused_when_the_server_has_no_key(
    client: TestClient,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    value: str | None,
) -> None:
    # Removed after start-up, so the app sees no key at all. The
    # middleware reads the variable on every request.
    if value is None:
        monkeypatch.delenv("USERS_API_KEY")
    else:
        monkeypatch.setenv("USERS_API_KEY", value)
    for key in (API_KEY, ""):
        response = client.post(
            "/api/users",
            json={"name": "Ada", "email": "ada@example.com"},
            headers={"x-api-key": key},
        )
        assert_unauthorized(
            response,
            "the server has no API key configured (USERS_API_KEY is not set or "
            "empty), so writes are refused",
        )
    assert database.rows() == []
    assert client.get("/api/users").status_code == 200


# --- CORS (routetree.toml) ------------------------------------------------------------


def preflight(
    client: TestClient, url: str, origin: str, method: str = "POST"
) -> httpx.Response:
    """A browser's preflight: no API key, since browsers send none with it."""
    return without_key(
        client,
        "OPTIONS",
        url,
        headers={
            "origin": origin,
            "access-control-request-method": method,
            "access-control-request-headers": "content-type,x-api-key",
        },
    )


@pytest.mark.parametrize(
    ("url", "method", "allow"),
    [("/api/users", "POST", ALLOW_COLLECTION), ("/api/users/1", "DELETE", ALLOW_ITEM)],
)
def test_preflight_from_the_frontend_is_allowed(
    client: TestClient, url: str, method: str, allow: str
) -> None:
    response = preflight(client, url, FRONTEND_ORIGIN, method)
    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["access-control-allow-origin"] == FRONTEND_ORIGIN
    methods = response.headers["access-control-allow-methods"].split(", ")
    assert method in methods
    headers = response.headers["access-control-allow-headers"].split(", ")
    assert {"content-type", "x-api-key"} <= set(headers)
    assert response.headers["access-control-max-age"] == "600"
    assert "access-control-allow-credentials" not in response.headers
    assert "Origin" in response.headers["vary"]
    assert response.headers["allow"] == allow


@pytest.mark.parametrize(
    "origin", ["http://localhost:3000", "https://localhost:5173", "http://evil.test"]
)
def test_preflight_from_another_origin_gets_no_cors_headers(
    client: TestClient, origin: str
) -> None:
    response = preflight(client, "/api/users", origin)
    assert response.status_code == 204
    assert response.headers["allow"] == ALLOW_COLLECTION
    assert not [name for name in response.headers if name.startswith("access-control")]


def test_get_from_the_frontend_gets_allow_origin(client: TestClient) -> None:
    response = without_key(
        client, "GET", "/api/users", headers={"origin": FRONTEND_ORIGIN}
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == FRONTEND_ORIGIN
    assert response.headers["vary"] == "Origin"

    other = without_key(
        client, "GET", "/api/users", headers={"origin": "http://evil.test"}
    )
    assert other.status_code == 200
    assert "access-control-allow-origin" not in other.headers
    assert other.headers["vary"] == "Origin"


def test_cors_headers_are_on_the_401_too(client: TestClient) -> None:
    # So the front-end's script can read why its write was refused.
    response = without_key(
        client,
        "POST",
        "/api/users",
        json={"name": "Ada", "email": "ada@example.com"},
        headers={"origin": FRONTEND_ORIGIN},
    )
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == FRONTEND_ORIGIN


def test_write_from_the_frontend_with_the_key(client: TestClient) -> None:
    response = client.post(
        "/api/users",
        json={"name": "Ada", "email": "ada@example.com"},
        headers={"origin": FRONTEND_ORIGIN},
    )
    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == FRONTEND_ORIGIN


# --- a real server --------------------------------------------------------------------


def test_through_a_real_server(database: Database) -> None:
    with (
        live_server(
            EXAMPLE_DIR, env={"DATABASE_URL": database.url, "USERS_API_KEY": API_KEY}
        ) as base_url,
        httpx.Client(base_url=base_url) as http,
    ):
        body = {"name": "Ada", "email": "ada@example.com"}
        refused = http.post("/api/users", json=body)
        assert refused.status_code == 401
        assert refused.json()["error"] == "Unauthorized"

        created = http.post("/api/users", json=body, headers=KEY_HEADERS)
        assert created.status_code == 201
        user = created.json()

        fetched = http.get(f"/api/users/{user['id']}")
        assert fetched.status_code == 200
        assert fetched.json() == user

        invalid = http.get("/api/users/abc")
        assert invalid.status_code == 422
        assert invalid.reason_phrase == "Unprocessable Content"
        assert invalid.json() == {
            "error": "Unprocessable Content",
            "detail": [bad_id("abc")],
        }

    # The row is really in the file the server was told to use.
    rows = database.rows()
    assert len(rows) == 1
    row_id, name, email, created_at = rows[0]
    assert (row_id, name, email) == (user["id"], "Ada", "ada@example.com")
    stored = datetime.fromisoformat(str(created_at)).replace(tzinfo=UTC)
    assert stored == datetime.fromisoformat(user["created_at"])


# --- PostgreSQL under a production server ---------------------------------------------


def test_postgres_workers_share_one_database(postgres: PostgresServer) -> None:
    # Two worker processes, each with its own engine and pool, take requests at once
    # on a database with no table yet: the table is made once, every id is unique and
    # the unique email holds across processes.
    emails = [f"user{i}@example.com" for i in range(16)] + ["same@example.com"] * 4
    with postgres_database(postgres) as database:
        with (
            live_server(
                EXAMPLE_DIR,
                env={"DATABASE_URL": database.url, "USERS_API_KEY": API_KEY},
                args=("--workers", "2"),
            ) as base_url,
            httpx.Client(base_url=base_url, headers=KEY_HEADERS) as http,
            ThreadPoolExecutor(max_workers=len(emails)) as pool,
        ):
            answers = list(
                pool.map(
                    lambda email: http.post(
                        "/api/users", json={"name": "Ada", "email": email}
                    ),
                    emails,
                )
            )
            listed = http.get("/api/users").json()

        statuses = [answer.status_code for answer in answers]
        assert statuses[:16] == [201] * 16, [answer.text for answer in answers]
        assert sorted(statuses[16:]) == [201, 409, 409, 409]
        rows = database.rows()
        assert len(rows) == 17
        assert len({row[0] for row in rows}) == 17
        assert sorted(row[2] for row in rows) == sorted(set(emails))
        assert [user["id"] for user in listed] == [row[0] for row in rows]


def test_postgres_connection_closed_by_the_server_is_replaced(
    postgres: PostgresServer,
) -> None:
    # The server ends the pooled connection between two requests (as a restart or
    # an idle timeout would); the pool notices before lending it (pool_pre_ping), so
    # the next request gets a new connection instead of a 500.
    with (
        postgres_database(postgres) as database,
        live_server(
            EXAMPLE_DIR, env={"DATABASE_URL": database.url, "USERS_API_KEY": API_KEY}
        ) as base_url,
        httpx.Client(base_url=base_url, headers=KEY_HEADERS) as http,
    ):
        created = http.post("/api/users", json={"name": "Ada", "email": "a@b.org"})
        assert created.status_code == 201
        user = created.json()
        assert database.end_other_connections() >= 1
        fetched = http.get(f"/api/users/{user['id']}")
        assert fetched.status_code == 200, fetched.text
        assert fetched.json() == user


def test_postgres_forked_process_gets_its_own_connections(
    postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server that forks its workers after the engine exists (gunicorn's preload,
    # say): the child must open its own connections, not share the parent's socket.
    monkeypatch.syspath_prepend(str(EXAMPLE_DIR))
    purge_example_modules()
    with postgres_database(postgres) as database:
        monkeypatch.setenv("DATABASE_URL", database.url)
        try:
            from lib import db

            def backend_pid() -> int:
                with db.get_engine().connect() as connection:
                    pid: int = connection.execute(
                        text("SELECT pg_backend_pid()")
                    ).one()[0]
                    return pid

            parent = backend_pid()
            read, write = os.pipe()
            child = os.fork()
            if child == 0:  # the child: report its backend's pid, then leave at once
                try:
                    os.write(write, str(backend_pid()).encode())
                finally:
                    os._exit(0)
            os.close(write)
            with os.fdopen(read) as pipe:
                in_child = int(pipe.read())
            os.waitpid(child, 0)
            assert in_child != parent
            assert backend_pid() == parent  # the parent's connection was left alone
        finally:
            purge_example_modules()
