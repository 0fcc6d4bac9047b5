"""Conditional and range requests for a file: which status, which bytes.

Sans-IO: the request's header values and the file's size and modification time in,
a `Decision` out. The preconditions are evaluated in RFC 9110's order (13.2.2):

1. ``If-Match`` that no current tag matches (strong comparison; ``*`` matches): 412.
2. Else ``If-Unmodified-Since`` earlier than the file's time: 412.
3. ``If-None-Match`` that matches (weak comparison, so the ``W/`` tag of a gzipped
   answer matches too): 304.
4. Else ``If-Modified-Since`` at or after the file's time: 304.
5. ``Range``, for GET only (RFC 9110 14.2 defines ranges for GET alone, so a HEAD
   answers 200), unless ``If-Range`` names another version:

   - one range, or ranges that overlap or touch and merge into one: 206 with those
     bytes;
   - ranges that are all unsatisfiable (start past the end, a zero suffix, any range
     of an empty file): 416;
   - two or more separate ranges: 200 with the whole file. routetree sends no
     ``multipart/byteranges``, which RFC 9110 allows (a server may ignore ``Range``)
     and ``send``, Next.js's file server, does too;
   - a malformed header, another unit, or more than `MAX_RANGES` ranges: ignored,
     200 (parsing is linear whatever the header holds).

A date that does not parse is ignored, as RFC 9110 says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import formatdate, mktime_tz, parsedate_tz
from typing import TYPE_CHECKING, Final, NamedTuple

if TYPE_CHECKING:
    from .._headers import Headers

__all__ = [
    "MAX_RANGES",
    "Decision",
    "Preconditions",
    "Validators",
    "decide",
    "parse_ranges",
]

MAX_RANGES: Final = 100
_ENTITY_TAG = re.compile(r'(W/)?"([^"]*)"')
_DIGITS = re.compile(r"[0-9]+")
# Longer numbers are past the end of any file; int() of thousands of digits is slow
# (and refused by Python past 4300).
_MAX_DIGITS: Final = 18
_HUGE: Final = 10**_MAX_DIGITS


@dataclass(frozen=True, slots=True)
class Validators:
    """A version of a file: its ``ETag`` and ``Last-Modified`` values.

    The tag is strong, ``"<size>-<mtime in ns>"`` in hex, as nginx makes one from the
    same two numbers; `routetree._compression.GzipSend` makes it weak on a gzipped
    answer.
    """

    etag: str
    last_modified: str
    mtime: int  # whole seconds: the precision of an HTTP date

    @classmethod
    def of(cls, size: int, mtime_ns: int) -> Validators:
        """The validators of a file of ``size`` bytes modified at ``mtime_ns``."""
        mtime = mtime_ns // 1_000_000_000
        return cls(f'"{size:x}-{mtime_ns:x}"', formatdate(mtime, usegmt=True), mtime)


@dataclass(frozen=True, slots=True)
class Preconditions:
    """The request headers a file's answer depends on (None when absent)."""

    if_match: str | None = None
    if_none_match: str | None = None
    if_modified_since: str | None = None
    if_unmodified_since: str | None = None
    range: str | None = None
    if_range: str | None = None

    @classmethod
    def of(cls, headers: Headers) -> Preconditions:
        """Read them from a request's headers."""
        get = headers.get
        return cls(
            get("if-match"),
            get("if-none-match"),
            get("if-modified-since"),
            get("if-unmodified-since"),
            get("range"),
            get("if-range"),
        )


class Decision(NamedTuple):
    """What to answer: the status and, for 200 and 206, which bytes.

    ``start`` and ``length`` give the bytes to send (the whole file for 200).
    """

    status: int
    start: int = 0
    length: int = 0


def decide(
    request: Preconditions, current: Validators, size: int, *, is_get: bool
) -> Decision:
    """The answer to a GET (``is_get``) or HEAD of a file of ``size`` bytes."""
    if request.if_match is not None:
        if not _matches(request.if_match, current.etag, strong=True):
            return Decision(412)
    elif request.if_unmodified_since is not None:
        since = _parse_date(request.if_unmodified_since)
        if since is not None and current.mtime > since:
            return Decision(412)
    if request.if_none_match is not None:
        if _matches(request.if_none_match, current.etag, strong=False):
            return Decision(304)
    elif request.if_modified_since is not None:
        since = _parse_date(request.if_modified_since)
        if since is not None and current.mtime <= since:
            return Decision(304)
    whole = Decision(200, 0, size)
    if not is_get or request.range is None:
        return whole
    if request.if_range is not None and not _same_version(request.if_range, current):
        return whole
    ranges = parse_ranges(request.range, size)
    if ranges is None:
        return whole
    if not ranges:
        return Decision(416)
    if len(ranges) > 1:
        return whole
    start, end = ranges[0]
    return Decision(206, start, end - start + 1)


def parse_ranges(value: str, size: int) -> list[tuple[int, int]] | None:
    """The satisfiable byte ranges of a ``Range`` value, merged, for ``size`` bytes.

    Returns ``(first, last)`` pairs (both inclusive) in order, overlapping or
    adjacent ones merged; ``[]`` when none is satisfiable; None when the header is
    to be ignored (another unit, a malformed range, more than `MAX_RANGES`).

    Example::

        parse_ranges("bytes=0-99", 1000)        # [(0, 99)]
        parse_ranges("bytes=-100", 1000)        # [(900, 999)]
        parse_ranges("bytes=0-9,5-20", 1000)    # [(0, 20)]
        parse_ranges("bytes=2000-", 1000)       # []
        parse_ranges("items=0-9", 1000)         # None
    """
    unit, equals, specs = value.partition("=")
    if not equals or unit.strip().lower() != "bytes":
        return None
    parts = [part.strip() for part in specs.split(",")]
    parts = [part for part in parts if part]
    if not parts or len(parts) > MAX_RANGES:
        return None
    ranges: list[tuple[int, int]] = []
    for part in parts:
        first_text, dash, last_text = part.partition("-")
        first_text, last_text = first_text.strip(), last_text.strip()
        if not dash or not (first_text or last_text):
            return None
        if not first_text:  # "-N": the last N bytes
            suffix = _number(last_text)
            if suffix is None:
                return None
            if suffix > 0 and size > 0:
                ranges.append((max(0, size - suffix), size - 1))
            continue
        first = _number(first_text)
        last = _number(last_text) if last_text else _HUGE
        if first is None or last is None or last < first:
            return None
        if first < size:
            ranges.append((first, min(last, size - 1)))
    return _merged(ranges)


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _number(text: str) -> int | None:
    if not _DIGITS.fullmatch(text):
        return None
    return _HUGE if len(text) > _MAX_DIGITS else int(text)


def _matches(value: str, etag: str, *, strong: bool) -> bool:
    """Whether an ``If-Match`` / ``If-None-Match`` list names ``etag`` (or is ``*``)."""
    if value.strip() == "*":
        return True
    opaque = etag[2:] if etag.startswith("W/") else etag
    for found in _ENTITY_TAG.finditer(value):
        if f'"{found.group(2)}"' == opaque and not (strong and found.group(1)):
            return True
    return False


def _same_version(if_range: str, current: Validators) -> bool:
    """Whether ``If-Range`` names the current version (strong comparison)."""
    value = if_range.strip()
    if value.startswith(('"', "W/")):
        return value == current.etag  # a weak tag never matches
    return _parse_date(value) == current.mtime


def _parse_date(value: str) -> int | None:
    parsed = parsedate_tz(value)
    if parsed is None:
        return None
    try:
        return mktime_tz(parsed)
    except (OverflowError, ValueError):
        return None
