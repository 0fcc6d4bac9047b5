"""routetree._path_checks: the 400s and 308s a path gets before routing, sans-IO."""

from __future__ import annotations

import orjson
import pytest

from routetree._path_checks import (
    options_star,
    refuse_target,
    target_error,
    trailing_slash_redirect,
)


def _detail(body: bytes | None) -> str:
    assert body is not None
    detail = orjson.loads(body)["detail"]
    assert isinstance(detail, str)
    return detail


@pytest.mark.parametrize(
    ("method", "path", "detail"),
    [
        ("BREW", "/api/x", "Unsupported method 'BREW'"),
        ("GET", "api/x", "must be a path starting with '/'"),
        ("GET", "@evil.example/x", "must be a path starting with '/'"),
        ("GET", "*", "must be a path starting with '/'"),
        ("GET", "/api/%zz", "Malformed URL"),
        ("POST", "/api/x%2", "Malformed URL"),
    ],
    ids=["method", "no-slash", "at-sign", "star-get", "bad-escape", "cut-escape"],
)
def test_refuse_target_is_400_saying_why(method: str, path: str, detail: str) -> None:
    response = refuse_target(method, path)
    assert response is not None
    assert response.status == 400
    assert detail in _detail(response.body)


def test_options_star_is_204_with_every_method() -> None:
    response = refuse_target("OPTIONS", "*")
    assert response is not None
    assert response.status == 204
    assert response.headers["allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"


@pytest.mark.parametrize("path", ["/", "/api/x", "/api/a%2Fb", "/api/x/"])
def test_refuse_target_lets_a_path_through(path: str) -> None:
    assert refuse_target("GET", path) is None


def test_target_error_is_the_400_as_an_http_error() -> None:
    error = target_error("GET", "/api/%zz")
    assert error is not None
    assert error.status == 400
    assert isinstance(error.detail, str)
    assert error.detail.startswith("Malformed URL")
    assert target_error("OPTIONS", "*") is None
    assert target_error("GET", "/api/x") is None


def test_options_star_answers_only_options_star() -> None:
    assert options_star("GET", "*") is None
    assert options_star("OPTIONS", "/api/x") is None
    star = options_star("OPTIONS", "*")
    assert star is not None
    assert star.status == 204


@pytest.mark.parametrize(
    ("path", "query", "add", "base_path", "location"),
    [
        ("/api/x/", b"", False, "", "/api/x"),
        ("/api/x/", b"a=1&b=%20", False, "", "/api/x?a=1&b=%20"),
        ("/api/x", b"", True, "", "/api/x/"),
        ("/hello.json/", b"", True, "", "/hello.json"),
        ("/api/x/", b"", False, "/v1", "/v1/api/x"),
        ("//evil.example/", b"", False, "", "/evil.example"),
        ("/%2F%5Cevil.example/", b"", False, "", "/evil.example"),
    ],
    ids=[
        "remove",
        "query-kept",
        "add",
        "file-loses-slash",
        "base-path",
        "no-other-host",
        "no-encoded-host",
    ],
)
def test_trailing_slash_redirect_is_308(
    path: str, query: bytes, add: bool, base_path: str, location: str
) -> None:
    response = trailing_slash_redirect(path, query, add=add, base_path=base_path)
    assert response is not None
    assert response.status == 308
    assert response.headers["location"] == location
    assert response.headers["refresh"] == f"0;url={location}"


@pytest.mark.parametrize(
    ("path", "add"),
    [
        ("/", False),
        ("/", True),
        ("/api/x", False),
        ("/api/x/", True),
        ("/a.json", True),
    ],
)
def test_trailing_slash_redirect_none_when_path_is_canonical(
    path: str, add: bool
) -> None:
    assert trailing_slash_redirect(path, b"q=1", add=add) is None
