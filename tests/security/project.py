"""What tests/apps/security holds, and the checks every security test makes.

The project (security-cases.md, part 2): ``/api/hello``, ``/api/users/[id]``,
``/api/files/[...path]``, ``/api/protected/[...rest]`` (its answer carries `SECRET`;
``middleware.py`` answers 401 unless ``Authorization: Bearer ok``, then hands the
handler ``x-user: ada``), ``/api/echo-json``, ``/api/goto?to=``, ``/api/throws``,
``/api/forward`` (middleware copies the request headers onto the response: the shape
of CVE-2025-57822), and a private folder ``app/api/_lib/`` with a ``route.py`` that
must never be served.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from tests.raw_http import RawResponse, raw_request

if TYPE_CHECKING:
    from collections.abc import Callable

    from routetree.testing import LiveServer

PROJECT = Path(__file__).parent.parent / "apps" / "security"

SECRET = "S3CRET-P"  # in every answer of the protected handler
TOKEN = "tok-XYZ"  # the protected route module's API_TOKEN constant
AUTH = b"Authorization: Bearer ok\r\n"
PROTECTED = "/api/protected/x"

# Strings that must never reach a client: the handler secret, module constants, the
# private folder's, the .env value, an exception message, the config file's marker,
# and signs of a traceback or of source files.
LEAKS = (
    SECRET,
    TOKEN,
    "LIB-S3CRET",
    "ENV-S3CRET",
    "THROWN-S3CRET",
    "CONFIG-MARKER",
    "Traceback",
    "route.py",
    str(PROJECT),
)


@dataclass(frozen=True)
class SecurityServer:
    """The running project: its URL and the folder routes leave marker files in."""

    url: LiveServer
    markers: Path


def text_of(response: RawResponse) -> str:
    """The whole answer, head and body, for substring checks."""
    return (response.head + b"\r\n\r\n" + response.body).decode("latin-1")


def assert_no_leak(response: RawResponse) -> None:
    """No secret, source path or traceback anywhere in the answer."""
    text = text_of(response)
    found = [leak for leak in LEAKS if leak in text]
    assert not found, f"leaked {found}: {text[:500]!r}"


def json_of(response: RawResponse) -> object:
    """The body, parsed as JSON."""
    return orjson.loads(response.body)


def json_object(response: RawResponse) -> dict[str, object]:
    """The body, parsed as a JSON object."""
    data = json_of(response)
    assert isinstance(data, dict), data
    return data


def assert_guarded(server: SecurityServer, response: RawResponse) -> None:
    """The answer to an unauthenticated request that may reach the protected route.

    Acceptable: 401 from the middleware, or a 4xx without the secret (the router does
    not send this path to the protected handler), or a redirect whose target is itself
    guarded. Never a 2xx, never a 5xx, never the secret.
    """
    assert_no_leak(response)
    if response.status in (301, 302, 307, 308):
        location = response.header("location")
        assert location is not None
        assert location.startswith("/") and not location.startswith(("//", "/\\"))
        followed = raw_request(server.url, "GET", location)
        assert_no_leak(followed)
        assert followed.status in (400, 401, 404), followed.status
        return
    assert response.status in (400, 401, 404, 405), (response.status, response.body)


def assert_alive(server: SecurityServer) -> None:
    """The server still answers ``GET /api/hello`` on a new connection."""
    response = raw_request(server.url, "GET", "/api/hello")
    assert response.status == 200
    assert json_of(response) == {"message": "Hello World"}


def timed(send: Callable[[], RawResponse]) -> tuple[RawResponse, float]:
    """The answer of ``send()`` and the seconds it took."""
    started = time.monotonic()
    response = send()
    return response, time.monotonic() - started
