"""Limits the server puts on slow and oversized clients, under either HTTP parser.

uvicorn bounds nothing but the idle time between requests on a connection: a client
that sends its headers one byte a second, or stops half-way through a body, holds a
connection (and a file descriptor) for as long as it likes, and httptools takes a
head of any size, with any number of headers, and queues every pipelined request of
a write. `routetree start` and `routetree dev` therefore serve through subclasses of
uvicorn's two HTTP protocols that add, identically for both parsers:

==========================  ==============================================  ==========
limit                       what the client sees when it is passed          default
==========================  ==============================================  ==========
``header_timeout``          408 and close (close only if it sent nothing)   10 s
``body_timeout``            408 and close; close only once a response has   30 s
                            started (an idle time, reset by every read)
``keep_alive_timeout``      close of an idle connection (uvicorn's own)     5 s
``max_header_size``         431 and close                                   16 KiB
``max_headers``             431 and close                                   100
``max_pipelined``           the requests read are answered, then close      16
``limit_concurrency``       503 at once (the ``_concurrency`` wrapper)      none
``shutdown_delay``          seconds of 503 from the readiness endpoint on   0 s
                            SIGTERM before the server stops accepting
``shutdown_timeout``        in-flight requests cut off on SIGTERM           30 s
``ws_ping_interval``        a ping to each idle WebSocket this often        20 s
                            (0: none)
``ws_ping_timeout``         close (1011) of a WebSocket whose pong is       20 s
                            this late (0: no limit)
==========================  ==============================================  ==========

The header timeout runs from the connection's opening and from the first byte of each
later request until the head is complete. The head size counts the bytes of the request
line and header lines as sent, from the first byte to the blank line, so a head gives
the same answer in one write as byte by byte.

The subclasses live in `routetree._server._limits._httptools` and
`routetree._server._limits._h11`; the tests in ``tests/security/test_server_limits.py``
drive both through a real server, so a change of the uvicorn internals they rely on
fails there. Under ``routetree start --server granian``, granian's HTTP/1 settings and
an ASGI wrapper give as many of the same answers as granian allows
(`routetree._server._limits._granian`, which says what still differs); the same tests
run there too.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

__all__ = [
    "HTTP_PARSERS",
    "ServerLimits",
    "available_http_parsers",
    "default_http_parser",
    "protocol_class",
]

HTTP_PARSERS = ("httptools", "h11")


@dataclass(frozen=True, slots=True)
class ServerLimits:
    """What the server allows a client; the defaults are the documented ones.

    Attributes:
        header_timeout: Seconds from a connection's opening, or from the first byte
            of a request, until its headers must be complete.
        body_timeout: Seconds a request body may go without a byte arriving.
        keep_alive_timeout: Seconds an idle connection is kept between requests.
        max_header_size: Bytes of the request line and header lines together.
        max_headers: Header lines a request may have.
        max_pipelined: Requests a client may send in a row without waiting for the
            answer to the one before.
        limit_concurrency: Requests served at once by one process; None: no limit.
        shutdown_delay: Seconds between SIGTERM and the end of accepting, while the
            readiness endpoint answers 503 and requests are still served.
        shutdown_timeout: Seconds in-flight requests get to finish on SIGTERM, once
            the server stopped accepting.
        ws_ping_interval: Seconds between keep-alive pings to a WebSocket; 0: none.
        ws_ping_timeout: Seconds a ping waits for its pong before the socket is
            closed; 0: no limit.
    """

    header_timeout: float = 10.0
    body_timeout: float = 30.0
    keep_alive_timeout: float = 5.0
    max_header_size: int = 16 * 1024
    max_headers: int = 100
    max_pipelined: int = 16
    limit_concurrency: int | None = None
    shutdown_delay: float = 0.0
    shutdown_timeout: float = 30.0
    ws_ping_interval: float = 20.0
    ws_ping_timeout: float = 20.0


def available_http_parsers() -> tuple[str, ...]:
    """The parsers of `HTTP_PARSERS` that can be imported here (h11 always can)."""
    return tuple(
        name for name in HTTP_PARSERS if importlib.util.find_spec(name) is not None
    )


def default_http_parser() -> str:
    """``"httptools"`` when it is installed (the faster one), else ``"h11"``."""
    return available_http_parsers()[0]


def protocol_class(parser: str, limits: ServerLimits) -> type[asyncio.Protocol]:
    """Return uvicorn's protocol class for ``parser``, enforcing ``limits``.

    The result is what `uvicorn.Config` takes as ``http=``: uvicorn creates one
    instance per connection, with arguments that leave no room for the limits, so
    they are bound to a subclass made here.

    Raises:
        ValueError: ``parser`` is not one of `HTTP_PARSERS`.
        ImportError: ``parser`` is not installed.
    """
    base: type[asyncio.Protocol]
    if parser == "httptools":
        from ._httptools import LimitedHttpToolsProtocol

        base = LimitedHttpToolsProtocol
    elif parser == "h11":
        from ._h11 import LimitedH11Protocol

        base = LimitedH11Protocol
    else:
        raise ValueError(
            f"Unknown HTTP parser {parser!r}: use one of {', '.join(HTTP_PARSERS)}."
        )
    return type(base.__name__, (base,), {"limits": limits})
