"""The upgrade request: its headers, and the ``websocket`` scope of the app."""

from __future__ import annotations

import base64
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import httpx

    from .._types import Scope

__all__ = ["upgrade_headers", "websocket_scope"]


def websocket_scope(
    request: httpx.Request,
    *,
    subprotocols: Sequence[str],
    client: tuple[str, int],
    state: Mapping[str, object],
) -> Scope:
    """Build the ``websocket`` scope of an upgrade request the test client prepared.

    ``request`` carries the URL (base URL merged), the client's default headers, the
    call's headers and the cookie jar's ``Cookie`` for that URL.
    """
    url = request.url
    secure = url.scheme in {"https", "wss"}
    headers = [(name.lower(), value) for name, value in request.headers.raw]
    return {
        "type": "websocket",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "scheme": "wss" if secure else "ws",
        "path": url.path,
        "raw_path": url.raw_path.split(b"?", 1)[0],
        "query_string": url.query,
        "root_path": "",
        "headers": headers,
        "client": client,
        "server": (url.host, url.port or (443 if secure else 80)),
        "subprotocols": list(subprotocols),
        "state": dict(state),
        "extensions": {"websocket.http.response": {}},
    }


def upgrade_headers(subprotocols: Sequence[str]) -> dict[str, str]:
    """The headers of a WebSocket upgrade request (RFC 6455 4.1), as a browser sends."""
    headers = {
        "connection": "Upgrade",
        "upgrade": "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": base64.b64encode(os.urandom(16)).decode(),
    }
    if subprotocols:
        headers["sec-websocket-protocol"] = ", ".join(subprotocols)
    return headers
