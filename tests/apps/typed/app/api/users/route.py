"""Async typed handlers: a query model, a JSON body, response models, @operation."""

from __future__ import annotations

from app.api._lib.models import User, UserIn
from app.api._lib.store import USERS
from pydantic import BaseModel

from routetree import Request, operation


class Page(BaseModel):
    limit: int = 10
    offset: int = 0
    names: list[str] = []


async def GET(request: Request, query: Page) -> list[User]:
    """The stored users; each carries a password hash the model leaves out."""
    users = [u for u in USERS.values() if not query.names or u.name in query.names]
    return users[query.offset : query.offset + query.limit]


@operation(status=201)
async def POST(body: UserIn) -> User:
    user_id = max(USERS) + 1
    return User(id=user_id, **body.model_dump())
