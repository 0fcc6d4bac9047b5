"""A headless Chromium for the docs-page tests, cut off from every host but 127.0.0.1.

Chromium from the system's packages (``scripts/install-system-packages`` installs it;
``ROUTETREE_CHROMIUM`` names another binary), driven by Playwright without its own
browser download. The fixtures ``browser`` and ``offline`` (``tests/conftest.py``)
hand these to the tests of ``tests/openapi/test_browser.py`` and
``tests/examples/test_users_docs_page.py``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import sync_playwright

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


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Launch the system's Chromium headless; fail, saying how to get it, if missing."""
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


def documented_operations(base_url: str) -> set[tuple[str, str]]:
    """``(METHOD, path)`` of every operation in the document the server serves."""
    document = httpx.get(f"{base_url}/openapi.json").json()
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
    }


def listed_operations(page: Page) -> set[tuple[str, str | None]]:
    """``(METHOD, path)`` of every operation the docs page shows, once it shows one."""
    page.wait_for_selector(".opblock")
    return {
        (
            block.locator(".opblock-summary-method").inner_text().strip(),
            # A deprecated operation's path has its own class; both have data-path.
            block.locator(".opblock-summary [data-path]").get_attribute("data-path"),
        )
        for block in page.locator(".opblock").all()
    }
