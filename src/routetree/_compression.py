"""Gzip for responses: an ASGI ``send`` wrapper, never for Server-Sent Events.

The app wraps one response's ``send`` in `GzipSend` when the route answers; the
wrapper looks at the ``http.response.start`` message and the first body message and
compresses when it is worth it::

    send = GzipSend(send, accepted=accepts_gzip(request.headers.get("accept-encoding")))
    await response.send(send)

What is compressed: a response that may have a body (not 1xx, 204, 205, 206 or
304), has no ``Content-Encoding`` yet, and has a compressible type (``text/*``,
JSON, JavaScript, XML, ``+json``, ``+xml``, SVG) that is not ``text/event-stream``;
its body must be streamed or, sent in one message, at least ``minimum_size`` bytes.

Streamed bodies are compressed chunk by chunk, each chunk flushed with
``Z_SYNC_FLUSH``, so a client decoding the stream gets every piece as soon as it is
sent; compression never turns a stream into one late answer (the buffering users
hit with Next.js, vercel/next.js#66263 and #98007). Event streams are never
compressed at all and their headers go out at once.

Decisions:

- The app wraps ``send`` only for clients that accept gzip, and then
  ``Vary: Accept-Encoding`` is added exactly when the response could have been
  compressed (everything above holds), compressed or not. Caches then keep the
  gzip variant apart. A response that could never be compressed (an image, an
  event stream, a small body) does not vary and gets no ``Vary``. The answer to a
  client that does not accept gzip carries no ``Vary: Accept-Encoding``: a cache
  that stores it can only serve the identity bytes, which every client reads, and
  leaving it out keeps the wrapper off the hot path (``GzipSend(accepted=False)``
  adds it, for apps that want it).
- A strong ``ETag`` becomes weak (``W/"..."``) on a compressed response, as nginx
  does: the bytes differ from the identity representation the tag was made for.
- An empty single-message body (a ``HEAD`` answer) is left alone: its headers
  describe the identity representation.

Differs from Next.js: Next.js adds ``Accept-Encoding`` to ``Vary`` on every response
with a body, also to clients that do not accept gzip, and compresses with its own
thresholds; routetree compresses streamed route-handler responses too, flushed per
chunk.
"""

from __future__ import annotations

import functools
import zlib
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ._types import Message, Send

__all__ = ["GzipSend", "accepts_gzip", "is_compressible_type"]

_GZIP_WBITS: Final = 16 + zlib.MAX_WBITS
_NO_BODY_STATUSES: Final = frozenset({204, 205, 304})
# A 206 carries a byte range of the identity representation; compressing it would
# break the Content-Range arithmetic.
_NOT_COMPRESSED_STATUSES: Final = _NO_BODY_STATUSES | {206}
_COMPRESSIBLE_NON_TEXT: Final = frozenset(
    {
        "application/json",
        "application/javascript",
        "application/x-javascript",
        "application/ecmascript",
        "application/xml",
        "image/svg+xml",
    }
)
_SKIPPED_HEADERS: Final = frozenset({b"content-length", b"vary", b"etag"})


@functools.lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str | None) -> bool:
    """Tell whether an ``Accept-Encoding`` value lets the response be gzipped.

    q-values are honoured: ``gzip;q=0`` refuses, ``*`` (with a q above 0) accepts
    any coding not listed, ``x-gzip`` is ``gzip`` (RFC 9110, 8.4.1.3), and a header
    naming only ``identity`` (or none at all) refuses.

    Example::

        accepts_gzip("gzip, deflate, br")        # True
        accepts_gzip("br;q=1, gzip;q=0")         # False
        accepts_gzip("*")                        # True
        accepts_gzip("identity")                 # False

    Args:
        accept_encoding: The header's value, or None when it is absent.

    Returns:
        True when gzip is acceptable.
    """
    if not accept_encoding:
        return False
    gzip_q: float | None = None
    any_q: float | None = None
    for item in accept_encoding.split(","):
        coding, _, params = item.partition(";")
        coding = coding.strip().lower()
        if coding not in ("gzip", "x-gzip", "*"):
            continue
        q = _qvalue(params)
        if q is None:
            continue  # a malformed q-value: ignore the element
        if coding == "*":
            any_q = q if any_q is None else max(any_q, q)
        else:
            gzip_q = q if gzip_q is None else max(gzip_q, q)
    if gzip_q is not None:
        return gzip_q > 0
    return any_q is not None and any_q > 0


