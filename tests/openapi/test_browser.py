"""The docs page in a real browser: every route listed, a try-it-out call, no network.

Headless Chromium from the system's packages, driven by Playwright
(``tests/browser.py``; the ``browser`` and ``offline`` fixtures of
``tests/conftest.py``). Every request the page makes that is not to the test server on
127.0.0.1 is refused and fails the test: the page must work with no network at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from routetree.testing import LiveServer, live_server
from tests.browser import documented_operations, listed_operations
from tests.conftest import APPS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.browser import OfflinePage


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(APPS / "openapi", command="dev") as server:
        yield server


def test_the_page_lists_every_route_without_the_network(
    server: LiveServer, offline: OfflinePage
) -> None:
    page = offline.page
    page.goto(f"{server}/docs")
    assert listed_operations(page) == documented_operations(server)
    assert page.locator(".info .title").inner_text().startswith("openapi")
    assert offline.external == []
    assert offline.errors == []
    assert f"{server}/docs/assets/swagger-ui-bundle.js" in offline.local
    assert f"{server}/openapi.json" in offline.local


def test_try_it_out_sends_the_request_and_shows_the_answer(
    server: LiveServer, offline: OfflinePage
) -> None:
    page = offline.page
    page.goto(f"{server}/docs")
    operation = page.locator("#operations-users-post_api_users")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table tr.response .response-col_status")
    status.wait_for()
    assert status.inner_text().strip() == "201"
    body = operation.locator(
        ".live-responses-table tr.response .response-col_description"
    )
    assert '"created": true' in body.inner_text()
    assert f"{server}/api/users" in offline.local
    assert offline.external == []
    assert offline.errors == []
