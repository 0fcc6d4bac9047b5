"""``@cache``: a function's results kept in the app's cache store, by arguments.

Next.js's ``'use cache'`` / ``unstable_cache`` for Python functions, sync or async.
A result is keyed by the function's module, qualified name and arguments (as JSON,
objects JSON cannot hold by their ``repr``), kept as a pickle, tagged for
`revalidate_tag`, and fresh for ``revalidate`` seconds (None: until revalidated). A
result past ``revalidate`` is computed again on the next call. Its tags also tag the
cached route answer being rendered, as in Next.js.

Without a store (dev mode, or no app in the process) the function just runs. A sync
function reaches a shared store only from a worker thread (a plain ``def`` handler);
called on the event loop it runs uncached rather than block the loop.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import inspect
import pickle
import time
from typing import TYPE_CHECKING, ParamSpec, TypeVar, cast

import anyio.from_thread
import orjson

from ._entry import CacheEntry, Freshness
from ._memory import MemoryStore
from ._store import StoreUnavailableError, primary_store
from ._tags import render_tags
from ._warnings import warn_unavailable

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ._store import Store

__all__ = ["cache"]

P = ParamSpec("P")
R = TypeVar("R")


def cache(
    *, revalidate: float | None = None, tags: Sequence[str] = ()
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache a function's results by its arguments, in the app's cache store.

    Works on ``def`` and ``async def`` functions; results must pickle. With config
    ``cache_url`` every worker and machine shares them.

    Example::

        @cache(revalidate=60, tags=["posts"])
        async def list_posts(page: int) -> list[dict[str, object]]:
            return await db.fetch_posts(page)

    Args:
        revalidate: Seconds a result stays fresh; None keeps it until
            ``revalidate_tag`` names one of its ``tags`` (or a year passes).
        tags: Tags for `revalidate_tag`.

    Differs from Next.js: a result past ``revalidate`` is computed again on the next
    call, not served stale while it is.
    """
    if revalidate is not None and (isinstance(revalidate, bool) or revalidate <= 0):
        raise ValueError(
            f"@cache(revalidate={revalidate!r}) must be a number of seconds above 0, "
            "or None to keep results until revalidated."
        )
    tag_list = tuple(tags)

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        prefix = f"fn:{func.__module__}.{func.__qualname__}:"

        def key_of(args: tuple[object, ...], kwargs: dict[str, object]) -> str:
            data = orjson.dumps(
                [args, kwargs], default=repr, option=orjson.OPT_SORT_KEYS
            )
            return prefix + hashlib.sha256(data).hexdigest()

        def entry_of(result: object, created: float) -> CacheEntry:
            return CacheEntry(
                0, [], pickle.dumps(result), b"", created, revalidate, tag_list
            )

        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def cached_async(*args: P.args, **kwargs: P.kwargs) -> object:
                _tag_render(tag_list)
                store = primary_store()
                if store is None:
                    return await func(*args, **kwargs)
                key = key_of(args, kwargs)
                found = await _get(store, key)
                if found is not None:
                    return found[0]
                created = time.time()
                result = await func(*args, **kwargs)
                await _set(store, key, entry_of(result, created))
                return result

            return cast("Callable[P, R]", cached_async)

        @functools.wraps(func)
        def cached(*args: P.args, **kwargs: P.kwargs) -> R:
            _tag_render(tag_list)
            store = primary_store()
            call = _sync_caller(store)
            if store is None or call is None:
                return func(*args, **kwargs)
            key = key_of(args, kwargs)
            found = cast("tuple[object] | None", call(_get, store, key))
            if found is not None:
                return cast("R", found[0])
            created = time.time()
            result = func(*args, **kwargs)
            call(_set, store, key, entry_of(result, created))
            return result

        return cached

    return decorate


def _tag_render(tags: tuple[str, ...]) -> None:
    current = render_tags.get()
    if current is not None and tags:
        current.extend(tags)


def _sync_caller(store: Store | None) -> Callable[..., object] | None:
    """How sync code reaches ``store``: on the loop's thread, directly, or not at all.

    From a worker thread the store is used on the event loop, as every request uses
    it, so two threads never touch the memory store at once.
    """
    if store is None:
        return None
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # a worker thread, or no loop at all
        return _run_on_loop if isinstance(store, MemoryStore) else _run_on_loop_only
    # On the loop itself: the memory store never waits; another would stall the loop.
    return _run_now if isinstance(store, MemoryStore) else None


def _run_now(func: Callable[..., object], *args: object) -> object:
    coroutine = func(*args)
    try:
        coroutine.send(None)  # type: ignore[attr-defined]
    except StopIteration as done:
        return done.value
    raise RuntimeError("the memory store never waits")  # pragma: no cover


def _run_on_loop(func: Callable[..., object], *args: object) -> object:
    """On the loop from a worker thread; here when there is no loop to go to."""
    try:
        return anyio.from_thread.run(func, *args)  # type: ignore[arg-type]
    except RuntimeError:  # not a worker thread of the server: nothing else uses it
        return _run_now(func, *args)


def _run_on_loop_only(func: Callable[..., object], *args: object) -> object:
    """On the loop from a worker thread; a shared store is not reached otherwise."""
    try:
        return anyio.from_thread.run(func, *args)  # type: ignore[arg-type]
    except RuntimeError:
        return None


async def _get(store: Store, key: str) -> tuple[object] | None:
    try:
        entry, state, _ = await store.get(key)
    except StoreUnavailableError as exc:
        warn_unavailable(store.description, exc)
        return None
    if entry is None or state is not Freshness.FRESH:
        return None
    try:
        return (pickle.loads(entry.body),)
    except Exception:
        return None


async def _set(store: Store, key: str, entry: CacheEntry) -> None:
    try:
        await store.set(key, entry)
    except StoreUnavailableError as exc:
        warn_unavailable(store.description, exc)
