"""`ProjectConfig`: every key of the config file, validated, with its default.

A key is Next.js's ``next.config.js`` option in snake case (``base_path``,
``trailing_slash``, ``status_code``, ``before_files``). The models are frozen and
refuse unknown keys; `routetree._config._loading` reads the file into them and
reports what they refuse.

========================  =====================================  ==================
key                       value                                  default
========================  =====================================  ==================
``base_path``             ``"/v1"``: every route lives under it  ``""``
``trailing_slash``        ``true``: ``/x`` redirects to ``/x/``  ``false``
``max_body_size``         bytes, or ``"512kb"``, ``"10mb"``      ``"10mb"``
``max_fields``            non-file fields in a form, 0 or more   ``1000``
``max_files``             files in a form, 0 or more             ``1000``
``max_part_size``         one non-file form field, as a size     ``"1mb"``
``max_message_size``      the largest incoming WebSocket         ``"1mb"``
                          message, as a size (close 1009)
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
``cache_url``             ``"redis://host:6379/0"``: the store   none (each process
                          every worker and machine shares        keeps its own)
``cache_max_entries``     answers the memory store keeps         ``1000``
``cache_max_size``        bytes the memory store keeps, as a     ``"64mb"``
                          size
``pubsub_url``            ``"redis://host:6379/0"``: where       none (each process
                          ``publish`` reaches every worker       delivers to its own
                                                                 subscribers)
``health``                a `HealthConfig` table: liveness and   none (no endpoints)
                          readiness paths of ``routetree start``
========================  =====================================  ==================

Rule sources are matched, like Next.js's, against the path below ``base_path``.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    Field,
    PrivateAttr,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .._cache._memory import DEFAULT_MAX_ENTRIES, DEFAULT_MAX_SIZE
from .._errors import ConfigError
from .._forms import DEFAULT_FORM_LIMITS
from .._hosts import parse_host
from .._request import DEFAULT_MAX_BODY_SIZE
from .._routing._segment_config import parse_byte_size, parse_count
from .._server._limits import ServerLimits
from .._websocket import DEFAULT_MAX_MESSAGE_SIZE
from ._cors import CorsPolicy
from ._cors_checks import check_header_name, check_method, check_origin
from ._health import HealthConfig  # noqa: TC001 - pydantic reads annotations
from ._openapi import OpenAPIConfig
from ._rules import ConfigModel, HeaderRule, RedirectRule, RewritesConfig

__all__ = ["DEFAULT_CORS_METHODS", "CorsConfig", "ProjectConfig", "ServerConfig"]

DEFAULT_CORS_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

_BASE_PATH = re.compile(r"^(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+\Z")

_Origin = Annotated[StrictStr, AfterValidator(check_origin)]
_Method = Annotated[StrictStr, AfterValidator(check_method)]
_HeaderName = Annotated[StrictStr, AfterValidator(check_header_name)]


class CorsConfig(ConfigModel):
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
    def _build_policy(self) -> CorsConfig:
        # The fields are checked already; the policy checks how they combine.
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


class ServerConfig(ConfigModel):
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
        shutdown_delay: Seconds between SIGTERM and the end of accepting, while the
            readiness endpoint of ``health`` answers 503 (for a load balancer or
            Kubernetes to stop sending traffic first).
        shutdown_timeout: Seconds in-flight requests get to finish on SIGTERM, once
            the server stopped accepting.
        ws_ping_interval: Seconds between the pings the server sends an idle
            WebSocket (0: none).
        ws_ping_timeout: Seconds a ping may go without its pong before the socket is
            closed (0: wait forever).
    """

    header_timeout: _Seconds = _SERVER.header_timeout
    body_timeout: _Seconds = _SERVER.body_timeout
    keep_alive_timeout: _SecondsOrZero = _SERVER.keep_alive_timeout
    max_header_size: int = _SERVER.max_header_size
    max_headers: StrictInt = Field(default=_SERVER.max_headers, ge=1)
    max_pipelined: StrictInt = Field(default=_SERVER.max_pipelined, ge=0)
    limit_concurrency: StrictInt | None = Field(default=_SERVER.limit_concurrency, ge=1)
    shutdown_delay: _SecondsOrZero = _SERVER.shutdown_delay
    shutdown_timeout: _SecondsOrZero = _SERVER.shutdown_timeout
    ws_ping_interval: _SecondsOrZero = _SERVER.ws_ping_interval
    ws_ping_timeout: _SecondsOrZero = _SERVER.ws_ping_timeout

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


