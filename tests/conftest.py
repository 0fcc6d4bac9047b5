"""Shared fixtures: write route trees into tmp_path, and never leak what they import."""

from __future__ import annotations

import os
import sys
import textwrap
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from routetree.testing import LiveServer
    from tests.browser import OfflinePage
    from tests.redis_server import RedisServer

APPS = Path(__file__).parent / "apps"

MakeProject = Callable[[Mapping[str, str]], Path]


def wait_for_output(server: LiveServer, text: str, timeout: float = 5.0) -> None:
    """Wait until ``text`` is in what the server printed; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while text not in server.output:
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} not in server output:\n{server.output}")
        time.sleep(0.02)


@pytest.fixture
def anyio_backend() -> str:
    """Run ``@pytest.mark.anyio`` tests on asyncio, the loop routetree's servers use."""
    return "asyncio"


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """Return a function writing ``{relative path: source}`` into a new project."""
    counter = iter(range(1_000_000))

    def make(files: Mapping[str, str]) -> Path:
        root = tmp_path / f"project{next(counter)}"
        root.mkdir()
        for relative, source in files.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(source).lstrip())
        return root

    return make


@pytest.fixture(autouse=True)
def _isolate_imports(tmp_path: Path) -> Iterator[None]:
    """Undo what loading a project does to sys.modules, sys.path and os.environ."""
    modules = set(sys.modules)
    path = list(sys.path)
    environ = dict(os.environ)
    yield
    for name in set(sys.modules) - modules:
        module = sys.modules[name]
        file = getattr(module, "__file__", None) or ""
        if name.startswith("_routetree_routes_") or file.startswith(
            (str(tmp_path), str(APPS))
        ):
            del sys.modules[name]
    sys.path[:] = path
    os.environ.clear()
    os.environ.update(environ)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium from the system's packages, for a module of docs-page tests."""
    from tests.browser import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture
def offline(browser: Browser) -> Iterator[OfflinePage]:
    """A new page of ``browser`` that refuses every host but 127.0.0.1."""
    from tests.browser import OfflinePage

    page = OfflinePage(browser)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    """A real redis-server on a free loopback port, shared by a test module."""
    from tests.redis_server import running_redis

    with running_redis() as server:
        yield server


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A redis-server of the test's own, which the test may stop and start again."""
    from tests.redis_server import running_redis

    with running_redis() as server:
        yield server
