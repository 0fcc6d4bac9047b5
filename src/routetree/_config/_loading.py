"""Project config: ``routetree.toml`` or ``[tool.routetree]`` in ``pyproject.toml``.

`load_config` reads the file once, at start-up, into a frozen `ProjectConfig`; every
path pattern and destination is compiled then, so a mistake stops the app before it
serves a request, with a message naming the file and the key::

    routetree.toml: cors.origins[0]: 'https://app.example.com/' ends with "/" ...

When both files exist, ``routetree.toml`` wins and ``[tool.routetree]`` is not read.
Without either, the defaults apply. Keys are Next.js's ``next.config.js`` options in
snake case (``base_path``, ``trailing_slash``, ``status_code``, ``before_files``);
unknown keys are errors, with a suggestion when a camelCase spelling was used.

========================  =====================================  ==================
key                       value                                  default
========================  =====================================  ==================
``base_path``             ``"/v1"``: every route lives under it  ``""``
``trailing_slash``        ``true``: ``/x`` redirects to ``/x/``  ``false``
``max_body_size``         bytes, or ``"512kb"``, ``"10mb"``      ``"10mb"``
``max_fields``            non-file fields in a form, 0 or more   ``1000``
``max_files``             files in a form, 0 or more             ``1000``
``max_part_size``         one non-file form field, as a size     ``"1mb"``
``trusted_proxies``       IP addresses or CIDR networks          ``[]``
``allowed_hosts``         host names, ``*.example.com``, ``*``   start: any; dev:
                                                                 local hosts
``cors``                  a `CorsConfig` table                   none (no CORS)
``headers``               ``[[headers]]``: `HeaderRule`          ``[]``
``redirects``             ``[[redirects]]``: `RedirectRule`      ``[]``
``rewrites``              ``[[rewrites]]`` or a `RewritesConfig`  ``[]``
``server``                a `ServerConfig` table: limits of      see `ServerConfig`
                          ``routetree start`` and ``dev``
``openapi``               an `OpenAPIConfig` table: the          see `OpenAPIConfig`
                          document and the docs page
========================  =====================================  ==================

Rule sources are matched, like Next.js's, against the path below ``base_path``.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
import tomllib
from typing import (
    TYPE_CHECKING,
    Annotated,
    ClassVar,
    Literal,
    cast,
    get_args,
    get_origin,
)
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .._errors import ConfigError
from .._forms import DEFAULT_FORM_LIMITS
from .._hosts import parse_host
from .._request import DEFAULT_MAX_BODY_SIZE
from .._routing._segment_config import parse_byte_size, parse_count
from .._server._limits import ServerLimits
from ._conditions import Condition, capture_conditions
from ._cors import CorsPolicy, wildcard_origin
from ._destination import Destination, HeaderTemplate
from ._openapi import OpenAPIConfig
from ._patterns import PathPattern

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

    from ._conditions import RequestView
    from ._patterns import Params

__all__ = [
    "DEFAULT_CORS_METHODS",
    "DEFAULT_MAX_BODY_SIZE",
    "ConditionConfig",
    "CorsConfig",
    "HeaderEntry",
    "HeaderRule",
    "ProjectConfig",
    "RedirectRule",
    "RewriteRule",
    "RewritesConfig",
    "ServerConfig",
    "load_config",
]

DEFAULT_CORS_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)

_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")  # RFC 9110 field-name / method
_BAD_VALUE_CHAR = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # controls, except tab
_ORIGIN_PORT = re.compile(r"[^:]*(:[0-9]{1,5})?")  # the netloc after an IPv6 "]"
_BASE_PATH = re.compile(r"^(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+\Z")
_PARAM_IN_KEY = re.compile(r":\w+[*+]?")
_FRAMING_HEADERS = frozenset(
    {
        "connection",
        "content-length",
        "keep-alive",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _pattern(source: str) -> PathPattern:
    try:
        return PathPattern(source)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None


def _param_names(source: str, has: Iterable[ConditionConfig]) -> tuple[str, ...]:
    captured = sorted({n for item in has for n in item.condition.param_names})
    return (*PathPattern(source).names, *captured)


class ConditionConfig(_Model):
    """One ``has``/``missing`` item: ``{ type = "header", key = "x-a", value = "re" }``.

    See `routetree._config._conditions.Condition` for what each type checks.
    """

    type: Literal["header", "cookie", "query", "host"]
    key: StrictStr | None = None
    value: StrictStr | None = None
    _condition: Condition = PrivateAttr()

    @model_validator(mode="after")
    def _compile(self) -> ConditionConfig:
        try:
            self._condition = Condition(self.type, self.key, self.value)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        return self

    @property
    def condition(self) -> Condition:
        """The compiled condition."""
        return self._condition


class _Rule(_Model):
    source: StrictStr
    has: tuple[ConditionConfig, ...] = ()
    missing: tuple[ConditionConfig, ...] = ()
    _pattern: PathPattern = PrivateAttr()
    _has: tuple[Condition, ...] = PrivateAttr()
    _missing: tuple[Condition, ...] = PrivateAttr()

    @field_validator("source")
    @classmethod
    def _check_source(cls, source: str) -> str:
        _pattern(source)
        return source

    def model_post_init(self, context: object, /) -> None:
        """Compile the source pattern (already known to be valid)."""
        self._pattern = PathPattern(self.source)
        self._has = tuple(c.condition for c in self.has)
        self._missing = tuple(c.condition for c in self.missing)

    @property
    def pattern(self) -> PathPattern:
        """The compiled source pattern."""
        return self._pattern

    @property
    def has_conditions(self) -> tuple[Condition, ...]:
        """The compiled ``has`` conditions."""
        return self._has

    @property
    def missing_conditions(self) -> tuple[Condition, ...]:
        """The compiled ``missing`` conditions."""
        return self._missing

    @property
    def param_names(self) -> tuple[str, ...]:
        """The params a match gives: the source's, then those ``has`` captures."""
        return _param_names(self.source, self.has)

    def match(self, path: str, request: RequestView) -> Params | None:
        """Match a raw path and the conditions; return the params, or None.

        A param captured by a ``has`` item replaces a source param of the same
        name, as in Next.js.
        """
        params = self._pattern.match(path)
        if params is None:
            return None
        captured = capture_conditions(self._has, self._missing, request)
        if captured is None:
            return None
        params.update(captured)
        return params


