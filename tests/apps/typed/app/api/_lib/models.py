"""Models shared by the typed routes."""

from __future__ import annotations

from pydantic import BaseModel, Field


class UserIn(BaseModel):
    name: str = Field(min_length=1)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")


class User(UserIn):
    id: int


class StoredUser(User):
    """What the store holds: more than the API shows."""

    password_hash: str
