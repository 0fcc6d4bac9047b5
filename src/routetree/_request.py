"""The request a handler receives, shaped like the Fetch API's ``Request``.

Everything is parsed lazily: a handler that only reads ``context.params`` never pays for
header, cookie, URL or body parsing. The body is read at most once from the server and
kept, so it can be read again in any form (``body()``, ``text()``, ``json()``,
``form()``, ``stream()``). Differs from Next.js: there, a second read throws
"Body is unusable".
"""

from __future__ import annotations

from collections import deque
from types import SimpleNamespace
from typing import TYPE_CHECKING, NamedTuple, Protocol

import anyio
import anyio.to_thread

from ._cookies import RequestCookies, parse_cookie_header
from ._errors import HTTPError
from ._forms import DEFAULT_FORM_LIMITS, FormData, FormLimits, parse_form_body
from ._forwarded import (
    IPNetwork,
    client_address,
    forwarded_host,
    forwarded_scheme,
    is_trusted,
)
from ._headers import Headers
from ._json import decode_json
from ._url import URL, request_path

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from ._context import RequestState
    from ._types import Message, Receive, Scope

__all__ = [
    "DEFAULT_MAX_BODY_SIZE",
    "DEFAULT_REQUEST_LIMITS",
    "Address",
    "BodyLimits",
    "ClientDisconnectedError",
    "Request",
    "RequestLimits",
    "RouteContext",
    "State",
]

DEFAULT_MAX_BODY_SIZE = 10 * 1024 * 1024


class RequestLimits(Protocol):
    """The limits a request's body is read under: a route's, or the app's defaults."""

    @property
    def max_body_size(self) -> int:
        """The largest body in bytes (413 past it)."""

    @property
    def form_limits(self) -> FormLimits:
        """The limits of ``request.form()``."""


class BodyLimits(NamedTuple):
    """`RequestLimits` as plain values: the app's defaults, before a route is known."""

    max_body_size: int
    form_limits: FormLimits


DEFAULT_REQUEST_LIMITS: RequestLimits = BodyLimits(
    DEFAULT_MAX_BODY_SIZE, DEFAULT_FORM_LIMITS
)


class Address(NamedTuple):
    """A network peer: ``host`` and ``port``."""

    host: str
    port: int


class RouteContext:
    """The second argument of a handler: ``context.params`` holds the dynamic segments.

    ``params`` maps each ``[name]`` folder to a ``str`` and each catch-all to a
    ``list[str]``, percent-decoded once; it is empty for a static route, and an empty
    optional catch-all has no key. Differs from Next.js: ``params`` is a plain dict, not
    a promise, so there is nothing to ``await``.

    Example::

        async def GET(request: Request, context: RouteContext) -> Response:
            return Response.json({"id": context.params["id"]})
    """

    __slots__ = ("params",)

    def __init__(self, params: dict[str, str | list[str]]) -> None:
        self.params = params

    def __repr__(self) -> str:
        return f"RouteContext(params={self.params!r})"


class State(SimpleNamespace):
    """``request.state``: attributes a request carries from middleware to handler.

    A `types.SimpleNamespace`: set any attribute, read it back, ``vars(state)`` lists
    them. Reading one that was never set raises `AttributeError` naming it.
    """

    if not TYPE_CHECKING:  # mypy sees SimpleNamespace's own: any name, of any type

        def __getattr__(self, name: str) -> object:
            if name.startswith("__"):  # copy, pickle and such probe for these
                raise AttributeError(name)
            raise AttributeError(
                f"request.state has no attribute {name!r}: nothing set it for this "
                f"request. Set it first (request.state.{name} = ..., in middleware.py "
                "or earlier in the handler), or read it with "
                f"getattr(request.state, {name!r}, None)."
            )


class ClientDisconnectedError(Exception):
    """The client went away before the request body was read."""


