"""``X-Forwarded-For``, ``-Proto`` and ``-Host``: believed only from trusted proxies.

A reverse proxy (nginx, a load balancer) connects to routetree itself, so the peer
address is the proxy's; it passes the client's address, scheme and host in these
headers. A client can send them too, so they are read only when the peer is one of
config ``trusted_proxies`` (addresses or CIDR networks; none by default), with
uvicorn's ``ProxyHeadersMiddleware`` rule for the address: walk ``X-Forwarded-For``
from the right, skip the trusted proxies, and the first other entry is the client
(entries further left are whatever the client sent).

Entries are parsed as IP addresses: a port is dropped (``1.1.1.1:8080``,
``[2001:db8::1]:443``), and anything that is not an address (``unknown``,
``<script>``, ``999.1.1.1``, ``not-an-ip``) is skipped, so ``request.ip`` is always an
IP address or the peer's. ``X-Forwarded-Proto`` counts when it is ``http`` or
``https`` (or ``ws``/``wss``); ``X-Forwarded-Host`` when it is a valid ``host[:port]``.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from ._hosts import parse_host

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "IPNetwork",
    "client_address",
    "forwarded_host",
    "forwarded_scheme",
    "is_trusted",
    "parse_address",
]

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_SCHEMES = frozenset({"http", "https", "ws", "wss"})


def parse_address(entry: str) -> _IPAddress | None:
    """The IP address in one ``X-Forwarded-For`` entry, its port dropped; else None.

    An IPv4 address mapped into IPv6 (``::ffff:10.0.0.1``) is returned as IPv4, as a
    dual-stack socket reports such peers.
    """
    text = entry.strip()
    port = ""
    if text.startswith("["):  # "[2001:db8::1]" or "[2001:db8::1]:443"
        text, bracket, rest = text[1:].partition("]")
        if not bracket:
            return None
        if rest:
            port = rest[1:] if rest.startswith(":") else "-"
    elif text.count(":") == 1:  # "1.1.1.1:8080"
        text, _, port = text.partition(":")
    if port and not (port.isascii() and port.isdigit()):
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted(address: str, trusted: Sequence[IPNetwork]) -> bool:
    """Whether ``address`` (a peer or an entry) lies in one of the trusted networks."""
    parsed = parse_address(address)
    return parsed is not None and any(parsed in network for network in trusted)


def client_address(
    peer: str, forwarded_for: Sequence[str], trusted: Sequence[IPNetwork]
) -> str:
    """The client's address behind trusted proxies (the module docstring's rule).

    Args:
        peer: The address of the connection's other end, already known trusted.
        forwarded_for: The ``X-Forwarded-For`` header lines, in order.
        trusted: The trusted proxies' networks.
    """
    entries = [e for line in forwarded_for for e in line.split(",")]
    addresses = [a for a in map(parse_address, entries) if a is not None]
    for address in reversed(addresses):
        if not any(address in network for network in trusted):
            return str(address)
    # Every hop is a trusted proxy: the left-most is as far back as anyone can see.
    return str(addresses[0]) if addresses else peer


def forwarded_scheme(values: Sequence[str]) -> str | None:
    """The scheme a trusted proxy received the request with, or None."""
    if not values:
        return None
    scheme = values[-1].rpartition(",")[2].strip().lower()
    return scheme if scheme in _SCHEMES else None


def forwarded_host(values: Sequence[str]) -> str | None:
    """The ``Host`` a trusted proxy received, when it is a valid one; else None."""
    if not values:
        return None
    host = values[-1].rpartition(",")[2].strip()
    return host if parse_host(host) is not None else None
