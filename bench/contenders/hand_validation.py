"""The validated POST's body, checked by hand: what raw ASGI and Starlette do.

FastAPI and routetree validate it with a pydantic model of the same five fields;
the contenders without pydantic check the same types here, so that every contender
does the work of refusing a wrong body (422), not only of echoing a right one.
"""

from __future__ import annotations

from typing import Any

FIELDS = ("name", "email", "age", "active", "tags")


def user_in(data: object) -> dict[str, Any] | None:
    """The five fields of a valid body, or None when one is missing or mistyped."""
    if not isinstance(data, dict):
        return None
    name, email, age, active, tags = (data.get(key) for key in FIELDS)
    if (
        isinstance(name, str)
        and isinstance(email, str)
        and isinstance(age, int)
        and not isinstance(age, bool)
        and isinstance(active, bool)
        and isinstance(tags, list)
        and all(isinstance(tag, str) for tag in tags)
    ):
        return {
            "name": name,
            "email": email,
            "age": age,
            "active": active,
            "tags": tags,
        }
    return None
