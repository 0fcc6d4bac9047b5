"""The docs page in a real browser: every route listed, a try-it-out call, no network.

Headless Chromium from the system's packages (``scripts/install-system-packages``
installs it; ``ROUTETREE_CHROMIUM`` names another binary), driven by Playwright
without its own browser download. Every request the page makes that is not to the
test server on 127.0.0.1 is refused and fails the test: the page must work with no
network at all.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import sync_playwright

from routetree.testing import LiveServer, live_server
from tests.conftest import APPS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, ConsoleMessage, Page, Route

CHROMIUM = Path(os.environ.get("ROUTETREE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(APPS / "openapi", command="dev") as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: run scripts/install-system-packages "
            "(scripts/test does), or set ROUTETREE_CHROMIUM to a Chromium binary."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class OfflinePage:
    """A page whose requests may only go to 127.0.0.1; it records the others."""

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context()
        self.context.set_default_timeout(20_000)
        self.external: list[str] = []
        self.local: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1":
            self.local.append(url)
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def _console(self, message: ConsoleMessage) -> None:
        # A refused request or a Content-Security-Policy violation shows here.
        if message.type == "error":
            self.errors.append(message.text)


@pytest.fixture
def offline(browser: Browser) -> Iterator[OfflinePage]:
    page = OfflinePage(browser)
    yield page
    page.context.close()


def _operations(server: LiveServer) -> set[tuple[str, str]]:
    document = httpx.get(f"{server}/openapi.json").json()
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
    }


def test_the_page_lists_every_route_without_the_network(
    server: LiveServer, offline: OfflinePage
) -> None:
    page = offline.page
    page.goto(f"{server}/docs")
    page.wait_for_selector(".opblock")
    shown = {
        (
            block.locator(".opblock-summary-method").inner_text().strip(),
            # A deprecated operation's path has its own class; both have data-path.
            block.locator(".opblock-summary [data-path]").get_attribute("data-path"),
        )
        for block in page.locator(".opblock").all()
    }
    assert shown == _operations(server)
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
