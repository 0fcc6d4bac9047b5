"""An API key on every write: POST, PUT, PATCH and DELETE need ``x-api-key``.

routetree runs this before routing for every path the matcher matches. Reads (GET,
HEAD, OPTIONS) pass through; a write must carry the header ``x-api-key`` equal to the
``USERS_API_KEY`` environment variable, or it is answered 401 in the API's error shape
and never reaches the route::

    {"error": "Unauthorized", "detail": "missing x-api-key header"}

``USERS_API_KEY`` comes from the environment or a ``.env`` file (``.env`` has a
development key). It is read on every request; when it is not set at all, every write
is refused (fail closed), not let through.

CORS preflights never get here: routetree answers them from ``routetree.toml`` first.
"""

import hmac
import os

from lib.schemas import error_response

from routetree import Request, Response

# "/api/users/:path*" already matches "/api/users" itself (":path*" is zero or more
# segments); both are listed so the intent is explicit.
config = {"matcher": ["/api/users/:path*", "/api/users"]}

API_KEY_HEADER = "x-api-key"
API_KEY_VARIABLE = "USERS_API_KEY"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def middleware(request: Request) -> Response | None:
    """Let reads through; refuse a write without the right ``x-api-key`` (401)."""
    if request.method in READ_METHODS:
        return None
    expected = os.environ.get(API_KEY_VARIABLE)
    if not expected:
        return unauthorized(
            f"the server has no API key configured ({API_KEY_VARIABLE} is not set or "
            "empty), so writes are refused"
        )
    given = request.headers.get(API_KEY_HEADER)
    if given is None:
        return unauthorized(f"missing {API_KEY_HEADER} header")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return unauthorized(f"invalid {API_KEY_HEADER} header")
    return None


def unauthorized(detail: str) -> Response:
    """401 in the API's error shape, telling the client which header to send."""
    response = error_response(401, detail)
    response.headers["www-authenticate"] = f'ApiKey header="{API_KEY_HEADER}"'
    return response
