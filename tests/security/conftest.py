"""One real server of tests/apps/security per test module and per HTTP parser.

`PARSERS` lists the ``--http`` values of ``routetree start`` the suite runs under (the
parsers differ in what they let through, so every case runs under each); ``None``
would start it without ``--http``. Every test that takes the
``server`` fixture runs once per entry, against one server started for its module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from routetree.testing import LiveServer, live_server
from tests.conftest import APPS
from tests.security.project import PROJECT, SecurityServer

if TYPE_CHECKING:
    from collections.abc import Iterator

PARSERS: tuple[str | None, ...] = ("httptools", "h11")


def _parser_id(parser: str | None) -> str:
    return parser or "default-parser"


@pytest.fixture(scope="module", params=PARSERS, ids=_parser_id)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SecurityServer]:
    """``routetree start tests/apps/security`` on 127.0.0.1, for the whole module."""
    parser: str | None = request.param
    args = () if parser is None else ("--http", parser)
    # Routes that must never run leave a file here when they do (DELETE_ALL).
    markers = tmp_path_factory.mktemp("markers")
    with live_server(PROJECT, args=args, env={"SECURITY_MARKERS": str(markers)}) as url:
        yield SecurityServer(url, markers)


ENTRY = APPS / "entry"


@pytest.fixture(scope="module", params=PARSERS, ids=_parser_id)
def entry_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """``routetree start tests/apps/entry`` (allowed_hosts, middleware), per module.

    The project for the checks before routing: request targets, Host, framing.
    """
    parser: str | None = request.param
    args = () if parser is None else ("--http", parser)
    with live_server(ENTRY, args=args) as server:
        yield server
