"""The response a handler returns, and how it is sent over ASGI.

``Response(body, status=, headers=)`` takes ``str`` (sent as
``text/plain; charset=utf-8`` unless a content type is given), ``bytes``, or a sync or
async iterator of ``str``/``bytes`` chunks, which is streamed as produced: each chunk is
flushed when it is yielded, so Server-Sent Events arrive one by one. ``Response.json``
and ``Response.redirect`` build the common cases.
"""

from __future__ import annotations

from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Set,
)
from typing import TYPE_CHECKING, Final, cast

import anyio
import anyio.lowlevel
import anyio.to_thread

from ._cookies import ResponseCookies
from ._headers import CONTROL, MutableHeaders
from ._json import encode_json

if TYPE_CHECKING:
    from ._headers import HeadersInit
    from ._types import Send

__all__ = [
    "REDIRECT_STATUSES",
    "BodyInit",
    "ContinueDirective",
    "MiddlewareDirective",
    "Response",
    "RewriteDirective",
]

BodyInit = (
    str
    | bytes
    | bytearray
    | memoryview
    | Iterable[str | bytes]
    | AsyncIterable[str | bytes]
)
REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
_TEXT: Final = (b"content-type", b"text/plain; charset=utf-8")
_JSON: Final = (b"content-type", b"application/json")
_NO_BODY_STATUSES: Final = frozenset({204, 304})


