from pydantic import BaseModel


class User(BaseModel):
    name: str


async def GET() -> User:
    return {"nick": "ada"}
