from lib.wrappers import passing_typed
from pydantic import BaseModel


class UserIn(BaseModel):
    name: str


class UserOut(BaseModel):
    name: str


@passing_typed
async def POST(body: UserIn) -> UserOut:
    return {"name": body.name, "password": "never shown"}
