"""The request id of ``routetree start --access-log``: reused from the client, or new.

A request's id is its ``X-Request-Id`` header when that is one header of 1 to 255
characters from ``[A-Za-z0-9._-]`` (what a proxy or a calling service sends, so one
id follows a request across services), else 32 new random hex digits. The charset
keeps a client from writing anything but an id into the log.

The effective id replaces the request's ``x-request-id`` headers in the scope, so a
handler reads it as ``request.headers["x-request-id"]``; it is sent back as the
response's ``x-request-id`` and logged with every record written while the request
runs (`CURRENT_REQUEST_ID`).
"""

from __future__ import annotations

import os
import re
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "CURRENT_REQUEST_ID",
    "REQUEST_ID_HEADER",
    "assign_request_id",
    "is_valid_request_id",
    "new_request_id",
    "with_request_id",
]

REQUEST_ID_HEADER = b"x-request-id"
# The id of the request being served in this context, for the log records it causes.
CURRENT_REQUEST_ID: ContextVar[str | None] = ContextVar(
    "routetree_request_id", default=None
)
_VALID = re.compile(rb"[A-Za-z0-9._-]{1,255}")

Header = tuple[bytes, bytes]


def is_valid_request_id(value: bytes) -> bool:
    """Whether a client's ``X-Request-Id`` is reused: 1-255 of ``[A-Za-z0-9._-]``."""
    return _VALID.fullmatch(value) is not None


def new_request_id() -> str:
    """A new id: 32 random hex digits (128 bits, as many as a UUID4 has and more)."""
    return os.urandom(16).hex()


def assign_request_id(headers: list[Header]) -> tuple[str, list[Header] | None]:
    """The id of a request with these headers, and its headers with that id.

    Returns:
        The id, and None when the headers already carry it (one valid
        ``x-request-id``), else a copy of the headers whose only ``x-request-id`` is
        the new id.
    """
    found: bytes | None = None
    count = 0
    for name, value in headers:
        if name == REQUEST_ID_HEADER:
            found = value
            count += 1
    if count == 1 and found is not None and is_valid_request_id(found):
        return found.decode("ascii"), None
    request_id = new_request_id()
    kept = [header for header in headers if header[0] != REQUEST_ID_HEADER]
    kept.append((REQUEST_ID_HEADER, request_id.encode("ascii")))
    return request_id, kept


def with_request_id(headers: Iterable[Header], request_id: bytes) -> list[Header]:
    """Response headers whose only ``x-request-id`` is ``request_id``.

    A new list: a response may send the same header list every time.
    """
    kept = [header for header in headers if header[0].lower() != REQUEST_ID_HEADER]
    kept.append((REQUEST_ID_HEADER, request_id))
    return kept
