"""An in-memory store, one per server process."""

from __future__ import annotations

from app.api._lib.models import StoredUser

USERS: dict[int, StoredUser] = {
    1: StoredUser(id=1, name="Ada", email="ada@example.com", password_hash="x1"),
    2: StoredUser(id=2, name="Grace", email="grace@example.com", password_hash="x2"),
}
