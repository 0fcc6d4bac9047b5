"""One warning per store every 30 seconds while it cannot be reached."""

from __future__ import annotations

import logging
import time

__all__ = ["warn_unavailable"]

logger = logging.getLogger("routetree")

_INTERVAL = 30.0
_last: dict[str, float] = {}


def warn_unavailable(description: str, error: BaseException) -> None:
    """Log that ``description`` failed, at most once per interval per store."""
    now = time.monotonic()
    if now - _last.get(description, -_INTERVAL) < _INTERVAL:
        return
    _last[description] = now
    logger.warning(
        "Cache store %s is unreachable (%s): answering without the cache until it is "
        "back. Requests are rendered fresh and not stored.",
        description,
        error,
    )
