"""The ASGI application: `create_app`, and the whole path of a request.

Everything is built in `create_app`: routes discovered, validated and imported, the
trie built (with the OpenAPI document and docs page as static routes when they are
served, `routetree._openapi._serving`, and each file of ``public/``,
`routetree._static`), per-route limits and ``Allow`` values computed, the config
compiled. A request then flows one way through these stages; each is a function or
object that both paths below call, and none calls back into the app:

1. **Checks** (`routetree._request_checks`): no ``Host`` or two, a ``Host`` that is
   invalid or not in ``allowed_hosts``, an HTTP version other than 1.0/1.1/2/3,
   ambiguous ``Transfer-Encoding`` -> 400 with ``Connection: close``. The app scans
   the headers once; only a ``Host`` value not seen before, or anything unusual, is
   checked in full.
2. **Target** (`routetree._path_checks.target_error`): a method outside the seven, a
   target that is not a path (``*`` but for ``OPTIONS``), a malformed percent escape
   -> 400.
3. **Configured stages**, only in a project with ``routetree.toml`` or
   ``middleware.py`` (`routetree._pipeline.Pipeline`), in Next.js's order:
   ``base_path`` (a path outside it is a 404); config ``headers`` (added to every
   response, errors included); CORS (a preflight is answered here, other responses
   get the CORS headers); config ``redirects``.
4. **Trailing slash** (`routetree._path_checks.trailing_slash_redirect`): 308 to the
   path without it (with config ``trailing_slash = true``, with it), query kept.
5. **Middleware** (`routetree._middleware`), configured path only, when its matcher
   matches: it may answer, rewrite, or add headers.
6. **Routing** (`routetree._routing._matcher.Matcher`): the trie finds a
   `RouteMatch`. In the configured path ``rewrites.before_files`` come first, then the
   static routes, ``rewrites.after_files``, the dynamic routes and
   ``rewrites.fallback``.
7. **Answer** (`routetree._dispatch.Dispatcher`): no route -> 404; the route lacks the
   method -> 204 for OPTIONS, 426 for a route with only ``WEBSOCKET``, else 405 (with
   ``Allow``); otherwise the handler runs (`routetree._invoke`) and its response is
   sent. HEAD responses carry no body.

A WebSocket connection takes the same stages as the ``GET`` request its upgrade is
(`routetree._websocket_session.upgrade_view`), stage 1 included: any stage may
answer it over HTTP instead, and a routed upgrade runs the route's ``WEBSOCKET``
(stage 7; a route without one is 405). The app opens the process's pub/sub broker
(`routetree._pubsub.open_broker`) when it is built and closes it at shutdown.

Every error answer from stage 2 on (a 400 of the target, 404, 405, a handler's 4xx
and 5xx, a failing middleware's 500) goes through ``handle_error`` of
``instrumentation.py`` when the project exports one (`routetree._dispatch`); the 400s
of stage 1 do not, as no request is trusted enough to hand to project code yet. The
ASGI lifespan runs ``register()`` at start-up and ``shutdown()`` at shutdown, once
each. When a tracer provider is set up by the end of start-up, each request runs
inside its OpenTelemetry spans (`routetree._tracing`).

A project with neither config nor middleware never pays for stage 3 or 5: its
requests take the short path in `RouteTreeApp.__call__`, which checks the target and
the trailing slash only when the path has a ``%`` or ends in ``/``, and awaits an
``async def`` handler itself. Every stage matches on the same path, the one routing
uses (below ``base_path``), so a middleware matcher and the router never disagree.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import anyio

from ._cache._prerender import load_prerendered, seed_store
from ._cache._setup import attach_cache, open_store
from ._compression import GzipSend, accepts_gzip
from ._config._env import Mode, load_env
from ._dispatch import Dispatcher
from ._error_responses import internal_error_for
from ._forms import DEFAULT_FORM_LIMITS, FormLimits
from ._headers import Headers
from ._hosts import DEV_ALLOWED_HOSTS, HostPolicy
from ._invoke import CompiledRoute
from ._openapi._serving import openapi_routes
from ._path_checks import METHODS, target_error, trailing_slash_redirect
from ._pipeline import Pipeline
from ._pubsub import open_broker
from ._request import DEFAULT_MAX_BODY_SIZE, BodyLimits
from ._request_checks import RequestChecks
from ._routing._discovery import find_app_dir
from ._routing._matcher import Matcher, RouteMatch
from ._routing._project import Project, load_project
from ._static import public_routes
from ._tracing import SERVER_SPAN, start_tracing
from ._url import normalize_escapes, request_path
from ._websocket import DEFAULT_MAX_MESSAGE_SIZE
from ._websocket_session import upgrade_view

if TYPE_CHECKING:
    from ._cache._entry import CacheEntry
    from ._tracing._spans import Tracing
    from ._types import Params, Receive, Scope, Send

__all__ = ["RouteTreeApp", "create_app"]

logger = logging.getLogger("routetree")


class RouteTreeApp:
    """The ASGI application serving one project's route tree.

    Build it with `create_app`.

    Attributes:
        project: The loaded project (its folder and routes).
        dev: Whether 500 responses carry the exception and its traceback.
        cache_store: Where cached GET answers are kept (None in dev mode, which
            never caches).
        broker: Where WebSocket subscriptions and `routetree.publish` meet.
        max_message_size: The largest incoming WebSocket message any route takes
            (what the server's own limit must let through).
    """

    def __init__(
        self,
        project: Project,
        *,
        dev: bool = False,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        prerendered: dict[str, CacheEntry] | None = None,
    ) -> None:
        self.project = project
        self.dev = dev
        config = project.config
        if config is not None and config.max_body_size != DEFAULT_MAX_BODY_SIZE:
            max_body_size = config.max_body_size  # routetree.toml's limit
        form_limits = (
            DEFAULT_FORM_LIMITS
            if config is None
            else FormLimits(config.max_fields, config.max_files, config.max_part_size)
        )
        # The OpenAPI document and docs page, when served, are static routes too, and
        # so are the files of public/, which yield to every route at their path.
        routes = [*project.routes, *openapi_routes(project, dev=dev)]
        files, warnings = public_routes(project.directory, routes)
        for warning in warnings:
            logger.warning(warning)
        routes += files
        self.cache_store = open_store(config, dev=dev)
        # Answers rendered by `routetree build`, stored at start-up (`startup`).
        self._prerendered = (prerendered or {}) if self.cache_store is not None else {}
        self.broker = open_broker(config)
        message_size = (
            DEFAULT_MAX_MESSAGE_SIZE if config is None else config.max_message_size
        )
        self.max_message_size = message_size
        compiled = []
        for route in routes:
            compiled_route = CompiledRoute(
                route,
                default_max_body_size=max_body_size,
                default_form_limits=form_limits,
                default_max_message_size=message_size,
            )
            if compiled_route.websocket is not None:
                self.max_message_size = max(
                    self.max_message_size, compiled_route.max_message_size
                )
            attach_cache(route, compiled_route, self.cache_store, dev=dev)
            compiled.append((route.definition.segments, compiled_route))
        self._matcher: Matcher[CompiledRoute] = Matcher(compiled)
        if config is not None and config.allowed_hosts is not None:
            allowed_hosts: tuple[str, ...] = config.allowed_hosts
        else:
            allowed_hosts = DEV_ALLOWED_HOSTS if dev else ("*",)
        self._checks = RequestChecks(HostPolicy(allowed_hosts))
        self._known_hosts = self._checks.known_hosts
        self._dispatcher = Dispatcher(
            dev=dev, instrumentation=project.instrumentation, broker=self.broker
        )
        self._handle = self._dispatcher.handle
        self._instrumentation = project.instrumentation
        self._started = False
        # Spans of each request, when start-up finds a tracer provider (`startup`).
        self._tracing: Tracing | None = None
        # Whether a request goes straight to the stages: start-up is done, and no
        # tracing wraps it. One check on the hot path for both.
        self._plain = False
        self._stopped = False
        # In dev mode a failing register() is shown on every request, as a broken
        # route file is, instead of stopping the server.
        self._startup_error: Exception | None = None
        self._startup_lock = anyio.Lock()
        # A project with neither config nor middleware never pays for those stages.
        self._pipeline = (
            Pipeline(
                config,
                project.middleware,
                self._matcher,
                self._dispatcher,
                BodyLimits(max_body_size, form_limits),
            )
            if project.middleware is not None or config is not None
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection (http, websocket, lifespan)."""
        if scope["type"] != "http":
            await self._other(scope, receive, send)
            return
        # The short path: everything a successful request of a project without
        # config or middleware needs is in this method and Dispatcher.handle, so that
        # a request costs as few calls as possible.
        if not self._plain:
            if not self._started:  # start-up failed in dev, or no lifespan
                failure = self._startup_error or await self._start_for_request()
                if failure is not None:
                    headers = Headers(scope["headers"])
                    page = internal_error_for(failure, headers, dev=True)
                    await page.send(send, head_only=scope["method"] == "HEAD")
                    return
            if self._tracing is not None and SERVER_SPAN not in scope:
                # The span wraps the request, which comes back here with its span.
                await self._tracing.serve(self, scope, receive, send)
                return
        # Stage 1. One pass over the headers finds the Host and whether to gzip.
        # ``host`` ends as None (no Host), the Host value, or b"" (two Hosts, or
        # Transfer-Encoding): whatever is not a Host value seen before gets the full
        # checks.
        host: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"host":
                host = value if host is None else b""
            elif name == b"accept-encoding":
                if accepts_gzip(value.decode("latin-1")) and type(send) is not GzipSend:
                    send = GzipSend(send)
            elif name == b"transfer-encoding":
                host = b""
        if host not in self._known_hosts or scope["http_version"] != "1.1":
            refused = self._checks.refusal(scope)
            if refused is not None:
                await refused.send(send, head_only=scope["method"] == "HEAD")
                return
        if self._pipeline is not None:
            await self._pipeline(scope, receive, send)  # stages 2-7
            return
        method: str = scope["method"]
        path = request_path(scope)
        # Stages 2 and 4, only for a path that can fail them.
        if method not in METHODS or "%" in path or path[-1] == "/":
            bad_target = target_error(method, path)
            if bad_target is not None:
                await self._dispatcher.refuse(scope, receive, send, path, bad_target)
                return
            redirect = trailing_slash_redirect(path, scope.get("query_string", b""))
            if redirect is not None:
                await redirect.send(send, head_only=method == "HEAD")
                return
        key = normalize_escapes(path) if "%" in path else path  # skip the call
        params: Params = {}
        route = self._matcher.find(key, params)  # stage 6, without a RouteMatch
        if route is not None:
            handler = route.handlers.get(method)
            if handler is not None:
                await self._handle(scope, receive, send, path, route, handler, params)
                return
            found: RouteMatch[CompiledRoute] | None = RouteMatch(route, params)
        else:
            found = None
        await self._dispatcher.answer(scope, receive, send, path, found)  # stage 7

    async def _other(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Route a WebSocket upgrade through the stages (see the module docstring)."""
        if (await receive())["type"] != "websocket.connect":
            return  # the client left before the handshake
        view, upgrade = upgrade_view(scope, receive, send)
        http_send = upgrade.http_send
        http_receive = upgrade.http_receive
        if not self._started:
            failure = self._startup_error or await self._start_for_request()
            if failure is not None:
                page = internal_error_for(failure, Headers(scope["headers"]), dev=True)
                await page.send(http_send)
                return
        refused = self._checks.refusal(view)
        if refused is not None:
            await refused.send(http_send)
            return
        if self._pipeline is not None:
            await self._pipeline(view, http_receive, http_send)  # stages 2-7
            return
        path = request_path(view)
        bad_target = target_error("GET", path)
        if bad_target is not None:
            await self._dispatcher.refuse(
                view, http_receive, http_send, path, bad_target
            )
            return
        redirect = trailing_slash_redirect(path, view.get("query_string", b""))
        if redirect is not None:
            await redirect.send(http_send)
            return
        params: Params = {}
        route = self._matcher.find(normalize_escapes(path), params)
        found = None if route is None else RouteMatch(route, params)
        await self._dispatcher.answer(view, http_receive, http_send, path, found)

    async def startup(self) -> None:
        """Run start-up work once: ``register()`` of ``instrumentation.py``.

        The answers ``routetree build`` rendered are stored first. Tracing starts
        after, when a tracer provider is set up by then (`routetree._tracing`).
        """
        async with self._startup_lock:
            if self._started:
                return
            if self._prerendered and self.cache_store is not None:
                await seed_store(self.cache_store, self._prerendered)
                self._prerendered = {}
            if self._instrumentation is not None:
                await self._instrumentation.run_register()
            config = self.project.config
            self._tracing = start_tracing("" if config is None else config.base_path)
            self._dispatcher.tracing = self._tracing
            self._started = True
            self._plain = self._tracing is None

    async def shutdown(self) -> None:
        """Run shutdown work once: ``shutdown()`` of ``instrumentation.py``.

        Only after a start-up that succeeded (a failed ``register()`` in dev mode
        leaves nothing to close); its errors are logged.
        """
        async with self._startup_lock:
            if not self._started or self._stopped:
                return
            self._stopped = True
            try:
                if self._instrumentation is not None:
                    await self._instrumentation.run_shutdown()
            finally:
                try:
                    if self.cache_store is not None:
                        await self.cache_store.close()
                finally:
                    await self.broker.close()

    async def _start_for_request(self) -> Exception | None:
        """Start up on the first request; in dev mode, return a failure to show."""
        try:
            await self.startup()
        except Exception as exc:
            if not self.dev:
                raise
            logger.exception("Start-up failed")
            self._startup_error = exc
            return exc
        return None

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as exc:
                    logger.exception("Start-up failed")
                    if not self.dev:
                        await send(
                            {"type": "lifespan.startup.failed", "message": str(exc)}
                        )
                        return
                    self._startup_error = exc
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app(
    project_dir: str | Path = ".",
    *,
    dev: bool = False,
    mode: Mode | None = None,
    use_manifest: bool = False,
) -> RouteTreeApp:
    """Build the ASGI application for the project in ``project_dir``.

    Loads the project's ``.env`` files, then discovers, validates and imports every
    ``app/**/route.py`` and ``instrumentation.py`` now, so a broken tree fails here, not
    on the first request. With ``dev``, a route file that fails to import breaks only
    its own route, which answers 500 with the error; the other routes are served.
    Serve the result with any ASGI server::

        # asgi.py
        from routetree import create_app
        app = create_app(".")
        # uvicorn asgi:app

    Args:
        project_dir: The folder that contains ``app/``.
        dev: Put the exception, its file, line and traceback in 500 responses.
        mode: Which ``.env.$MODE`` files to load: ``"development"``, ``"production"``
            or ``"test"``. Default: development with ``dev``, else production.
        use_manifest: Use a fresh ``.routetree/`` manifest from ``routetree build``
            instead of walking the tree (``routetree start`` does).

    Raises:
        RouteTreeError: The tree is invalid or a route fails to import (without
            ``dev``); the message names the files and the fix.
    """
    directory = Path(project_dir).resolve()
    find_app_dir(directory)
    load_env(directory, mode or ("development" if dev else "production"))
    project = load_project(directory, use_manifest=use_manifest, isolate_failures=dev)
    prerendered = load_prerendered(directory) if use_manifest and not dev else None
    return RouteTreeApp(project, dev=dev, prerendered=prerendered)
