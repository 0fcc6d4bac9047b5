"""The ASGI application: `create_app` and the request pipeline.

Everything is built in `create_app`: routes discovered, validated and imported, the trie
built, per-route limits and ``Allow`` values computed. A request then costs a scan of
its headers, a path check, a trie walk and a dict lookup:

1. no ``Host`` or two, a ``Host`` that is invalid or not allowed, an HTTP version
   other than 1.0/1.1/2/3, ambiguous ``Transfer-Encoding`` -> 400
   (`routetree._request_checks`; only a ``Host`` value not seen before, or anything
   unusual, is checked in full);
2. a method outside the seven, a target that is not a path (``*`` but for ``OPTIONS``),
   a malformed percent escape in the path -> 400;
3. a trailing slash -> 308 to the path without it (query kept);
4. no route -> 404; the route lacks the method -> 204 for OPTIONS, else 405 (both with
   ``Allow``);
5. the handler runs (see `routetree._invoke`); HEAD responses carry no body.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

import anyio

from ._compression import GzipSend, accepts_gzip
from ._config._env import Mode, load_env
from ._context import current_request
from ._error_responses import error_response, internal_error_response
from ._forms import DEFAULT_FORM_LIMITS, FormLimits
from ._headers import Headers
from ._hosts import DEV_ALLOWED_HOSTS, HostPolicy, is_local_request
from ._invoke import (
    CompiledRoute,
    failure_outcome,
    handler_args,
    result_outcome,
    run_after_callbacks,
    run_handler,
)
from ._pipeline import Pipeline
from ._request import DEFAULT_MAX_BODY_SIZE, ClientDisconnectedError, Request
from ._request_checks import RequestChecks
from ._response import Response
from ._routing._discovery import find_app_dir
from ._routing._loader import HTTP_METHODS
from ._routing._matcher import Matcher
from ._routing._project import Project, load_project
from ._url import (
    check_percent_escapes,
    encode_location,
    normalize_escapes,
    request_path,
)

if TYPE_CHECKING:
    from ._context import RequestState
    from ._routing._loader import Handler
    from ._routing._matcher import Params
    from ._types import Receive, Scope, Send

__all__ = ["RouteTreeApp", "create_app"]

logger = logging.getLogger("routetree")
_METHODS = frozenset(HTTP_METHODS)
_LEADING_SLASHES = re.compile(r"^(?:[/\\]|%2[Ff]|%5[Cc])+")
_UNSUPPORTED_METHOD = (
    "Unsupported method {!r}: route handlers answer GET, HEAD, POST, PUT, PATCH, "
    "DELETE and OPTIONS."
)
_NOT_A_PATH = (
    "The request target must be a path starting with '/' (or '*' for OPTIONS)."
)
_ALL_METHODS = ", ".join(sorted(HTTP_METHODS))


class RouteTreeApp:
    """The ASGI application serving one project's route tree.

    Build it with `create_app`.

    Attributes:
        project: The loaded project (its folder and routes).
        dev: Whether 500 responses carry the exception and its traceback.
    """

    def __init__(
        self,
        project: Project,
        *,
        dev: bool = False,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    ) -> None:
        self.project = project
        self.dev = dev
        config = project.config
        if config is not None and config.max_body_size != DEFAULT_MAX_BODY_SIZE:
            max_body_size = config.max_body_size  # routetree.toml's limit
        self.max_body_size = max_body_size
        self.form_limits = (
            DEFAULT_FORM_LIMITS
            if config is None
            else FormLimits(config.max_fields, config.max_files, config.max_part_size)
        )
        self._matcher: Matcher[CompiledRoute] = Matcher(
            (
                route.definition.segments,
                CompiledRoute(
                    route,
                    default_max_body_size=max_body_size,
                    default_form_limits=self.form_limits,
                ),
            )
            for route in project.routes
        )
        if config is not None and config.allowed_hosts is not None:
            allowed_hosts: tuple[str, ...] = config.allowed_hosts
        else:
            allowed_hosts = DEV_ALLOWED_HOSTS if dev else ("*",)
        self._checks = RequestChecks(HostPolicy(allowed_hosts))
        self._known_hosts = self._checks.known_hosts
        self._instrumentation = project.instrumentation
        self._started = project.instrumentation is None
        # In dev mode a failing register() is shown on every request, as a broken
        # route file is, instead of stopping the server.
        self._startup_error: Exception | None = None
        self._startup_lock = anyio.Lock()
        # A project with neither config nor middleware never pays for those stages.
        self._pipeline = (
            Pipeline(self, config, project.middleware)
            if project.middleware is not None or config is not None
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection (http, lifespan; websockets are refused)."""
        if scope["type"] != "http":
            await self._other(scope, receive, send)
            return
        # The hot path: everything a successful request needs is in this method and
        # _handle, so that a request costs as few calls as possible.
        if not self._started:  # start-up failed in dev, or the server skips lifespan
            failure = self._startup_error or await self._start_for_request()
            if failure is not None:
                headers = Headers(scope["headers"])
                page = internal_error_response(
                    failure,
                    dev=is_local_request(headers),
                    html="text/html" in headers.get("accept", ""),
                )
                await page.send(send, head_only=scope["method"] == "HEAD")
                return
        # One pass over the headers finds the Host and whether to gzip. ``host`` ends
        # as None (no Host), the Host value, or b"" (two Hosts, or Transfer-Encoding):
        # whatever is not a Host value seen before gets the full checks.
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
            await self._pipeline(scope, receive, send)
            return
        method: str = scope["method"]
        path = request_path(scope)
        response = (
            None  # most requests have nothing to refuse: skip the call
            if method in _METHODS and "%" not in path and path[-1] != "/"
            else self._refuse(method, path, scope)
        )
        if response is not None:
            await response.send(send, head_only=method == "HEAD")
            return
        key = normalize_escapes(path) if "%" in path else path  # skip the call
        found = self._matcher.match(key)
        if found is not None:
            handler = found[0].handlers.get(method)
            if handler is not None:
                await self._handle(
                    scope, receive, send, path, found[0], handler, found[1]
                )
                return
        await self.answer(scope, receive, send, path, found)

    async def report_error(
        self, error: BaseException, request: Request, route_path: str, route_type: str
    ) -> None:
        """Pass a failure to ``on_request_error`` of instrumentation.py, if any."""
        if self._instrumentation is not None:
            await self._instrumentation.report_error(
                error, request, route_path, route_type
            )

    def match(self, path: str) -> tuple[CompiledRoute, Params] | None:
        """Find the route for a raw path (below any base path)."""
        return self._matcher.match(normalize_escapes(path))

    def match_static(self, path: str) -> tuple[CompiledRoute, Params] | None:
        """Find the route for a raw path among the routes without params."""
        route = self._matcher.match_static(normalize_escapes(path))
        return None if route is None else (route, {})

    async def answer(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        path: str,
        found: tuple[CompiledRoute, Params] | None,
        request: Request | None = None,
    ) -> None:
        """Answer a routed request: 404, 405, the automatic OPTIONS, or the handler."""
        method: str = scope["method"]
        if found is None:
            # The fast path routes without checking the target is a path; the matcher
            # never matches one that is not, and this says why.
            response = self.refuse_early(method, path) or error_response(404)
        else:
            route, params = found
            handler = route.handlers.get(method)
            if handler is not None:
                await self._handle(
                    scope, receive, send, path, route, handler, params, request
                )
                return
            response = (
                Response(None, status=204, headers={"allow": route.allow})
                if method == "OPTIONS"
                else error_response(405, headers={"allow": route.allow})
            )
        await response.send(send, head_only=method == "HEAD")

    async def _other(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "websocket":
            await receive()
            await send({"type": "websocket.close", "code": 1003})

    async def _handle(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        path: str,
        route: CompiledRoute,
        handler: Handler,
        params: Params,
        request: Request | None = None,
    ) -> None:
        """Run the handler with the request in context; send; then after() work."""
        if request is None:
            request = Request(scope, receive, path, route)
        else:
            request.set_limits(route)
        token = current_request.set(request)
        try:
            try:
                if handler.method in route.direct:
                    try:
                        result = await handler.func(  # type: ignore[misc]
                            *handler_args(handler, request, params)
                        )
                    except BaseException as exc:
                        response, error = failure_outcome(
                            route, request, exc, dev=self.dev
                        )
                    else:
                        if type(result) is Response:  # the common case, no call
                            response, error = result, None
                        else:
                            response, error = result_outcome(route, request, result)
                else:
                    response, error = await run_handler(
                        route, handler, request, params, dev=self.dev
                    )
            except ClientDisconnectedError:
                return
            state = request.state_for_functions
            streaming = response.is_streaming
            try:
                await response.send(
                    send,
                    head_only=request.method == "HEAD",
                    wait_for_disconnect=request.disconnect_waiter()
                    if streaming
                    else None,
                    extra_headers=None
                    if state is None
                    else _cookie_headers(response, state),
                )
            except Exception as exc:
                if not streaming:
                    raise
                # The status is sent already: all that is left is to say what broke,
                # and end the response unfinished so the client sees it cut short.
                error = _single(exc)
                logger.error(
                    "Error while streaming the response of route handler %s "
                    "(method: %s, url: %s)",
                    route.file,
                    request.method,
                    path,
                    exc_info=error,
                )
            if error is not None and self._instrumentation is not None:
                await self._instrumentation.report_error(error, request, route.path)
        finally:
            try:
                state = request.state_for_functions
                if state is not None and state.after:
                    await run_after_callbacks(state.after)
            finally:  # also when the callbacks are cancelled
                current_request.reset(token)

    def _refuse(self, method: str, path: str, scope: Scope) -> Response | None:
        """Answer what is wrong before routing: bad method or escape, trailing slash."""
        return self.refuse_early(method, path) or self.trailing_slash_redirect(
            path, scope, add=False
        )

    def refuse_early(self, method: str, path: str) -> Response | None:
        """A 400 for a bad method, target or percent escape; or ``OPTIONS *``'s 204.

        The method must be one of the seven and the target a path (``/...``): ``*``
        is answered for ``OPTIONS`` only, and a target like ``api/x`` or ``@evil``
        (which some servers pass on) is refused rather than routed as ``/api/x``.
        """
        if method not in _METHODS:
            return error_response(400, _UNSUPPORTED_METHOD.format(method))
        if not path.startswith("/"):
            if path == "*" and method == "OPTIONS":
                return Response(None, status=204, headers={"allow": _ALL_METHODS})
            return error_response(400, _NOT_A_PATH)
        problem = check_percent_escapes(path)
        if problem is not None:
            return error_response(400, f"Malformed URL: {problem}.")
        return None

    def trailing_slash_redirect(
        self, path: str, scope: Scope, *, add: bool, base_path: str = ""
    ) -> Response | None:
        """The 308 that removes (or, with ``add``, adds) a path's trailing slash.

        With ``add`` (config ``trailing_slash = true``) a last segment that looks like
        a file (``hello.json``) gets no slash, and loses one it has, as in Next.js.
        """
        if path == "/":
            return None
        last = path.rstrip("/").rpartition("/")[2]
        wants_slash = add and "." not in last
        has_slash = path.endswith("/")
        if has_slash == wants_slash:
            return None
        # Collapse leading slashes and backslashes, plain or encoded: "//evil.example/"
        # or "/\evil.example/" must not become a redirect to another host (browsers
        # read "/\" as "//"), and "/%2F%2Fevil.example/" must not either, through a
        # proxy or client that decodes it.
        target = base_path + "/" + _LEADING_SLASHES.sub("", path).rstrip("/")
        if wants_slash:
            target += "/"
        query: bytes = scope.get("query_string", b"")
        if query:
            target += "?" + query.decode("latin-1")
        target = encode_location(target)
        return Response(
            target,
            status=308,
            headers={"location": target, "refresh": f"0;url={target}"},
        )

    async def startup(self) -> None:
        """Run start-up work once: ``register()`` of ``instrumentation.py``."""
        async with self._startup_lock:
            if self._started:
                return
            if self._instrumentation is not None:
                await self._instrumentation.run_register()
            self._started = True

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
                await send({"type": "lifespan.shutdown.complete"})
                return


def _single(exc: Exception) -> Exception:
    """The one exception inside an exception group from a task group, else ``exc``."""
    while isinstance(exc, ExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


def _cookie_headers(
    response: Response, state: RequestState
) -> list[tuple[bytes, bytes]] | None:
    """``Set-Cookie`` lines of ``cookies()`` that the response does not set itself."""
    lines = state.set_cookie_lines()
    if not lines:
        return None
    own = {value.partition("=")[0] for value in response.headers.get_all("set-cookie")}
    return [
        (b"set-cookie", line.encode("latin-1"))
        for name, line in lines
        if name not in own
    ]


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
    on the first request. Serve the result with any ASGI server::

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
        RouteTreeError: The tree is invalid or a route fails to import; the message
            names the files and the fix.
    """
    directory = Path(project_dir).resolve()
    find_app_dir(directory)
    load_env(directory, mode or ("development" if dev else "production"))
    return RouteTreeApp(load_project(directory, use_manifest=use_manifest), dev=dev)
