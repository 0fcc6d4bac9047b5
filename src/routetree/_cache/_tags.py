"""The tags of the answer being rendered for the cache, for ``cache_tag()``."""

from __future__ import annotations

from contextvars import ContextVar

__all__ = ["render_tags"]

render_tags: ContextVar[list[str] | None] = ContextVar(
    "routetree_cache_tags", default=None
)
"""The list ``cache_tag()`` adds to; None while no cached answer is rendered."""
