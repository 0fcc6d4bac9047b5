"""A cached answer, how fresh it is, and its bytes in a shared store (sans-IO).

An entry keeps what the handler answered (status, headers, body), the ``ETag``
computed from its body, when its render started (``created``, in the store's
clock), how long it stays fresh and its tags. Tags are what `revalidate_tag` and
`revalidate_path` name: the ones the handler gave through ``cache_tag()``, plus
the implicit tags of its path and of its route (`path_tag`).

An invalidation is a time per tag: expired at T makes every entry with that tag
created at or before T a miss; stale at T serves it once more as STALE while one
render replaces it. Comparing times, not deleting keys, means a render that started
before an invalidation and finished after it is never served as fresh.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

import orjson

from ._policy import EXPIRE

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "CacheEntry",
    "Freshness",
    "TagTimes",
    "decode_entry",
    "encode_entry",
    "freshness",
    "make_etag",
    "path_tag",
]

TagTimes = tuple[float, float]
"""When a tag was last expired and last marked stale (0.0: never)."""


class Freshness(IntEnum):
    """What a lookup found."""

    FRESH = 0
    STALE = 1
    MISSING = 2


@dataclass(slots=True)
class CacheEntry:
    """One stored answer (or, for ``@cache``, one function result in ``body``)."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes
    created: float
    revalidate: float | None
    tags: tuple[str, ...]

    @property
    def size(self) -> int:
        """Bytes it holds, as the memory store counts them."""
        return len(self.body) + sum(len(n) + len(v) for n, v in self.headers) + 64


def path_tag(path: str) -> str:
    """The implicit tag of a path or route (``/api/posts/[slug]``).

    What `revalidate_path` names.
    """
    return "_N_T_" + path


def make_etag(body: bytes) -> bytes:
    """A strong ETag from the body alone, so every worker and machine agrees on it."""
    return b'"%s"' % hashlib.blake2b(body, digest_size=16).hexdigest().encode()


def freshness(
    entry: CacheEntry, now: float, tag_times: Mapping[str, TagTimes]
) -> Freshness:
    """How ``entry`` may be served at ``now``, given its tags' invalidation times."""
    created = entry.created
    age = now - created
    if age >= EXPIRE:
        return Freshness.MISSING
    stale = entry.revalidate is not None and age >= entry.revalidate
    for tag in entry.tags:
        times = tag_times.get(tag)
        if times is None:
            continue
        if times[0] >= created:
            return Freshness.MISSING
        if times[1] >= created:
            stale = True
    return Freshness.STALE if stale else Freshness.FRESH


def encode_entry(entry: CacheEntry) -> bytes:
    """The entry as bytes: a JSON line of its fields, then the body."""
    meta = orjson.dumps(
        {
            "s": entry.status,
            "h": [[n.decode("latin-1"), v.decode("latin-1")] for n, v in entry.headers],
            "e": entry.etag.decode("latin-1"),
            "c": entry.created,
            "r": entry.revalidate,
            "t": list(entry.tags),
        }
    )
    return meta + b"\n" + entry.body


def decode_entry(data: bytes) -> CacheEntry | None:
    """The entry `encode_entry` wrote, or None for bytes it did not write."""
    meta_bytes, newline, body = data.partition(b"\n")
    if not newline:
        return None
    try:
        meta = orjson.loads(meta_bytes)
        return CacheEntry(
            status=int(meta["s"]),
            headers=[(n.encode("latin-1"), v.encode("latin-1")) for n, v in meta["h"]],
            body=body,
            etag=meta["e"].encode("latin-1"),
            created=float(meta["c"]),
            revalidate=None if meta["r"] is None else float(meta["r"]),
            tags=tuple(str(t) for t in meta["t"]),
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
