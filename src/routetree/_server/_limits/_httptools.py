"""uvicorn's httptools protocol, with the server limits.

httptools hands a header to Python only once it is whole and queues every pipelined
request of a read, so the head is measured here, on the bytes as they arrive, before
they reach the parser. Each read is fed in slices that end where a head may end (after
a blank line, CR LF CR LF, as llhttp requires) or where a ``Content-Length`` body ends.
Every head then starts at a slice boundary, and its size, its line count and whether
it is pipelined are known before the parser sees it.

uvicorn internals relied on (the same in 0.30 and 0.55): ``data_received`` feeds its
argument to ``self.parser``; the parser callbacks ``on_headers_complete`` and
``on_message_complete``; ``self.headers``, the lower-cased header pairs of the request
being parsed; ``self.cycle``, the newest request; ``self.pipeline``, the requests queued
behind the one being answered (newest first); ``on_response_complete``;
``self.timeout_keep_alive``; and ``STATUS_LINE``, the status line of each status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from uvicorn.protocols.http import httptools_impl
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..._errors import RFC_9110_PHRASES
from ._watch import ConnectionWatch, header_count_detail, header_size_detail

if TYPE_CHECKING:
    import asyncio

    from uvicorn.config import Config
    from uvicorn.protocols.http.httptools_impl import RequestResponseCycle
    from uvicorn.server import ServerState

__all__ = ["LimitedHttpToolsProtocol"]

_HEAD_END = b"\r\n\r\n"
# Called for every request: the base methods by name cost less than super().
_feed = HttpToolsProtocol.data_received
_on_headers_complete = HttpToolsProtocol.on_headers_complete
_on_message_complete = HttpToolsProtocol.on_message_complete
_on_response_complete = HttpToolsProtocol.on_response_complete

# uvicorn takes reason phrases from Python's HTTPStatus; before Python 3.13 some are
# older than RFC 9110 ("422 Unprocessable Entity"), and the status line would
# disagree with routetree's error body ({"error": "Unprocessable Content"}).
for _status, _phrase in RFC_9110_PHRASES.items():
    httptools_impl.STATUS_LINE[_status] = f"HTTP/1.1 {_status} {_phrase}\r\n".encode()


class LimitedHttpToolsProtocol(ConnectionWatch, HttpToolsProtocol):
    """`HttpToolsProtocol` enforcing `limits` (see `routetree._server._limits`)."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.init_watch()
        self._head_bytes = 0  # of the unfinished head, as sent
        self._head_lines = 0  # the line feeds in it
        # The last bytes of an unfinished head or chunked body: "\r\n\r\n" can
        # straddle two reads.
        self._tail = b""
        self._in_body = False
        # Bytes of a Content-Length body still to come; -1: chunked; None: not known
        # yet (a request without a body never needs to know).
        self._body_left: int | None = None

    def data_received(self, data: bytes) -> None:
        """Check each head before it is parsed; feed the read in slices."""
        if self.stopped:
            return
        cycle = self.cycle
        if (
            # The usual read, one whole head on a connection waiting for it, checked
            # as _take_head would, in one piece.
            data.endswith(_HEAD_END)
            and data.find(_HEAD_END) == len(data) - 4
            and not (self._in_body or self._head_bytes or self._tail)
            and (cycle is None or cycle.response_complete)
            and len(data) <= self.limits.max_header_size
            and data.count(b"\n") - 2 <= self.limits.max_headers
        ):
            self._pipelined = 0
            _feed(self, data)
        elif not self._feed_in_slices(data):
            return
        if not self.stopped:
            cycle = self.cycle
            self.watch(
                self._in_body,
                cycle is None or (cycle.response_complete and self._head_bytes > 0),
                True,
            )

    def on_headers_complete(self) -> None:
        """Note that a body may follow (its length is read when it comes)."""
        _on_headers_complete(self)
        self.close_after_answer()
        self._in_body = True
        self._body_left = None

    def on_message_complete(self) -> None:
        """Note that the next bytes start a head."""
        self._in_body = False
        _on_message_complete(self)

    def on_response_complete(self) -> None:
        """Start the next queued request, then the timeout of what comes next."""
        _on_response_complete(self)
        if not self.stopped and not self.transport.is_closing():
            self.watch(
                self._in_body, self.cycle.response_complete and self._head_bytes > 0
            )

    def handle_websocket_upgrade(self) -> None:
        """Hand the connection over to uvicorn's WebSocket protocol; stop watching."""
        self.hand_over()
        super().handle_websocket_upgrade()

    def current_cycle(self) -> RequestResponseCycle | None:
        """The newest request uvicorn read, None before the first."""
        return self.cycle

    def head_started(self) -> bool:
        """Whether bytes of a head have arrived."""
        return self._head_bytes > 0

    def can_answer(self) -> bool:
        """Whether no queued request waits (its answer would come first)."""
        return not self.pipeline

    def _feed_in_slices(self, data: bytes) -> bool:
        """Feed ``data`` a head or a body at a time; False if reading ended."""
        start, size = 0, len(data)
        while start < size:
            if not self._in_body:
                end, complete = self._cut(data, start)
                if not self._take_head(data, start, end, complete):
                    return False
            else:
                if self._body_left is None:
                    self._body_left = _content_length(self.headers)
                if self._body_left > 0:
                    end = min(size, start + self._body_left)
                    self._body_left -= end - start
                else:  # chunked: the body ends with a blank line
                    end = self._cut(data, start)[0]
            _feed(self, data if end - start == size else data[start:end])
            if self.stopped or self.transport.is_closing():
                return False  # upgraded to WebSocket, or answered 400
            start = end
        return True

    def _cut(self, data: bytes, start: int) -> tuple[int, bool]:
        """The end of the slice from ``start``; True if it ends with a blank line."""
        if self._tail and start == 0:
            found = (self._tail + data[:3]).find(_HEAD_END)
            if found != -1:
                end = found + 4 - len(self._tail)
                self._tail = b""
                return end, True
        found = data.find(_HEAD_END, start)
        if found == -1:
            self._tail = (self._tail + data[max(start, len(data) - 3) :])[-3:]
            return len(data), False
        self._tail = b""
        return found + 4, True

    def _take_head(self, data: bytes, start: int, end: int, complete: bool) -> bool:
        """Count a slice of a head; refuse it (and return False) past a limit."""
        limits = self.limits
        size = self._head_bytes + end - start
        lines = self._head_lines + data.count(b"\n", start, end)
        # Every line ends with "\n": the request line, each header, the blank line.
        headers = lines - 2 if complete else lines - 1
        if size > limits.max_header_size or headers > limits.max_headers:
            if self._busy():
                self._stop_after_answers()
            elif size > limits.max_header_size:
                self.refuse(
                    431, header_size_detail(limits.max_header_size), linger=True
                )
            else:
                self.refuse(431, header_count_detail(limits.max_headers), linger=True)
            return False
        if not complete:
            self._head_bytes, self._head_lines = size, lines
            return True
        self._head_bytes = self._head_lines = 0
        self._pipelined = self._pipelined + 1 if self._busy() else 0
        if self._pipelined > limits.max_pipelined:
            self._stop_after_answers()
            return False
        return True

    def _busy(self) -> bool:
        return bool(self.pipeline) or (
            self.cycle is not None and not self.cycle.response_complete
        )

    def _stop_after_answers(self) -> None:
        """Read no more; close once the requests already read are answered."""
        self.stopped = True
        last = self.pipeline[0][0] if self.pipeline else self.cycle
        if last is None or last.response_complete:
            self.transport.close()
        else:
            last.keep_alive = False


def _content_length(headers: list[tuple[bytes, bytes]]) -> int:
    """The body length a head announces: -1 for chunked (llhttp checked both)."""
    length = 0
    for name, value in headers:
        if name == b"transfer-encoding":
            return -1
        if name == b"content-length":
            length = int(value)
    return length
