"""HTTP headers: case-insensitive, multi-valued, kept as the bytes sent on the wire.

`Headers` is the read-only view of a request's headers; `MutableHeaders` is a
response's. Both follow the Fetch API: ``get(name)`` joins repeated values with ``", "``
and ``get_all(name)`` returns them one by one (use it for ``set-cookie``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TypeVar, overload

from ._url import encode_location

__all__ = [
    "CONTROL",
    "FORBIDDEN_IN_VALUE",
    "READ_ONLY_MESSAGE",
    "TOKEN",
    "TOKEN_CHARS",
    "Headers",
    "HeadersInit",
    "MutableHeaders",
]

_T = TypeVar("_T")
HeadersInit = Mapping[str, str] | Iterable[tuple[str, str]]
READ_ONLY_MESSAGE = (
    "Headers cannot be modified: request headers are read-only. Set headers on the "
    "Response you return instead (response.headers[...] = ...)."
)
# RFC 9110 5.6.2: a token (a header name, a method, a cookie name) is one or more of
# these characters. Use TOKEN with fullmatch: "$" would let a trailing "\n" through.
TOKEN_CHARS = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]"
TOKEN = re.compile(f"{TOKEN_CHARS}+")
# The C0 controls and DEL, and the same without tab, which a field value may hold
# (RFC 9110 5.5); search for them.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
FORBIDDEN_IN_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class Headers(Mapping[str, str]):
    """Read-only, case-insensitive, multi-valued HTTP headers.

    Example::

        request.headers["content-type"]        # "application/json"
        request.headers.get("x-missing")       # None
        request.headers.get_all("accept")      # ["text/html", "application/json"]
    """

    __slots__ = ("_raw",)

    def __init__(self, raw: list[tuple[bytes, bytes]] | None = None) -> None:
        self._raw: list[tuple[bytes, bytes]] = raw if raw is not None else []

    @property
    def raw(self) -> list[tuple[bytes, bytes]]:
        """The headers as ``(lower-case name, value)`` byte pairs, in order."""
        return self._raw

    def get_all(self, name: str) -> list[str]:
        """Return every value of header ``name`` in order (empty if absent)."""
        key = _lookup_key(name)
        return [v.decode("latin-1") for k, v in self._raw if k == key]

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    @overload
    def get(self, name: str, /) -> str | None: ...
    @overload
    def get(self, name: str, default: str, /) -> str: ...
    @overload
    def get(self, name: str, default: _T, /) -> str | _T: ...

    def get(self, name: str, default: object = None, /) -> object:
        """Return header ``name`` (repeated values joined by ", ") or ``default``."""
        # Written out rather than inherited: Mapping.get goes through a KeyError.
        key = _lookup_key(name)
        found: str | None = None
        for k, v in self._raw:
            if k == key:
                value = v.decode("latin-1")
                found = value if found is None else f"{found}, {value}"
        return default if found is None else found

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        key = _lookup_key(name)
        return any(k == key for k, _ in self._raw)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(k.decode("latin-1") for k, _ in self._raw))

    def __len__(self) -> int:
        return len({k for k, _ in self._raw})

    def multi_items(self) -> list[tuple[str, str]]:
        """Return every ``(name, value)`` pair in order, repeated names included."""
        return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in self._raw]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.multi_items()!r})"

    # Defining __eq__ sets __hash__ to None, in MutableHeaders too: equality is by
    # content, and a MutableHeaders's content changes.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            return sorted(self._raw) == sorted(other._raw)
        return super().__eq__(other)

    # The writers refuse, but are typed like MutableHeaders's (-> None, not NoReturn):
    # a Headers may be a MutableHeaders, whose writers return.
    def __setitem__(self, name: str, value: str) -> None:
        raise TypeError(READ_ONLY_MESSAGE)

    def __delitem__(self, name: str) -> None:
        raise TypeError(READ_ONLY_MESSAGE)

    def set(self, name: str, value: str) -> None:
        """Refuse: request headers are read-only."""
        raise TypeError(READ_ONLY_MESSAGE)

    def append(self, name: str, value: str) -> None:
        """Refuse: request headers are read-only."""
        raise TypeError(READ_ONLY_MESSAGE)

    def delete(self, name: str) -> None:
        """Refuse: request headers are read-only."""
        raise TypeError(READ_ONLY_MESSAGE)


class MutableHeaders(Headers):
    """A response's headers: case-insensitive, multi-valued and writable.

    ``headers["x"] = "1"`` replaces every ``x`` header, ``append`` adds another line.
    Names must be HTTP tokens and values may not contain control characters (CR, LF,
    NUL...), so nothing a handler sets can split the response: a bad one raises
    `ValueError`. A ``location`` value is percent-encoded to ASCII
    (`routetree._url.encode_location`), however it is set.
    """

    __slots__ = ()

    def __init__(self, init: HeadersInit | None = None) -> None:
        self._raw = []
        if init is not None:
            pairs = init.items() if isinstance(init, Mapping) else init
            for name, value in pairs:
                self._raw.append(_encode(name, value))

    @classmethod
    def of_raw(cls, raw: list[tuple[bytes, bytes]]) -> MutableHeaders:
        """Wrap pairs that are already encoded and checked (no copy, no checks)."""
        headers = cls.__new__(cls)
        headers._raw = raw
        return headers

    def set(self, name: str, value: str) -> None:
        """Set header ``name`` to ``value``, replacing any existing values."""
        encoded = _encode(name, value)
        self._raw[:] = [item for item in self._raw if item[0] != encoded[0]]
        self._raw.append(encoded)

    def append(self, name: str, value: str) -> None:
        """Add a ``name: value`` line, keeping existing ones."""
        self._raw.append(_encode(name, value))

    def delete(self, name: str) -> None:
        """Remove every ``name`` header (no error if absent)."""
        key = _lookup_key(name)
        self._raw[:] = [item for item in self._raw if item[0] != key]

    def setdefault(self, name: str, value: str) -> str:
        """Set ``name`` to ``value`` unless present; return the header's value."""
        if name not in self:
            self.append(name, value)
        return self[name]

    def update(self, headers: HeadersInit) -> None:
        """Set each header of ``headers``, replacing existing values."""
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        for name, value in pairs:
            self.set(name, value)

    def __setitem__(self, name: str, value: str) -> None:
        self.set(name, value)

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self.delete(name)


def _lookup_key(name: str) -> bytes:
    # A name that is not Latin-1 cannot be a header; "?" is not a token character, so
    # the replacement matches nothing.
    return name.lower().encode("latin-1", "replace")


def _encode(name: str, value: str) -> tuple[bytes, bytes]:
    if not isinstance(name, str) or not TOKEN.fullmatch(name):
        raise ValueError(
            f"Invalid header name {name!r}: use letters, digits and -_.!#$%&'*+^`|~"
        )
    if not isinstance(value, str):
        value = str(value)
    if name.lower() == "location":
        value = encode_location(value)
    if FORBIDDEN_IN_VALUE.search(value):
        raise ValueError(
            f"Invalid value for header {name!r}: it contains a control character "
            "(CR, LF or NUL), which could split the response. Remove it."
        )
    try:
        encoded = value.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(
            f"Invalid value for header {name!r}: header values must be Latin-1 text; "
            "percent-encode other characters."
        ) from None
    return name.lower().encode("latin-1"), encoded
