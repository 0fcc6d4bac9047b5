"""What a request's method and path get before routing: a 400, or a 308.

Both request paths (the short one of a project without config or middleware, and the
configured `routetree._pipeline.Pipeline`) call these, so a path is refused or
redirected the same way whichever serves it:

- `refuse_target`: a method outside the seven, a target that is not a path, a
  malformed percent escape -> 400 (`target_error`, the `HTTPError` of it);
  ``OPTIONS *`` -> 204 with every method in ``Allow`` (`options_star`). A target like
  ``api/x`` or ``@evil`` (which some servers pass on) is refused rather than routed as
  ``/api/x``.
- `trailing_slash_redirect`: the 308 to the path without its trailing slash (or, with
  config ``trailing_slash = true``, with one), query kept, as Next.js answers.
"""

from __future__ import annotations

import re

from ._error_responses import http_error_response
from ._errors import HTTPError
from ._response import Response
from ._routing._loader import HTTP_METHODS
from ._url import check_percent_escapes, encode_location

__all__ = [
    "METHODS",
    "options_star",
    "refuse_target",
    "target_error",
    "trailing_slash_redirect",
]

METHODS = frozenset(HTTP_METHODS)
_ALL_METHODS = ", ".join(sorted(HTTP_METHODS))
_LEADING_SLASHES = re.compile(r"^(?:[/\\]|%2[Ff]|%5[Cc])+")
_UNSUPPORTED_METHOD = (
    "Unsupported method {!r}: route handlers answer GET, HEAD, POST, PUT, PATCH, "
    "DELETE and OPTIONS."
)
_NOT_A_PATH = (
    "The request target must be a path starting with '/' (or '*' for OPTIONS)."
)


def refuse_target(method: str, path: str) -> Response | None:
    """The 400 for a bad method, target or percent escape; or ``OPTIONS *``'s 204.

    Returns None when the request may be routed.
    """
    star = options_star(method, path)
    if star is not None:
        return star
    error = target_error(method, path)
    return None if error is None else http_error_response(error)


def target_error(method: str, path: str) -> HTTPError | None:
    """The 400 for a bad method, target or percent escape, as an `HTTPError`.

    Returns None when the request may be routed, and for ``OPTIONS *``.
    """
    if method not in METHODS:
        return HTTPError(400, _UNSUPPORTED_METHOD.format(method))
    if not path.startswith("/"):
        if path == "*" and method == "OPTIONS":
            return None
        return HTTPError(400, _NOT_A_PATH)
    problem = check_percent_escapes(path)
    if problem is not None:
        return HTTPError(400, f"Malformed URL: {problem}.")
    return None


def options_star(method: str, path: str) -> Response | None:
    """The 204 to ``OPTIONS *``, with every method in ``Allow``; else None."""
    if path == "*" and method == "OPTIONS":
        return Response(None, status=204, headers={"allow": _ALL_METHODS})
    return None


def trailing_slash_redirect(
    path: str, query: bytes, *, add: bool = False, base_path: str = ""
) -> Response | None:
    """The 308 that removes (or, with ``add``, adds) a path's trailing slash.

    With ``add`` (config ``trailing_slash = true``) a last segment that looks like a
    file (``hello.json``) gets no slash, and loses one it has, as in Next.js. Returns
    None when the path is already as it should be.
    """
    if path == "/":
        return None
    last = path.rstrip("/").rpartition("/")[2]
    wants_slash = add and "." not in last
    has_slash = path.endswith("/")
    if has_slash == wants_slash:
        return None
    # Collapse leading slashes and backslashes, plain or encoded: "//evil.example/"
    # or "/\evil.example/" must not become a redirect to another host (browsers read
    # "/\" as "//"), and "/%2F%2Fevil.example/" must not either, through a proxy or
    # client that decodes it.
    target = base_path + "/" + _LEADING_SLASHES.sub("", path).rstrip("/")
    if wants_slash:
        target += "/"
    if query:
        target += "?" + query.decode("latin-1")
    target = encode_location(target)
    return Response(
        target,
        status=308,
        headers={"location": target, "refresh": f"0;url={target}"},
    )
