"""The JSON error bodies routetree answers with, and the logging of handler failures.

Every error routetree makes is ``{"error": "<reason phrase>"}``, plus ``"detail"`` when
there is something to say: a message, or for a 422 the list of failing fields. Outside
dev mode a 500 is exactly ``{"error": "Internal Server Error"}``: no exception type,
message, traceback or path. In dev mode, to a local client, it also carries
``exception`` with the type, message, file, line and traceback (an HTML page for a
browser). The file and line are in the user's code (`routetree._errors.user_location`),
and the traceback leaves routetree's frames out.
"""

from __future__ import annotations

import html
import logging
from typing import TYPE_CHECKING

from ._errors import (
    HTTPError,
    RequestValidationError,
    RouteImportError,
    reason_phrase,
    user_location,
    user_traceback,
)
from ._hosts import is_local_request
from ._response import Response

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ._headers import Headers

__all__ = [
    "error_response",
    "exception_details",
    "http_error_response",
    "internal_error_for",
    "internal_error_response",
    "logger",
]

logger = logging.getLogger("routetree")


def error_response(
    status: int,
    detail: str | Sequence[Mapping[str, object]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Return routetree's JSON error response for ``status``.

    ``detail`` is a message, or the list of failing fields of a 422.
    """
    body: dict[str, object] = {"error": reason_phrase(status) or "Error"}
    if detail:
        body["detail"] = detail
    return Response.json(body, status=status, headers=headers)


def http_error_response(error: HTTPError) -> Response:
    """Return routetree's JSON error response for an `HTTPError`.

    A `RequestValidationError`'s ``detail`` in the body is its list of fields.
    """
    detail = error.errors if isinstance(error, RequestValidationError) else error.detail
    return error_response(error.status, detail, error.headers or None)


def internal_error_response(
    exc: BaseException, *, dev: bool, html: bool = False
) -> Response:
    """Return the 500 response for an exception (logged by the caller).

    Args:
        exc: What was raised.
        dev: Include the exception's type, message, file, line and traceback.
        html: In dev mode, answer with a readable HTML page instead of JSON (for a
            browser, which sends ``Accept: text/html``).
    """
    if not dev:
        return Response.json({"error": "Internal Server Error"}, status=500)
    details = exception_details(exc)
    if html:
        return Response(
            _html_page(details),
            status=500,
            headers={"content-type": "text/html; charset=utf-8"},
        )
    return Response.json(
        {"error": "Internal Server Error", "exception": details}, status=500
    )


def internal_error_for(exc: BaseException, headers: Headers, *, dev: bool) -> Response:
    """Return the 500 for ``exc`` as the client that sent ``headers`` may see it.

    In dev mode the details go only to a local client (never to a page of another
    site: DNS rebinding, CORS), as an HTML page when it accepts ``text/html``.
    """
    dev = dev and is_local_request(headers)
    html = dev and "text/html" in headers.get("accept", "")
    return internal_error_response(exc, dev=dev, html=html)


def exception_details(exc: BaseException) -> dict[str, object]:
    """Describe an exception for a developer: type, message, file, line, traceback.

    The file and line are the innermost place in the user's code
    (`routetree._errors.user_location`). For a route file that failed to import, they
    are those of the original error (the syntax error's position, or the failing line
    of the file).
    """
    origin = (
        exc.__cause__ if isinstance(exc, RouteImportError) and exc.__cause__ else exc
    )
    file, line = user_location(origin)
    if file is None and origin is not exc:
        file, line = user_location(exc)
    return {
        "type": type(exc).__qualname__,
        "message": str(exc),
        "file": file,
        "line": line,
        "traceback": user_traceback(origin),
    }


def _html_page(details: Mapping[str, object]) -> str:
    def text(key: str) -> str:
        return html.escape(str(details.get(key) or ""))

    location = ""
    if details.get("file"):
        line = f", line {text('line')}" if details.get("line") else ""
        location = f"<p>{text('file')}{line}</p>"

    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>500: {text("type")}</title>
<style>body{{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#222}}
pre{{background:#f6f6f6;padding:1rem;overflow:auto}} h1{{color:#b00020}}</style></head>
<body><h1>{text("type")}</h1><pre>{text("message")}</pre>
{location}
<h2>Traceback</h2><pre>{text("traceback")}</pre>
<p>routetree dev mode: this page is shown only in dev mode.</p>
</body></html>
"""