def _qvalue(params: str) -> float | None:
    q = 1.0
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return None
            if not 0 <= q <= 1:
                return None
    return q


def is_compressible_type(content_type: str | None) -> bool:
    """Tell whether a ``Content-Type`` names text worth gzipping.

    ``text/*``, JSON, JavaScript, XML, ``+json``, ``+xml`` and SVG are;
    ``text/event-stream`` never is: events must arrive as they are sent.

    Args:
        content_type: The header's value, parameters allowed.

    Returns:
        True when the type is compressible.
    """
    if not content_type:
        return False
    media_type = content_type.partition(";")[0].strip().lower()
    if media_type.startswith("text/"):
        return media_type != "text/event-stream"
    return media_type in _COMPRESSIBLE_NON_TEXT or (
        media_type.startswith("application/") and media_type.endswith(("+json", "+xml"))
    )


class GzipSend:
    """Wrap one response's ASGI ``send``, gzipping its body when worthwhile.

    The ``http.response.start`` message is held back until the first body message
    shows whether the body is a single message (compressed only from
    ``minimum_size`` bytes, ``Content-Length`` set to the compressed size) or a
    stream (compressed chunk by chunk with ``Z_SYNC_FLUSH``, ``Content-Length``
    dropped). A response that can never be compressed (event stream, image, 204,
    already encoded) is passed through at once, its start message unchanged and
    not delayed.

    Example::

        gzip_send = GzipSend(send)
        await send_response(gzip_send)   # the app sends through it as usual

    Args:
        send: The ASGI send callable of this response.
        minimum_size: Smallest single-message body compressed, in bytes.
        level: zlib compression level, 0 (none) to 9 (smallest); 6 by default.
        accepted: Whether the client accepts gzip (`accepts_gzip`). When False
            nothing is compressed, but a response that could have been still gets
            ``Vary: Accept-Encoding``.

    Raises:
        ValueError: ``minimum_size`` is negative or ``level`` is not 0 to 9.
    """

    __slots__ = (
        "_compressor",
        "_mode",
        "_start",
        "accepted",
        "level",
        "minimum_size",
        "send",
    )

    def __init__(
        self,
        send: Send,
        minimum_size: int = 500,
        level: int = 6,
        *,
        accepted: bool = True,
    ) -> None:
        if minimum_size < 0:
            raise ValueError(
                f"Invalid gzip minimum_size {minimum_size}: use 0 or more bytes."
            )
        if not 0 <= level <= 9:
            raise ValueError(f"Invalid gzip level {level}: use 0 to 9.")
        self.send = send
        self.minimum_size = minimum_size
        self.level = level
        self.accepted = accepted
        self._start: Message | None = None
        # "start": waiting for the start message; "decide": start held back until
        # the first body message; "gzip": compressing a stream; "pass": untouched.
        self._mode = "start"
        self._compressor: zlib._Compress | None = None

    async def __call__(self, message: Message) -> None:
        """Send ``message``, compressed when the response is being compressed."""
        mode = self._mode
        if mode == "pass":
            await self.send(message)
        elif mode == "gzip":
            await self._send_compressed(message)
        elif mode == "start":
            await self._on_start(message)
        else:
            await self._on_first_body(message)

    async def _on_start(self, message: Message) -> None:
        if message["type"] != "http.response.start":
            self._mode = "pass"
            await self.send(message)
            return
        if _could_compress(message):
            self._start = message
            self._mode = "decide"
        else:
            self._mode = "pass"
            await self.send(message)

    async def _on_first_body(self, message: Message) -> None:
        start = self._start
        if start is None:  # unreachable: "decide" is entered with a start message
            raise RuntimeError("GzipSend: a body message before the start message")
        self._start = None
        if message["type"] != "http.response.body":
            # http.response.pathsend and other extensions: nothing to compress.
            self._mode = "pass"
            await self.send(start)
            await self.send(message)
            return
        body: bytes = message.get("body", b"")
        more_body: bool = message.get("more_body", False)
        if not more_body:
            self._mode = "pass"
            await self._send_single(start, message, body)
            return
        if not self.accepted:
            self._mode = "pass"
            await self.send(_with_headers(start, _vary_only(start["headers"])))
            await self.send(message)
            return
        self._mode = "gzip"
        self._compressor = zlib.compressobj(self.level, zlib.DEFLATED, _GZIP_WBITS)
        await self.send(_with_headers(start, _gzip_headers(start["headers"], None)))
        await self._send_compressed(message)

    async def _send_single(self, start: Message, message: Message, body: bytes) -> None:
        if len(body) < self.minimum_size or not body:
            await self.send(start)
            await self.send(message)
            return
        if not self.accepted:
            await self.send(_with_headers(start, _vary_only(start["headers"])))
            await self.send(message)
            return
        compressor = zlib.compressobj(self.level, zlib.DEFLATED, _GZIP_WBITS)
        compressed = compressor.compress(body) + compressor.flush()
        if len(compressed) >= len(body):
            # Incompressible after all (already dense data): send it as it is, but
            # it is still a response that varies on Accept-Encoding.
            await self.send(_with_headers(start, _vary_only(start["headers"])))
            await self.send(message)
            return
        await self.send(
            _with_headers(start, _gzip_headers(start["headers"], len(compressed)))
        )
        await self.send({**message, "body": compressed})

    async def _send_compressed(self, message: Message) -> None:
        compressor = self._compressor
        if message["type"] != "http.response.body" or compressor is None:
            await self.send(message)  # trailers and the like
            return
        body: bytes = message.get("body", b"")
        if message.get("more_body", False):
            if not body:
                await self.send(message)
                return
            data = compressor.compress(body) + compressor.flush(zlib.Z_SYNC_FLUSH)
        else:
            data = compressor.compress(body) + compressor.flush(zlib.Z_FINISH)
            self._compressor = None
            self._mode = "pass"
        await self.send({**message, "body": data})


