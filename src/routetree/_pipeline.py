"""The configured request path: a project with ``routetree.toml`` or ``middleware.py``.

Stages 2 to 7 of the request path written out in `routetree._app`, with the stages a
project without config or middleware skips: ``base_path``, config ``headers``, CORS,
config ``redirects``, the middleware, and ``rewrites`` around the static and dynamic
routes. `Pipeline` is given what it needs (the config, the middleware, the matcher,
the dispatcher and the app's body limits) and never calls back into the app.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ._config._cors import is_preflight
from ._error_responses import internal_error_for
from ._errors import code_location, locate
from ._middleware import RequestConditions
from ._path_checks import options_star, target_error, trailing_slash_redirect
from ._request import Request
from ._response import ContinueDirective, Response, RewriteDirective
from ._routing._matcher import RouteMatch
from ._url import (
    DEFAULT_PORTS,
    check_percent_escapes,
    encode_location,
    normalize_escapes,
    request_path,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ._config._project_config import ProjectConfig
    from ._config._rules import RewriteRule
    from ._dispatch import Dispatcher
    from ._invoke import CompiledRoute
    from ._middleware import Middleware
    from ._request import RequestLimits
    from ._routing._matcher import Matcher
    from ._types import Message, Receive, Scope, Send

__all__ = ["ADDED_HEADERS", "Pipeline", "with_headers"]

logger = logging.getLogger("routetree")
_RawHeaders = list[tuple[bytes, bytes]]
# The scope key of the headers config and middleware add to this request's answer:
# a file of public/ leaves out its own of the same name, as Next.js's file server does.
ADDED_HEADERS = "routetree.added_headers"
_ACCUMULATING = frozenset({b"set-cookie", b"vary"})


def with_headers(send: Send, extra: _RawHeaders) -> Send:
    """Wrap ``send`` so the response also carries ``extra`` headers.

    A header the response sets itself wins, except ``Set-Cookie`` and ``Vary``, which
    add up (config cookies come first, as in Next.js).
    """
    if not extra:
        return send

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            own: _RawHeaders = list(message.get("headers", []))
            names = {name for name, _ in own}
            added = [h for h in extra if h[0] in _ACCUMULATING or h[0] not in names]
            message = {**message, "headers": added + own}
        await send(message)

    return send_with_headers


class Pipeline:
    """The configured request path (stages 2-7 of `routetree._app`).

    Args:
        config: The project's config; None for middleware without a config file.
        middleware: The project's ``middleware.py`` or ``proxy.py``, if any.
        matcher: The route trie.
        dispatcher: What answers a routed request (404, 405, OPTIONS, the handler).
        limits: The app's body limits, which a request has until it is routed.
    """

    def __init__(
        self,
        config: ProjectConfig | None,
        middleware: Middleware | None,
        matcher: Matcher[CompiledRoute],
        dispatcher: Dispatcher,
        limits: RequestLimits,
    ) -> None:
        if config is None:  # middleware without a config file: every default
            from ._config._project_config import ProjectConfig

            config = ProjectConfig()
        self.config = config
        self.middleware = middleware
        self.matcher = matcher
        self.dispatcher = dispatcher
        self.limits = limits
        self.cors = None if config.cors is None else config.cors.policy
        self.trusted = config.trusted_networks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one HTTP request through every stage."""
        config = self.config
        method: str = scope["method"]
        raw_path = request_path(scope)
        star = options_star(method, raw_path)
        if star is not None:
            await star.send(send)
            return
        refused = target_error(method, raw_path)
        path = self._below_base_path(raw_path) if refused is None else None
        request = Request(
            scope, receive, raw_path if path is None else path, self.limits
        )
        request._trusted_proxies = self.trusted
        if path is None:  # a bad target (400), or a path outside base_path (404)
            await self.dispatcher.refuse(
                scope, receive, send, raw_path, refused or 404, request
            )
            return
        conditions = RequestConditions(request)

        extra = self._config_headers(path, conditions)
        origin = request.headers.get("origin")
        if (
            self.cors is not None
            and origin is not None
            and is_preflight(method, request.headers)
        ):
            found = self._match(path)
            allow = found.route.allow if found else None
            preflight = self.cors.preflight_headers(
                origin,
                request.headers.get("access-control-request-method"),
                request.headers.get("access-control-request-headers"),
            )
            if preflight is None:  # refused: the answer still depends on Origin
                preflight = self.cors.response_headers(None)
            answer = Response(None, status=204)
            if allow:
                answer.headers["allow"] = allow
            await answer.send(with_headers(send, extra + preflight))
            return
        if self.cors is not None:
            extra += self.cors.response_headers(origin)
        send = with_headers(send, extra)
        if extra:
            scope[ADDED_HEADERS] = extra

        redirect = self._redirect(path, request, conditions)
        if redirect is not None:
            await redirect.send(send, head_only=method == "HEAD")
            return
        slash = trailing_slash_redirect(
            path,
            scope.get("query_string", b""),
            add=config.trailing_slash,
            base_path=config.base_path,
        )
        if slash is not None:
            await slash.send(send, head_only=method == "HEAD")
            return

        if self.middleware is not None and self.middleware.applies_to(path, request):
            outcome = await self._run_middleware(request)
            if isinstance(outcome, Response):
                await outcome.send(send, head_only=method == "HEAD")
                return
            path, more_headers = outcome
            if more_headers:
                send = with_headers(send, more_headers)
                scope[ADDED_HEADERS] = [*scope.get(ADDED_HEADERS, ()), *more_headers]
            request._rewrite_path(path)

        rewrites = config.rewrites
        path = self._rewrite(rewrites.before_files, path, request, conditions)
        found = self._match_static(self._route_path(path))
        if found is None:
            # As in Next.js, after_files rewrites come before the dynamic routes.
            path = self._rewrite(rewrites.after_files, path, request, conditions)
            found = self._match(self._route_path(path))
        if found is None:
            rewritten = self._rewrite(rewrites.fallback, path, request, conditions)
            if rewritten != path:
                path = rewritten
                found = self._match(self._route_path(path))
        if path != request.url.path:
            request._rewrite_path(path)
        await self.dispatcher.answer(scope, receive, send, path, found, request)

    def _match(self, path: str) -> RouteMatch[CompiledRoute] | None:
        """The route for a raw path (below ``base_path``), static or dynamic."""
        return self.matcher.match(normalize_escapes(path))

    def _match_static(self, path: str) -> RouteMatch[CompiledRoute] | None:
        """The route for a raw path among the routes without params."""
        route = self.matcher.match_static(normalize_escapes(path))
        return None if route is None else RouteMatch(route, {})

    def _config_headers(self, path: str, conditions: RequestConditions) -> _RawHeaders:
        """The headers of every matching ``[[headers]]`` rule; a later rule wins."""
        by_name: dict[bytes, bytes] = {}
        cookies: _RawHeaders = []
        for rule in self.config.headers:
            params = rule.match(path, conditions)
            if params is None:
                continue
            for name, value in rule.header_pairs(params):
                if name == b"set-cookie":
                    cookies.append((name, value))
                else:
                    by_name[name] = value
        return [*by_name.items(), *cookies]

    def _route_path(self, path: str) -> str:
        # With trailing_slash = true the handler sees "/x/"; the route is "/x".
        if self.config.trailing_slash and len(path) > 1 and path.endswith("/"):
            return path[:-1]
        return path

    def _below_base_path(self, path: str) -> str | None:
        base = self.config.base_path
        if not base:
            return path
        if path == base:
            return "/"
        if path.startswith(base + "/"):
            return path[len(base) :]
        return None

    def _redirect(
        self, path: str, request: Request, conditions: RequestConditions
    ) -> Response | None:
        for rule in self.config.redirects:
            params = rule.match(path, conditions)
            if params is None:
                continue
            location = rule.fill_url(params, request.url.query)
            if location.startswith("/"):  # a path of this app: under base_path too
                location = self.config.base_path + location
            location = encode_location(location)
            response = Response(location, status=rule.status)
            response.headers["location"] = location
            if rule.status == 308:
                response.headers["refresh"] = f"0;url={location}"
            return response
        return None

    def _rewrite(
        self,
        rules: Sequence[RewriteRule],
        path: str,
        request: Request,
        conditions: RequestConditions,
    ) -> str:
        for rule in rules:
            params = rule.match(path, conditions)
            if params is not None:
                target = rule.fill_url(params, request.url.query)
                return _path_of(target.partition("#")[0], request, keep_query=False)
        return path

    async def _run_middleware(
        self, request: Request
    ) -> Response | tuple[str, _RawHeaders]:
        """Run the middleware: a response to send, or the path to route and headers."""
        assert self.middleware is not None
        tracing = self.dispatcher.tracing
        try:
            if tracing is None:
                result = await self.middleware.run(request)
            else:
                result = await tracing.run_middleware(self.middleware, request)
        except Exception as exc:
            logger.exception("Error in %s", self.middleware.file)
            response = await self.dispatcher.answer_error(
                exc,
                request,
                internal_error_for(exc, request.headers, dev=self.dispatcher.dev),
            )
            # As Next.js 16 reports it: route_type "proxy", route_path "/proxy".
            route_path = "/" + self.middleware.file.removesuffix(".py")
            await self.dispatcher.report_error(exc, request, route_path, "proxy")
            return response
        path = request.url.path
        if result is None:
            return path, []
        if isinstance(result, ContinueDirective):
            if result.request_headers is not None:
                request._override_headers(result.request_headers.raw)
            return path, list(result.headers.raw)
        if isinstance(result, RewriteDirective):
            if not _is_this_host(result.url, request):
                return await self._middleware_mistake(
                    ValueError(
                        f"{self.middleware.file}: Response.rewrite({result.url!r}) "
                        "names another host; routetree serves only the paths of this "
                        "app (use Response.redirect to send the client there)."
                    ),
                    request,
                )
            return _path_of(result.url, request), list(result.headers.raw)
        if isinstance(result, Response):
            return result
        return await self._middleware_mistake(
            TypeError(
                f"{self.middleware.file} returned {type(result).__name__}: return "
                "None, a Response, Response.next() or Response.rewrite(url)."
            ),
            request,
        )

    async def _middleware_mistake(self, error: Exception, request: Request) -> Response:
        """Log what the middleware got wrong: a 500, that says it in dev mode."""
        logger.error("%s", error)
        if self.dispatcher.tracing is not None:
            self.dispatcher.tracing.fail(request.scope, error)
        if self.middleware is not None:
            where = code_location(self.middleware.function)
            if where is not None:
                locate(error, *where)
        return await self.dispatcher.answer_error(
            error,
            request,
            internal_error_for(error, request.headers, dev=self.dispatcher.dev),
        )


def _is_this_host(url: str, request: Request) -> bool:
    """Whether ``url`` is a path, or an absolute URL of the host the request named."""
    target = urlsplit(url)
    if not target.netloc:
        return True
    here = request.url
    try:
        port = target.port or DEFAULT_PORTS.get(target.scheme)
    except ValueError:  # a port that is not a number
        return False
    return (target.hostname or "") == here.host.lower() and port == (
        here.port or DEFAULT_PORTS.get(here.scheme)
    )


def _path_of(url: str, request: Request, *, keep_query: bool = True) -> str:
    """The path of a rewrite target, whose query becomes the request's.

    With ``keep_query``, a target without a query keeps the request's.
    """
    parts = urlsplit(url)
    if (parts.query or not keep_query) and parts.query != request.url.query:
        request.scope["query_string"] = parts.query.encode("latin-1")
        request._reset_url()
    path = parts.path or "/"
    if check_percent_escapes(path) is not None:
        return path
    return normalize_escapes(path)
