"""The in-process store: entries in LRU order, bounded by count and bytes.

The default store. Each worker process has its own, so ``routetree start --workers
N`` keeps N copies and an on-demand revalidation reaches only the worker that ran it;
config ``cache_url`` shares one store between them all (`routetree._cache._redis`).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import TYPE_CHECKING

from ._entry import CacheEntry, Freshness, TagTimes, freshness

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["DEFAULT_MAX_ENTRIES", "DEFAULT_MAX_SIZE", "MemoryStore"]

DEFAULT_MAX_ENTRIES = 1000
DEFAULT_MAX_SIZE = 64 * 1024 * 1024


class MemoryStore:
    """Entries of one process, the least recently used dropped first.

    An entry larger than ``max_size`` on its own is not stored.
    """

    def __init__(
        self, max_entries: int = DEFAULT_MAX_ENTRIES, max_size: int = DEFAULT_MAX_SIZE
    ) -> None:
        self.max_entries = max_entries
        self.max_size = max_size
        self.size = 0
        self._entries: OrderedDict[str, CacheEntry] = OrderedDict()
        self._tags: dict[str, TagTimes] = {}

    @property
    def description(self) -> str:
        """What the store is, for log lines."""
        return "the memory store"

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, key: str) -> tuple[CacheEntry | None, Freshness, float]:
        """`get` without the await: what the fast path and sync code call."""
        now = time.time()
        entry = self._entries.get(key)
        if entry is None:
            return None, Freshness.MISSING, now
        state = freshness(entry, now, self._tags)
        if state is Freshness.MISSING:
            self._drop(key)
            return None, state, now
        self._entries.move_to_end(key)
        return entry, state, now

    async def get(self, key: str) -> tuple[CacheEntry | None, Freshness, float]:
        """The entry under ``key``, how fresh it is, and the time now."""
        return self.lookup(key)

    def put(self, key: str, entry: CacheEntry) -> None:
        """`set` without the await."""
        size = entry.size
        if size > self.max_size or self.max_entries == 0:
            return
        if key in self._entries:
            self._drop(key)
        self._entries[key] = entry
        self.size += size
        while len(self._entries) > self.max_entries or self.size > self.max_size:
            self._drop(next(iter(self._entries)))

    async def set(self, key: str, entry: CacheEntry) -> None:
        """Store ``entry``, dropping the least recently used to stay in bounds."""
        self.put(key, entry)

    async def seed(self, key: str, entry: CacheEntry) -> None:
        """Store ``entry`` unless an answer is stored under ``key`` already."""
        if key not in self._entries:
            self.put(key, entry)

    def mark(self, tags: Sequence[str], *, stale: bool) -> None:
        """`invalidate` without the await."""
        now = time.time()
        for tag in tags:
            expired, was_stale = self._tags.get(tag, (0.0, 0.0))
            self._tags[tag] = (expired, now) if stale else (now, was_stale)

    async def invalidate(self, tags: Sequence[str], *, stale: bool) -> None:
        """Expire (or mark stale) every entry with one of ``tags``, from now on."""
        self.mark(tags, stale=stale)

    async def claim(self, key: str, seconds: float) -> bool:
        """Always this process: it runs one render per key itself."""
        return True

    async def release(self, key: str) -> None:
        """Nothing to release."""

    async def close(self) -> None:
        """Nothing to release."""

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key)
        self.size -= entry.size
