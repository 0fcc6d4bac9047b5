"""A typed handler: a body that does not validate is a 422."""

from pydantic import BaseModel

from routetree import Response


class NewUser(BaseModel):
    username: str
    email: str


def POST(body: NewUser) -> Response:
    return Response.json(body.model_dump(), status=201)