class _ReceiveChannel:
    """The one reader of ASGI ``receive``.

    Shared by the body and the disconnect watcher. While a response streams, a watcher
    waits for ``http.disconnect`` so that an endless event stream stops when its client
    leaves; the handler may still be reading the body (piping it into the response).
    Both go through here, one at a time: body messages the watcher receives are kept for
    the body reader, up to the body size limit.
    """

    __slots__ = (
        "_limit",
        "_lock",
        "_overflowed",
        "_pending",
        "_pending_size",
        "_receive",
    )

    def __init__(self, receive: Receive, limit: int) -> None:
        self._receive = receive
        self._limit = limit
        self._lock = anyio.Lock(fast_acquire=True)
        self._pending: deque[Message] = deque()
        self._pending_size = 0
        self._overflowed = False

    async def next(self) -> Message:
        # What the watcher kept is taken without the lock: once the body is complete,
        # the watcher holds the lock until the client leaves, waiting for a message
        # that only a disconnect brings.
        if not self._pending:
            async with self._lock:
                if not self._pending:  # nothing arrived while this waited for the lock
                    if self._overflowed:
                        return {
                            "type": "http.request",
                            "body": b"x" * (self._limit + 1),
                        }
                    return await self._receive()
        return self._pending.popleft()

    async def wait_for_disconnect(self) -> None:
        while True:
            async with self._lock:
                message = await self._receive()
                if message["type"] == "http.disconnect":
                    self._pending.append(message)
                    return
                self._pending_size += len(message.get("body", b""))
                if self._pending_size > self._limit:
                    # the reader will answer 413; keep nothing more
                    self._overflowed = True
                else:
                    self._pending.append(message)