class _DestinationRule(_Rule):
    destination: StrictStr
    _destination: Destination = PrivateAttr()
    _appends_params: ClassVar[bool] = False  # rewrites put unused params in the query

    @field_validator("destination")
    @classmethod
    def _check_destination(cls, destination: str, info: ValidationInfo) -> str:
        source = info.data.get("source")
        if not isinstance(source, str):  # the source was invalid: reported already
            return destination
        try:
            Destination(destination, _param_names(source, info.data.get("has", ())))
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        return destination

    def model_post_init(self, context: object, /) -> None:
        """Compile the source pattern and the destination."""
        super().model_post_init(context)
        self._destination = Destination(self.destination, self.param_names)

    def fill_url(
        self, params: Mapping[str, str | list[str]], request_query: str
    ) -> str:
        """Return the filled destination with the request's query merged in.

        See `routetree._config._destination.Destination.fill_url`; a rewrite also
        appends the source params its destination's path does not use.
        """
        return self._destination.fill_url(
            params, request_query, append_params=self._appends_params
        )


class HeaderEntry(_Model):
    """One header a `HeaderRule` sets: ``{ key = "x-frame-options", value = "DENY" }``.

    The key and the value may use the params of the rule's source (``:slug``). A
    value with a control character (CR, LF, NUL...) is refused at load.
    """

    key: StrictStr
    value: StrictStr

    @field_validator("key")
    @classmethod
    def _check_key(cls, key: str) -> str:
        # ":name" params are checked against the source by HeaderRule.
        _header_name(_PARAM_IN_KEY.sub("", key) or key)
        if key.lower() in _FRAMING_HEADERS:
            raise ValueError(
                f"{key!r} describes how the bytes of each response are sent, so the "
                "server sets it; one value for many responses would break them"
            )
        return key

    @field_validator("value")
    @classmethod
    def _check_value(cls, value: str) -> str:
        if _BAD_VALUE_CHAR.search(value):
            raise ValueError(
                f"{value!r} contains a control character (CR, LF, NUL...), which "
                "could split the response or smuggle headers"
            )
        return value


