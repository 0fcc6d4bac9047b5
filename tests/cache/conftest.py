"""A real server of tests/apps/caching per test module, and helpers to read it.

Every test uses its own paths (``/api/forever/<test name>``...), so the tests of a
module share one server without seeing each other's entries. The routes count their
renders per key (``tests/apps/caching/lib/renders.py``), and answer the count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from routetree.testing import LiveServer, live_server
from tests.conftest import APPS

if TYPE_CHECKING:
    from collections.abc import Iterator

CACHING = APPS / "caching"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    """``routetree start tests/apps/caching`` on 127.0.0.1, for the whole module."""
    with live_server(CACHING) as url:
        yield url


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    """An HTTP client of the module's server."""
    with httpx.Client(base_url=server, timeout=10) as http:
        yield http


def cache_status(response: httpx.Response) -> str | None:
    """The ``x-routetree-cache`` header: HIT, MISS, STALE, or None."""
    status: str | None = response.headers.get("x-routetree-cache")
    return status
