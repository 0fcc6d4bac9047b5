"""No request reaches a file outside public/ (security-cases.md A2, A3, A9; CVEs below).

``routetree start`` of the generated static project (tests/static/project.py): beside
``public/`` the project holds ``secret.txt``, and ``public/`` holds links out of it
(``outside.txt`` relative, ``absolute.txt`` absolute, ``passwd`` to ``/etc/passwd``,
``linked-dir`` to a folder), dotfiles, and a ``.hidden/`` folder, all holding
`SECRET`. Every request goes over a raw socket, so the target reaches the server byte
for byte, under both HTTP parsers. The attacks are those that broke other static file
servers: Starlette's character-wise containment (CVE-2023-29159), aiohttp's
``follow_symlinks`` (CVE-2024-23334) and its 403-versus-404 oracle (CVE-2025-69226),
UNC and drive paths (CVE-2026-48818), and NUL bytes. routetree never builds a path from
the URL: a request is one lookup in the table read at start-up, so each of them is a
404 (or the 400 of a malformed target), the same answer as for a file that does not
exist.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from routetree.testing import live_server
from tests.raw_http import raw_request, raw_send
from tests.security.conftest import PARSERS
from tests.static.project import SECRET, make_static_project

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from routetree.testing import LiveServer


@dataclass(frozen=True)
class PublicServer:
    """The running server and the project folder it serves."""

    url: LiveServer
    project: Path


@pytest.fixture(scope="module", params=PARSERS, ids=lambda p: p or "default-parser")
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PublicServer]:
    """``routetree start`` of the generated static project, per HTTP parser."""
    parser: str | None = request.param
    args = () if parser is None else ("--http", parser)
    project = make_static_project(tmp_path_factory.mktemp("public-escapes"))
    with live_server(project, args=args) as url:
        yield PublicServer(url, project)


ESCAPES = [
    # Dot segments, plain and encoded (A2; Starlette CVE-2023-29159).
    "/../secret.txt",
    "/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/.%2e/secret.txt",
    "/images/../../secret.txt",
    "/images/%2e%2e/%2e%2e/secret.txt",
    "/robots.txt/../../secret.txt",
    "/static/../secret.txt",
    # Encoded slashes and backslashes.
    "/..%2fsecret.txt",
    "/..%2Fsecret.txt",
    "/images%2f..%2f..%2fsecret.txt",
    "/%2e%2e%2fsecret.txt",
    "/..%5csecret.txt",
    "/%5c..%5csecret.txt",
    "/images\\..\\..\\secret.txt",
    "/..\\secret.txt",
    # Absolute, UNC and drive paths (CVE-2026-48818).
    "//etc/passwd",
    "/%2Fetc%2Fpasswd",
    "/%2fetc/passwd",
    "/etc/passwd",
    "/\\\\attacker\\share\\secret.txt",
    "/%5C%5Cattacker%5Cshare",
    "/C:/Windows/win.ini",
    "/C%3A%5Csecret.txt",
    # Links out of public/ (aiohttp CVE-2024-23334).
    "/outside.txt",
    "/absolute.txt",
    "/passwd",
    "/linked-dir/secret.txt",
    "/dangling.txt",
    # Dotfiles and hidden folders (A9).
    "/.env",
    "/%2eenv",
    "/.hidden/note.txt",
    "/.well-known/.hidden.txt",
    "/.well-known/../.env",
    # NUL bytes (A3).
    "/robots.txt%00",
    "/robots.txt%00.png",
    "/secret.txt%00/robots.txt",
    # The project's own files, by any name.
    "/secret.txt",
    "/public/robots.txt",
    "/public/../secret.txt",
    "/app/api/hello/route.py",
    "/routetree.toml",
]


@pytest.mark.parametrize("target", ESCAPES)
def test_no_path_escapes_public(server: PublicServer, target: str) -> None:
    response = raw_request(server.url, "GET", target)
    text = (response.head + b"\r\n\r\n" + response.body).decode("latin-1")
    assert SECRET not in text
    assert "root:" not in text  # /etc/passwd
    assert response.status in (400, 404), (response.status, text[:300])
    assert response.header("etag") is None  # no file was opened for it


def test_an_escape_gets_the_answer_of_a_missing_file(server: PublicServer) -> None:
    # The same status and body whether something exists there or not: no oracle
    # (aiohttp CVE-2025-69226).
    missing = raw_request(server.url, "GET", "/no-such-file.txt")
    for target in ("/../secret.txt", "/outside.txt", "/.env", "/passwd"):
        response = raw_request(server.url, "GET", target)
        assert (response.status, response.body) == (missing.status, missing.body)


def test_a_literal_nul_in_the_target_is_refused(server: PublicServer) -> None:
    response = raw_send(
        server.url,
        b"GET /robots.txt\x00.png HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    assert response.status == 400
    assert raw_request(server.url, "GET", "/robots.txt").status == 200


def test_an_encoded_slash_never_separates_folders(server: PublicServer) -> None:
    # public/images/nested/deep/pixel.png is served at its path only.
    assert raw_request(server.url, "GET", "/images/nested/deep/pixel.png").status == 200
    for target in (
        "/images%2Fnested%2Fdeep%2Fpixel.png",
        "/images%2fnested/deep/pixel.png",
        "/images/nested%5Cdeep/pixel.png",
    ):
        assert raw_request(server.url, "GET", target).status == 404, target


def test_a_file_replaced_by_a_link_after_start_up_is_not_followed(
    server: PublicServer,
) -> None:
    swapped = server.project / "public" / "swapped.txt"
    assert raw_request(server.url, "GET", "/swapped.txt").status == 200
    swapped.unlink()
    os.symlink("../secret.txt", swapped)
    response = raw_request(server.url, "GET", "/swapped.txt")
    assert response.status == 404
    assert SECRET.encode() not in response.body


def test_a_ranged_or_conditional_escape_is_still_404(server: PublicServer) -> None:
    for lines in (
        b"Range: bytes=0-\r\n",
        b'If-None-Match: "x"\r\n',
        b"If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n",
    ):
        response = raw_request(server.url, "GET", "/outside.txt", header_lines=lines)
        assert response.status == 404
        assert SECRET.encode() not in response.body
