"""What a cache store does, and the stores of this process.

A store keeps entries by key and the invalidation times of tags
(`routetree._cache._entry`). `MemoryStore` is the default, one per app;
`routetree._cache._redis.RedisStore` is shared by every worker and machine. A store
that cannot be reached raises `StoreUnavailableError`, and the request is rendered
fresh instead (`routetree._cache._route`).

`revalidate_tag` and `revalidate_path` reach every app of the process through
`active_stores`: an app registers its store when it is built.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ._entry import CacheEntry, Freshness

__all__ = [
    "Store",
    "StoreUnavailableError",
    "active_stores",
    "primary_store",
    "register_store",
]


class StoreUnavailableError(Exception):
    """The store could not be reached; the message says which and why."""


class Store(Protocol):
    """A place for entries and tag invalidation times."""

    @property
    def description(self) -> str:
        """What the store is, for log lines (no password)."""

    async def get(self, key: str) -> tuple[CacheEntry | None, Freshness, float]:
        """The entry under ``key``, how fresh it is, and the store's time now."""

    async def set(self, key: str, entry: CacheEntry) -> None:
        """Store ``entry`` under ``key``; it expires on its own after a year at most."""

    async def invalidate(self, tags: Sequence[str], *, stale: bool) -> None:
        """Expire (or, with ``stale``, mark stale) every entry with one of ``tags``."""

    async def seed(self, key: str, entry: CacheEntry) -> None:
        """Store ``entry`` unless the store holds one under ``key`` already."""

    async def claim(self, key: str, seconds: float) -> bool:
        """Whether this caller is the one to re-render stale ``key`` now."""

    async def release(self, key: str) -> None:
        """End the claim on ``key``: its render is done."""

    async def close(self) -> None:
        """Release connections."""


_active: list[weakref.ref[Store]] = []


def register_store(store: Store) -> None:
    """Make ``store`` one that `revalidate_tag` and `revalidate_path` reach."""
    _active[:] = [ref for ref in _active if ref() is not None]
    _active.append(weakref.ref(store))


def active_stores() -> list[Store]:
    """The stores of the apps alive in this process, the newest last."""
    return [store for ref in _active if (store := ref()) is not None]


def primary_store() -> Store | None:
    """The store of the newest app in this process (a server has one): ``@cache``'s."""
    stores = active_stores()
    return stores[-1] if stores else None
