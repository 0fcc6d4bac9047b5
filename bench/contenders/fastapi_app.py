"""FastAPI: the four benchmark endpoints, written the way FastAPI is used.

The POST bodies are pydantic models (validated by FastAPI); the handlers return plain
dicts with no return annotation, so no response model is added.
"""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel


class UserCreate(BaseModel):
    name: str
    email: str


class UserIn(BaseModel):
    name: str
    email: str
    age: int
    active: bool
    tags: list[str]


app = FastAPI()


@app.get("/api/hello")
async def hello():
    return {"message": "Hello World"}


@app.get("/api/users/{id}")
async def get_user(id: str):
    return {"id": id, "name": f"user {id}"}


@app.post("/api/users", status_code=201)
async def create_user(user: UserCreate):
    return {**user.model_dump(), "id": 1}


@app.post("/api/accounts", status_code=201)
async def create_account(account: UserIn):
    return {**account.model_dump(), "id": 1}