class Request:
    """An incoming HTTP request.

    Example::

        async def POST(request: Request) -> Response:
            user = await request.json()  # 400 with a located message if malformed
            page = request.url.search_params.get("page", "1")
            token = request.cookies.get("session")
            return Response.json(user, status=201)

    Attributes:
        method: The HTTP method, upper case (``"HEAD"`` while an automatic
            HEAD runs GET).
    """

    __slots__ = (
        "_body",
        "_chunks",
        "_cookies",
        "_form",
        "_headers",
        "_limits",
        "_path",
        "_receive",
        "_receive_channel",
        "_received",
        "_scope",
        "_state",
        "_state_for_functions",
        "_too_large_seen",
        "_trusted_proxies",
        "_url",
        "method",
    )
    _state: State

    def __init__(
        self,
        scope: Scope,
        receive: Receive,
        path: str | None = None,
        limits: RequestLimits = DEFAULT_REQUEST_LIMITS,
    ) -> None:
        # path and limits are positional: this runs once per request, and keyword
        # arguments cost more to pass.
        self._scope = scope
        self._path = path
        self._receive = receive
        self._limits = limits
        self.method: str = scope["method"]
        self._headers: Headers | None = None
        self._url: URL | None = None
        self._cookies: RequestCookies | None = None
        self._body: bytes | None = None
        self._chunks: list[bytes] = []
        self._received = 0
        self._too_large_seen = False
        self._form: FormData | None = None
        self._receive_channel: _ReceiveChannel | None = None
        # What cookies() and after() collect (routetree._context); None until used.
        self._state_for_functions: RequestState | None = None
        # Networks of proxies whose X-Forwarded-For is believed (config
        # trusted_proxies); none by default.
        self._trusted_proxies: tuple[IPNetwork, ...] = ()

    @property
    def scope(self) -> Scope:
        """The ASGI connection scope, for what the Fetch API has no name for."""
        return self._scope

    @property
    def state(self) -> State:
        """Attributes of this request alone: what middleware sets, the handler reads.

        Example::

            # middleware.py
            async def middleware(request: Request) -> None:
                request.state.user = await find_user(request.headers.get("cookie"))

            # app/api/me/route.py
            async def GET(request: Request) -> Response:
                return Response.json({"name": request.state.user.name})

        Made on first use, empty, for each request, and never shared between requests;
        ``instrumentation.py``'s ``handle_error`` sees it too. Differs from Next.js:
        there is no ``request.state`` there (middleware passes values to handlers in
        request headers).
        """
        # The slot is left unset by __init__: a request that never uses state costs
        # nothing for it.
        try:
            return self._state
        except AttributeError:
            self._state = State()
            return self._state

    @property
    def headers(self) -> Headers:
        """The request headers: case-insensitive, multi-valued, read-only."""
        if self._headers is None:
            self._headers = Headers(self._scope["headers"])
        return self._headers

    @property
    def url(self) -> URL:
        """The full URL; ``url.path`` and ``url.query`` are as the client sent them.

        Scheme and host come from the connection and the ``Host`` header; from a peer
        in config ``trusted_proxies``, from ``X-Forwarded-Proto`` and
        ``X-Forwarded-Host`` when they hold valid values.
        """
        if self._url is None:
            scope = self._scope
            path = self._path if self._path is not None else request_path(scope)
            scheme: str = scope.get("scheme", "http")
            host = self.headers.get("host")
            if self._from_trusted_proxy():
                headers = self.headers
                scheme = (
                    forwarded_scheme(headers.get_all("x-forwarded-proto")) or scheme
                )
                host = forwarded_host(headers.get_all("x-forwarded-host")) or host
            self._url = URL.from_parts(
                scheme,
                host,
                scope.get("server"),
                path,
                scope.get("query_string", b"").decode("latin-1"),
            )
        return self._url

    @property
    def cookies(self) -> RequestCookies:
        """The request's cookies.

        ``.get(name)`` -> ``str | None``, values percent-decoded.
        """
        if self._cookies is None:
            # HTTP/2 may split cookies over several header lines: they join with "; ".
            header = "; ".join(self.headers.get_all("cookie"))
            self._cookies = RequestCookies(
                parse_cookie_header(header) if header else {}
            )
        return self._cookies

    @property
    def client(self) -> Address | None:
        """The peer's host and port, if the server reports them."""
        client = self._scope.get("client")
        return Address(client[0], client[1]) if client else None

    @property
    def ip(self) -> str | None:
        """The client's IP address.

        The peer's address, unless the peer is one of the config's
        ``trusted_proxies``: then the right-most ``X-Forwarded-For`` entry that is an
        IP address and not itself a trusted proxy (entries further left are the
        client's to forge; ports are dropped, and entries that are not addresses are
        skipped).
        """
        client = self._scope.get("client")
        peer: str | None = client[0] if client else None
        if peer is None or not self._from_trusted_proxy():
            return peer
        return client_address(
            peer, self.headers.get_all("x-forwarded-for"), self._trusted_proxies
        )

    def _from_trusted_proxy(self) -> bool:
        if not self._trusted_proxies:
            return False
        client = self._scope.get("client")
        return client is not None and is_trusted(client[0], self._trusted_proxies)

    def _rewrite_path(self, path: str) -> None:
        """Serve this request as ``path`` (a rewrite): ``url.path`` says so from now."""
        self._path = path
        self._url = None

    def _reset_url(self) -> None:
        """Forget the parsed URL (the scope's query string was replaced)."""
        self._url = None

    def _override_headers(self, headers: list[tuple[bytes, bytes]]) -> None:
        """Replace the named request headers (``Response.next(request_headers=)``)."""
        names = {name for name, _ in headers}
        kept = [h for h in self._scope["headers"] if h[0] not in names]
        self._scope = {**self._scope, "headers": kept + headers}
        self._headers = None
        self._cookies = None

    def _set_limits(self, limits: RequestLimits) -> None:
        """Apply the route's body and form limits (known once the request is routed)."""
        self._limits = limits

    async def stream(self) -> AsyncIterator[bytes]:
        """Yield the body in chunks as they arrive (from memory if already read).

        A stream left early (``break``) loses nothing: a later ``stream()`` or
        ``body()`` starts again from the first chunk.

        Raises:
            HTTPError: 413 once the body exceeds the route's ``max_body_size``.
        """
        index = 0
        while True:
            while index < len(self._chunks):
                yield self._chunks[index]
                index += 1
            if self._body is not None:
                return
            await self._receive_chunk()

    async def _receive_chunk(self) -> None:
        """Receive one more message of the body into ``_chunks``; mark the end."""
        if self._too_large_seen:
            raise self._too_large()
        if not self._chunks:
            self._check_declared_length()
        channel = self._receive_channel
        message = await (self._receive() if channel is None else channel.next())
        if message["type"] == "http.disconnect":
            raise ClientDisconnectedError
        chunk: bytes = message.get("body", b"")
        if chunk:
            self._received += len(chunk)
            if self._received > self._limits.max_body_size:
                self._too_large_seen = True
                raise self._too_large()
            self._chunks.append(chunk)
        if not message.get("more_body", False):
            # _chunks stays as it is: a stream() in progress still walks it by index.
            # (Joining one chunk gives that chunk itself, so most bodies cost no copy.)
            self._body = b"".join(self._chunks)

    def _disconnect_waiter(self) -> Callable[[], Awaitable[None]]:
        """Return a coroutine function that returns once the client has gone away.

        Used while a response streams. From this call on, the body and the waiter
        share one reader of ASGI ``receive`` (a request that streams nothing never
        pays for it).
        """
        if self._receive_channel is None:
            self._receive_channel = _ReceiveChannel(
                self._receive, self._limits.max_body_size
            )
        return self._receive_channel.wait_for_disconnect

    async def body(self) -> bytes:
        """Return the whole body as bytes.

        Raises:
            HTTPError: 413 when the body exceeds the route's ``max_body_size``;
                nothing past the limit is read.
        """
        while self._body is None:
            await self._receive_chunk()
        return self._body

    async def text(self) -> str:
        """Return the body decoded with the ``charset`` of its content type.

        The charset defaults to UTF-8.
        """
        charset = "utf-8"
        for param in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = param.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip('"')
        body = await self.body()
        try:
            return body.decode(charset, "replace")
        except LookupError:
            return body.decode("utf-8", "replace")

    async def json(self) -> object:
        """Parse the body as JSON.

        Raises:
            HTTPError: 400 when the body is empty, malformed or nested too deeply, with
                what is wrong and where (line, column, byte). Differs from Next.js:
                there it is a 500 unless the handler catches the ``SyntaxError``.
        """
        body = self._body
        return decode_json(await self.body() if body is None else body)

    async def form(self) -> FormData:
        """Parse an urlencoded or multipart body into `FormData`.

        Files are given as `UploadFile` objects. The body is parsed in a worker
        thread, so a large form never blocks the event loop. Parsing stops at the
        first field, file or value past the route's ``max_fields``, ``max_files`` or
        ``max_part_size``.

        Raises:
            HTTPError: 413 when the body exceeds ``max_body_size`` or the form one of
                ``max_fields``, ``max_files``, ``max_part_size`` (the message names
                it); 415 when the content type is not a form type; 400 when the body
                is not a well-formed form.
        """
        if self._form is None:
            body = await self.body()
            self._form = await anyio.to_thread.run_sync(
                parse_form_body,
                self.headers.get("content-type", ""),
                body,
                self._limits.form_limits,
            )
        return self._form

    def _check_declared_length(self) -> None:
        # Straight off the ASGI headers: building request.headers for this alone
        # was a tenth of a small POST's cost. Servers refuse conflicting lengths.
        for name, value in self._scope["headers"]:
            if name == b"content-length":
                if value.isdigit() and int(value) > self._limits.max_body_size:
                    raise self._too_large()
                return

    def _too_large(self) -> HTTPError:
        limit = self._limits.max_body_size
        return HTTPError(
            413,
            f"Request body is larger than the limit of {limit} bytes. "
            "Raise max_body_size in the route file (or in the project config) "
            "if larger bodies are expected.",
        )

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.url}>"