class ProjectConfig(ConfigModel):
    """The validated project config; see the module docstring for the keys.

    Attributes:
        base_path: The path prefix every route lives under (``""`` for none).
        trailing_slash: Redirect ``/x`` to ``/x/`` instead of the reverse.
        max_body_size: The largest request body in bytes (``"10mb"`` in the file).
        max_fields: The most non-file fields in a form.
        max_files: The most files in a form.
        max_part_size: The largest non-file form field in bytes (``"1mb"``).
        max_message_size: The largest incoming WebSocket message in bytes
            (``"1mb"``); a route's segment config may set its own.
        trusted_proxies: Proxies whose ``X-Forwarded-*`` headers are believed.
        allowed_hosts: The ``Host`` values served (None: the mode's default, any in
            ``start``, local ones in ``dev``).
        cors: CORS settings, or None for no CORS headers.
        headers: Header rules, in order.
        redirects: Redirect rules, in order.
        rewrites: Rewrite rules by phase (a plain list is ``after_files``).
        server: The server limits (``[server]``).
        openapi: The OpenAPI document and docs page (``[openapi]``).
        cache_url: The Redis URL of the shared cache store, or None for the
            in-process memory store.
        cache_max_entries: The most answers the memory store keeps (LRU).
        cache_max_size: The most bytes the memory store keeps (LRU).
        pubsub_url: The Redis URL through which `publish` reaches the subscribers
            of every worker and machine, or None for this process's only.
        health: The liveness and readiness endpoints, or None for none.
    """

    base_path: StrictStr = ""
    trailing_slash: StrictBool = False
    max_body_size: int = DEFAULT_MAX_BODY_SIZE
    max_fields: int = DEFAULT_FORM_LIMITS.max_fields
    max_files: int = DEFAULT_FORM_LIMITS.max_files
    max_part_size: int = DEFAULT_FORM_LIMITS.max_part_size
    max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE
    trusted_proxies: tuple[_Proxy, ...] = ()
    allowed_hosts: tuple[StrictStr, ...] | None = None
    cors: CorsConfig | None = None
    headers: tuple[HeaderRule, ...] = ()
    redirects: tuple[RedirectRule, ...] = ()
    rewrites: RewritesConfig = RewritesConfig()
    server: ServerConfig = ServerConfig()
    openapi: OpenAPIConfig = OpenAPIConfig()
    cache_url: StrictStr | None = None
    cache_max_entries: StrictInt = Field(default=DEFAULT_MAX_ENTRIES, ge=0)
    cache_max_size: int = DEFAULT_MAX_SIZE
    pubsub_url: StrictStr | None = None

    @field_validator("cache_url", "pubsub_url")
    @classmethod
    def _check_redis_url(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(
                f"{url!r} is not a Redis URL: use redis://host:6379/0, "
                "rediss://host:6380/0 (TLS) or unix:///path/to/redis.sock"
            )
        return url

    health: HealthConfig | None = None

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

    @field_validator(
        "max_body_size",
        "max_part_size",
        "max_message_size",
        "cache_max_size",
        mode="before",
    )
    @classmethod
    def _parse_size(cls, value: object, info: ValidationInfo) -> int:
        name = str(info.field_name)
        example = {"max_body_size": "10mb", "cache_max_size": "64mb"}.get(name, "1mb")
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
