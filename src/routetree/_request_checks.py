"""The rules a request must meet before routetree reads it.

One valid Host, a known HTTP version, unambiguous framing. The HTTP server parses the
request, but servers differ on what they let through (see docs/security.md): httptools
passes two ``Host`` headers, no ``Host`` at all, an ``HTTP/2.0`` request line on an
HTTP/1 connection and ``HTTP/0.9``; h11 passes ``Content-Length`` with
``Transfer-Encoding``. routetree refuses all of these itself, the same way under every
server, with a 400 that closes the connection:

- HTTP/1.1 needs exactly one ``Host``; other versions at most one (RFC 9112 3.2). It
  must be a valid ``host[:port]`` allowed by ``allowed_hosts`` (`routetree._hosts`).
- The version is 1.0, 1.1, 2 or 3.
- ``Transfer-Encoding`` may only be one ``chunked`` on HTTP/1.1, without
  ``Content-Length`` (RFC 9112 6.1: anything else is how requests are smuggled past a
  proxy that reads the framing differently).

`RequestChecks.refusal` does the work; the app calls it only when its quick scan of the
headers saw something to look at (no ``Host`` or two, ``Transfer-Encoding``, a version
other than 1.1) or a ``Host`` value it has not checked before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._error_responses import error_response

if TYPE_CHECKING:
    from ._hosts import HostPolicy
    from ._response import Response
    from ._types import Scope

__all__ = ["HTTP_VERSIONS", "RequestChecks"]

HTTP_VERSIONS = frozenset({"1.0", "1.1", "2", "3"})
# Host values already found valid and allowed; bounded, since a client chooses them.
_MAX_KNOWN_HOSTS = 1024


class RequestChecks:
    """The checks of the module docstring, with the app's ``allowed_hosts``.

    Attributes:
        known_hosts: Raw ``Host`` values that passed, so the app can skip the check.
    """

    __slots__ = ("_policy", "known_hosts")

    def __init__(self, policy: HostPolicy) -> None:
        self._policy = policy
        self.known_hosts: set[bytes] = set()

    def refusal(self, scope: Scope) -> Response | None:
        """The 400 for a request that breaks a rule, or None when it is fine."""
        version: str = scope.get("http_version", "1.1")
        if version not in HTTP_VERSIONS:
            return _bad_request(f"HTTP/{version} is not supported.", version)
        hosts = [value for name, value in scope["headers"] if name == b"host"]
        if len(hosts) > 1:
            return _bad_request("The request has more than one Host header.", version)
        host = hosts[0] if hosts else None
        if host is None:
            if version == "1.1":
                return _bad_request(
                    "An HTTP/1.1 request must have a Host header.", version
                )
        elif host not in self.known_hosts:
            problem = self._policy.refusal(host.decode("latin-1"))
            if problem is not None:
                return _bad_request(problem, version)
            if len(self.known_hosts) >= _MAX_KNOWN_HOSTS:
                self.known_hosts.clear()
            self.known_hosts.add(host)
        if any(name == b"transfer-encoding" for name, _ in scope["headers"]):
            return _framing_refusal(scope, version)
        return None


def _framing_refusal(scope: Scope, version: str) -> Response | None:
    values = [v for n, v in scope["headers"] if n == b"transfer-encoding"]
    has_length = any(n == b"content-length" for n, _ in scope["headers"])
    if len(values) > 1 or values[0].strip().lower() != b"chunked":
        return _bad_request(
            "Transfer-Encoding must be a single 'chunked'; other codings are not "
            "accepted.",
            version,
        )
    if has_length:
        return _bad_request(
            "The request has both Content-Length and Transfer-Encoding; send one.",
            version,
        )
    if version == "1.0":
        return _bad_request("Transfer-Encoding is not allowed in HTTP/1.0.", version)
    return None


def _bad_request(detail: str, version: str) -> Response:
    # The server may have read the body differently from what the client meant, so
    # an HTTP/1 connection is not reused (HTTP/2 and 3 forbid the header).
    headers = None if version in ("2", "3") else {"connection": "close"}
    return error_response(400, detail, headers)