class Response:
    r"""An HTTP response.

    Example::

        return Response("hello")                                   # text/plain
        return Response(b"\x89PNG...", headers={"content-type": "image/png"})
        return Response(None, status=204)
        return Response(event_stream(), headers={"content-type": "text/event-stream"})

    Args:
        body: ``None`` (empty), ``str``, ``bytes``, or a sync/async iterator of chunks.
        status: The status code (default 200).
        headers: Headers as a mapping or a list of pairs (repeat a name to send
            it twice).

    Attributes:
        status: The status code; may be changed before the response is returned.
        headers: Mutable, case-insensitive, multi-valued headers.
    """

    __slots__ = ("_body", "_stream", "headers", "status")

    def __init__(
        self,
        body: BodyInit | None = None,
        *,
        status: int = 200,
        headers: HeadersInit | None = None,
    ) -> None:
        self.status = status if status == 200 else _check_status(status)
        self.headers = MutableHeaders(headers)
        self._stream: Iterable[str | bytes] | AsyncIterable[str | bytes] | None = None
        if body is None:
            self._body = b""
        elif isinstance(body, str):
            self._body = body.encode()
            if headers is None or "content-type" not in self.headers:
                self.headers.raw.append(_TEXT)
        elif isinstance(body, bytes | bytearray | memoryview):
            self._body = bytes(body)
        elif isinstance(body, AsyncIterable | Iterable) and not isinstance(
            body, Mapping | Set
        ):
            self._body = b""
            self._stream = cast(
                "Iterable[str | bytes] | AsyncIterable[str | bytes]", body
            )
        else:
            raise TypeError(
                f"Response body must be str, bytes or an iterator of chunks, not "
                f"{type(body).__name__}. Use Response.json(data) for JSON."
            )
        if self._stream is None:
            _add_length(self.headers, self._body, self.status, fresh=headers is None)

    @classmethod
    def json(
        cls, data: object, *, status: int = 200, headers: HeadersInit | None = None
    ) -> Response:
        """Return a compact UTF-8 JSON response (``application/json``).

        Encodes ``datetime``/``date`` (``isoformat()``), ``UUID``, ``Decimal``,
        ``Enum``, dataclasses, pydantic models and tuples. A content type in ``headers``
        is kept.

        Raises:
            TypeError: ``data`` holds a value with no JSON form.
        """
        response = cls.__new__(cls)
        response.status = status if status == 200 else _check_status(status)
        response._body = body = encode_json(data)
        response._stream = None
        if headers is None:  # the common case, kept short: it is on every JSON answer
            response.headers = MutableHeaders.of_raw(
                [_JSON]
                if status in _NO_BODY_STATUSES
                else [_JSON, (b"content-length", b"%d" % len(body))]
            )
            return response
        response.headers = MutableHeaders(headers)
        raw = response.headers.raw
        if "content-type" not in response.headers:
            raw.append(_JSON)
        _add_length(response.headers, body, response.status, fresh=False)
        return response

    @classmethod
    def _of_json(cls, body: bytes, status: int) -> Response:
        """A JSON response of bytes encoded already: a response model's answer.

        Framework-only: ``body`` must be JSON and ``status`` checked.
        """
        response = cls.__new__(cls)
        response.status = status
        response._body = body
        response._stream = None
        response.headers = MutableHeaders.of_raw(
            [_JSON]
            if status in _NO_BODY_STATUSES
            else [_JSON, (b"content-length", b"%d" % len(body))]
        )
        return response

    @classmethod
    def redirect(cls, url: str, status: int = 307) -> Response:
        """Return a redirect to ``url`` (307 by default; 301, 302, 303, 307 or 308).

        ``Location`` is ``url`` as given, percent-encoded to ASCII as JavaScript's
        ``encodeURI`` does: ``Response.redirect("/café?q=ü")`` sends
        ``Location: /caf%C3%A9?q=%C3%BC``; reserved characters (``/ ? # & =``...) and
        existing escapes (``%2F``) are kept. Differs from Next.js: a relative URL is
        allowed and stays relative (Next.js insists on absolute URLs).

        Raises:
            ValueError: The status is not a redirect status, or ``url`` has a control
                character (CR/LF would split the response) or a lone surrogate.
        """
        if status not in REDIRECT_STATUSES:
            raise ValueError(
                f"Invalid redirect status {status}: use one of 301, 302, 303, 307 "
                "or 308."
            )
        # The headers encode (and check) any location value: see MutableHeaders.
        return cls(None, status=status, headers={"location": url})

    @classmethod
    def next(
        cls,
        headers: HeadersInit | None = None,
        request_headers: HeadersInit | None = None,
    ) -> Response:
        """Continue to the route, from middleware, like ``NextResponse.next()``.

        Args:
            headers: Headers added to the response the client gets.
            request_headers: Headers the handler sees instead of (or besides) the
                request's own: each name given replaces that request header.

        Returned from a route handler it is a 500 (middleware only), as in Next.js.
        """
        return ContinueDirective(headers, request_headers)

    @classmethod
    def rewrite(cls, url: str, headers: HeadersInit | None = None) -> Response:
        """Serve another path of this app, from middleware (``NextResponse.rewrite``).

        ``url`` is a path (``/api/hello?x=1``) or an absolute URL of this app (the
        host the request was sent to); the client's URL does not change. A query in
        ``url`` replaces the request's; without one the request's is kept. An
        absolute URL of another host is a 500 (Next.js proxies it; routetree serves
        only its own paths). Returned from a route handler it is a 500.

        Raises:
            ValueError: ``url`` has a control character.
        """
        return RewriteDirective(url, headers)

    @property
    def cookies(self) -> ResponseCookies:
        """The cookies this response sets.

        ``.set(name, value, ...)`` and ``.delete(name)``.
        """
        return ResponseCookies(self.headers)

    @property
    def body(self) -> bytes | None:
        """The body bytes, or None for a streamed response."""
        return None if self._stream is not None else self._body

    @property
    def is_streaming(self) -> bool:
        """Whether the body is an iterator sent chunk by chunk."""
        return self._stream is not None

    def __repr__(self) -> str:
        return f"<Response {self.status}>"

    async def send(
        self,
        send: Send,
        *,
        head_only: bool = False,
        wait_for_disconnect: Callable[[], Awaitable[None]] | None = None,
        extra_headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        """Send the response over ASGI.

        Args:
            send: The ASGI send callable.
            head_only: Send status and headers only (a HEAD request).
            wait_for_disconnect: Returns when the client leaves; a streamed body stops
                then (an endless event stream would otherwise run on).
            extra_headers: Headers sent after the response's own, without changing
                the response (a handler may return the same Response every time).
        """
        headers = self.headers.raw
        if extra_headers:
            headers = headers + extra_headers
        if self._stream is None:
            body = self._body
            if self.status in _NO_BODY_STATUSES:  # set to 204 after construction
                headers = [h for h in headers if h[0] != b"content-length"]
            await send(
                {
                    "type": "http.response.start",
                    "status": self.status,
                    "headers": headers,
                }
            )
            await send(
                {"type": "http.response.body", "body": b"" if head_only else body}
            )
            return
        await send(
            {"type": "http.response.start", "status": self.status, "headers": headers}
        )
        if head_only:
            await _close(self._stream)
            await send({"type": "http.response.body", "body": b""})
        elif wait_for_disconnect is None:
            await _stream_body(self._stream, send)
        else:
            async with anyio.create_task_group() as group:

                async def stop_on_disconnect() -> None:
                    await wait_for_disconnect()
                    group.cancel_scope.cancel()

                group.start_soon(stop_on_disconnect)
                await _stream_body(self._stream, send)
                group.cancel_scope.cancel()


class MiddlewareDirective(Response):
    """What middleware returns to act on the request instead of answering it."""

    __slots__ = ()
    method_name = ""


class ContinueDirective(MiddlewareDirective):
    """``Response.next()``: continue to the route, maybe with new request headers."""

    __slots__ = ("request_headers",)
    method_name = "Response.next()"

    def __init__(
        self, headers: HeadersInit | None, request_headers: HeadersInit | None
    ) -> None:
        super().__init__(None, headers=headers)
        self.headers.delete("content-length")
        self.request_headers = (
            None if request_headers is None else MutableHeaders(request_headers)
        )


class RewriteDirective(MiddlewareDirective):
    """``Response.rewrite(url)``: serve another path of this app."""

    __slots__ = ("url",)
    method_name = "Response.rewrite()"

    def __init__(self, url: str, headers: HeadersInit | None) -> None:
        if CONTROL.search(url):
            raise ValueError(
                f"Invalid rewrite URL {url!r}: it has a control character."
            )
        super().__init__(None, headers=headers)
        self.headers.delete("content-length")
        self.url = url


def _check_status(status: int) -> int:
    if (
        isinstance(status, bool)
        or not isinstance(status, int)
        or not 100 <= status <= 999
    ):
        raise ValueError(f"Invalid status code {status!r}: use an int from 100 to 999.")
    return status


def _add_length(
    headers: MutableHeaders, body: bytes, status: int, *, fresh: bool
) -> None:
    # Content-Length is known at construction; a handler may still replace it.
    if status not in _NO_BODY_STATUSES and (fresh or "content-length" not in headers):
        headers.raw.append((b"content-length", b"%d" % len(body)))


async def _stream_body(
    stream: Iterable[str | bytes] | AsyncIterable[str | bytes], send: Send
) -> None:
    try:
        async for chunk in _iterate(stream):
            data = chunk.encode() if isinstance(chunk, str) else bytes(chunk)
            if data:
                await send(
                    {"type": "http.response.body", "body": data, "more_body": True}
                )
                # Once the client is gone, uvicorn's send returns at once without
                # suspending: a stream that awaits nothing itself would then run to
                # its end (gzipping it all) with the event loop blocked, and the
                # disconnect watcher could never stop it. Let the loop run.
                await anyio.lowlevel.checkpoint()
        await send({"type": "http.response.body", "body": b""})
    finally:
        await _close(stream)


async def _iterate(
    stream: Iterable[str | bytes] | AsyncIterable[str | bytes],
) -> AsyncIterator[str | bytes]:
    if isinstance(stream, AsyncIterable):
        async for chunk in stream:
            yield chunk
    elif isinstance(stream, list | tuple):
        for chunk in stream:
            yield chunk
    else:
        # A sync generator may block (time.sleep, file reads):
        # step it in a worker thread.
        iterator: Iterator[str | bytes] = iter(stream)
        while True:
            step = await anyio.to_thread.run_sync(_next_chunk, iterator)
            if step is None:
                return
            yield step


def _next_chunk(iterator: Iterator[str | bytes]) -> str | bytes | None:
    return next(iterator, None)


async def _close(stream: object) -> None:
    aclose = getattr(stream, "aclose", None)
    if aclose is not None:
        await aclose()
        return
    close = getattr(stream, "close", None)
    if callable(close):
        close()
