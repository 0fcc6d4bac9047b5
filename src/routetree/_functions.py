"""Functions a handler calls: cookies, headers, after-callbacks, and early stops.

``cookies()``, ``headers()`` and ``after()`` act on the request being handled.
``not_found()``, ``redirect()`` and the like each raise a `ControlFlowSignal`, so
nothing after the call runs. The signal derives from `BaseException`, so
``except Exception:`` around the call does not swallow it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from ._context import current_state
from ._error_responses import error_response
from ._errors import ControlFlowSignal, HTTPError
from ._response import Response

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._cookies import CookieStore
    from ._headers import Headers

__all__ = [
    "after",
    "cookies",
    "forbidden",
    "headers",
    "not_found",
    "permanent_redirect",
    "redirect",
    "unauthorized",
]


def redirect(url: str) -> NoReturn:
    """Stop the handler and answer **307** with ``Location: url``.

    ``url`` is sent as given, percent-encoded to ASCII like ``encodeURI`` (see
    `Response.redirect`); a relative URL stays relative.

    Example::

        if user is None:
            redirect("/api/login")
    """
    raise ControlFlowSignal(Response.redirect(url, 307))


def permanent_redirect(url: str) -> NoReturn:
    """Stop the handler and answer **308** with ``Location: url`` (as `redirect`)."""
    raise ControlFlowSignal(Response.redirect(url, 308))


def not_found() -> NoReturn:
    """Stop the handler and answer **404** ``{"error": "Not Found"}``.

    Differs from Next.js: the body is routetree's JSON error body, not empty.
    """
    raise _stop(404)


def forbidden() -> NoReturn:
    """Stop the handler and answer **403** ``{"error": "Forbidden"}``."""
    raise _stop(403)


def unauthorized() -> NoReturn:
    """Stop the handler and answer **401** ``{"error": "Unauthorized"}``."""
    raise _stop(401)


def _stop(status: int) -> ControlFlowSignal:
    error = HTTPError(status)
    return ControlFlowSignal(error_response(status), error)


def cookies() -> CookieStore:
    """Return the request's cookies, writable, like Next.js's ``cookies()``.

    ``.get(name)``, ``in``, iteration, ``.set(name, value, ...)``, ``.delete(name)``.
    What is set or deleted is added to whatever response the handler returns,
    redirects and errors included; the response's own cookie of the same name wins.
    Differs from Next.js: it is not async (nothing to ``await``).

    Raises:
        RuntimeError: Called outside a request.
    """
    return current_state("cookies").cookie_store


def headers() -> Headers:
    """Return the request headers, read-only, like Next.js's ``headers()``.

    Writing raises `TypeError` ("Headers cannot be modified...").

    Raises:
        RuntimeError: Called outside a request.
    """
    return current_state("headers").request.headers


def after(callback: Callable[..., object], *args: object) -> None:
    """Run ``callback(*args)`` after the response has been sent.

    ``callback`` may be sync (it runs in a worker thread) or async. Callbacks run in
    the order registered, also when the handler raised or called ``not_found()``;
    ``cookies()`` and ``headers()`` still work inside them. Their errors are logged,
    never sent.

    Example::

        after(audit_log.write, "user created", user.id)

    Raises:
        RuntimeError: Called outside a request.
    """
    current_state("after").after.append((callback, args))
