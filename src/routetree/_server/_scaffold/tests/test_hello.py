"""Tests of app/api/hello/route.py, through the in-process test client."""

from pathlib import Path

from routetree.testing import TestClient

PROJECT = Path(__file__).parent.parent


def test_hello_greets_by_name() -> None:
    """The greeting comes from .env and the name from the query string."""
    with TestClient(PROJECT) as client:
        response = client.get("/api/hello", params={"name": "Ada"})
    assert response.status_code == 200
    assert response.json() == {"message": "Hello, Ada!"}
