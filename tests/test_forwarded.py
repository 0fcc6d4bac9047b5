"""X-Forwarded-* parsing: addresses, the right-most untrusted hop, scheme and host."""

from __future__ import annotations

import ipaddress

import pytest

from routetree._forwarded import (
    client_address,
    forwarded_host,
    forwarded_scheme,
    is_trusted,
    parse_address,
)

TRUSTED = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1/128"))


@pytest.mark.parametrize(
    ("entry", "address"),
    [
        ("1.1.1.1", "1.1.1.1"),
        (" 1.1.1.1:8080 ", "1.1.1.1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("::ffff:10.0.0.1", "10.0.0.1"),
        ("unknown", None),
        ("<script>", None),
        ("999.1.1.1", None),
        ("1.1.1.1:x", None),
        ("[2001:db8::1", None),
        ("", None),
    ],
)
def test_entries_parse_to_addresses_without_ports(
    entry: str, address: str | None
) -> None:
    parsed = parse_address(entry)
    assert (None if parsed is None else str(parsed)) == address


def test_trust_covers_networks_and_mapped_addresses() -> None:
    assert is_trusted("10.1.2.3", TRUSTED)
    assert is_trusted("::ffff:10.1.2.3", TRUSTED)
    assert is_trusted("::1", TRUSTED)
    assert not is_trusted("11.0.0.1", TRUSTED)
    assert not is_trusted("garbage", TRUSTED)


@pytest.mark.parametrize(
    ("lines", "client"),
    [
        (["6.6.6.6"], "6.6.6.6"),
        (["7.7.7.7, 6.6.6.6, 10.0.0.2"], "6.6.6.6"),
        (["7.7.7.7", "6.6.6.6"], "6.6.6.6"),
        (["6.6.6.6, unknown, 10.0.0.2"], "6.6.6.6"),
        (["<script>"], "10.0.0.1"),
        ([], "10.0.0.1"),
        (["10.0.0.3, 10.0.0.2"], "10.0.0.3"),
    ],
)
def test_client_is_the_right_most_untrusted_address(
    lines: list[str], client: str
) -> None:
    assert client_address("10.0.0.1", lines, TRUSTED) == client


def test_scheme_and_host_take_the_last_valid_value() -> None:
    assert forwarded_scheme(["http", "HTTPS"]) == "https"
    assert forwarded_scheme(["http, https"]) == "https"
    assert forwarded_scheme(["javascript"]) is None
    assert forwarded_scheme([]) is None
    assert forwarded_host(["a.example, api.example.com:8443"]) == "api.example.com:8443"
    assert forwarded_host(["evil.example/x?"]) is None
    assert forwarded_host([]) is None
