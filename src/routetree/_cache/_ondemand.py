"""On-demand revalidation: ``revalidate_path``, ``revalidate_tag``, ``cache_tag``.

They reach the store of every app in the process (`routetree._cache._store`). The
memory store is updated at once. A shared store (Redis) is written before the
answer of the request that called them is sent: from a plain ``def`` handler the
call itself waits; from ``async def`` code inside a request the response waits
(`routetree._context.RequestState.pending`); from async code outside a request it
runs in the background.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import anyio.from_thread

from .._context import current_request
from ._entry import path_tag
from ._memory import MemoryStore
from ._store import StoreUnavailableError, active_stores
from ._tags import render_tags
from ._warnings import warn_unavailable

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ._store import Store

__all__ = ["cache_tag", "invalidate", "revalidate_path", "revalidate_tag"]

logger = logging.getLogger("routetree")

_background: set[asyncio.Task[None]] = set()


def revalidate_tag(tag: str, profile: str | Mapping[str, int] | None = None) -> None:
    """Expire every cached answer and ``@cache`` result tagged ``tag``.

    The next request of each, on any instance sharing the store, renders fresh, as
    Next.js's ``revalidateTag(tag, { expire: 0 })``. With ``profile="max"`` they are
    marked stale instead: served once more as ``STALE`` while one render replaces
    them (Next.js's ``revalidateTag(tag, "max")``).

    Example::

        async def POST(request: Request) -> Response:
            await save_post(await request.json())
            revalidate_tag("posts")
            return Response.json({"ok": True})

    Args:
        tag: A tag given to ``cache_tag()`` or ``@cache(tags=[...])``.
        profile: None or ``{"expire": 0}`` to expire at once; ``"max"`` to mark stale.

    Raises:
        ValueError: Another profile: routetree has no cache-life profiles.
    """
    if profile is None or profile == {"expire": 0}:
        stale = False
    elif profile == "max":
        stale = True
    else:
        raise ValueError(
            f"revalidate_tag profile {profile!r} is not supported: use "
            'revalidate_tag(tag) to expire at once or revalidate_tag(tag, "max") to '
            "serve stale while one render replaces it."
        )
    invalidate([tag], stale=stale)


def revalidate_path(path: str, type: str | None = None) -> None:
    """Expire the cached answer of ``path``, or of every path of a dynamic route.

    ``path`` is a request path below ``base_path`` (``"/api/posts/1"``) or a route
    in folder notation (``"/api/posts/[id]"``: all its params). The next request on
    any instance sharing the store renders fresh.

    Args:
        path: The path or route.
        type: Accepted for Next.js's signature (``"page"``, ``"layout"``); route
            handlers have neither, so it changes nothing.
    """
    invalidate([path_tag(path)], stale=False)


def cache_tag(*tags: str) -> None:
    """Tag the cached answer being rendered, for `revalidate_tag`.

    Call it in the GET handler of a cached route (or in code it calls), as Next.js's
    ``cacheTag()``; elsewhere it does nothing.

    Example::

        revalidate = False

        async def GET() -> Response:
            cache_tag("posts")
            return Response.json(await all_posts())
    """
    current = render_tags.get()
    if current is not None:
        current.extend(tags)


def invalidate(tags: Sequence[str], *, stale: bool) -> None:
    """Expire (or mark stale) ``tags`` in every store of the process."""
    for store in active_stores():
        if isinstance(store, MemoryStore):
            store.mark(tags, stale=stale)
        else:
            _invalidate_shared(store, tags, stale=stale)


def _invalidate_shared(store: Store, tags: Sequence[str], *, stale: bool) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # a worker thread (a plain def handler) or no loop at all
        try:
            anyio.from_thread.run(_write, store, tags, stale)
        except RuntimeError:
            logger.warning(
                "revalidate_tag/revalidate_path outside the server's threads: the "
                "shared store %s was not updated.",
                store.description,
            )
        return
    task = asyncio.ensure_future(_write(store, tags, stale))
    request = current_request.get(None)
    if request is not None:
        state = request._state_for_functions
        if state is None:
            from .._context import current_state

            state = current_state("revalidate_tag")
        state.pending.append(task)
    else:
        _background.add(task)
        task.add_done_callback(_background.discard)


async def _write(store: Store, tags: Sequence[str], stale: bool) -> None:
    try:
        await store.invalidate(tags, stale=stale)
    except StoreUnavailableError as exc:
        warn_unavailable(store.description, exc)
