"""A Redis URL as log lines show it: without its password."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

__all__ = ["redis_description"]


def redis_description(url: str) -> str:
    """``url`` with its user, password, query and fragment left out."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))
