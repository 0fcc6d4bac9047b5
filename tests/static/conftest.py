"""One ``routetree start`` of the generated static project for the whole package."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from routetree.testing import LiveServer, live_server
from tests.static.project import make_static_project

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture(scope="package")
def static_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated copy of tests/apps/static (see `make_static_project`)."""
    return make_static_project(tmp_path_factory.mktemp("static"))


@pytest.fixture(scope="package")
def static_server(static_project: Path) -> Iterator[LiveServer]:
    """``routetree start`` of `static_project` on 127.0.0.1, shared by the package."""
    with live_server(static_project) as server:
        yield server
