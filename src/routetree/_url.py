"""URLs, query strings, percent-decoding of paths and encoding of ``Location``.

Paths are kept as the client sent them (percent-encoded), as Next.js's
``nextUrl.pathname`` is; only route params are decoded, exactly once. A malformed escape
anywhere in the path (``%ZZ``, ``%E0%A4%A``, or bytes that are not UTF-8) is a 400.

A redirect's ``Location`` always goes on the wire as ASCII: `encode_location`
percent-encodes it as JavaScript's ``encodeURI`` does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qsl, quote, unquote_to_bytes

if TYPE_CHECKING:
    from ._types import Scope

__all__ = [
    "DEFAULT_PORTS",
    "URL",
    "SearchParams",
    "check_percent_escapes",
    "decode_segment",
    "encode_location",
    "normalize_escapes",
    "request_path",
]

_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PATH_SAFE = "/%!$&'()*+,;=:@-._~"
# The port a URL of each scheme means when it names none; written out, it is left
# out of a serialized URL or origin.
DEFAULT_PORTS: Final = {"http": 80, "https": 443, "ws": 80, "wss": 443}
# What encodeURI encodes: everything but its unreserved and reserved characters, and
# "[" "]" (kept here, for an IPv6 host); "%" only when it does not start an escape.
_LOCATION_UNSAFE = re.compile(
    r"[^A-Za-z0-9;,/?:@&=+$\-_.!~*'()#\[\]%]+|%(?![0-9A-Fa-f]{2})"
)
_LOCATION_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def request_path(scope: Scope) -> str:
    """Return the request path as the client sent it (percent-encoded).

    The path is the part below ``root_path``. Uses the ASGI ``raw_path`` so that
    ``a%2Fb`` stays one segment; non-ASCII bytes are percent-encoded. Falls back to
    re-encoding ``path`` for servers without ``raw_path``.
    """
    raw: bytes | None = scope.get("raw_path")
    if raw:
        if b"?" in raw:
            raw = raw.partition(b"?")[0]
        try:
            path = raw.decode("ascii")
        except UnicodeDecodeError:
            path = quote(raw, safe=_PATH_SAFE)
    else:
        # An empty path means "/" (RFC 9112 3.2.1).
        path = quote(scope["path"] or "/", safe=_PATH_SAFE.replace("%", ""))
    root: str | None = scope.get("root_path")
    if root and (path == root or path.startswith(root.rstrip("/") + "/")):
        path = path[len(root.rstrip("/")) :] or "/"
    return path


def normalize_escapes(path: str) -> str:
    """Upper-case the hex digits of percent escapes (``%c3%a9`` -> ``%C3%A9``).

    RFC 3986 makes the two equivalent; static folder names are matched in the upper
    case form browsers send.
    """
    if "%" not in path:
        return path
    return _ESCAPE.sub(lambda m: m.group().upper(), path)


def check_percent_escapes(path: str) -> str | None:
    """Return why ``path``'s percent escapes are invalid, or None when they are fine."""
    if "%" not in path:
        return None
    bad = _BAD_ESCAPE.search(path)
    if bad is not None:
        return (
            f"malformed percent escape {path[bad.start() : bad.start() + 3]!r} "
            "in the path"
        )
    try:
        unquote_to_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        return "percent escapes in the path do not decode to UTF-8"
    return None


def decode_segment(segment: str) -> str:
    """Percent-decode one path segment exactly once (``+`` stays ``+``)."""
    if "%" not in segment:
        return segment
    return unquote_to_bytes(segment).decode("utf-8", "replace")


