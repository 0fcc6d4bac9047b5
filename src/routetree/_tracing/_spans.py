"""The spans of one request, made with opentelemetry-api (see `routetree._tracing`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from .._invoke import run_handler
from .._path_checks import METHODS
from . import SERVER_SPAN

if TYPE_CHECKING:
    from .._invoke import CompiledRoute, Outcome
    from .._middleware import Middleware
    from .._request import Request
    from .._routing._loader import Handler
    from .._types import ASGIApp, Message, Params, Receive, Scope, Send

__all__ = ["RequestSpan", "Tracing"]


class RequestSpan:
    """A traced request's server span, and whether a failure is recorded on it."""

    __slots__ = ("ended", "failed", "span")

    def __init__(self, span: trace.Span) -> None:
        self.span = span
        self.failed = False
        self.ended = False


class Tracing:
    """Makes the spans of each request with one tracer."""

    __slots__ = ("_base_path", "_tracer")

    def __init__(self, tracer: trace.Tracer, base_path: str = "") -> None:
        self._tracer = tracer
        self._base_path = base_path

    async def serve(
        self, app: ASGIApp, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """Serve one HTTP request with ``app`` inside its server span.

        ``scope`` gets the `RequestSpan` under `SERVER_SPAN`, which also tells
        ``app`` that the request is traced already. The span ends when the last
        body chunk is sent, before it leaves, so that what the client sees is
        exported already; ``after()`` callbacks run later, in its context still.
        """
        carrier = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in scope["headers"]
        }
        method: str = scope["method"]
        known = method in METHODS
        span = self._tracer.start_span(
            method if known else "HTTP",
            context=propagate.extract(carrier),
            kind=SpanKind.SERVER,
            attributes=_request_attributes(scope, carrier, method, known),
        )
        request_span = RequestSpan(span)
        scope[SERVER_SPAN] = request_span

        async def send_traced(message: Message) -> None:
            if message["type"] == "http.response.start":
                status: int = message["status"]
                span.set_attribute("http.response.status_code", status)
                if status >= 500 and not request_span.failed:
                    span.set_attribute("error.type", str(status))
                    span.set_status(Status(StatusCode.ERROR))
            elif not message.get("more_body", False) and not request_span.ended:
                request_span.ended = True
                span.end()
            await send(message)

        with trace.use_span(
            span,
            end_on_exit=False,
            record_exception=False,
            set_status_on_exception=False,
        ):
            try:
                await app(scope, receive, send_traced)
            except Exception as exc:
                span.record_exception(exc)
                self._mark_failed(request_span, exc)
                raise
            finally:
                if not request_span.ended:
                    request_span.ended = True
                    span.end()

    def route_found(self, scope: Scope, route_path: str) -> None:
        """Name the server span after the route, now that the request matched it."""
        request_span: RequestSpan | None = scope.get(SERVER_SPAN)
        if request_span is None:
            return
        route = self._base_path + route_path if self._base_path else route_path
        if self._base_path and route_path == "/":
            route = self._base_path
        span = request_span.span
        span.update_name(f"{scope['method']} {route}")
        span.set_attribute("http.route", route)

    def fail(self, scope: Scope, error: BaseException) -> None:
        """Mark the server span failed by ``error``: ``error.type``, status ERROR."""
        request_span: RequestSpan | None = scope.get(SERVER_SPAN)
        if request_span is not None and not request_span.ended:
            self._mark_failed(request_span, error)

    def _mark_failed(self, request_span: RequestSpan, error: BaseException) -> None:
        request_span.failed = True
        request_span.span.set_attribute("error.type", type(error).__qualname__)
        request_span.span.set_status(Status(StatusCode.ERROR))

    async def run_handler(
        self,
        route: CompiledRoute,
        handler: Handler,
        request: Request,
        params: Params,
        *,
        dev: bool,
    ) -> Outcome:
        """`routetree._invoke.run_handler` inside the handler's span."""
        endpoint = handler.endpoint or handler.func
        with self._tracer.start_as_current_span(
            f"executing api route (app) {route.path}",
            attributes={
                "code.file.path": route.file,
                "code.function.name": getattr(endpoint, "__qualname__", handler.method),
            },
            # run_handler turns the handler's exceptions into its outcome; what it
            # raises (the client left) is no failure of the server.
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            outcome = await run_handler(route, handler, request, params, dev=dev)
            error = outcome.error
            if error is not None:
                span.record_exception(error)
                span.set_attribute("error.type", type(error).__qualname__)
                span.set_status(Status(StatusCode.ERROR))
                self.fail(request.scope, error)
        return outcome

    async def run_middleware(self, middleware: Middleware, request: Request) -> object:
        """Run ``middleware`` in its span; what it raises is recorded, then raised."""
        name = middleware.file.removesuffix(".py")
        with self._tracer.start_as_current_span(
            f"{name} {request.method}",
            attributes={
                "http.request.method": request.method,
                "url.path": request.url.path,
                "code.file.path": middleware.file,
            },
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                return await middleware.run(request)
            except Exception as exc:
                span.record_exception(exc)
                span.set_attribute("error.type", type(exc).__qualname__)
                span.set_status(Status(StatusCode.ERROR))
                self.fail(request.scope, exc)
                raise


def _request_attributes(
    scope: Scope, headers: dict[str, str], method: str, known: bool
) -> dict[str, str | int]:
    """The attributes of a server span known before routing."""
    attributes: dict[str, str | int] = {
        "http.request.method": method if known else "_OTHER",
        "url.path": scope["path"],
        "url.scheme": scope.get("scheme", "http"),
        "network.protocol.version": scope.get("http_version", "1.1"),
    }
    if not known:
        attributes["http.request.method_original"] = method
    host = headers.get("host")
    if host:
        name, _, port = host.rpartition(":")
        if not (name and port.isdigit()):  # no port, or an IPv6 address without one
            name, port = host, ""
        attributes["server.address"] = name.strip("[]")
        if port:
            attributes["server.port"] = int(port)
    client = scope.get("client")
    if client:
        attributes["client.address"] = client[0]
    user_agent = headers.get("user-agent")
    if user_agent is not None:
        attributes["user_agent.original"] = user_agent
    return attributes
