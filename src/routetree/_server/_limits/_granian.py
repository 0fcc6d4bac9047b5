"""The server limits under granian: its HTTP/1 settings, and an ASGI wrapper.

granian parses HTTP in Rust (hyper) and offers no protocol class to subclass, so what
uvicorn's subclasses (`._httptools`, `._h11`) do on the bytes is done here with what
granian lets a Python program reach:

- `http1_settings`: granian's own settings. ``header_timeout`` becomes hyper's header
  read timeout (the connection is closed, without a 408; hyper runs it from the end of
  the previous response, so it also closes a connection idle that long), and
  ``keep_alive_timeout = 0`` turns keep-alive off. hyper's read buffer, which bounds
  a head and the pipelined bytes held per connection, is sized from
  ``max_header_size``: `read_buffer_size`.
- `GranianLimits`: an ASGI wrapper, the outermost one, seeing each request as granian
  hands it over. ``max_headers`` and ``max_header_size`` are checked on the scope's
  headers, and ``body_timeout`` is timed while the app waits in
  ``receive()`` for more of the body, with the same answers as under uvicorn.

What hyper refuses itself never reaches the wrapper: more than 100 header lines (its
fixed limit; granian has no setting for it) or a head larger than its read buffer get
hyper's ``431`` with ``Connection: close`` and an empty body. ``max_pipelined`` has
no equivalent: hyper answers pipelined requests one at a time from its read buffer,
so their memory is bounded, not their number.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Final, NoReturn

from granian.http import HTTP1Settings

from ..._error_responses import error_response
from ._watch import header_count_detail, header_size_detail

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from ..._types import ASGIApp, Message, Receive, Scope, Send
    from . import ServerLimits

__all__ = [
    "HYPER_MAX_HEADERS",
    "GranianLimits",
    "http1_settings",
    "read_buffer_size",
]

# hyper's DEFAULT_MAX_HEADERS: a request with more header lines gets its bare 431.
HYPER_MAX_HEADERS: Final = 100
# hyper refuses a read buffer under 8 KiB; 64 KiB keeps body reads in large chunks.
_MIN_READ_BUFFER: Final = 64 * 1024
# "GET" + " " + target + " HTTP/1.1\r\n" is the method, the target and 12 bytes; each
# header line is its name, ": ", its value and "\r\n"; the blank line is 2 bytes.
_REQUEST_LINE_EXTRA: Final = 12
_HEADER_LINE_EXTRA: Final = 4
_BLANK_LINE: Final = 2
# Timers may fire a little before their time; a wait this close to its end is over.
_EARLY: Final = 0.01
# A request with either header has a body to time ("Content-Length: 0" too: it is
# rare, and passes through as quickly).
_BODY_HEADERS: Final = frozenset((b"content-length", b"transfer-encoding"))


def read_buffer_size(limits: ServerLimits) -> int:
    """The size of hyper's read buffer: 4 x ``max_header_size``, at least 64 KiB.

    A head larger than the buffer is refused by hyper itself (an empty 431), one
    between ``max_header_size`` and the buffer by `GranianLimits` (routetree's JSON
    431). The margin gives the usual too-large head (a pile of cookies) routetree's
    answer, while a connection still holds a small multiple of what uvicorn's would,
    not granian's default of 408 KiB.
    """
    return max(_MIN_READ_BUFFER, 4 * limits.max_header_size)


def http1_settings(limits: ServerLimits) -> HTTP1Settings:
    """The HTTP/1 settings of granian for ``limits`` (see the module docstring)."""
    return HTTP1Settings(
        header_read_timeout=max(1, round(limits.header_timeout * 1000)),
        keep_alive=limits.keep_alive_timeout > 0,
        max_buffer_size=read_buffer_size(limits),
    )


class GranianLimits:
    r"""ASGI wrapper: ``max_headers``, ``max_header_size`` and ``body_timeout``.

    A request over either size limit is answered ``431`` with routetree's JSON error
    and ``Connection: close``, and the app never sees it. The head is measured as
    sent, rebuilt from the scope: ``METHOD target HTTP/1.1\r\n``, each header as
    ``name: value\r\n``, and the blank line. That is the count of uvicorn's limit
    byte for byte, unless the client put more than one space after a colon, spaces
    after a value or bare LF line ends (hyper drops them, so they are not counted),
    or sent an absolute-form target (only its path and query reach the scope).

    A request with a body (``Content-Length`` or ``Transfer-Encoding``) is served
    through `_BodyWatch`; one without is passed on untouched.

    Args:
        app: The ASGI app to wrap.
        limits: The limits to enforce.
    """

    def __init__(self, app: ASGIApp, limits: ServerLimits) -> None:
        self.app = app
        self.max_header_size = limits.max_header_size
        self.max_headers = limits.max_headers
        self.body_clock = _BodyClock(limits.body_timeout)

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        """Refuse an oversized head, time the body, or pass the request on.

        A plain function returning what to await: no coroutine of its own on the way
        of every request.
        """
        if scope["type"] != "http":
            return self.app(scope, receive, send)
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        if len(headers) > self.max_headers:
            return _refuse(send, 431, header_count_detail(self.max_headers))
        query: bytes = scope["query_string"]
        size = (
            len(scope["method"])
            + len(scope["raw_path"])
            + (len(query) + 1 if query else 0)  # "?" and the query
            + _REQUEST_LINE_EXTRA
            + _HEADER_LINE_EXTRA * len(headers)
            + _BLANK_LINE
        )
        has_body = False
        for name, value in headers:
            size += len(name) + len(value)
            if name in _BODY_HEADERS:
                has_body = True
        if size > self.max_header_size:
            return _refuse(send, 431, header_size_detail(self.max_header_size))
        if not has_body:
            return self.app(scope, receive, send)
        watch = _BodyWatch(receive, send, self.body_clock)
        return self.app(scope, watch.receive, watch.send)


class _BodyClock:
    """The body timeouts of one process: the requests waiting for their body.

    Every wait lasts the same ``timeout`` and starts now, so the waits, kept in the
    order they started (a dict's), are also in the order of their deadlines: one
    timer, set for the oldest, serves them all. A receive() that returns leaves the
    dict and costs no timer of its own (a timer armed and cancelled per wait cost
    about 17,000 instructions more per POST on the standard event loop); the timer,
    firing for a wait that has ended since, moves on to the oldest one left.
    """

    __slots__ = ("_timer", "timeout", "waiting")

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.waiting: dict[_BodyWatch, float] = {}
        self._timer: asyncio.TimerHandle | None = None

    def start(self, watch: _BodyWatch) -> None:
        """``watch`` waits for its body from now on."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        self.waiting[watch] = deadline
        if self._timer is None:
            self._timer = loop.call_at(deadline, self._on_timer, loop)

    def _on_timer(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        now = loop.time() + _EARLY
        waiting = self.waiting
        while waiting:
            watch, deadline = next(iter(waiting.items()))
            if deadline > now:
                self._timer = loop.call_at(deadline, self._on_timer, loop)
                return
            del waiting[watch]
            watch.expire()


class _BodyWatch:
    """One request's body timeout: ``receive`` timed until the body has ended.

    The clock runs only while the app waits in ``receive()`` for the next part of the
    body, so time the app spends elsewhere (not reading yet, or answering) does not
    count, as under uvicorn, which stops counting while it holds the body back; hyper
    sends ``100 Continue`` when the app first waits, and the client's time starts
    then. Past the timeout, the pending ``receive()`` returns ``http.disconnect``
    (routetree's ``request.body()`` raises it), a response not started yet is a 408
    with ``Connection: close``, and what the app sends afterwards is dropped.
    """

    __slots__ = (
        "_clock",
        "_receive",
        "_send",
        "_task",
        "body_done",
        "started",
        "timed_out",
    )

    def __init__(self, receive: Receive, send: Send, clock: _BodyClock) -> None:
        self._receive = receive
        self._send = send
        self._clock = clock
        self._task: asyncio.Task[object] | None = None
        self.body_done = False
        self.started = False
        self.timed_out = False

    async def receive(self) -> Message:
        """The next message; ``http.disconnect`` once the body timed out."""
        if self.timed_out:
            return {"type": "http.disconnect"}
        if self.body_done:  # the app waits for a disconnect: not the client's delay
            return await self._receive()
        self._task = task = asyncio.current_task()
        assert task is not None  # receive() is always awaited in the app's task
        clock = self._clock
        clock.start(self)
        try:
            message = await self._receive()
        except asyncio.CancelledError:
            # Our cancel, and nobody else's (a shutdown's must go on): time is up.
            if not self.timed_out or task.uncancel() > 0:
                raise
            return await self._timed_out()
        finally:
            clock.waiting.pop(self, None)
        if not message.get("more_body", False):
            self.body_done = True
        return message

    def send(self, message: Message) -> Awaitable[None]:
        """Pass ``message`` on, unless the body timed out.

        A plain function, as `GranianLimits.__call__`: the app sends at least twice.
        """
        if self.timed_out:
            return _nothing()
        if message["type"] == "http.response.start":
            self.started = True
        return self._send(message)

    def expire(self) -> None:
        """Time is up: end the pending ``receive()`` (see `receive`)."""
        self.timed_out = True
        assert self._task is not None
        self._task.cancel()

    async def _timed_out(self) -> Message:
        if not self.started:
            self.started = True
            await _refuse(
                self._send,
                408,
                f"The request body sent nothing for {self._clock.timeout:g} s.",
            )
        # hyper closes the connection only once granian's request object, which owns
        # the unread body, is freed. An app's exception may keep this watch alive
        # in a reference cycle for a while: it must not keep that object too.
        self._receive = self._send = _unreachable
        return {"type": "http.disconnect"}


async def _nothing() -> None:
    """What a dropped send awaits."""


def _unreachable(*_: object) -> NoReturn:
    """What a timed-out watch has instead of granian's receive and send."""
    raise AssertionError("not called once the body timed out")


async def _refuse(send: Send, status: int, detail: str) -> None:
    """Answer ``status`` with routetree's JSON error and ``Connection: close``."""
    await error_response(status, detail, headers={"connection": "close"}).send(send)