def _could_compress(start: Message) -> bool:
    status: int = start["status"]
    if status < 200 or status in _NOT_COMPRESSED_STATUSES:
        return False
    content_type: bytes | None = None
    for name, value in start.get("headers", ()):
        key = bytes(name).lower()
        if key == b"content-encoding":
            return False
        if key == b"content-type":
            content_type = bytes(value)
    return content_type is not None and is_compressible_type(
        content_type.decode("latin-1")
    )


def _with_headers(start: Message, headers: list[tuple[bytes, bytes]]) -> Message:
    return {**start, "headers": headers}


def _vary_only(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return _rewrite_headers(headers, gzip=False, length=None)


def _gzip_headers(
    headers: Iterable[tuple[bytes, bytes]], length: int | None
) -> list[tuple[bytes, bytes]]:
    return _rewrite_headers(headers, gzip=True, length=length)


def _rewrite_headers(
    headers: Iterable[tuple[bytes, bytes]], *, gzip: bool, length: int | None
) -> list[tuple[bytes, bytes]]:
    """Copy ``headers``, adding Accept-Encoding to Vary and, for gzip, the encoding.

    Repeated Vary lines are merged into one; ``Vary: *`` is left as it is.
    """
    result: list[tuple[bytes, bytes]] = []
    vary: list[bytes] = []
    etag: bytes | None = None
    for raw_name, raw_value in headers:
        name, value = bytes(raw_name).lower(), bytes(raw_value)
        if name not in _SKIPPED_HEADERS:
            result.append((name, value))
        elif name == b"vary":
            vary.append(value)
        elif name == b"etag":
            etag = value
        elif not gzip:
            result.append((name, value))  # content-length of an unchanged body
    tokens = [t.strip() for v in vary for t in v.split(b",") if t.strip()]
    lowered = {t.lower() for t in tokens}
    if b"*" not in lowered and b"accept-encoding" not in lowered:
        tokens.append(b"Accept-Encoding")
    result.append((b"vary", b", ".join(tokens)))
    if etag is not None:
        result.append(
            (b"etag", b"W/" + etag if gzip and not etag.startswith(b"W/") else etag)
        )
    if gzip:
        result.append((b"content-encoding", b"gzip"))
        if length is not None:
            result.append((b"content-length", b"%d" % length))
    return result
