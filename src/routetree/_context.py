"""The request being handled, in a context variable, for the request functions.

``cookies()``, ``headers()`` and ``after()`` find their request here. The variable is
set around the handler call, so it is visible in ``async def`` handlers, in ``def``
handlers (anyio copies the context into the worker thread) and in the ``after()``
callbacks. Each request also gets a `RequestState` for what those functions collect:
cookies set or deleted, and callbacks to run once the response is sent.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

from ._cookies import CookieStore

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from ._request import Request

__all__ = ["RequestState", "current_request", "current_state"]


class RequestState:
    """What the request-scoped functions collect while a handler runs."""

    __slots__ = ("_cookie_store", "after", "pending", "request")

    def __init__(self, request: Request) -> None:
        self.request = request
        self._cookie_store: CookieStore | None = None
        self.after: list[tuple[Callable[..., object], tuple[object, ...]]] = []
        # Work the response waits for: revalidations sent to a shared cache store.
        self.pending: list[Awaitable[object]] = []

    async def settle(self) -> None:
        """Wait for the pending work, so the response follows what it did."""
        pending, self.pending = self.pending, []
        for work in pending:
            await work

    @property
    def cookie_store(self) -> CookieStore:
        """The writable cookie store of ``cookies()``, made on first use."""
        if self._cookie_store is None:
            self._cookie_store = CookieStore(self.request.cookies)
        return self._cookie_store

    def set_cookie_lines(self) -> list[tuple[str, str]]:
        """``(name, Set-Cookie value)`` for each cookie ``cookies()`` set or deleted."""
        if self._cookie_store is None:
            return []
        return self._cookie_store.set_cookie_lines()


current_request: ContextVar[Request] = ContextVar("routetree_request")


def current_state(function: str) -> RequestState:
    """Return the state of the request being handled, made on first use.

    Raises:
        RuntimeError: Called outside a request; ``function`` names the caller.
    """
    try:
        request = current_request.get()
    except LookupError:
        raise RuntimeError(
            f"{function}() was called outside a request. Call it from a route handler, "
            "or from a function the handler calls."
        ) from None
    # Most requests never call cookies() or after(): the state is made on demand.
    state = request._state_for_functions
    if state is None:
        state = request._state_for_functions = RequestState(request)
    return state