class HeaderRule(_Rule):
    """Response headers for the paths a source matches, like Next.js's ``headers()``.

    Applied to every answer of a matching path (200, 404, 405, 500 alike). When
    several matching rules set one key, the later rule wins, except ``Set-Cookie``,
    whose lines add up. A ``:name`` param of the source may be used in a key or a
    value (see `routetree._config._destination.HeaderTemplate` for how it is encoded)::

        [[headers]]
        source = "/api/:path*"
        headers = [{ key = "x-frame-options", value = "DENY" }]

        [[headers]]
        source = "/blog/:slug"
        headers = [{ key = "x-slug", value = ":slug" }]
    """

    headers: tuple[HeaderEntry, ...]
    _templates: tuple[tuple[HeaderTemplate, HeaderTemplate], ...] = PrivateAttr()
    _static: tuple[tuple[bytes, bytes], ...] | None = PrivateAttr()

    @field_validator("headers")
    @classmethod
    def _some_headers(cls, headers: tuple[HeaderEntry, ...]) -> tuple[HeaderEntry, ...]:
        if not headers:
            raise ValueError('list at least one { key = "...", value = "..." }')
        return headers

    @model_validator(mode="after")
    def _keys_use_source_params(self) -> HeaderRule:
        names = self.param_names
        for index, entry in enumerate(self.headers):
            key = HeaderTemplate(entry.key, names, is_key=True)
            if not _TOKEN.match(key.fill(dict.fromkeys(key.names, "x"))):
                raise ValueError(
                    f"headers[{index}].key {entry.key!r} is not a header name: "
                    "only params of the source "
                    f"({', '.join(f':{n}' for n in names) or 'none'}) may follow "
                    'a ":"'
                )
        return self

    def model_post_init(self, context: object, /) -> None:
        """Compile the source pattern and the header templates."""
        super().model_post_init(context)
        names = self.param_names
        self._templates = tuple(
            (
                HeaderTemplate(e.key, names, is_key=True),
                HeaderTemplate(e.value, names, is_key=False),
            )
            for e in self.headers
        )
        if any(k.names or v.names for k, v in self._templates):
            self._static = None
        else:
            self._static = tuple(
                (e.key.lower().encode("latin-1"), e.value.encode("latin-1"))
                for e in self.headers
            )

    def header_pairs(
        self, params: Mapping[str, str | list[str]]
    ) -> tuple[tuple[bytes, bytes], ...]:
        """The headers to send, filled with the params of a source match."""
        if self._static is not None:
            return self._static
        pairs = (
            (key.fill(params).lower(), value.fill(params))
            for key, value in self._templates
        )
        # A key made only of an absent optional param is empty: nothing to send.
        return tuple((k.encode("latin-1"), v.encode("latin-1")) for k, v in pairs if k)


class RedirectRule(_DestinationRule):
    r"""A redirect, like Next.js's ``redirects()``; runs before middleware and routing.

    ``permanent = true`` answers 308, ``false`` 307; or give ``status_code`` (301,
    302, 303, 307 or 308) instead, never both. The query string is carried over::

        [[redirects]]
        source = "/api/old/:id"
        destination = "/api/users/:id"
        permanent = true

    Open redirects: a destination built from a param lets whoever writes the URL
    choose where the user is sent. A param in the host
    (``destination = "https://:host/..."``) would send users to any site, so it is
    refused at load. In a relative destination such as ``/:path*``, a browser reads
    a ``Location`` starting with ``//`` or ``/\`` as another host
    (``//evil.example``); params are percent-encoded (``/`` becomes ``%2F``) and a
    filled destination that would still start that way is collapsed to a single
    ``/``, so it stays on this site. Destinations with control characters (CR, LF)
    are refused at load. Still, prefer a fixed host and params that only select a
    path on it.
    """

    permanent: StrictBool | None = None
    status_code: StrictInt | None = None

    @field_validator("status_code")
    @classmethod
    def _check_status(cls, status: int | None) -> int | None:
        if status is not None and status not in REDIRECT_STATUSES:
            raise ValueError(
                f"{status} is not a redirect status: use one of "
                + ", ".join(map(str, REDIRECT_STATUSES))
            )
        return status

    @model_validator(mode="after")
    def _permanent_or_status(self) -> RedirectRule:
        if (self.permanent is None) == (self.status_code is None):
            raise ValueError(
                "set exactly one of permanent (true -> 308, false -> 307) or "
                "status_code"
            )
        return self

    @property
    def status(self) -> int:
        """The status code to answer with."""
        if self.status_code is not None:
            return self.status_code
        return 308 if self.permanent else 307


