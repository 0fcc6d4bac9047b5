"""Caching and static generation: Next.js's rules for GET handlers, and beyond.

Which GETs are cached, and the ``Cache-Control`` they carry, is the route's segment
config (`routetree._cache._policy`). A request of a cached route flows through
`routetree._cache._route.RouteCache` (HIT, STALE, MISS; one render per key), which
keeps answers in a store: `routetree._cache._memory.MemoryStore` in each process by
default, or `routetree._cache._redis.RedisStore` shared by every worker and machine
(config ``cache_url``).
What an entry is and when it is fresh: `routetree._cache._entry`.

The public functions: `revalidate_path`, `revalidate_tag` and `cache_tag`
(`routetree._cache._ondemand`), and the ``@cache`` decorator
(`routetree._cache._function`).
"""
