"""uvicorn's h11 protocol, with the server limits.

h11 parses one request at a time and keeps what follows in its buffer, so pipelined
requests cost no more than one read; its own size limit, though, applies only while a
head is incomplete, and a whole head in one read passes it. `_Connection` measures
every head as the bytes it took from the buffer, and refuses it before uvicorn sees it.

uvicorn internals relied on (the same in 0.30 and 0.55): ``self.conn``, the
`h11.Connection` whose ``next_event`` ``handle_events`` calls after each read and
after each response; ``self.cycle``, the current request; ``on_response_complete``,
which starts the next buffered request; ``self.timeout_keep_alive``; and
``STATUS_PHRASES``, the reason phrase of each status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import h11
from uvicorn.protocols.http import h11_impl
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..._errors import RFC_9110_PHRASES
from ._watch import ConnectionWatch, header_count_detail, header_size_detail

if TYPE_CHECKING:
    import asyncio

    from uvicorn.config import Config
    from uvicorn.protocols.http.h11_impl import RequestResponseCycle
    from uvicorn.server import ServerState

    from . import ServerLimits

__all__ = ["LimitedH11Protocol"]

# uvicorn takes reason phrases from Python's HTTPStatus; before Python 3.13 some are
# older than RFC 9110 ("422 Unprocessable Entity"), and the status line would
# disagree with routetree's error body ({"error": "Unprocessable Content"}).
for _status, _phrase in RFC_9110_PHRASES.items():
    h11_impl.STATUS_PHRASES[_status] = _phrase.encode()


class _Connection(h11.Connection):
    """h11's server side, refusing a head over the size or header count limit.

    A refused head is not passed on: `next_event` answers ``NEED_DATA`` instead and
    sets `refused`, which the protocol turns into a 431.
    """

    def __init__(self, limits: ServerLimits) -> None:
        # h11 itself refuses a head still incomplete past this size (a head sent in
        # parts); next_event measures a head that arrived whole.
        super().__init__(h11.SERVER, max_incomplete_event_size=limits.max_header_size)
        self.limits = limits
        self.refused: str | None = None

    def next_event(self) -> h11.Event | type[h11.NEED_DATA] | type[h11.PAUSED]:
        """h11's next event; ``NEED_DATA`` for a refused head."""
        if self.their_state is not h11.IDLE:
            return super().next_event()
        before = len(self.trailing_data[0])
        try:
            event = super().next_event()
        except h11.RemoteProtocolError as exc:
            if exc.error_status_hint != 431:
                raise
            self.refused = header_size_detail(self.limits.max_header_size)
            return h11.NEED_DATA
        if isinstance(event, h11.Request):
            if before - len(self.trailing_data[0]) > self.limits.max_header_size:
                self.refused = header_size_detail(self.limits.max_header_size)
            elif len(event.headers) > self.limits.max_headers:
                self.refused = header_count_detail(self.limits.max_headers)
            if self.refused is not None:
                return h11.NEED_DATA
        return event


class LimitedH11Protocol(ConnectionWatch, H11Protocol):
    """`H11Protocol` enforcing `limits` (see `routetree._server._limits`)."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._conn = self.conn = _Connection(self.limits)
        self.init_watch()

    def data_received(self, data: bytes) -> None:
        """Parse as uvicorn does, then answer a refused head or re-arm the timer."""
        if self.stopped:
            return
        super().data_received(data)
        self._after_events(progress=True)

    def on_response_complete(self) -> None:
        """Count a pipelined request before it starts; close past the limit."""
        if self._conn.their_state is h11.DONE and self._conn.trailing_data[0]:
            self._pipelined += 1
            if self._pipelined > self.limits.max_pipelined:
                self.stopped = True
                self.transport.close()  # uvicorn then starts no other request
        else:
            self._pipelined = 0
        super().on_response_complete()
        if not self.stopped:
            self._after_events(progress=False)

    def current_cycle(self) -> RequestResponseCycle | None:
        """The request uvicorn is on, None before the first."""
        return self.cycle

    def head_started(self) -> bool:
        """Whether bytes of a head are waiting in h11's buffer."""
        return self._conn.their_state is h11.IDLE and bool(self._conn.trailing_data[0])

    def handle_websocket_upgrade(self, event: h11.Request) -> None:
        """Hand the connection over to uvicorn's WebSocket protocol; stop watching."""
        self.hand_over()
        super().handle_websocket_upgrade(event)

    def _after_events(self, *, progress: bool) -> None:
        if self._conn.refused is not None:
            self.refuse(431, self._conn.refused, linger=True)
        elif not self.stopped and not self.transport.is_closing():
            self.close_after_answer()
            cycle = self.cycle
            self.watch(
                self._conn.their_state is h11.SEND_BODY,
                cycle is None or (cycle.response_complete and self.head_started()),
                progress,
            )
