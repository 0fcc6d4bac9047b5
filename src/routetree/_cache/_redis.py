"""The shared store: Redis, through redis-py's asyncio client (config ``cache_url``).

Every worker and machine pointed at the same Redis shares entries and invalidations:
a tag revalidated on one instance is honoured by every other from its next request
on. Every time compared (an entry's ``created``, a tag's invalidation) is Redis's own
clock (``TIME``), so clocks of the machines never disagree. Keys, all under
``routetree:``:

- ``routetree:e:<key>``: an entry, a hash of its bytes (``d``, `encode_entry`) and
  its tags (``t``), with a TTL of one year (Next.js's default ``expire``);
- ``routetree:t:<tag>``: when the tag was last expired (``x``) and marked stale
  (``s``), with the same TTL;
- ``routetree:c:<key>``: who re-renders a stale entry (``SET NX``, released after).

A lookup is one round trip (a Lua script reads the entry and its tags' times). Any
failure to reach Redis raises `StoreUnavailableError`; redis-py reconnects by itself
once Redis is back.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from .._redis_url import redis_description
from ._entry import CacheEntry, Freshness, decode_entry, encode_entry, freshness
from ._policy import EXPIRE
from ._store import StoreUnavailableError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from redis.commands.core import AsyncScript

__all__ = ["RedisStore"]

_PREFIX = "routetree:"
_TIMEOUT = 1.0  # seconds to connect or answer, before a request goes uncached

_LOOKUP = """
local now = redis.call('TIME')
local v = redis.call('HMGET', KEYS[1], 'd', 't')
if not v[1] then return {now[1], now[2]} end
local out = {now[1], now[2], v[1]}
if v[2] then
  for tag in string.gmatch(v[2], '[^\\n]+') do
    local t = redis.call('HMGET', ARGV[1] .. tag, 'x', 's')
    out[#out + 1] = tag
    out[#out + 1] = t[1] or '0'
    out[#out + 1] = t[2] or '0'
  end
end
return out
"""

_INVALIDATE = """
local t = redis.call('TIME')
local now = string.format('%d.%06d', t[1], t[2])
for _, key in ipairs(KEYS) do
  redis.call('HSET', key, ARGV[1], now)
  redis.call('EXPIRE', key, ARGV[2])
end
return now
"""

_SEED = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'd', ARGV[1], 't', ARGV[2])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return 1
"""


class RedisStore:
    """Entries and invalidations in one Redis, shared by every process using it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._client: aioredis.Redis | None = None
        self._lookup: AsyncScript | None = None

    @property
    def description(self) -> str:
        """The URL without its password, for log lines."""
        return redis_description(self.url)

    def _redis(self) -> aioredis.Redis:
        # Made on first use, on the loop that serves: connections belong to a loop.
        if self._client is None:
            self._client = aioredis.Redis.from_url(
                self.url,
                socket_timeout=_TIMEOUT,
                socket_connect_timeout=_TIMEOUT,
                retry=Retry(NoBackoff(), 1),  # one reconnect after Redis restarted
            )
            # Sent by its SHA1 (EVALSHA), the script's text only when Redis lacks it.
            self._lookup = self._client.register_script(_LOOKUP)
        return self._client

    async def get(self, key: str) -> tuple[CacheEntry | None, Freshness, float]:
        """The entry under ``key``, how fresh it is, and Redis's time now."""
        try:
            self._redis()
            assert self._lookup is not None  # made with the client
            found = await self._lookup(
                keys=[_PREFIX + "e:" + key], args=[_PREFIX + "t:"]
            )
        except (RedisError, OSError) as exc:
            raise StoreUnavailableError(str(exc) or type(exc).__name__) from exc
        now = int(found[0]) + int(found[1]) / 1_000_000
        if len(found) < 3:
            return None, Freshness.MISSING, now
        entry = decode_entry(found[2])
        if entry is None:
            return None, Freshness.MISSING, now
        rest = found[3:]
        times = {
            rest[i].decode(): (float(rest[i + 1]), float(rest[i + 2]))
            for i in range(0, len(rest) - 2, 3)
        }
        state = freshness(entry, now, times)
        return (None if state is Freshness.MISSING else entry), state, now

    async def set(self, key: str, entry: CacheEntry) -> None:
        """Store ``entry`` with a TTL of one year."""
        try:
            async with self._redis().pipeline(transaction=True) as pipe:
                pipe.hset(
                    _PREFIX + "e:" + key,
                    mapping={"d": encode_entry(entry), "t": "\n".join(entry.tags)},
                )
                pipe.expire(_PREFIX + "e:" + key, EXPIRE)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            raise StoreUnavailableError(str(exc) or type(exc).__name__) from exc

    async def seed(self, key: str, entry: CacheEntry) -> None:
        """Store ``entry`` unless another instance stored one under ``key``."""
        try:
            await self._redis().eval(
                _SEED,
                1,
                _PREFIX + "e:" + key,
                encode_entry(entry),
                "\n".join(entry.tags),
                EXPIRE,
            )
        except (RedisError, OSError) as exc:
            raise StoreUnavailableError(str(exc) or type(exc).__name__) from exc

    async def invalidate(self, tags: Sequence[str], *, stale: bool) -> None:
        """Record, in Redis's clock, that ``tags`` are expired (or stale) from now."""
        if not tags:
            return
        keys = [_PREFIX + "t:" + tag for tag in tags]
        try:
            await self._redis().eval(
                _INVALIDATE, len(keys), *keys, "s" if stale else "x", EXPIRE
            )
        except (RedisError, OSError) as exc:
            raise StoreUnavailableError(str(exc) or type(exc).__name__) from exc

    async def claim(self, key: str, seconds: float) -> bool:
        """Whether this instance re-renders stale ``key`` (no other one does)."""
        try:
            claimed = await self._redis().set(
                _PREFIX + "c:" + key, b"1", nx=True, ex=max(1, int(seconds))
            )
        except (RedisError, OSError) as exc:
            raise StoreUnavailableError(str(exc) or type(exc).__name__) from exc
        return bool(claimed)

    async def release(self, key: str) -> None:
        """Let another render of ``key`` happen (the claim's render is done)."""
        try:
            await self._redis().delete(_PREFIX + "c:" + key)
        except (RedisError, OSError) as exc:
            raise StoreUnavailableError(str(exc) or type(exc).__name__) from exc

    async def close(self) -> None:
        """Close the connections."""
        if self._client is not None:
            client, self._client = self._client, None
            with contextlib.suppress(RedisError, OSError):
                await client.aclose()
