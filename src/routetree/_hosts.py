"""The ``Host`` header: its grammar, config ``allowed_hosts``, and what counts as local.

A request's ``Host`` names the site the client asked for; ``request.url`` is built from
it. A value that is not a plain ``host[:port]`` (``example.com/health?x=``,
``user@evil.example``, ``evil.example#x``, ``[::1``, ``example.com:99999``) would make
``str(request.url)`` parse back to another host or path, so such a request is refused
with 400 before anything else runs (Starlette's "BadHost", CVE-2026-48710, and Django's
CVE-2012-4520 came from believing it).

Accepted: a name of letters, digits, ``-``, ``.`` and ``_`` (DNS names, and the
``_`` of container host names), an IPv4 address, or an IPv6 address in brackets;
then an optional port of at most five digits, up to 65535.

``allowed_hosts`` (config) narrows what is served. An entry is a host name (any letter
case, no port), ``*.example.com`` for every subdomain of ``example.com``, or ``*`` for
any host. By default ``routetree start`` serves any host, and ``routetree dev`` only
``localhost``, ``*.localhost``, IP addresses and ``testserver`` (the host of the test
clients), so that a page on another site cannot
reach the dev server through a domain it points at 127.0.0.1 (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ._headers import Headers

__all__ = [
    "DEV_ALLOWED_HOSTS",
    "HostPolicy",
    "hostname_of",
    "is_local_request",
    "parse_host",
]

_HOST = re.compile(r"([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::([0-9]{1,5}))?")
# "testserver" is the host routetree.testing's clients send.
DEV_ALLOWED_HOSTS = ("localhost", "*.localhost", "<ip>", "testserver")
_IP_ENTRY = "<ip>"  # stands for every IP address in DEV_ALLOWED_HOSTS


def parse_host(value: str) -> tuple[str, int | None] | None:
    """Split a ``Host`` value into host and port, or None when it is not valid.

    ``"example.com:8000"`` -> ``("example.com", 8000)``; ``"[::1]"`` ->
    ``("[::1]", None)``. The host keeps the letter case and brackets it was sent with.
    """
    found = _HOST.fullmatch(value)
    if found is None:
        return None
    host, port_text = found.group(1), found.group(2)
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return None
    port = None if port_text is None else int(port_text)
    if port is not None and port > 65535:
        return None
    return host, port


def hostname_of(value: str) -> str | None:
    """The lower-cased host of a valid ``Host`` value, brackets removed; else None."""
    parsed = parse_host(value)
    if parsed is None:
        return None
    return parsed[0].strip("[]").lower()


def _is_ip(hostname: str) -> bool:
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return True


class HostPolicy:
    """Which ``Host`` values a server answers: valid ones, in ``allowed_hosts``.

    Args:
        allowed: The ``allowed_hosts`` entries; ``("*",)`` allows every valid host.
    """

    __slots__ = ("_any", "_any_ip", "_exact", "_suffixes")

    def __init__(self, allowed: Iterable[str]) -> None:
        entries = [entry.strip().lower() for entry in allowed]
        self._any = "*" in entries
        self._any_ip = _IP_ENTRY in entries
        self._exact = frozenset(
            e.strip("[]") for e in entries if not e.startswith("*") and e != _IP_ENTRY
        )
        self._suffixes = tuple(e[1:] for e in entries if e.startswith("*."))

    def refusal(self, value: str) -> str | None:
        """Why a ``Host`` value is refused (a message for the 400), or None."""
        hostname = hostname_of(value)
        if hostname is None:
            return (
                "The Host header is not a valid host[:port] (a name, an IPv4 address "
                "or a bracketed IPv6 address, then an optional port)."
            )
        if self.allows(hostname):
            return None
        return (
            "The Host header names a host this server does not answer for. Add it "
            "to allowed_hosts in routetree.toml."
        )

    def allows(self, hostname: str) -> bool:
        """Whether a lower-cased host name (no brackets, no port) is allowed."""
        if self._any or hostname in self._exact:
            return True
        if self._any_ip and _is_ip(hostname):
            return True
        return hostname.endswith(self._suffixes) if self._suffixes else False


_LOCAL = HostPolicy(DEV_ALLOWED_HOSTS)


def is_local_request(headers: Headers) -> bool:
    """Whether a request came from a local page: may dev mode show it a traceback?

    The ``Host`` must be one of dev mode's default ``allowed_hosts``, and an
    ``Origin``, when sent, must name such a host too (``Origin: null``, sent by
    sandboxed pages, does not).
    """
    hostname = hostname_of(headers.get("host") or "")
    if hostname is None or not _LOCAL.allows(hostname):
        return False
    origin = headers.get("origin")
    if origin is None:
        return True
    scheme, _, rest = origin.partition("://")
    origin_host = hostname_of(rest) if scheme in ("http", "https") else None
    return origin_host is not None and _LOCAL.allows(origin_host)
