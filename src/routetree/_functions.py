"""Functions a handler calls to stop with a response: ``not_found()``, ``redirect()``...

Each raises a `ControlFlowSignal`, so nothing after the call runs. The signal derives
from `BaseException`, so ``except Exception:`` around the call does not swallow it.
"""

from __future__ import annotations

from typing import NoReturn

from ._error_responses import error_response
from ._errors import ControlFlowSignal
from ._response import Response

__all__ = ["forbidden", "not_found", "permanent_redirect", "redirect", "unauthorized"]


def redirect(url: str) -> NoReturn:
    """Stop the handler and answer **307** with ``Location: url`` (exactly as given).

    Example::

        if user is None:
            redirect("/api/login")
    """
    raise ControlFlowSignal(Response.redirect(url, 307))


def permanent_redirect(url: str) -> NoReturn:
    """Stop the handler and answer **308** with ``Location: url`` (exactly as given)."""
    raise ControlFlowSignal(Response.redirect(url, 308))


def not_found() -> NoReturn:
    """Stop the handler and answer **404** ``{"error": "Not Found"}``.

    Differs from Next.js: the body is routetree's JSON error body, not empty.
    """
    raise ControlFlowSignal(error_response(404))


def forbidden() -> NoReturn:
    """Stop the handler and answer **403** ``{"error": "Forbidden"}``."""
    raise ControlFlowSignal(error_response(403))


def unauthorized() -> NoReturn:
    """Stop the handler and answer **401** ``{"error": "Unauthorized"}``."""
    raise ControlFlowSignal(error_response(401))
