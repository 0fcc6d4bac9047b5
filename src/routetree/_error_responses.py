"""The JSON error bodies routetree answers with, and the logging of handler failures.

Every error routetree makes is ``{"error": "<reason phrase>"}``, plus ``"detail"`` when
there is something to say. Outside dev mode a 500 is exactly
``{"error": "Internal Server Error"}``: no exception type, message, traceback or path. In dev
mode it also carries ``exception`` with the type, message, file, line and traceback.
"""

from __future__ import annotations

import logging
import traceback
from typing import TYPE_CHECKING

from ._errors import reason_phrase
from ._response import Response

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["error_response", "internal_error_response", "logger"]

logger = logging.getLogger("routetree")


def error_response(
    status: int, detail: str | None = None, headers: Mapping[str, str] | None = None
) -> Response:
    """Return routetree's JSON error response for ``status``."""
    body: dict[str, object] = {"error": reason_phrase(status) or "Error"}
    if detail:
        body["detail"] = detail
    return Response.json(body, status=status, headers=headers)


def internal_error_response(exc: BaseException, *, dev: bool) -> Response:
    """Return the 500 response for an exception a handler raised (logged by the caller)."""
    if not dev:
        return Response.json({"error": "Internal Server Error"}, status=500)
    frames = traceback.extract_tb(exc.__traceback__)
    where = frames[-1] if frames else None
    return Response.json(
        {
            "error": "Internal Server Error",
            "exception": {
                "type": type(exc).__qualname__,
                "message": str(exc),
                "file": where.filename if where else None,
                "line": where.lineno if where else None,
                "traceback": "".join(traceback.format_exception(exc)),
            },
        },
        status=500,
    )
