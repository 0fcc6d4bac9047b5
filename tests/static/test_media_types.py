"""The Content-Type of a file of public/, from its name."""

from __future__ import annotations

import pytest

from routetree._static._media_types import content_type_for


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("robots.txt", "text/plain; charset=utf-8"),
        ("app.js", "text/javascript; charset=utf-8"),
        ("app.mjs", "text/javascript; charset=utf-8"),
        ("site.css", "text/css; charset=utf-8"),
        ("data.json", "application/json; charset=utf-8"),
        ("site.webmanifest", "application/manifest+json; charset=utf-8"),
        ("feed.xml", "application/xml"),
        ("logo.svg", "image/svg+xml"),
        ("logo.PNG", "image/png"),
        ("photo.jpeg", "image/jpeg"),
        ("photo.avif", "image/avif"),
        ("favicon.ico", "image/x-icon"),
        ("font.woff2", "font/woff2"),
        ("module.wasm", "application/wasm"),
        ("backup.tar.gz", "application/gzip"),
        ("paper.pdf", "application/pdf"),
        ("table.tsv", "text/tab-separated-values; charset=utf-8"),  # mimetypes' table
        ("LICENSE", "application/octet-stream"),
        (".htaccess", "application/octet-stream"),
        ("archive.unknown-extension", "application/octet-stream"),
    ],
)
def test_content_type_for(name: str, expected: str) -> None:
    assert content_type_for(name) == expected