class RewriteRule(_DestinationRule):
    """A rewrite, like Next.js's ``rewrites()``: serve another path of this app.

    The client keeps its URL and gets the destination's answer; params fill the
    destination, and a dynamic route there gets its params as usual::

        [[rewrites]]
        source = "/api/alias/:id"
        destination = "/api/users/:id"

    The handler sees the request's query merged with the destination's (the
    destination's wins), and, when the destination's path uses none of the source
    params, the params too: ``/old/:slug`` -> ``/new`` serves ``/new?slug=...``.

    Differs from Next.js: the destination must be a path of this app; an absolute URL
    (which Next.js proxies) is refused.
    """

    _appends_params: ClassVar[bool] = True

    @field_validator("destination")
    @classmethod
    def _check_relative(cls, destination: str) -> str:
        if not destination.startswith("/"):
            raise ValueError(
                f"{destination!r} is not a path of this app: a rewrite serves "
                'another path, such as "/api/users/:id"; proxying to another '
                "server is not supported (use a redirect to send clients there)"
            )
        return destination


class RewritesConfig(_Model):
    """Rewrites in Next.js's three phases.

    A plain ``[[rewrites]]`` list means ``after_files``. Otherwise::

        [rewrites]
        before_files = [{ source = "/a", destination = "/b" }]  # before routes
        after_files = [...]  # when no static route matched
        fallback = [...]  # when no route matched at all
    """

    before_files: tuple[RewriteRule, ...] = ()
    after_files: tuple[RewriteRule, ...] = ()
    fallback: tuple[RewriteRule, ...] = ()


def _origin(origin: str) -> str:
    if origin == "*":
        return origin
    if "*" in origin:
        wildcard_origin(origin)  # raises ValueError naming the problem
        return origin.lower()
    if origin == "null":
        raise ValueError(
            '"null" is not allowed: sandboxed iframes and local files all send '
            "Origin: null, so trusting it trusts any of them"
        )
    parts = urlsplit(origin)
    if origin.endswith("/") and parts.path == "/":
        raise ValueError(
            f'{origin!r} ends with "/": browsers send origins without one, so it '
            f"would never match. Write {origin.rstrip('/')!r}."
        )
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
        or not _ORIGIN_PORT.fullmatch(parts.netloc.rpartition("]")[2])
    ):
        raise ValueError(
            f"{origin!r} is not an origin: write scheme://host[:port] exactly, "
            'such as "https://app.example.com", "https://*.example.com" for its '
            'subdomains, or "*" for any origin'
        )
    if parts.port == {"http": 80, "https": 443}[parts.scheme]:
        raise ValueError(
            f"{origin!r} names the default port, which browsers leave out of the "
            "Origin header, so it would never match. "
            f"Write {origin.rpartition(':')[0]!r}."
        )
    return origin.lower()


def _method(method: str) -> str:
    if not _TOKEN.match(method):
        raise ValueError(f"{method!r} is not an HTTP method")
    return method.upper()


def _header_name(name: str) -> str:
    if not _TOKEN.match(name):
        raise ValueError(
            f"{name!r} is not a header name (letters, digits and !#$%&'*+-.^_`|~)"
        )
    return name.lower()


_Origin = Annotated[StrictStr, AfterValidator(_origin)]
_Method = Annotated[StrictStr, AfterValidator(_method)]
_HeaderName = Annotated[StrictStr, AfterValidator(_header_name)]


