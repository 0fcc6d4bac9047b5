"""schemathesis against the users example's served OpenAPI document.

The example runs as a user runs it, ``routetree dev examples/users`` (so the API key is
``dev-key``, from its ``.env.development``), twice: on a fresh SQLite file, and on a
fresh database of a real PostgreSQL server started for the module (the example's
``tests/postgres_server.py``), so neither database answers a 5xx. schemathesis loads
the document the server serves at ``/openapi.json`` and, for every operation in it,
sends the requests its examples, coverage and fuzzing phases make: valid input and
invalid input (wrong types, values past each bound, missing and unknown fields),
every write with ``x-api-key: dev-key``. Every answer is checked against the document
by schemathesis's default checks:

- ``not_a_server_error``: no 5xx;
- ``status_code_conformance``: every status is one the operation documents;
- ``content_type_conformance``: every content type is the documented one;
- ``response_schema_conformance``: every body fits the documented schema;
- ``response_headers_conformance``: documented response headers fit their schema (the
  document declares none, so this has nothing to check yet);
- ``positive_data_acceptance``: input the document calls valid is accepted;
- ``negative_data_rejection``: input the document calls invalid is refused;
- ``missing_required_header``: a write without the ``x-api-key`` the document requires
  is refused;
- ``unsupported_method``: a method a route does not export is a 405 with ``Allow``;
- ``allow_header_conformance``: ``OPTIONS`` lists the documented methods.

So the document tells the truth: it promises no more and no less than the API does.

The run is repeatable: a fixed seed, schemathesis's deterministic mode and no example
database, so every run sends the same requests; at most 100 generated cases an
operation keep it to seconds.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if (
    importlib.util.find_spec("schemathesis") is None
    and os.environ.get("ROUTETREE_LOWER_BOUNDS") == "1"
):
    # Every schemathesis 4.x needs rich>=13.9.4, above routetree's floor, so the
    # lower-bounds run cannot install it (scripts/lower_bounds.py). Anywhere else it
    # is a dev tool, and the import below fails when it is missing.
    pytest.skip(
        "schemathesis is not installed in the lower-bounds run",
        allow_module_level=True,
    )

import schemathesis

from routetree.testing import live_server
from tests.postgres import postgres_server_class

if TYPE_CHECKING:
    from collections.abc import Iterator

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "users"
API_KEY = "dev-key"

CONFIG = {
    "seed": 20260105,
    "headers": {"x-api-key": API_KEY},
    "generation": {"max-examples": 100, "deterministic": True, "database": "none"},
    "phases": {
        "coverage": {
            # The methods a route may export, and no others: routetree answers a
            # method outside them (TRACE, QUERY) with 400 on every path, as Next.js
            # does (docs/handlers.md), where the unsupported_method check wants 405.
            # For these, a route that does not export one must answer 405 with Allow.
            # HEAD is left out: GET answers it.
            "unexpected-methods": ["get", "put", "post", "delete", "options", "patch"]
        }
    },
    "checks": {
        # Stricter than schemathesis's default, which also takes 401 and 403: every
        # request carries the right key, so valid input refused with 401 is a failure
        # (a run where the key was wrong would otherwise pass on 401s alone).
        "positive_data_acceptance": {"expected-statuses": ["2xx", "404", "409"]}
    },
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh database for the example: a SQLite file, or a real PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('users') / 'users.db'}"
        return
    postgres = postgres_server_class()()
    postgres.start()
    try:
        postgres.create_database("users")
        yield postgres.url("users")
    finally:
        postgres.stop()


@pytest.fixture(scope="module")
def users_api(database_url: str) -> Iterator[schemathesis.BaseSchema]:
    """The document the example serves under ``routetree dev``, for schemathesis."""
    with live_server(
        EXAMPLE, command="dev", env={"DATABASE_URL": database_url}
    ) as server:
        yield schemathesis.openapi.from_url(
            f"{server}/openapi.json", config=schemathesis.Config.from_dict(CONFIG)
        )


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    # schemathesis's from_fixture reads and writes Node._nodeid to name each
    # operation's report line; pytest 9.2 keeps the id elsewhere, so give it one.
    request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("users_api")


@schema.parametrize()
def test_every_answer_conforms_to_the_document(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate()
