"""``middleware.py`` (or ``proxy.py``): code that runs before routing.

::

    # middleware.py, next to app/
    from routetree import Request, Response

    config = {"matcher": ["/api/admin/:path*"]}

    async def middleware(request: Request) -> Response | None:
        if request.headers.get("authorization") != "Bearer ok":
            return Response.json({"error": "unauthorized"}, status=401)
        return Response.next(request_headers={"x-user": "ada"}, headers={"x-mw": "1"})

The function (``middleware`` in ``middleware.py``, ``proxy`` in ``proxy.py``, sync or
async) runs for every request whose path matches ``config["matcher"]``, or for every
request when there is no matcher. It returns:

- ``None`` or ``Response.next(...)``: continue to the route, the handler seeing the
  given ``request_headers`` and the client getting the given ``headers``;
- ``Response.rewrite(url)``: serve another path of this app instead;
- any other `Response` (a redirect included): answer with it; the route is not run.

Matching runs on the same path that routing uses, decoded segment by segment and
with doubled slashes collapsed, and no request header can turn it off: Next.js's
``x-middleware-subrequest`` (CVE-2025-29927) means nothing here. A middleware that
raises answers 500 and the route is not run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._config._conditions import Condition, RequestView, check_conditions
from ._config._patterns import PathPattern
from ._errors import ConfigError, RouteImportError, RouteTreeError, locate
from ._invoke import call_user_code, is_async_callable
from ._routing._loader import import_project_file
from ._spelling import close_match

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from ._request import Request

__all__ = [
    "MatcherRule",
    "Middleware",
    "RequestConditions",
    "compile_matcher",
    "load_middleware",
]

_FILES = {"middleware.py": "middleware", "proxy.py": "proxy"}
# Keys of Next.js's middleware config for its deployment: accepted, meaningless here.
_NEXTJS_ONLY_KEYS = frozenset({"runtime", "regions", "unstable_allowDynamic"})


class RequestConditions:
    """A `Request` as ``has``/``missing`` conditions read it (a `RequestView`)."""

    __slots__ = ("_request",)

    def __init__(self, request: Request) -> None:
        self._request = request

    def header(self, name: str) -> str | None:
        """The request header ``name``."""
        return self._request.headers.get(name)

    def cookie(self, name: str) -> str | None:
        """The request cookie ``name``."""
        return self._request.cookies.get(name)

    def query(self, name: str) -> str | None:
        """The first query parameter ``name``."""
        return self._request.url.search_params.get(name)

    def host(self) -> str | None:
        """The host the request was sent to (without its port)."""
        return self._request.url.host


@dataclass(frozen=True, slots=True)
class Middleware:
    """A loaded middleware: its function and when it runs."""

    file: str
    function: Callable[[Request], object]
    is_async: bool
    rules: list[MatcherRule] | None

    def applies_to(self, path: str, request: Request) -> bool:
        """Whether the middleware runs for this request (raw ``path``)."""
        if self.rules is None:
            return True
        view = RequestConditions(request)
        return any(rule.matches(path, view) for rule in self.rules)

    async def run(self, request: Request) -> object:
        """Call the middleware function; return what it returned."""
        return await call_user_code(self.function, (request,), is_async=self.is_async)


def load_middleware(project_dir: Path) -> Middleware | None:
    """Import the project's ``middleware.py`` or ``proxy.py``, if it has one.

    Raises:
        RouteTreeError: Both files exist.
        RouteImportError: The file fails to import or does not export its function.
        ConfigError: ``config`` has a key other than ``"matcher"`` (``"matchers"``
            is a typo that would run the middleware everywhere), or
            ``config["matcher"]`` is not a valid matcher.
    """
    present = [name for name in _FILES if (project_dir / name).is_file()]
    if not present:
        return None
    if len(present) > 1:
        raise RouteTreeError(
            "Both middleware.py and proxy.py exist in the project. Keep one: proxy.py "
            "(exporting proxy) is the Next.js 16 name, middleware.py (exporting "
            "middleware) the older one."
        )
    file = present[0]
    name = _FILES[file]
    module = import_project_file(project_dir, file, "middleware")
    function = getattr(module, name, None)
    if not callable(function):
        error = RouteImportError(
            f"{file} does not export a function named {name}. Define "
            f"`async def {name}(request)` returning a Response, Response.next() or "
            "None."
        )
        locate(error, project_dir / file)
        raise error
    config = getattr(module, "config", None)
    try:
        matcher = _matcher_of(config, file)
        rules = None if matcher is None else compile_matcher(matcher, file)
    except ConfigError as exc:
        locate(exc, project_dir / file)
        raise
    return Middleware(file, function, is_async_callable(function), rules)


def _matcher_of(config: object, where: str) -> object:
    """``config["matcher"]``, or None; an unknown key of ``config`` is an error.

    A misspelled key would otherwise be ignored, and the middleware would run for
    every path instead of the ones it guards. Next.js's deployment keys
    (``runtime``...) are accepted and ignored, as ``"locale"`` in a matcher is.
    """
    if not isinstance(config, Mapping):
        return None
    for key in config:
        if key == "matcher" or key in _NEXTJS_ONLY_KEYS:
            continue
        suggestion = close_match(key, ("matcher",)) if isinstance(key, str) else None
        fix = f'did you mean "{suggestion}"?' if suggestion else 'the key is "matcher".'
        raise ConfigError(
            f"{where}: unknown key {key!r} in config: {fix} Write "
            'config = {"matcher": [...]}, or leave config out to run the middleware '
            "for every path."
        )
    return config.get("matcher")


@dataclass(frozen=True, slots=True)
class MatcherRule:
    """One entry of a middleware's ``config["matcher"]``, compiled.

    Attributes:
        pattern: The ``source`` path pattern.
        has: Conditions that must all hold.
        missing: Conditions none of which may hold.
    """

    pattern: PathPattern
    has: tuple[Condition, ...] = ()
    missing: tuple[Condition, ...] = ()

    def matches(self, path: str, request_view: RequestView) -> bool:
        """Return whether the middleware runs for this raw path and request."""
        return self.pattern.match(path) is not None and check_conditions(
            self.has, self.missing, request_view
        )


def compile_matcher(config: object, where: str) -> list[MatcherRule]:
    """Compile the value of a middleware file's ``config["matcher"]``.

    Accepts what Next.js accepts: a pattern string, a list of them, or a list of
    ``{"source": ..., "has": [...], "missing": [...]}`` dicts (``"locale"`` is
    accepted and ignored, as routetree has no i18n routing). The middleware runs when
    any rule matches. No matcher at all (None) means "every path"; the caller handles
    that.

    Differs from Next.js: an empty list is refused, since the middleware would then
    never run, which is more likely a mistake than the intent.

    Args:
        config: The value of ``config["matcher"]``.
        where: The middleware file, named in error messages.

    Raises:
        ConfigError: A wrong shape or an invalid pattern or condition; the message
            names ``where`` and the offending entry.
    """
    entries = [config] if isinstance(config, str) else config
    if not isinstance(entries, list | tuple):
        raise ConfigError(
            f'{where}: config["matcher"] = {config!r} is not valid: use a pattern '
            'string such as "/api/:path*", a list of them, or a list of '
            '{"source": ..., "has": [...], "missing": [...]} dicts.'
        )
    if not entries:
        raise ConfigError(
            f'{where}: config["matcher"] is empty, so the middleware would never run. '
            'List the paths it guards, or remove "matcher" to run it for every path.'
        )
    return [_compile_rule(entry, where, index) for index, entry in enumerate(entries)]


def _compile_rule(entry: object, where: str, index: int) -> MatcherRule:
    at = f'{where}: config["matcher"][{index}]'
    try:
        if isinstance(entry, str):
            return MatcherRule(PathPattern(entry))
        if not isinstance(entry, Mapping) or not isinstance(entry.get("source"), str):
            raise ConfigError(
                f'{entry!r} is not a pattern string or a dict with a string "source".'
            )
        unknown = set(entry) - {"source", "has", "missing", "locale"}
        if unknown:
            raise ConfigError(
                f"unknown key(s) {', '.join(sorted(map(repr, unknown)))} in "
                f'{entry!r}; allowed: "source", "has", "missing", "locale".'
            )
        conditions: dict[str, tuple[Condition, ...]] = {}
        for kind in ("has", "missing"):
            items = entry.get(kind, [])
            if not isinstance(items, list | tuple):
                raise ConfigError(f'"{kind}" must be a list of conditions.')
            conditions[kind] = tuple(
                Condition.from_mapping(item, f"{kind}[{i}]")
                for i, item in enumerate(items)
            )
        return MatcherRule(
            PathPattern(entry["source"]), conditions["has"], conditions["missing"]
        )
    except ConfigError as exc:
        raise ConfigError(f"{at}: {exc}") from None
