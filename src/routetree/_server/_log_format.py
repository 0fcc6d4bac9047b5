"""How ``routetree start`` logs: text or JSON lines, each with its time, and a level.

``--log-format text`` (the default) writes a record as one line (a traceback follows
on the lines after it)::

    2025-06-01T12:00:00.123+00:00 INFO uvicorn.error: Started server process [4242]
    2025-06-01T12:00:03.456+00:00 ERROR routetree [4bf92f35...]: Error in route handler

``--log-format json`` writes it as one JSON object: ``time``, ``level``, ``logger``,
``message``, and ``request_id`` and ``exception`` (the traceback) when there is one.
A time is ISO 8601 in UTC with its offset, to the millisecond. Every record goes to
stderr through the root logger, so routetree's records, uvicorn's and the project's
own (``logging.getLogger(__name__)``) share the format; ``--log-level`` sets the
root level.

Lines that are not records go to stdout and no level silences them: the start-up
banner, each worker's ready line and the access log (`._access_log`). In text format
the banner and ready lines stay as people read them; in JSON format they are
`announce`-d as JSON objects too, so that every line is one.

`LogSettings` holds the three options, and passes them to ``--workers`` processes.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

import orjson

from ._console import print_error
from ._request_id import CURRENT_REQUEST_ID

if TYPE_CHECKING:
    from typing import TextIO

__all__ = [
    "LOG_FORMATS",
    "LOG_LEVELS",
    "JSONFormatter",
    "LogSettings",
    "TextFormatter",
    "WebSocketChatter",
    "announce",
    "configure_server_logging",
    "report_error",
    "utc_time",
]

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")
LOG_LEVELS = ("debug", "info", "warning", "error")


@dataclass(frozen=True, slots=True)
class LogSettings:
    """The log options of ``routetree start``; the defaults are the documented ones.

    Attributes:
        format: ``"text"`` or ``"json"``.
        level: The lowest level of record written: one of `LOG_LEVELS`.
        access_log: Whether to write one line per request (`._access_log`).
    """

    format: LogFormat = "text"
    level: str = "info"
    access_log: bool = False

    @property
    def is_json(self) -> bool:
        """Whether every line is a JSON object."""
        return self.format == "json"

    def worker_args(self) -> list[str]:
        """The options of ``python -m routetree._server._worker`` that repeat these."""
        args = ["--log-format", self.format, "--log-level", self.level]
        return [*args, "--access-log"] if self.access_log else args


def utc_time(seconds: float) -> str:
    """A time since the epoch as ISO 8601 in UTC, to the millisecond.

    For example ``2025-06-01T12:00:00.123+00:00``.
    """
    global _second
    whole = int(seconds)
    if _second[0] != whole:
        # Formatting a datetime costs more than the rest of an access line: once a
        # second is enough.
        text = datetime.fromtimestamp(whole, UTC).isoformat(timespec="seconds")
        _second = (whole, text[:-6])  # without the "+00:00"
    # Microseconds rounded, then cut to milliseconds, as datetime.isoformat does.
    millis = min(round((seconds - whole) * 1_000_000) // 1000, 999)
    return f"{_second[1]}.{millis:03d}+00:00"


_second = (-1, "")


class TextFormatter(logging.Formatter):
    """``<time> <LEVEL> <logger>[ [<request id>]]: <message>``, then any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        """Format one record."""
        request_id = CURRENT_REQUEST_ID.get()
        where = record.name if request_id is None else f"{record.name} [{request_id}]"
        line = (
            f"{utc_time(record.created)} {record.levelname} {where}: "
            f"{record.getMessage()}"
        )
        details = _details(self, record)
        return line if details is None else f"{line}\n{details}"


class JSONFormatter(logging.Formatter):
    """One JSON object: time, level, logger, message[, request_id][, exception]."""

    def format(self, record: logging.LogRecord) -> str:
        """Format one record."""
        fields = _fields(record.created, record.levelname, record.name)
        fields["message"] = record.getMessage()
        request_id = CURRENT_REQUEST_ID.get()
        if request_id is not None:
            fields["request_id"] = request_id
        details = _details(self, record)
        if details is not None:
            fields["exception"] = details
        return orjson.dumps(fields).decode()


def _fields(created: float, level: str, name: str) -> dict[str, str]:
    return {"time": utc_time(created), "level": level, "logger": name}


def _details(formatter: logging.Formatter, record: logging.LogRecord) -> str | None:
    """The traceback and stack of a record, as `logging.Formatter` writes them."""
    parts = []
    if record.exc_info and not record.exc_text:
        record.exc_text = formatter.formatException(record.exc_info)
    if record.exc_text:
        parts.append(record.exc_text)
    if record.stack_info:
        parts.append(formatter.formatStack(record.stack_info))
    return "\n".join(parts) or None


# The INFO lines uvicorn (and the websockets library under it) writes for every
# WebSocket connection, by their format strings; the access log has one line per
# session instead (`._access_log`).
_WEBSOCKET_CHATTER = frozenset(
    {
        '%s - "WebSocket %s" [accepted]',
        '%s - "WebSocket %s" 403',
        '%s - "WebSocket %s" %d',
        "connection open",
        "connection closed",
        "connection rejected (%d %s)",
    }
)


class WebSocketChatter(logging.Filter):
    """Drop uvicorn's per-connection WebSocket INFO lines (three per session).

    ``--access-log`` writes one line per session instead; an HTTP request gets no
    uvicorn line either.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but those lines."""
        return not (
            record.levelno == logging.INFO
            and record.name.startswith(("uvicorn.error", "websockets"))
            and record.msg in _WEBSOCKET_CHATTER
        )


def configure_server_logging(settings: LogSettings) -> None:
    """Send every log record to stderr, in the settings' format and from their level.

    Python warnings are logged (logger ``py.warnings``) rather than printed.

    uvicorn runs with ``log_config=None`` (`._serve.serve`): its loggers propagate to
    the root logger configured here, so its lines get the same format.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JSONFormatter() if settings.is_json else TextFormatter())
    handler.addFilter(WebSocketChatter())
    logging.basicConfig(level=settings.level.upper(), handlers=[handler], force=True)
    # A Python warning (a DeprecationWarning of a library) becomes a record too.
    logging.captureWarnings(True)


def announce(message: str, stream: TextIO | None = None) -> None:
    """Write a line that is not a log record as a JSON object (``--log-format json``).

    The object has a record's fields (``level`` ``INFO``, ``logger`` ``routetree``),
    so a log pipeline parses it like the others; no ``--log-level`` silences it.
    """
    fields = _fields(time.time(), "INFO", "routetree")
    fields["message"] = message
    out = sys.stdout if stream is None else stream
    out.write(orjson.dumps(fields).decode() + "\n")
    out.flush()


def report_error(message: str, settings: LogSettings) -> None:
    """Report what stops the server: ``Error: <message>``, or a JSON ERROR record."""
    if settings.is_json:
        logging.getLogger("routetree").error("%s", message)
    else:
        print_error(message)
