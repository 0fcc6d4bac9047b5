"""The users example's docs page in a real browser, as a user opens it.

The example runs under ``routetree dev`` (the API key is ``dev-key``, from its
``.env.development``) on a fresh SQLite file; headless Chromium opens ``/docs``
through ``tests/browser.py``, which refuses every request to a host other than
127.0.0.1 and fails the test if the page made one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from routetree.testing import LiveServer, live_server
from tests.browser import documented_operations, listed_operations

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.browser import OfflinePage

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "users"
ROUTES = {
    ("GET", "/api/users"),
    ("POST", "/api/users"),
    ("GET", "/api/users/{id}"),
    ("PUT", "/api/users/{id}"),
    ("PATCH", "/api/users/{id}"),
    ("DELETE", "/api/users/{id}"),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("users") / "users.db"
    with live_server(
        EXAMPLE, command="dev", env={"DATABASE_URL": f"sqlite:///{database}"}
    ) as server:
        yield server


def test_the_page_lists_every_route_of_the_example(
    server: LiveServer, offline: OfflinePage
) -> None:
    page = offline.page
    page.goto(f"{server}/docs")
    assert listed_operations(page) == ROUTES
    assert documented_operations(server) == ROUTES
    assert page.locator(".info .title").inner_text().startswith("users")
    assert offline.external == []
    assert offline.errors == []


def test_try_it_out_creates_a_user_with_the_key_typed_in(
    server: LiveServer, offline: OfflinePage
) -> None:
    page = offline.page
    page.goto(f"{server}/docs")
    operation = page.locator("#operations-users-post_api_users")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    # What a user does: the key in the field the document's x-api-key header gives,
    # their own JSON in the body.
    operation.locator('tr[data-param-name="x-api-key"] input').fill("dev-key")
    body = {"name": "Grace Hopper", "email": "grace@example.com"}
    operation.locator("textarea.body-param__text").fill(json.dumps(body))
    with page.expect_request(
        lambda request: (
            request.method == "POST" and request.url == f"{server}/api/users"
        )
    ) as sent:
        operation.locator("button.execute").click()
    assert sent.value.headers["x-api-key"] == "dev-key"
    assert json.loads(sent.value.post_data or "") == body

    answer = operation.locator(".live-responses-table tr.response")
    answer.locator(".response-col_status").wait_for()
    assert answer.locator(".response-col_status").inner_text().strip() == "201"
    shown = json.loads(
        answer.locator(".response-col_description pre").first.inner_text()
    )
    assert {key: shown[key] for key in ("name", "email")} == body
    assert set(shown) == {"id", "name", "email", "created_at"}
    assert f"location: /api/users/{shown['id']}" in answer.inner_text()

    # The user is really there, as the API reads it back.
    stored = httpx.get(f"{server}/api/users/{shown['id']}")
    assert stored.status_code == 200
    assert stored.json() == shown
    assert f"{server}/api/users" in offline.local
    assert offline.external == []
    assert offline.errors == []
