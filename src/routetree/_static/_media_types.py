"""The ``Content-Type`` of a file of ``public/``, from its extension.

The common web types are written out here, so a file gets the same type on every
Python version and machine (``mimetypes``'s built-in table changed between Python
versions, and its module-level functions also read the system's ``mime.types``,
which differs between machines). Other extensions fall back to a `mimetypes.MimeTypes`
of Python's built-in table alone; an unknown one is ``application/octet-stream``.

Text types get ``; charset=utf-8``, as Next.js (through ``send``) adds a charset to
``text/*``, JSON and JavaScript. A compressed file (``.gz``, ``.br``) is its archive
type, never a ``Content-Encoding``: ``backup.tar.gz`` is sent as the bytes it holds.
"""

from __future__ import annotations

import mimetypes
from typing import Final

__all__ = ["content_type_for"]

OCTET_STREAM: Final = "application/octet-stream"

_WEB_TYPES: Final = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".cjs": "text/javascript",
    ".json": "application/json",
    ".map": "application/json",
    ".jsonld": "application/ld+json",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".apng": "image/apng",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".wasm": "application/wasm",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".gz": "application/gzip",
    ".br": "application/x-brotli",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
}
_UTF8_TYPES: Final = frozenset(
    {"application/json", "application/ld+json", "application/manifest+json"}
)
# Python's built-in table only: no system mime.types file is read.
_BUILT_IN: Final = mimetypes.MimeTypes()


def content_type_for(name: str) -> str:
    """The ``Content-Type`` value for a file named ``name``.

    Example::

        content_type_for("logo.png")     # "image/png"
        content_type_for("robots.txt")   # "text/plain; charset=utf-8"
        content_type_for("LICENSE")      # "application/octet-stream"
    """
    dot = name.rfind(".")
    if dot <= 0:  # no extension, or a name such as ".env" that is all extension
        return OCTET_STREAM
    extension = name[dot:].lower()
    media_type = (
        _WEB_TYPES.get(extension)
        or _BUILT_IN.types_map[True].get(extension)
        or _BUILT_IN.types_map[False].get(extension)
        or OCTET_STREAM
    )
    if media_type.startswith("text/") or media_type in _UTF8_TYPES:
        return media_type + "; charset=utf-8"
    return media_type
