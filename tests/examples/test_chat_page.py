"""The chat example's page in a real browser: two pages see each other's messages.

The example runs under ``routetree start`` on a fresh SQLite file; two headless
Chromium pages (separate contexts, as two people) open ``/chat.html`` through
``tests/browser.py``, which refuses every request to a host other than 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from routetree.testing import LiveServer, live_server
from tests.browser import OfflinePage

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "chat"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("chat") / "chat.db"
    with live_server(EXAMPLE, env={"DATABASE_URL": f"sqlite:///{database}"}) as server:
        yield server


def open_room(
    browser: Browser, server: LiveServer, name: str, room: str = "browser"
) -> OfflinePage:
    person = OfflinePage(browser)
    person.page.goto(f"{server}/chat.html?room={room}")
    person.page.wait_for_selector("#status:text('connected')")
    person.page.fill("#author", name)
    return person


def say(page: Page, text: str) -> None:
    page.fill("#text", text)
    page.click("button")


def test_two_pages_see_each_other_s_messages(
    server: LiveServer, browser: Browser
) -> None:
    ada, bob = open_room(browser, server, "ada"), open_room(browser, server, "bob")
    try:
        say(ada.page, "hello bob")
        bob.page.wait_for_selector("#messages li:has-text('hello bob')")
        say(bob.page, "hi ada")
        ada.page.wait_for_selector("#messages li:has-text('hi ada')")
        assert ada.page.locator("#messages li").all_inner_texts() == [
            "ada hello bob",
            "bob hi ada",
        ]
        assert bob.page.locator("#messages li").all_inner_texts() == [
            "ada hello bob",
            "bob hi ada",
        ]
        assert ada.external == bob.external == []
        assert ada.errors == bob.errors == []
    finally:
        ada.context.close()
        bob.context.close()


def test_a_page_that_joins_later_shows_the_history(
    server: LiveServer, browser: Browser
) -> None:
    for text in ("earlier", "news"):
        posted = httpx.post(
            f"{server}/api/rooms/later", json={"author": "ada", "text": text}
        )
        assert posted.status_code == 201
    late = open_room(browser, server, "late", room="later")
    try:
        late.page.wait_for_selector("#messages li:has-text('news')")
        assert late.page.locator("#messages li").all_inner_texts() == [
            "ada earlier",
            "ada news",
        ]
    finally:
        late.context.close()
