"""At start-up: the app's store, and a `RouteCache` for each cached route."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._memory import DEFAULT_MAX_ENTRIES, DEFAULT_MAX_SIZE, MemoryStore
from ._policy import cache_policy
from ._route import RouteCache
from ._store import register_store

if TYPE_CHECKING:
    from .._config._project_config import ProjectConfig
    from .._invoke import CompiledRoute
    from .._routing._loader import LoadedRoute
    from ._store import Store

__all__ = ["attach_cache", "open_store"]


def open_store(config: ProjectConfig | None, *, dev: bool) -> Store | None:
    """The app's store: Redis with config ``cache_url``, else memory; None in dev."""
    if dev:
        return None
    store: Store
    if config is not None and config.cache_url is not None:
        from ._redis import RedisStore  # imports redis: only when configured

        store = RedisStore(config.cache_url)
    elif config is None:
        store = MemoryStore(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_SIZE)
    else:
        store = MemoryStore(config.cache_max_entries, config.cache_max_size)
    register_store(store)
    return store


def attach_cache(
    loaded: LoadedRoute, compiled: CompiledRoute, store: Store | None, *, dev: bool
) -> None:
    """Give ``compiled`` its `RouteCache` when the route's GET is cached.

    In dev mode nothing is stored, but a ``force-static`` or ``dynamic = "error"``
    handler still sees its stripped or guarded request, as in ``next dev``.
    """
    policy = cache_policy(loaded)
    handler = compiled.handlers.get("GET")
    if policy is None or handler is None:
        return
    if dev and not (policy.force_static or policy.static_only):
        return
    config = loaded.config
    compiled.cache = RouteCache(
        policy,
        store,
        handler,
        None if config.dynamic_params else config.generate_static_params,
    )
