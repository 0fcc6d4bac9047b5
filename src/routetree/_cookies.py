"""Cookies: ``Cookie`` request headers and ``Set-Cookie`` response lines.

Lenient parsing of ``Cookie`` request headers, and ``Set-Cookie`` lines written the way
Next.js writes them.

A ``Set-Cookie`` line is ``name=<value encoded like encodeURIComponent>`` followed by
the attributes in Next.js's order: ``Path``, ``Expires``, ``Max-Age``, ``Domain``,
``Secure``, ``HttpOnly``, ``SameSite``, ``Partitioned``. ``max_age`` also writes
``Expires`` (now + max_age).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, formatdate
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote, unquote

from ._headers import CONTROL, TOKEN

if TYPE_CHECKING:
    from ._headers import MutableHeaders

__all__ = [
    "CookieStore",
    "RequestCookies",
    "ResponseCookies",
    "parse_cookie_header",
    "serialize_cookie",
]

SameSite = Literal["lax", "strict", "none"]
_WHITESPACE = " \t"
# encodeURIComponent leaves A-Z a-z 0-9 - _ . ! ~ * ' ( ) alone;
# quote() already keeps -_.~
_URI_COMPONENT_SAFE = "!*'()"


def parse_cookie_header(header: str) -> dict[str, str]:
    """Parse a ``Cookie`` header into ``{name: value}``, values percent-decoded.

    Malformed pairs (no ``=``, empty or invalid name) are skipped and the rest still
    read; for a repeated name the first value wins, as browsers send the most specific
    first. Only spaces and tabs around a name or value are dropped (RFC 6265 5.2):
    ``str.strip()`` would also drop NBSP and NEL, so a cookie named NBSP +
    ``__Host-x``, which has none of the ``__Host-`` guarantees, would read as
    ``__Host-x``.
    """
    cookies: dict[str, str] = {}
    for pair in header.split(";"):
        name, sep, value = pair.partition("=")
        name = name.strip(_WHITESPACE)
        if not sep or not TOKEN.fullmatch(name) or name in cookies:
            continue
        value = value.strip(_WHITESPACE)
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        cookies[name] = _decode_value(value)
    return cookies


def _decode_value(value: str) -> str:
    if "%" not in value:
        return value
    try:
        return unquote(value, errors="strict")
    except UnicodeDecodeError:
        # not percent-encoded UTF-8: keep it as sent, as decodeURIComponent's
        # callers do
        return value


class RequestCookies(Mapping[str, str]):
    """The cookies a request carries: ``cookies.get("token")`` -> ``str | None``.

    Iterating yields the names; values are percent-decoded.
    """

    __slots__ = ("_cookies",)

    def __init__(self, cookies: dict[str, str]) -> None:
        self._cookies = cookies

    def __getitem__(self, name: str) -> str:
        return self._cookies[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._cookies)

    def __len__(self) -> int:
        return len(self._cookies)

    def __repr__(self) -> str:
        return f"RequestCookies({self._cookies!r})"


def serialize_cookie(
    name: str,
    value: str,
    *,
    max_age: int | None = None,
    expires: datetime | None = None,
    path: str | None = "/",
    domain: str | None = None,
    secure: bool = False,
    httponly: bool = False,
    samesite: SameSite | None = None,
    partitioned: bool = False,
) -> str:
    """Return one ``Set-Cookie`` header value in Next.js's format.

    Raises:
        ValueError: The name is not an HTTP token, an attribute holds ``;`` or a
            control character (either would let a value rewrite the header),
            ``max_age`` is not a number or ``expires`` not a ``datetime``.
    """
    if not TOKEN.fullmatch(name):
        raise ValueError(
            f"Invalid cookie name {name!r}: use letters, digits and "
            "!#$%&'*+-.^_`|~ only."
        )
    if max_age is not None and (
        isinstance(max_age, bool)
        or not isinstance(max_age, int | float)
        or not math.isfinite(max_age)
    ):
        raise ValueError(f"max_age must be a number of seconds, not {max_age!r}.")
    if expires is not None and not isinstance(expires, datetime):
        raise ValueError(f"expires must be a datetime, not {expires!r}.")
    parts = [f"{name}={quote(value, safe=_URI_COMPONENT_SAFE)}"]
    if path:
        parts.append(f"Path={_attribute('path', path)}")
    if max_age is not None and expires is None:
        parts.append(f"Expires={formatdate(time.time() + max_age, usegmt=True)}")
    elif expires is not None:
        parts.append(f"Expires={format_datetime(expires.astimezone(UTC), usegmt=True)}")
    if max_age is not None:
        parts.append(f"Max-Age={int(max_age)}")
    if domain:
        parts.append(f"Domain={_attribute('domain', domain)}")
    if secure:
        parts.append("Secure")
    if httponly:
        parts.append("HttpOnly")
    if samesite:
        if samesite.lower() not in ("lax", "strict", "none"):
            raise ValueError(
                f"samesite must be 'lax', 'strict' or 'none', not {samesite!r}."
            )
        parts.append(f"SameSite={samesite.lower()}")
    if partitioned:
        parts.append("Partitioned")
    return "; ".join(parts)


def _attribute(what: str, value: str) -> str:
    if ";" in value or CONTROL.search(value):
        raise ValueError(
            f"Invalid cookie {what} {value!r}: it contains ';' or a control character."
        )
    return value


class ResponseCookies:
    """The cookies a response sets: one ``Set-Cookie`` header line per cookie.

    Setting a name again replaces its line. Example::

        response.cookies.set(
            "session", token, httponly=True, max_age=3600, samesite="lax"
        )
        response.cookies.delete("flash")
    """

    __slots__ = ("_headers",)

    def __init__(self, headers: MutableHeaders) -> None:
        self._headers = headers

    def set(
        self,
        name: str,
        value: str,
        *,
        max_age: int | None = None,
        expires: datetime | None = None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: SameSite | None = None,
        partitioned: bool = False,
    ) -> None:
        """Set cookie ``name`` (see `serialize_cookie` for the attributes)."""
        line = serialize_cookie(
            name,
            value,
            max_age=max_age,
            expires=expires,
            path=path,
            domain=domain,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
            partitioned=partitioned,
        )
        self._replace(name, line)

    def delete(
        self, name: str, *, path: str | None = "/", domain: str | None = None
    ) -> None:
        """Expire cookie ``name`` in the client: ``name=; Path=/; Expires=<1970>``."""
        expired = datetime(1970, 1, 1, tzinfo=UTC)
        self._replace(
            name, serialize_cookie(name, "", path=path, domain=domain, expires=expired)
        )

    def get(self, name: str) -> str | None:
        """Return the ``Set-Cookie`` line this response sends for ``name``, if any."""
        prefix = f"{name}="
        for line in self._headers.get_all("set-cookie"):
            if line.startswith(prefix):
                return line
        return None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def _replace(self, name: str, line: str) -> None:
        prefix = f"{name}="
        kept = [
            v for v in self._headers.get_all("set-cookie") if not v.startswith(prefix)
        ]
        self._headers.delete("set-cookie")
        for value in [*kept, line]:
            self._headers.append("set-cookie", value)


class CookieStore:
    """The writable view of a request's cookies that ``cookies()`` returns.

    Reading sees the request's cookies and what the handler set since; ``set`` and
    ``delete`` are added as ``Set-Cookie`` lines to whatever response the handler
    returns (a cookie of the same name set by the response itself wins).

    Example::

        store = cookies()
        if "session" not in store:
            store.set("session", new_id(), httponly=True, samesite="lax")
    """

    __slots__ = ("_lines", "_values")

    def __init__(self, request_cookies: Mapping[str, str]) -> None:
        self._values = dict(request_cookies)
        self._lines: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        """Return the value of cookie ``name``, or None."""
        return self._values.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._values))

    def __len__(self) -> int:
        return len(self._values)

    def set(
        self,
        name: str,
        value: str,
        *,
        max_age: int | None = None,
        expires: datetime | None = None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: SameSite | None = None,
        partitioned: bool = False,
    ) -> None:
        """Set cookie ``name`` on the response (see `serialize_cookie`)."""
        self._lines[name] = serialize_cookie(
            name,
            value,
            max_age=max_age,
            expires=expires,
            path=path,
            domain=domain,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
            partitioned=partitioned,
        )
        self._values[name] = value

    def delete(
        self, name: str, *, path: str | None = "/", domain: str | None = None
    ) -> None:
        """Expire cookie ``name`` in the client (and forget it for this request)."""
        self._lines[name] = serialize_cookie(
            name, "", path=path, domain=domain, expires=datetime(1970, 1, 1, tzinfo=UTC)
        )
        self._values.pop(name, None)

    def set_cookie_lines(self) -> list[tuple[str, str]]:
        """``(name, Set-Cookie value)`` for each cookie set or deleted, in order."""
        return list(self._lines.items())

    def __repr__(self) -> str:
        return f"CookieStore({self._values!r})"
