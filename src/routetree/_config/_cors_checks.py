"""The rules for the values of a ``[cors]`` table, in one place.

The config loader checks each entry as it reads the file, and reports a failure at
its key (``routetree.toml: cors.origins[0]: ...``); `routetree._config._cors.CorsPolicy`
runs the same checks when it is built, so a policy can only hold values the loader
would accept. Each check takes one value and returns it normalised, or raises
`ValueError` with a message that says what is wrong and how to write it.

An origin is what a browser sends in ``Origin``: ``scheme://host[:port]``, http or
https, lower case, without the default port, a path or a trailing ``/``. An entry
that a browser never sends could never match, so it is refused rather than quietly
normalised.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .._headers import TOKEN
from .._url import DEFAULT_PORTS

if TYPE_CHECKING:
    from collections.abc import Collection

__all__ = [
    "ORIGIN",
    "check_credentials",
    "check_header_name",
    "check_method",
    "check_origin",
    "wildcard_origin",
]

# A serialized origin in lower case, scheme://host[:port] and nothing else: no
# userinfo, path, query or fragment. The host is a DNS name, an IPv4 address or a
# bracketed IPv6 address. Use with fullmatch.
ORIGIN = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.\-]*)://"
    r"(?P<host>\[[0-9a-f:.]+\]|[a-z0-9\-_]+(?:\.[a-z0-9\-_]+)*)"
    r"(?::(?P<port>[0-9]{1,5}))?"
)
_SCHEMES = ("http", "https")
_TOKEN_HELP = "letters, digits and !#$%&'*+-.^_`|~"


def check_origin(origin: str) -> str:
    """Return an ``origins`` entry in lower case, or raise if it could never match.

    ``"*"``, an exact origin (``"https://app.example.com"``,
    ``"http://localhost:3000"``) or a subdomain pattern (``"https://*.example.com"``,
    see `wildcard_origin`) is accepted.

    Raises:
        ValueError: ``origin`` has white space around it, is ``"null"``, ends with
            ``/``, names the default port of its scheme, is not http or https, or is
            not ``scheme://host[:port]``.
    """
    if origin == "*":
        return origin
    if origin != origin.strip():
        raise ValueError(
            f"{origin!r} has white space around it, which browsers never send, so it "
            f"would never match. Write {origin.strip()!r}."
        )
    if origin.lower() == "null":
        raise ValueError(
            '"null" is not allowed: sandboxed iframes and local files all send '
            "Origin: null, so trusting it trusts any of them"
        )
    if "*" in origin:
        wildcard_origin(origin)
        return origin.lower()
    if origin.endswith("/") and _parse(origin[:-1]) is not None:
        raise ValueError(
            f'{origin!r} ends with "/": browsers send origins without one, so it '
            f"would never match. Write {origin[:-1]!r}."
        )
    match = _parse(origin)
    if match is None:
        raise ValueError(
            f"{origin!r} is not an origin: write scheme://host[:port] exactly, "
            'such as "https://app.example.com", "https://*.example.com" for its '
            'subdomains, or "*" for any origin'
        )
    if _is_default_port(match):
        raise ValueError(
            f"{origin!r} names the default port, which browsers leave out of the "
            "Origin header, so it would never match. "
            f"Write {origin.rpartition(':')[0]!r}."
        )
    return origin.lower()


def wildcard_origin(origin: str) -> tuple[str, str, str]:
    """Split ``https://*.example.com[:port]`` into (scheme, ".example.com", port).

    Only a whole leading label may be ``*`` and at least two labels must follow it,
    so neither ``https://*example.com`` (would match ``evil-example.com``) nor
    ``https://*.com`` can be written. The rest follows the rules of an exact origin:
    http or https, no default port (the port is ``""`` when none is given).

    Raises:
        ValueError: ``origin`` is not such a pattern.
    """
    scheme, sep, rest = origin.partition("://")
    match = _parse(f"{scheme}://{rest[2:]}") if sep and rest.startswith("*.") else None
    if (
        match is None
        or "*" in rest[2:]
        or match["host"].startswith("[")
        or "." not in match["host"]
    ):
        raise ValueError(
            f"{origin!r} is not an origin pattern: only a leading subdomain wildcard "
            'is supported, in an http or https origin, such as "https://*.example.com" '
            "(it matches a.example.com and a.b.example.com, not example.com)"
        )
    if _is_default_port(match):
        raise ValueError(
            f"{origin!r} names the default port, which browsers leave out of the "
            "Origin header, so it would never match. "
            f"Write {origin.rpartition(':')[0]!r}."
        )
    return match["scheme"], "." + match["host"], match["port"] or ""


def check_method(method: str) -> str:
    """Return a ``methods`` entry in upper case (``"*"`` echoes the requested one).

    Raises:
        ValueError: ``method`` is not an HTTP token.
    """
    if not TOKEN.fullmatch(method):
        raise ValueError(
            f"{method!r} is not an HTTP method: use an HTTP token ({_TOKEN_HELP})"
        )
    return method.upper()


def check_header_name(name: str) -> str:
    """Return a ``headers`` or ``expose_headers`` entry in lower case.

    Raises:
        ValueError: ``name`` is not an HTTP token.
    """
    if not TOKEN.fullmatch(name):
        raise ValueError(f"{name!r} is not a header name ({_TOKEN_HELP})")
    return name.lower()


def check_credentials(
    origins: Collection[str], expose_headers: Collection[str], credentials: bool
) -> None:
    """Refuse ``credentials = true`` with a ``"*"`` origin or exposed header.

    Raises:
        ValueError: ``credentials`` is set and ``origins`` or ``expose_headers``
            holds ``"*"``.
    """
    if not credentials:
        return
    if "*" in origins:
        raise ValueError(
            'origins = ["*"] cannot be combined with credentials = true: browsers '
            "refuse a wildcard origin on credentialed requests, and echoing every "
            "origin instead would let any website read your users' authenticated "
            "responses. List the trusted origins."
        )
    if "*" in expose_headers:
        raise ValueError(
            'expose_headers = ["*"] cannot be combined with credentials = true. With '
            'credentials, browsers read * as a header literally named "*", so '
            "nothing would be exposed. List the headers scripts may read instead."
        )


def _parse(origin: str) -> re.Match[str] | None:
    """Match an http(s) origin with a port up to 65535 written without leading zeros."""
    # isascii first: lower() maps some non-ASCII letters to ASCII ones (KELVIN SIGN
    # to "k"), which would let a look-alike through.
    match = ORIGIN.fullmatch(origin.lower()) if origin.isascii() else None
    if match is None or match["scheme"] not in _SCHEMES:
        return None
    port = match["port"]
    if port is not None and (port != str(int(port)) or int(port) > 65535):
        return None
    return match


def _is_default_port(match: re.Match[str]) -> bool:
    port = match["port"]
    return port is not None and int(port) == DEFAULT_PORTS[match["scheme"]]
