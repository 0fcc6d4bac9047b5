"""Host grammar, allowed_hosts and what counts as a local request."""

from __future__ import annotations

import pytest

from routetree._headers import Headers
from routetree._hosts import (
    DEV_ALLOWED_HOSTS,
    HostPolicy,
    hostname_of,
    is_local_request,
    parse_host,
)


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("example.com", ("example.com", None)),
        ("Example.COM:8000", ("Example.COM", 8000)),
        ("127.0.0.1:65535", ("127.0.0.1", 65535)),
        ("[::1]", ("[::1]", None)),
        ("[2001:db8::1]:443", ("[2001:db8::1]", 443)),
        ("my_container", ("my_container", None)),
    ],
)
def test_valid_hosts_split_into_host_and_port(
    value: str, parsed: tuple[str, int | None]
) -> None:
    assert parse_host(value) == parsed


@pytest.mark.parametrize(
    "value",
    [
        "",
        "example.com/health?x=",
        "user@evil.example",
        "valid.example:x@evil.example",
        "evil.example#x",
        "x\\evil.example",
        "a b",
        "a, b",
        "[::1",
        "[not-an-ip]",
        "example.com:99999",
        "example.com:",
        "example.com:+80",
        "café.example",
        "example.com:\uff18\uff10",  # full-width digits
    ],
)
def test_invalid_hosts_are_refused(value: str) -> None:
    assert parse_host(value) is None
    assert hostname_of(value) is None


def test_hostname_is_lower_case_without_brackets_or_port() -> None:
    assert hostname_of("API.Example.com:8443") == "api.example.com"
    assert hostname_of("[::1]:3000") == "::1"


def test_policy_matches_names_subdomains_and_any() -> None:
    policy = HostPolicy(["api.example.com", "*.example.org"])
    assert policy.refusal("API.example.com:443") is None
    assert policy.refusal("a.b.example.org") is None
    refused = policy.refusal("example.org")  # *.x matches subdomains only
    assert refused is not None
    assert "allowed_hosts" in refused
    assert policy.refusal("evil.example") is not None
    assert policy.refusal("example.org.evil.example") is not None
    assert HostPolicy(["*"]).refusal("anything.example:1") is None
    invalid = HostPolicy(["*"]).refusal("a@b")
    assert invalid is not None
    assert "not a valid host" in invalid


def test_dev_default_allows_local_names_and_addresses_only() -> None:
    policy = HostPolicy(DEV_ALLOWED_HOSTS)
    for host in ("localhost:3000", "app.localhost", "127.0.0.1", "10.0.0.5:3000"):
        assert policy.refusal(host) is None, host
    for host in ("[::1]:3000", "testserver"):
        assert policy.refusal(host) is None, host
    for host in ("rebind.attacker.example", "localhost.evil", "example.com"):
        assert policy.refusal(host) is not None, host


def _headers(*pairs: tuple[str, str]) -> Headers:
    return Headers([(k.encode(), v.encode()) for k, v in pairs])


def test_local_request_needs_a_local_host_and_no_foreign_origin() -> None:
    assert is_local_request(_headers(("host", "localhost:3000")))
    assert is_local_request(
        _headers(("host", "127.0.0.1:3000"), ("origin", "http://localhost:5173"))
    )
    assert not is_local_request(_headers(("host", "rebind.attacker.example")))
    assert not is_local_request(_headers())
    assert not is_local_request(
        _headers(("host", "localhost"), ("origin", "http://attacker.example"))
    )
    assert not is_local_request(_headers(("host", "localhost"), ("origin", "null")))
