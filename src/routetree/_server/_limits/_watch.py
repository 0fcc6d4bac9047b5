"""The per-connection timers and refusals that both protocol subclasses share.

One timer per connection. It is re-armed only when it fires early (the deadline moved
on) or must fire sooner, so a keep-alive connection serving many requests schedules a
handful of timers, not one per request and per read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Protocol

import orjson

from ..._errors import reason_phrase
from . import ServerLimits

if TYPE_CHECKING:
    import asyncio

    from uvicorn.protocols.http.flow_control import FlowControl
    from uvicorn.server import ServerState

__all__ = ["ConnectionWatch", "Cycle", "header_count_detail", "header_size_detail"]

# Timers may fire a little before their time (uvloop rounds to the millisecond).
_EARLY = 0.01
# After refusing a head, how long bytes still coming are read and dropped before the
# connection closes: closing with unread bytes resets it, and the client might lose
# the answer.
_LINGER = 1.0
# On shutdown (SIGTERM, a dev reload), how long a connection with no request in
# progress stays open: a request already on its way (sent on a kept-alive connection,
# or on one just accepted) is then answered, with Connection: close, instead of being
# cut off unanswered.
SHUTDOWN_GRACE = 0.5


class Cycle(Protocol):
    """What the limits use of uvicorn's ``RequestResponseCycle`` (either parser's)."""

    response_started: bool
    response_complete: bool
    disconnected: bool
    keep_alive: bool
    waiting_for_100_continue: bool
    message_event: asyncio.Event


# What the connection waits for (plain ints: watch() runs on every read).
_NONE = 0  # nothing: the app is answering, or the connection is idle between requests
_HEAD = 1  # the rest of a head: an absolute deadline
_BODY = 2  # more of a body: an idle deadline, pushed back by every read


class ConnectionWatch:
    """Mixed into uvicorn's protocol classes: the header and body timeouts.

    The subclass for each parser calls `watch` after every read and every finished
    response, saying where the connection is, and answers `current_cycle` and
    `head_started` when the timer fires.
    """

    limits: ClassVar[ServerLimits] = ServerLimits()

    # Set by uvicorn's protocol classes (the same names in 0.30 to 0.55).
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    flow: FlowControl
    server_state: ServerState
    timeout_keep_alive: int

    _phase: int
    _deadline: float
    _timer: asyncio.TimerHandle | None
    _timer_at: float
    _pipelined: int
    stopped: bool
    draining: bool
    _held: bool

    def init_watch(self) -> None:
        """Set the watch and the keep-alive timeout up; call from ``__init__``."""
        # uvicorn types it int (its CLI takes whole seconds); call_later takes floats.
        self.timeout_keep_alive = self.limits.keep_alive_timeout  # type: ignore[assignment]
        self._pipelined = 0  # requests in a row sent before the previous answer
        self._phase = _NONE
        self._deadline = self._timer_at = 0.0
        self._timer = None
        self.stopped = False  # a limit ended the reading: later bytes are dropped
        self.draining = False  # the server is shutting down (see shutdown)
        self._held = False  # the server held the body back at the timer's last check

    def current_cycle(self) -> Cycle | None:
        """The request the parser is on (uvicorn's ``self.cycle``), if any yet."""
        raise NotImplementedError

    def head_started(self) -> bool:
        """Whether some bytes of the next request's head have arrived."""
        raise NotImplementedError

    def can_answer(self) -> bool:
        """Whether no earlier pipelined response is still being sent."""
        return True

    def hand_over(self) -> None:
        """Stop watching: an upgrade gives the connection to another protocol."""
        self.stopped = True
        self.stop_watch()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Start the header timeout with the connection."""
        super().connection_made(transport)  # type: ignore[misc]
        self.start_watch()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the timer."""
        super().connection_lost(exc)  # type: ignore[misc]
        self.stop_watch()

    def start_watch(self) -> None:
        """Start the header timeout of the first request; call on connection."""
        self._arm(_HEAD, self.limits.header_timeout)

    def stop_watch(self) -> None:
        """Cancel the timer; call when the connection is lost or handed over."""
        self._phase = _NONE
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def watch(self, body: bool, head: bool, progress: bool = False) -> None:
        """Wait for what the connection needs now.

        Args:
            body: A head is complete and its body is not.
            head: No request is being answered, and this is the connection's first
                request or bytes of the next head have arrived. (Between requests the
                keep-alive timeout rules, so a later request's clock starts with its
                first byte.)
            progress: Bytes came in.
        """
        if body:
            if progress or self._phase != _BODY:
                self._held = False
                self._arm(_BODY, self.limits.body_timeout)
        elif head:
            if self._phase != _HEAD:
                self._arm(_HEAD, self.limits.header_timeout)
        else:
            self._phase = _NONE

    def shutdown(self) -> None:
        """Called by uvicorn when the server stops: close, but not under a request.

        uvicorn closes a connection at once when no response is in progress, which
        loses a request whose bytes are on their way but not read yet. Such a
        connection is kept for `SHUTDOWN_GRACE` seconds: a request arriving then is
        answered with ``Connection: close`` (see `close_after_answer`), and the
        connection closes after it or when the grace ends.
        """
        cycle = self.current_cycle()
        busy = cycle is not None and not cycle.response_complete
        if busy or self.draining or self.stopped:
            super().shutdown()  # type: ignore[misc]
            return
        self.draining = True
        self.loop.call_later(SHUTDOWN_GRACE, self._end_drain)

    def close_after_answer(self) -> None:
        """While draining, answer the request just read with Connection: close."""
        cycle = self.current_cycle()
        if self.draining and cycle is not None and not cycle.response_started:
            cycle.keep_alive = False

    def _end_drain(self) -> None:
        if not self.transport.is_closing():
            super().shutdown()  # type: ignore[misc]

    def refuse(self, status: int, detail: str, *, linger: bool = False) -> None:
        """Answer ``status`` with routetree's JSON error, close, and read no more.

        With ``linger``, the client may still be sending (the rest of a head too
        large): the connection is half-closed at once and closed a moment later.
        """
        self.stopped = True
        self._phase = _NONE
        phrase = reason_phrase(status)
        body = orjson.dumps({"error": phrase, "detail": detail})
        head = [f"HTTP/1.1 {status} {phrase}\r\n".encode()]
        head.extend(name + b": " + value + b"\r\n" for name, value in self._defaults())
        head.append(
            b"content-type: application/json\r\ncontent-length: %d\r\n"
            b"connection: close\r\n\r\n" % len(body)
        )
        self.transport.write(b"".join(head) + body)
        if linger and self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(_LINGER, self.transport.close)
        else:
            self.transport.close()

    def _defaults(self) -> list[tuple[bytes, bytes]]:
        # The date header uvicorn adds to every response (and server, if enabled).
        return self.server_state.default_headers

    def _arm(self, phase: int, seconds: float) -> None:
        self._phase = phase
        self._deadline = deadline = self.loop.time() + seconds
        if self._timer is None or self._timer_at > deadline:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = self.loop.call_at(deadline, self._on_timer)
            self._timer_at = deadline

    def _on_timer(self) -> None:
        self._timer = None
        if self._phase == _NONE or self.transport.is_closing():
            return
        if self.loop.time() + _EARLY < self._deadline:
            self._timer = self.loop.call_at(self._deadline, self._on_timer)
            self._timer_at = self._deadline
        elif self._phase == _HEAD:
            if self.head_started():
                self.refuse(
                    408,
                    "The request headers did not arrive within "
                    f"{self.limits.header_timeout:g} s.",
                )
            else:
                self.stopped = True
                self.transport.close()
        elif self._server_holds_body():
            self._arm(_BODY, self.limits.body_timeout)
            self._held = True
        elif self._held:
            # The hold ended at some point since the last check ("100 Continue" just
            # went out, say): the client's time starts now, not at the last check.
            self._held = False
            self._arm(_BODY, self.limits.body_timeout)
        else:
            self._body_timed_out()

    def _server_holds_body(self) -> bool:
        # Reading is paused (the app has not read what came) or the client waits for
        # "100 Continue", which the app has not asked for yet: not the client's delay.
        cycle = self.current_cycle()
        return self.flow.read_paused or (
            cycle is not None and cycle.waiting_for_100_continue
        )

    def _body_timed_out(self) -> None:
        cycle = self.current_cycle()
        answered = cycle is not None and cycle.response_started
        if cycle is not None:
            # The app's pending receive() returns http.disconnect; what it sends
            # from now on is dropped.
            cycle.disconnected = True
            cycle.message_event.set()
        if answered or not self.can_answer():
            self.stopped = True
            self._phase = _NONE
            self.transport.close()
        else:
            self.refuse(
                408,
                f"The request body sent nothing for {self.limits.body_timeout:g} s.",
            )


def header_size_detail(limit: int) -> str:
    """The ``detail`` of a 431 for a head over ``max_header_size``."""
    return f"The request line and headers are larger than {limit} bytes."


def header_count_detail(limit: int) -> str:
    """The ``detail`` of a 431 for a head over ``max_headers``."""
    return f"The request has more than {limit} header lines."
