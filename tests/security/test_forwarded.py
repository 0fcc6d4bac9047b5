"""X-Forwarded-For/-Proto/-Host count only from config ``trusted_proxies``.

The tests connect from 127.0.0.1. uvicorn's own proxy-header handling trusts that
address by default; routetree start turns it off, so without trusted_proxies
nothing a client sends moves ``request.ip``, the scheme or the host.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from routetree.testing import LiveServer, live_server

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

WHOAMI = """
from routetree import Request, Response

async def GET(request: Request) -> Response:
    url = request.url
    return Response.json(
        {"ip": request.ip, "scheme": url.scheme, "host": url.host, "url": str(url)}
    )
"""


def _project(root: Path, toml: str) -> Path:
    (root / "app/api/whoami").mkdir(parents=True)
    (root / "app/api/whoami/route.py").write_text(WHOAMI)
    if toml:
        (root / "routetree.toml").write_text(toml)
    return root


@pytest.fixture(scope="module")
def untrusting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(_project(tmp_path_factory.mktemp("untrusting"), "")) as server:
        yield server


@pytest.fixture(scope="module")
def trusting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    project = _project(
        tmp_path_factory.mktemp("trusting"), 'trusted_proxies = ["127.0.0.0/8"]\n'
    )
    with live_server(project) as server:
        yield server


def _whoami(server: str, headers: dict[str, str]) -> dict[str, object]:
    response = httpx.get(f"{server}/api/whoami", headers=headers)
    assert response.status_code == 200
    seen: dict[str, object] = response.json()
    return seen


def test_forwarded_headers_are_ignored_without_trusted_proxies(
    untrusting: LiveServer,
) -> None:
    seen = _whoami(
        untrusting,
        {
            "x-forwarded-for": "6.6.6.6",
            "x-forwarded-proto": "https",
            "x-forwarded-host": "evil.example",
        },
    )
    assert seen["ip"] == "127.0.0.1"
    assert seen["scheme"] == "http"
    assert seen["host"] == "127.0.0.1"


@pytest.mark.parametrize(
    ("forwarded_for", "ip"),
    [
        ("6.6.6.6", "6.6.6.6"),
        ("1.1.1.1:8080", "1.1.1.1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::2", "2001:db8::2"),
        ("not-an-ip", "127.0.0.1"),
        ("<script>", "127.0.0.1"),
        ("unknown", "127.0.0.1"),
        ("999.1.1.1", "127.0.0.1"),
        ("6.6.6.6, unknown", "6.6.6.6"),
        ("7.7.7.7, 6.6.6.6, 127.0.0.5", "6.6.6.6"),
        ("127.0.0.9, 127.0.0.5", "127.0.0.9"),
    ],
)
def test_request_ip_is_an_address_behind_trusted_proxies(
    trusting: LiveServer, forwarded_for: str, ip: str
) -> None:
    assert _whoami(trusting, {"x-forwarded-for": forwarded_for})["ip"] == ip


def test_trusted_proxy_sets_scheme_and_host(trusting: LiveServer) -> None:
    seen = _whoami(
        trusting,
        {"x-forwarded-proto": "https", "x-forwarded-host": "api.example.com"},
    )
    assert (seen["scheme"], seen["host"]) == ("https", "api.example.com")
    assert seen["url"] == "https://api.example.com/api/whoami"


@pytest.mark.parametrize(
    ("proto", "host"),
    [("javascript", "evil.example/x?y="), ("https://x", "user@evil.example")],
)
def test_invalid_forwarded_scheme_and_host_are_ignored(
    trusting: LiveServer, proto: str, host: str
) -> None:
    seen = _whoami(trusting, {"x-forwarded-proto": proto, "x-forwarded-host": host})
    assert (seen["scheme"], seen["host"]) == ("http", "127.0.0.1")
