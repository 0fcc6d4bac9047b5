"""POST /api/accounts: the body validated as a five-field pydantic model."""

from pydantic import BaseModel

from routetree import Response


class UserIn(BaseModel):
    name: str
    email: str
    age: int
    active: bool
    tags: list[str]


async def POST(body: UserIn) -> Response:
    return Response.json({**body.model_dump(), "id": 1}, status=201)
