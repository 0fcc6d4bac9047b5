"""The rule models of the config: ``headers``, ``redirects`` and ``rewrites``.

Each rule is a pydantic model of one ``[[headers]]``, ``[[redirects]]`` or
``[[rewrites]]`` entry. Validating it compiles what a request is matched against, once:
the ``source`` into a `routetree._config._patterns.PathPattern`, the ``has`` and
``missing`` items into `routetree._config._conditions.Condition` values, and the
``destination`` or header templates (`routetree._config._destination`). Per request,
a rule's ``match`` checks a path and the conditions, and the stages of
`routetree._pipeline` apply what it gives. `ConfigModel` is the base of every config
table.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .._errors import ConfigError
from .._headers import FORBIDDEN_IN_VALUE, TOKEN
from .._response import REDIRECT_STATUSES
from ._conditions import Condition, capture_conditions
from ._destination import Destination, HeaderTemplate
from ._patterns import PathPattern

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from .._types import Params
    from ._conditions import RequestView

__all__ = [
    "ConditionConfig",
    "ConfigModel",
    "HeaderEntry",
    "HeaderRule",
    "RedirectRule",
    "RewriteRule",
    "RewritesConfig",
]

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


class ConfigModel(BaseModel):
    """The base of every config table: frozen, and an unknown key is an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _pattern(source: str) -> PathPattern:
    try:
        return PathPattern(source)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None


def _param_names(source: str, has: Iterable[ConditionConfig]) -> tuple[str, ...]:
    captured = sorted({n for item in has for n in item.condition.param_names})
    return (*PathPattern(source).names, *captured)


class ConditionConfig(ConfigModel):
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


class _Rule(ConfigModel):
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


class HeaderEntry(ConfigModel):
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
        name = _PARAM_IN_KEY.sub("", key) or key
        if not TOKEN.fullmatch(name):
            raise ValueError(
                f"{name!r} is not a header name (letters, digits and !#$%&'*+-.^_`|~)"
            )
        if key.lower() in _FRAMING_HEADERS:
            raise ValueError(
                f"{key!r} describes how the bytes of each response are sent, so the "
                "server sets it; one value for many responses would break them"
            )
        return key

    @field_validator("value")
    @classmethod
    def _check_value(cls, value: str) -> str:
        if FORBIDDEN_IN_VALUE.search(value):
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
            if not TOKEN.fullmatch(key.fill(dict.fromkeys(key.names, "x"))):
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
                + ", ".join(map(str, sorted(REDIRECT_STATUSES)))
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


class RewritesConfig(ConfigModel):
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