class CorsConfig(_Model):
    """CORS for every route, answered for preflights and added to responses.

    ``origins`` are exact origins (``"https://app.example.com"``: scheme, host and
    port if not the default, no path or trailing ``/``), subdomain patterns
    (``"https://*.example.com"`` allows ``a.example.com`` and ``a.b.example.com``, not
    ``example.com``), or ``["*"]`` for any origin. Next.js has no CORS option; this
    mirrors what users write in middleware. See `routetree._config._cors.CorsPolicy`
    for how requests are answered.

    Attributes:
        origins: Allowed origins, or ``"*"``.
        methods: Methods a preflight may ask for (upper-cased).
        headers: Request headers a preflight may ask for (lower-cased).
        expose_headers: Response headers scripts may read.
        credentials: Send ``Access-Control-Allow-Credentials: true``.
        max_age: Seconds a browser may cache a preflight answer.
    """

    origins: tuple[_Origin, ...]
    methods: tuple[_Method, ...] = DEFAULT_CORS_METHODS
    headers: tuple[_HeaderName, ...] = ()
    expose_headers: tuple[_HeaderName, ...] = ()
    credentials: StrictBool = False
    max_age: StrictInt | None = Field(default=None, ge=0)
    _policy: CorsPolicy = PrivateAttr()

    @field_validator("origins")
    @classmethod
    def _some_origins(cls, origins: tuple[str, ...]) -> tuple[str, ...]:
        if not origins:
            raise ValueError('list at least one origin, or "*" for any')
        return origins

    @model_validator(mode="after")
    def _no_wildcard_with_credentials(self) -> CorsConfig:
        if self.credentials and "*" in self.origins:
            raise ValueError(
                'origins = ["*"] cannot be combined with credentials = true: browsers '
                "refuse a wildcard origin on credentialed requests, and echoing every "
                "origin instead would let any website read your users' authenticated "
                "responses. List the trusted origins."
            )
        try:
            self._policy = CorsPolicy(**dict(self))  # the fields are its arguments
        except ValueError as exc:
            raise ValueError(str(exc).removeprefix("Invalid CORS config: ")) from None
        return self

    @property
    def policy(self) -> CorsPolicy:
        """The policy that answers requests, built once at load."""
        return self._policy


def _proxy(entry: str) -> str:
    try:
        ipaddress.ip_network(entry)
    except ValueError:
        pass
    else:
        return entry
    try:
        network = ipaddress.ip_network(entry, strict=False)
    except ValueError:
        raise ValueError(
            f"{entry!r} is not an IP address or CIDR network (such as "
            '"127.0.0.1", "::1" or "10.0.0.0/8"); to trust every address, list '
            '"0.0.0.0/0" and "::/0"'
        ) from None
    raise ValueError(
        f"{entry!r} has host bits set after the prefix length: did you mean "
        f"{str(network)!r}?"
    )


_Proxy = Annotated[StrictStr, AfterValidator(_proxy)]

_SERVER = ServerLimits()  # the defaults, kept in one place
_Seconds = Annotated[StrictFloat, Field(gt=0)]
_SecondsOrZero = Annotated[StrictFloat, Field(ge=0)]


