"""One `routetree start` of tests/apps/entry per HTTP parser, for a test module."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from routetree.testing import LiveServer, live_server
from tests.conftest import APPS

if TYPE_CHECKING:
    from collections.abc import Iterator

ENTRY = APPS / "entry"
# The parsers routetree start can run; each test runs under every one, since they
# differ in what they let through to the app.
PARSERS: tuple[str | None, ...] = (None,)


def start_args(parser: str | None) -> tuple[str, ...]:
    """The ``routetree start`` arguments that pick ``parser`` (None: the default)."""
    return () if parser is None else ("--http", parser)


@pytest.fixture(scope="module", params=PARSERS, ids=lambda p: p or "default")
def entry_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """The entry project served by ``routetree start``, under one parser."""
    with live_server(ENTRY, args=start_args(request.param)) as server:
        yield server
