"""routetree._config._cors_checks: the one set of rules for [cors] values."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from routetree._config._cors import CorsPolicy
from routetree._config._cors_checks import (
    check_credentials,
    check_header_name,
    check_method,
    check_origin,
    wildcard_origin,
)
from routetree._config._loading import load_config
from routetree._errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path

VALID_ORIGINS: list[tuple[str, str]] = [
    ("*", "*"),
    ("https://app.example.com", "https://app.example.com"),
    ("HTTPS://App.Example.COM", "https://app.example.com"),
    ("http://localhost:3000", "http://localhost:3000"),
    ("https://a.test:8443", "https://a.test:8443"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ("http://[::1]:8000", "http://[::1]:8000"),
    ("https://a_b.test", "https://a_b.test"),
    ("https://*.Example.com", "https://*.example.com"),
    ("http://*.example.com:8080", "http://*.example.com:8080"),
]


@pytest.mark.parametrize(
    ("origin", "expected"), VALID_ORIGINS, ids=[o for o, _ in VALID_ORIGINS]
)
def test_valid_origin_is_lower_cased(origin: str, expected: str) -> None:
    assert check_origin(origin) == expected
    assert check_origin(expected) == expected  # CorsPolicy checks it again


INVALID_ORIGINS: list[tuple[str, str, str]] = [
    ("leading-space", " https://a.test", "has white space around it"),
    ("trailing-space", "https://a.test ", "Write 'https://a.test'"),
    ("trailing-tab", "https://a.test\t", "has white space around it"),
    ("padded-star", " *", "has white space around it"),
    ("padded-pattern", "https://*.a.test ", "has white space around it"),
    ("null", "null", '"null" is not allowed'),
    ("null-upper-case", "NULL", '"null" is not allowed'),
    ("trailing-slash", "https://a.test/", "Write 'https://a.test'"),
    ("https-default-port", "https://a.test:443", "names the default port"),
    ("http-default-port", "http://a.test:80", "Write 'http://a.test'"),
    ("pattern-default-port", "https://*.a.test:443", "names the default port"),
    ("ftp", "ftp://a.test", "is not an origin"),
    ("ws", "ws://a.test", "is not an origin"),
    ("ftp-trailing-slash", "ftp://a.test/", "is not an origin"),
    ("no-scheme", "a.test", "is not an origin"),
    ("path", "https://a.test/app", "is not an origin"),
    ("query", "https://a.test?x", "is not an origin"),
    ("fragment", "https://a.test#x", "is not an origin"),
    ("userinfo", "https://u@a.test", "is not an origin"),
    ("port-not-a-number", "https://a.test:x", "is not an origin"),
    ("empty-port", "https://a.test:", "is not an origin"),
    ("port-too-large", "https://a.test:65536", "is not an origin"),
    ("port-leading-zero", "https://a.test:08080", "is not an origin"),
    ("trailing-dot", "https://a.test.", "is not an origin"),
    ("no-host", "https://", "is not an origin"),
    ("non-ascii", "https://exämple.test", "is not an origin"),
    ("kelvin-sign", "https://\u212aa.test", "is not an origin"),
    ("partial-label-wildcard", "https://*a.test", "only a leading subdomain"),
    ("bare-tld-wildcard", "https://*.test", "is not an origin pattern"),
    ("inner-wildcard", "https://a.*.example.com", "is not an origin pattern"),
    ("two-wildcards", "https://*.*.example.com", "is not an origin pattern"),
    ("ipv6-wildcard", "https://*.[::1]", "is not an origin pattern"),
    ("ftp-wildcard", "ftp://*.a.test", "in an http or https origin"),
    ("wildcard-path", "https://*.a.test/x", "is not an origin pattern"),
]


@pytest.mark.parametrize(
    ("origin", "message"),
    [case[1:] for case in INVALID_ORIGINS],
    ids=[case[0] for case in INVALID_ORIGINS],
)
def test_invalid_origin_is_refused(origin: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        check_origin(origin)
    assert message in str(info.value)


@pytest.mark.parametrize(
    "origin",
    [case[1] for case in INVALID_ORIGINS],
    ids=[case[0] for case in INVALID_ORIGINS],
)
def test_loader_and_policy_refuse_an_origin_alike(tmp_path: Path, origin: str) -> None:
    with pytest.raises(ValueError) as checked:
        check_origin(origin)
    message = str(checked.value)

    with pytest.raises(ValueError) as policy:
        CorsPolicy([origin], [], [])
    (tmp_path / "routetree.toml").write_text(
        f"[cors]\norigins = [{json.dumps(origin)}]\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as loaded:
        load_config(tmp_path)

    assert str(policy.value) == f"Invalid CORS config: {message}"
    assert f"routetree.toml: cors.origins[0]: {message}\n" in str(loaded.value)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("https://*.example.com", ("https", ".example.com", "")),
        ("HTTP://*.A.B.test:8080", ("http", ".a.b.test", "8080")),
    ],
)
def test_wildcard_origin_splits_a_pattern(
    pattern: str, expected: tuple[str, str, str]
) -> None:
    assert wildcard_origin(pattern) == expected


@pytest.mark.parametrize(
    ("method", "expected"), [("GET", "GET"), ("get", "GET"), ("*", "*"), ("M-1", "M-1")]
)
def test_method_is_upper_cased(method: str, expected: str) -> None:
    assert check_method(method) == expected


@pytest.mark.parametrize("method", ["", "GET POST", " GET", "GET\n", "GET,POST"])
def test_method_that_is_not_a_token_is_refused(method: str) -> None:
    with pytest.raises(ValueError, match="is not an HTTP method: use an HTTP token"):
        check_method(method)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("X-Token", "x-token"), ("content-type", "content-type"), ("*", "*")],
)
def test_header_name_is_lower_cased(name: str, expected: str) -> None:
    assert check_header_name(name) == expected


@pytest.mark.parametrize("name", ["", "a b", "a:b", "x-a\n", " x-a", "caf\u00e9"])
def test_header_name_that_is_not_a_token_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="is not a header name"):
        check_header_name(name)


@pytest.mark.parametrize(
    ("origins", "expose_headers", "credentials"),
    [
        (["https://a.test"], [], True),
        (["https://a.test"], ["x-total"], True),
        (["*"], ["*"], False),
    ],
)
def test_credentials_with_listed_values_pass(
    origins: list[str], expose_headers: list[str], credentials: bool
) -> None:
    check_credentials(origins, expose_headers, credentials)


@pytest.mark.parametrize(
    ("origins", "expose_headers", "message"),
    [
        (["*"], [], 'origins = ["*"] cannot be combined with credentials = true'),
        (["https://a.test", "*"], [], "List the trusted origins."),
        (["https://a.test"], ["*"], 'header literally named "*"'),
    ],
)
def test_credentials_with_a_star_are_refused(
    origins: list[str], expose_headers: list[str], message: str
) -> None:
    with pytest.raises(ValueError) as info:
        check_credentials(origins, expose_headers, True)
    assert message in str(info.value)