class ServerConfig(_Model):
    """``[server]``: what the server lets a client do, under ``start`` and ``dev``.

    They apply when routetree runs the server (``routetree start``, its workers and
    ``routetree dev``); under another ASGI server (``uvicorn asgi:app``) that
    server's own settings apply instead. See `routetree._server._limits` for what a
    client sees at each limit::

        [server]
        header_timeout = 10
        max_header_size = "16kb"
        limit_concurrency = 200

    Attributes:
        header_timeout: Seconds for a request line and headers to arrive, from the
            connection's opening or the request's first byte (408 past it).
        body_timeout: Seconds a body may go without a byte arriving (408, or close).
        keep_alive_timeout: Seconds an idle connection stays open (0: close after
            each response).
        max_header_size: Bytes of the request line and headers (431 past it).
        max_headers: Header lines of a request (431 past it).
        max_pipelined: Requests sent in a row without waiting for an answer; the
            connection is closed after answering them.
        limit_concurrency: Requests served at once per process (503 past it), or
            none for no limit.
        shutdown_timeout: Seconds in-flight requests get to finish on SIGTERM.
    """

    header_timeout: _Seconds = _SERVER.header_timeout
    body_timeout: _Seconds = _SERVER.body_timeout
    keep_alive_timeout: _SecondsOrZero = _SERVER.keep_alive_timeout
    max_header_size: int = _SERVER.max_header_size
    max_headers: StrictInt = Field(default=_SERVER.max_headers, ge=1)
    max_pipelined: StrictInt = Field(default=_SERVER.max_pipelined, ge=0)
    limit_concurrency: StrictInt | None = Field(default=_SERVER.limit_concurrency, ge=1)
    shutdown_timeout: _SecondsOrZero = _SERVER.shutdown_timeout

    @field_validator("max_header_size", mode="before")
    @classmethod
    def _parse_size(cls, value: object) -> int:
        try:
            size = parse_byte_size(value, what="max_header_size")
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        if size < 1:
            raise ValueError("max_header_size = 0 would refuse every request")
        return size

    @property
    def limits(self) -> ServerLimits:
        """The settings as the server takes them."""
        return ServerLimits(**dict(self))  # the fields are its arguments


class ProjectConfig(_Model):
    """The validated project config; see the module docstring for the keys.

    Attributes:
        base_path: The path prefix every route lives under (``""`` for none).
        trailing_slash: Redirect ``/x`` to ``/x/`` instead of the reverse.
        max_body_size: The largest request body in bytes (``"10mb"`` in the file).
        max_fields: The most non-file fields in a form.
        max_files: The most files in a form.
        max_part_size: The largest non-file form field in bytes (``"1mb"``).
        trusted_proxies: Proxies whose ``X-Forwarded-*`` headers are believed.
        allowed_hosts: The ``Host`` values served (None: the mode's default, any in
            ``start``, local ones in ``dev``).
        cors: CORS settings, or None for no CORS headers.
        headers: Header rules, in order.
        redirects: Redirect rules, in order.
        rewrites: Rewrite rules by phase (a plain list is ``after_files``).
        server: The server limits (``[server]``).
        openapi: The OpenAPI document and docs page (``[openapi]``).
    """

    base_path: StrictStr = ""
    trailing_slash: StrictBool = False
    max_body_size: int = DEFAULT_MAX_BODY_SIZE
    max_fields: int = DEFAULT_FORM_LIMITS.max_fields
    max_files: int = DEFAULT_FORM_LIMITS.max_files
    max_part_size: int = DEFAULT_FORM_LIMITS.max_part_size
    trusted_proxies: tuple[_Proxy, ...] = ()
    allowed_hosts: tuple[StrictStr, ...] | None = None
    cors: CorsConfig | None = None
    headers: tuple[HeaderRule, ...] = ()
    redirects: tuple[RedirectRule, ...] = ()
    rewrites: RewritesConfig = RewritesConfig()
    server: ServerConfig = ServerConfig()
    openapi: OpenAPIConfig = OpenAPIConfig()

    @field_validator("base_path")
    @classmethod
    def _check_base_path(cls, base_path: str) -> str:
        if base_path and not _BASE_PATH.match(base_path):
            raise ValueError(
                f'{base_path!r} is not a base path: it must start with "/", not end '
                'with "/", and hold only path characters, such as "/v1" or "/docs" '
                '(or "" for none)'
            )
        return base_path

    @field_validator("allowed_hosts")
    @classmethod
    def _check_allowed_hosts(
        cls, hosts: tuple[str, ...] | None
    ) -> tuple[str, ...] | None:
        for host in hosts or ():
            name = host.removeprefix("*.")
            parsed = parse_host(name)
            if host != "*" and (parsed is None or parsed[1] is not None):
                raise ValueError(
                    f"{host!r} is not a host name: write a name such as "
                    '"example.com" (no scheme, port or path), "*.example.com" for '
                    'its subdomains, or "*" for any host'
                )
        return hosts

    @field_validator("max_body_size", "max_part_size", mode="before")
    @classmethod
    def _parse_size(cls, value: object, info: ValidationInfo) -> int:
        name = str(info.field_name)
        example = "10mb" if name == "max_body_size" else "1mb"
        try:
            return parse_byte_size(value, what=name, example=f'{name} = "{example}"')
        except ConfigError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("max_fields", "max_files", mode="before")
    @classmethod
    def _parse_count(cls, value: object, info: ValidationInfo) -> int:
        try:
            return parse_count(value, what=str(info.field_name))
        except ConfigError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("rewrites", mode="before")
    @classmethod
    def _plain_list_is_after_files(cls, value: object) -> object:
        return {"after_files": value} if isinstance(value, list | tuple) else value

    @property
    def trusted_networks(
        self,
    ) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """The trusted proxies as networks (an address is a /32 or /128)."""
        return tuple(ipaddress.ip_network(e) for e in self.trusted_proxies)


