"""Which GET handlers are cached, and the ``Cache-Control`` their answers carry.

Next.js 16's rule (spec §2): a route's GET is cached when its file sets
``dynamic = "force-static"`` or ``"error"``, a ``revalidate`` of False or above 0, or
``generate_static_params``, and exports no POST, PUT, PATCH, DELETE or OPTIONS
(`routetree._routing._loader.LoadedRoute.kind` says "static" or "prerendered").
``dynamic = "force-dynamic"`` always wins: such a route is never cached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._routing._loader import LoadedRoute

__all__ = ["EXPIRE", "CachePolicy", "cache_policy"]

EXPIRE = 31_536_000
"""Seconds an entry lives at most: Next.js's default ``expire`` of one year."""


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """How one route's GET answers are cached.

    Attributes:
        route: The route's path in folder notation (``/api/posts/[slug]``).
        revalidate: Seconds an answer stays fresh, or None: fresh until revalidated
            on demand (``force-static``, ``revalidate = False``).
        force_static: The handler sees no query, headers or cookies.
        static_only: ``dynamic = "error"``: reading request data is an error.
        cache_control: The ``Cache-Control`` value of every cached answer.
    """

    route: str
    revalidate: float | None
    force_static: bool
    static_only: bool
    cache_control: bytes


def cache_policy(loaded: LoadedRoute) -> CachePolicy | None:
    """The cache policy of a loaded route, or None when its answers are not cached."""
    config = loaded.config
    if (
        loaded.error is not None
        or loaded.kind == "dynamic"
        or config.dynamic == "force-dynamic"
    ):
        return None
    revalidate = config.revalidate
    seconds = (
        float(revalidate)
        if revalidate is not None and revalidate is not False and revalidate > 0
        else None
    )
    if seconds is None:
        cache_control = b"s-maxage=%d" % EXPIRE
    else:
        # Next.js sends whole seconds; a fraction rounds up to stay above 0.
        max_age = max(1, math.ceil(seconds))
        cache_control = b"s-maxage=%d, stale-while-revalidate=%d" % (
            max_age,
            EXPIRE - max_age,
        )
    return CachePolicy(
        route=loaded.definition.path,
        revalidate=seconds,
        force_static=config.dynamic == "force-static",
        static_only=config.dynamic == "error",
        cache_control=cache_control,
    )
