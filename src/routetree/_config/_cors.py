"""CORS from config: the ``Access-Control-*`` headers for preflights and responses.

Sans-IO: `CorsPolicy` is built once from the ``[cors]`` table of the config and turns
an ``Origin`` (plus, for a preflight, ``Access-Control-Request-Method`` and
``-Headers``) into header pairs ready to send. The app answers a preflight itself, as
the automatic ``OPTIONS`` answer (204 + ``Allow``) with these headers added, and
appends `CorsPolicy.response_headers` to every other response::

    policy = CorsPolicy(
        origins=["https://app.example.com", "https://*.preview.example.com"],
        methods=["GET", "POST"],
        headers=["content-type", "authorization"],
        credentials=True,
        max_age=600,
    )
    if is_preflight(method, request.headers):
        extra = policy.preflight_headers(origin, request_method, request_headers)
    else:
        extra = policy.response_headers(origin)

Differs from Next.js: Next.js has no CORS setting and its automatic ``OPTIONS`` adds
no ``Access-Control-*`` headers, so users write them by hand in every route, in proxy
or in ``next.config`` headers (the most asked-for gap, vercel/next.js#57999).

Decisions, each in the browser user's favour:

- A preflight from an origin that is not allowed is answered like any ``OPTIONS``
  (204, ``Allow``) with no CORS headers, not with Starlette's 400
  ``Disallowed CORS origin``. The browser blocks the request either way; with a 204
  its console says ``No 'Access-Control-Allow-Origin' header is present``, which
  points at the origin list, where a 400 reads ``It does not have HTTP ok status``
  and sends people looking for a server bug. A method or header that is not allowed
  is likewise left for the browser to refuse, naming it.
- The Fetch standard ("CORS protocol and HTTP caches") asks for ``Vary: Origin`` on
  every response whose CORS headers depend on the ``Origin``, including responses
  to requests without one; otherwise a cache (a CDN, or the browser's own) stores the
  header-less answer to a navigation and serves it to a later cross-origin fetch.
  So a policy that echoes origins sends ``Vary: Origin`` on every response, and the
  ``*`` policy sends ``Access-Control-Allow-Origin: *`` on every response.
- With ``headers = ["*"]`` the requested headers are echoed rather than sending a
  literal ``*``: a ``*`` never covers ``Authorization`` and means nothing with
  credentials, while the echo works in both cases.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from .._headers import TOKEN, TOKEN_CHARS
from .._url import DEFAULT_PORTS
from ._cors_checks import (
    ORIGIN,
    check_credentials,
    check_header_name,
    check_method,
    check_origin,
    wildcard_origin,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .._headers import Headers

__all__ = ["CorsPolicy", "is_preflight"]

HeaderList = list[tuple[bytes, bytes]]

_ALLOW_ORIGIN: Final = b"access-control-allow-origin"
_ALLOW_METHODS: Final = b"access-control-allow-methods"
_ALLOW_HEADERS: Final = b"access-control-allow-headers"
_ALLOW_CREDENTIALS: Final = (b"access-control-allow-credentials", b"true")
_EXPOSE_HEADERS: Final = b"access-control-expose-headers"
_MAX_AGE: Final = b"access-control-max-age"
_VARY_ORIGIN: Final = (b"vary", b"Origin")
_ANY_ORIGIN: Final = (_ALLOW_ORIGIN, b"*")

_TOKEN_LIST = re.compile(rf"{TOKEN_CHARS}+(?:[ \t]*,[ \t]*{TOKEN_CHARS}+)*")


def is_preflight(method: str, request_headers: Headers) -> bool:
    """Tell whether a request is a CORS preflight.

    A preflight is an ``OPTIONS`` request carrying both ``Origin`` and
    ``Access-Control-Request-Method``; a plain ``OPTIONS`` (``curl -X OPTIONS``) is
    not one and gets the ordinary automatic answer.

    Args:
        method: The request method, upper case as ASGI gives it.
        request_headers: The request's headers.

    Returns:
        True for a preflight.
    """
    return (
        method == "OPTIONS"
        and "origin" in request_headers
        and "access-control-request-method" in request_headers
    )


class CorsPolicy:
    """Which cross-origin requests are allowed, and the headers that say so.

    Built once at start-up from the ``[cors]`` config table; the two methods run per
    request and only pick among pre-encoded header pairs.

    Example::

        policy = CorsPolicy(["https://app.example.com"], ["GET", "POST"],
                            ["content-type"], credentials=True, max_age=600)
        policy.response_headers("https://app.example.com")
        # [(b"access-control-allow-origin", b"https://app.example.com"),
        #  (b"vary", b"Origin"), (b"access-control-allow-credentials", b"true")]

    Origins are compared exactly as ``scheme://host[:port]``, scheme and host
    case-insensitively; in a request's ``Origin``, a default port (``:443`` for
    https, ``:80`` for http) is the same as none. ``"*"`` allows every origin.
    ``"https://*.example.com"`` allows every subdomain of ``example.com``, at any
    depth, over https on the default port, but not ``example.com`` itself (list it
    too if it should be allowed). The entries follow the rules of
    `routetree._config._cors_checks`, as in the config file.

    Differs from Next.js: Next.js has no CORS config (see the module docstring).

    Args:
        origins: Allowed origins, ``["*"]`` for all.
        methods: Methods sent in ``Access-Control-Allow-Methods`` (``["*"]`` echoes
            the requested method).
        headers: Request headers sent in ``Access-Control-Allow-Headers``
            (``["*"]`` echoes the requested ones).
        expose_headers: Response headers the page's script may read
            (``Access-Control-Expose-Headers``).
        credentials: Send ``Access-Control-Allow-Credentials: true`` so cookies and
            ``Authorization`` may be sent.
        max_age: Seconds a browser may cache a preflight answer
            (``Access-Control-Max-Age``); None sends none (browsers default to 5 s).

    Raises:
        ValueError: An entry breaks a rule of `routetree._config._cors_checks` (an
            origin that is not ``scheme://host[:port]``, a method or header name
            that is not a token), ``"*"`` is combined with credentials, or
            ``max_age`` is negative.
    """

    __slots__ = (
        "_allow_all",
        "_echo_headers",
        "_echo_methods",
        "_exact",
        "_preflight_tail",
        "_preflight_vary",
        "_response_tail",
        "_wildcards",
        "credentials",
        "expose_headers",
        "headers",
        "max_age",
        "methods",
        "origins",
    )

    def __init__(
        self,
        origins: Sequence[str],
        methods: Sequence[str],
        headers: Sequence[str],
        expose_headers: Sequence[str] = (),
        credentials: bool = False,
        max_age: int | None = None,
    ) -> None:
        self.origins = tuple(origins)
        self.credentials = credentials
        self.max_age = max_age
        exact: set[str] = set()
        wildcards: list[tuple[str, str, str]] = []
        try:
            self.methods = tuple(map(check_method, methods))
            self.headers = tuple(map(check_header_name, headers))
            self.expose_headers = tuple(map(check_header_name, expose_headers))
            check_credentials(self.origins, self.expose_headers, credentials)
            for origin in map(check_origin, self.origins):
                if origin == "*":
                    continue
                if "*" in origin:
                    wildcards.append(wildcard_origin(origin))
                else:
                    exact.add(origin)  # checked: already as browsers send it
        except ValueError as exc:
            raise ValueError(f"Invalid CORS config: {exc}") from None
        if max_age is not None and (
            isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 0
        ):
            raise ValueError(
                f"Invalid CORS max_age {max_age!r}: use a number of seconds (0 or "
                "more), or leave it out."
            )

        self._allow_all = "*" in self.origins
        self._exact = frozenset(exact)
        self._wildcards = tuple(wildcards)

        self._echo_methods = "*" in self.methods
        self._echo_headers = "*" in self.headers
        # A preflight answer depends on each request header it echoes; say so to
        # caches in one Vary line.
        vary = [
            name
            for name, echoed in (
                ("Origin", not self._allow_all),
                ("Access-Control-Request-Method", self._echo_methods),
                ("Access-Control-Request-Headers", self._echo_headers),
            )
            if echoed
        ]
        self._preflight_vary: HeaderList = (
            [(b"vary", ", ".join(vary).encode("latin-1"))] if vary else []
        )
        credentials_pair = [_ALLOW_CREDENTIALS] if credentials else []
        expose = (
            [(_EXPOSE_HEADERS, ", ".join(self.expose_headers).encode("latin-1"))]
            if self.expose_headers
            else []
        )
        # Everything after Access-Control-Allow-Origin that does not depend on the
        # request, encoded once.
        self._response_tail: HeaderList = credentials_pair + expose
        preflight: HeaderList = []
        if self.methods and not self._echo_methods:
            preflight.append(
                (_ALLOW_METHODS, ", ".join(self.methods).encode("latin-1"))
            )
        if self.headers and not self._echo_headers:
            preflight.append(
                (_ALLOW_HEADERS, ", ".join(self.headers).encode("latin-1"))
            )
        preflight += credentials_pair
        if max_age is not None:
            preflight.append((_MAX_AGE, b"%d" % max_age))
        self._preflight_tail = preflight

    def __repr__(self) -> str:
        return (
            f"CorsPolicy(origins={list(self.origins)!r}, methods="
            f"{list(self.methods)!r}, headers={list(self.headers)!r}, "
            f"expose_headers={list(self.expose_headers)!r}, "
            f"credentials={self.credentials!r}, max_age={self.max_age!r})"
        )

    def _settings(self) -> tuple[object, ...]:
        return (
            self.origins,
            self.methods,
            self.headers,
            self.expose_headers,
            self.credentials,
            self.max_age,
        )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CorsPolicy):
            return self._settings() == other._settings()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._settings())

    def is_allowed_origin(self, origin: str) -> bool:
        """Tell whether ``origin`` (an ``Origin`` header value) may make requests.

        ``"null"`` (sandboxed documents, ``file:``) is allowed only by ``"*"``.
        """
        if self._allow_all:
            return True
        if origin in self._exact:  # the common case: a browser's exact serialization
            return True
        match = ORIGIN.fullmatch(origin.lower()) if origin.isascii() else None
        if match is None:
            return False
        scheme, host, port = match["scheme"], match["host"], match["port"]
        if port is not None and port == str(DEFAULT_PORTS.get(scheme)):
            port = None
        if _serialize(scheme, host, port) in self._exact:
            return True
        return any(
            scheme == w_scheme
            and (port or "") == w_port
            and host.endswith(w_suffix)
            and len(host) > len(w_suffix)
            for w_scheme, w_suffix, w_port in self._wildcards
        )

    def preflight_headers(
        self,
        origin: str | None,
        request_method: str | None,
        request_headers: str | None,
    ) -> list[tuple[bytes, bytes]] | None:
        """Return the CORS headers answering a preflight, or None to refuse it.

        None means the origin is not allowed: answer the preflight as any automatic
        ``OPTIONS`` (204 with ``Allow``) and add nothing, so the browser blocks the
        request and says the ``Access-Control-Allow-Origin`` header is missing.

        Args:
            origin: The ``Origin`` header.
            request_method: ``Access-Control-Request-Method``.
            request_headers: ``Access-Control-Request-Headers``.

        Returns:
            ``Access-Control-Allow-Origin`` (``*`` for the ``*`` policy, else the
            origin echoed), ``-Allow-Methods`` and ``-Allow-Headers`` (configured,
            or echoed for ``["*"]``), ``-Allow-Credentials`` and ``-Max-Age`` as
            configured, and one ``Vary`` line naming every request header echoed
            (``Origin``, ``Access-Control-Request-Method``, ``-Headers``); or None.
        """
        if origin is None or not self.is_allowed_origin(origin):
            return None
        result: HeaderList = [
            _ANY_ORIGIN
            if self._allow_all
            else (_ALLOW_ORIGIN, origin.encode("latin-1"))
        ]
        if self._echo_methods and request_method and TOKEN.fullmatch(request_method):
            result.append((_ALLOW_METHODS, request_method.encode("latin-1")))
        if self._echo_headers:
            requested = (request_headers or "").strip()
            if requested and _TOKEN_LIST.fullmatch(requested):
                result.append((_ALLOW_HEADERS, requested.lower().encode("latin-1")))
        result += self._preflight_vary
        result += self._preflight_tail
        return result

    def response_headers(self, origin: str | None) -> list[tuple[bytes, bytes]]:
        """Return the CORS headers for an actual (non-preflight) response.

        For an allowed ``origin``: ``Access-Control-Allow-Origin``,
        ``-Allow-Credentials`` and ``-Expose-Headers`` as configured, plus
        ``Vary: Origin`` when the origin is echoed. With no ``Origin``, or one not
        allowed, only what keeps caches honest (see the module docstring): the
        ``*`` policy still sends its static headers, an echoing policy sends
        ``Vary: Origin`` alone.

        Args:
            origin: The request's ``Origin`` header, or None.

        Returns:
            Header pairs to append to the response.
        """
        if self._allow_all:
            return [_ANY_ORIGIN, *self._response_tail]
        if origin is None or not self.is_allowed_origin(origin):
            return [_VARY_ORIGIN]
        return [
            (_ALLOW_ORIGIN, origin.encode("latin-1")),
            _VARY_ORIGIN,
            *self._response_tail,
        ]


def _serialize(scheme: str, host: str, port: str | None) -> str:
    return f"{scheme}://{host}" if port is None else f"{scheme}://{host}:{port}"