def load_config(project_dir: Path) -> ProjectConfig:
    """Read and validate the project config of ``project_dir``.

    ``routetree.toml`` is read when it exists (and then ``pyproject.toml`` is not);
    otherwise ``[tool.routetree]`` in ``pyproject.toml``; otherwise the defaults
    apply.

    Raises:
        ConfigError: The file is not valid TOML (the message gives the line and
            column) or a key is unknown or has a wrong value (the message names the
            file and the key path, such as ``routetree.toml: cors.origins[0]``).
    """
    toml_file = project_dir / "routetree.toml"
    pyproject = project_dir / "pyproject.toml"
    if toml_file.is_file():
        data: object = _read_toml(toml_file)
        label, prefix = "routetree.toml", ""
    elif pyproject.is_file():
        tool = _read_toml(pyproject).get("tool")
        data = tool.get("routetree") if isinstance(tool, dict) else None
        label, prefix = "pyproject.toml", "tool.routetree."
        if data is None:
            return ProjectConfig()
        if not isinstance(data, dict):
            raise ConfigError(
                "pyproject.toml: tool.routetree must be a table ([tool.routetree]), "
                f"not {data!r}."
            )
    else:
        return ProjectConfig()
    try:
        return ProjectConfig.model_validate(data)
    except ValidationError as exc:
        lines = [f"{label}: {prefix}{_describe(error, data)}" for error in exc.errors()]
        raise ConfigError(
            "\n".join(lines) + f"\nFix {label} and start again."
        ) from None


def _read_toml(path: Path) -> dict[str, object]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path.name}: cannot be read ({exc}).") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: invalid TOML: {exc}.") from None


def _describe(error: Mapping[str, object], data: object) -> str:
    loc = original = cast("tuple[str | int, ...]", error["loc"])
    if (
        isinstance(data, dict)
        and isinstance(data.get("rewrites"), list)
        and loc[:2] == ("rewrites", "after_files")
    ):
        loc = ("rewrites", *loc[2:])  # the file had a plain [[rewrites]] list
    path = _key_path(loc)
    kind = error["type"]
    message = str(error["msg"])
    if kind == "extra_forbidden":
        key = str(loc[-1])
        return f"{path}: unknown key {key!r}{_suggestion(key, original[:-1])}"
    if kind == "missing":
        return f"{path}: missing (required)"
    if kind == "value_error":
        return f"{path}: {message.removeprefix('Value error, ')}"
    return f"{path}: {message} (got {error.get('input')!r})"


def _key_path(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else part
    return out or "(top level)"


def _suggestion(key: str, parent: tuple[str | int, ...]) -> str:
    allowed = _allowed_keys(parent)
    if not allowed:
        return ""
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()
    if snake in allowed:
        return f": did you mean {snake!r}? (keys are snake_case)"
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f": did you mean {close[0]!r}?" if close else ""
    return f"{hint} (allowed: {', '.join(sorted(allowed))})"


def _allowed_keys(parent: tuple[str | int, ...]) -> list[str]:
    model: type[BaseModel] | None = ProjectConfig
    for part in parent:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        model = _model_in(field.annotation) if field is not None else None
    return list(model.model_fields) if model is not None else []


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is Annotated:
        return _model_in(get_args(annotation)[0])
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