def encode_location(url: str) -> str:
    r"""Return ``url`` as a ``Location`` header value: ASCII, percent-encoded.

    Encodes like JavaScript's ``encodeURI``: a character outside its unreserved and
    reserved sets becomes the ``%XX`` escapes of its UTF-8 bytes (``/café?q=ü`` is
    ``/caf%C3%A9?q=%C3%BC``, a space ``%20``, a ``\`` ``%5C``); ``/ ? # & = :`` and
    the other reserved characters stay, and so do existing escapes such as ``%2F``. A
    ``%`` that starts no escape becomes ``%25``. ``[`` and ``]`` stay too, for an IPv6
    host. Nothing else changes, so a relative URL stays relative; a host is encoded like
    the rest (``https://b%C3%BCcher.example/``), which browsers read as that host.
    Encoding twice gives the same result.

    Raises:
        ValueError: ``url`` contains a control character (CR, LF, NUL, tab, DEL...),
            which could end the header and start another, or a lone surrogate.
    """
    bad = _LOCATION_REFUSED.search(url)
    if bad is not None:
        char, index = bad.group(), bad.start()
        if "\ud800" <= char <= "\udfff":
            raise ValueError(
                f"Invalid redirect URL {url!r}: it contains a lone surrogate "
                f"({char!r} at index {index}), which is not text and has no UTF-8 "
                "form."
            )
        raise ValueError(
            f"Invalid redirect URL {url!r}: it contains the control character "
            f"{char!r} at index {index}; control characters such as CR and LF could "
            "end the Location header and start another. Remove it, or "
            "percent-encode it (%0D, %0A...) if it belongs in the URL."
        )
    if _LOCATION_UNSAFE.search(url) is None:
        return url
    return _LOCATION_UNSAFE.sub(lambda m: quote(m.group(), safe=""), url)


class SearchParams(Mapping[str, str]):
    """The query string's parameters, like the Fetch API's ``URLSearchParams``.

    ``params["q"]`` and ``params.get("q")`` give the first value; ``get_all("q")`` gives
    every value in order. ``+`` decodes to a space and blank values are kept
    (``?c`` -> ``c=""``).
    """

    __slots__ = ("_first", "_items")

    def __init__(self, query: str = "") -> None:
        self._items = parse_qsl(query, keep_blank_values=True)
        self._first: dict[str, str] = {}
        for key, value in self._items:
            self._first.setdefault(key, value)

    def __getitem__(self, key: str) -> str:
        return self._first[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._first)

    def __len__(self) -> int:
        return len(self._first)

    def get_all(self, key: str) -> list[str]:
        """Return every value of ``key`` in order (empty if absent)."""
        return [v for k, v in self._items if k == key]

    def multi_items(self) -> list[tuple[str, str]]:
        """Return every ``(key, value)`` pair in order, duplicates included."""
        return list(self._items)

    def __repr__(self) -> str:
        return f"SearchParams({self._items!r})"


class URL:
    """The request URL: ``scheme://host[:port]path[?query]``.

    ``path`` and ``query`` are as the client sent them (percent-encoded), like
    ``nextUrl.pathname`` and ``nextUrl.search`` without its ``?``.
    """

    __slots__ = ("_search_params", "host", "path", "port", "query", "scheme")

    def __init__(
        self, scheme: str, host: str, port: int | None, path: str, query: str
    ) -> None:
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
        self.query = query
        self._search_params: SearchParams | None = None

    @classmethod
    def from_parts(
        cls,
        scheme: str,
        host_header: str | None,
        server: tuple[str, int | None] | None,
        path: str,
        query: str,
    ) -> URL:
        """Build a URL from a request's parts.

        The parts are its scheme, ``Host`` header, server address and path.
        """
        if host_header:
            host, _, port_text = (
                host_header.rpartition(":")
                if _has_port(host_header)
                else (host_header, "", "")
            )
            port = int(port_text) if port_text.isdigit() else None
        elif server is not None:
            host, port = server[0], server[1]
            if ":" in host and not host.startswith("["):
                host = f"[{host}]"  # an IPv6 address in a URL is bracketed
        else:
            host, port = "localhost", None
        if port == DEFAULT_PORTS.get(scheme):
            port = None
        return cls(scheme, host, port, path, query)

    @property
    def search(self) -> str:
        """The query with its leading ``?``, or ``""``."""
        return f"?{self.query}" if self.query else ""

    @property
    def search_params(self) -> SearchParams:
        """The parsed query string."""
        if self._search_params is None:
            self._search_params = SearchParams(self.query)
        return self._search_params

    @property
    def netloc(self) -> str:
        """``host`` or ``host:port``."""
        return self.host if self.port is None else f"{self.host}:{self.port}"

    @property
    def origin(self) -> str:
        """``scheme://host[:port]``."""
        return f"{self.scheme}://{self.netloc}"

    def __str__(self) -> str:
        return f"{self.origin}{self.path}{self.search}"

    def __repr__(self) -> str:
        return f"URL({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, URL | str):
            return str(self) == str(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))


def _has_port(host_header: str) -> bool:
    # "[::1]:8000" has a port, "[::1]" does not; "example.com:80" has one.
    return host_header.rfind(":") > host_header.rfind("]")
