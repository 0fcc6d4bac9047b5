"""The fixture of the session tests: a test client of the echo app."""

from __future__ import annotations

import pytest

from routetree.testing import TestClient
from tests.testing_websocket.apps import echo


@pytest.fixture
def client() -> TestClient:
    """A client of `echo`, entered by the test when it needs the lifespan."""
    return TestClient(echo)
