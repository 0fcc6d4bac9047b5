"""A handler whose return value does not fit its response model: a server bug."""

from __future__ import annotations

from app.api._lib.models import User  # noqa: TC002 - read at run time


async def GET() -> User:
    return {"id": "not-a-number", "name": "Ada", "email": "ada@example.com"}
