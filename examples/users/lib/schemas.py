"""What the API accepts: pydantic models for request bodies, and the error answers.

Error bodies keep routetree's shape, ``{"error": "<reason>", "detail": "<text>"}``;
a validation error adds ``"field"`` (the first field in error) and ``"errors"`` (all)::

    {"error": "Bad Request", "detail": "email: value is not a valid email address",
     "field": "email", "errors": [{"field": "email", "message": "value is ..."}]}
"""

import re
from http import HTTPStatus
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from lib.db import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, EmailTakenError
from routetree import Request, Response

# Deliberately simple (no email-validator dependency): something@domain.tld, no spaces,
# exactly one "@", no empty labels in the domain.
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")

# A user id in a URL: a canonical positive decimal that fits SQLite's 64-bit INTEGER.
_ID_PATTERN = re.compile(r"[1-9][0-9]{0,18}")
_MAX_ID = 2**63 - 1

ModelT = TypeVar("ModelT", bound=BaseModel)


def normalize_email(value: str) -> str:
    """Check an email address and return it lowercased.

    Raises:
        PydanticCustomError: The address is too long or does not look like an address.
    """
    email = value.lower()
    if len(email) > EMAIL_MAX_LENGTH or not EMAIL_PATTERN.fullmatch(email):
        raise PydanticCustomError("email", "value is not a valid email address")
    return email


class UserCreate(BaseModel):
    """The body of ``POST /api/users`` and ``PUT /api/users/{id}``: both fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=NAME_MAX_LENGTH)
    email: str

    @field_validator("email")
    @classmethod
    def _check_email(cls, value: str) -> str:
        return normalize_email(value)


class UserUpdate(BaseModel):
    """The body of ``PATCH /api/users/{id}``: any of the fields, none of them null."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX_LENGTH)
    email: str | None = None

    @field_validator("name", "email", mode="before")
    @classmethod
    def _reject_null(cls, value: Any) -> Any:
        # Absent means "unchanged"; an explicit null would erase a required field.
        if value is None:
            raise PydanticCustomError("string_type", "Input should be a valid string")
        return value

    @field_validator("email")
    @classmethod
    def _check_email(cls, value: str | None) -> str | None:
        return None if value is None else normalize_email(value)


def error_response(status: int, detail: str, **extra: Any) -> Response:
    """Answer in routetree's error shape: ``{"error": <reason>, "detail": ...}``."""
    return Response.json(
        {"error": HTTPStatus(status).phrase, "detail": detail, **extra}, status=status
    )


def validation_error_response(exc: ValidationError) -> Response:
    """Turn a pydantic `ValidationError` into a 400 whose message names the field."""
    errors = [
        {
            "field": ".".join(str(part) for part in error["loc"]) or "body",
            "message": error["msg"],
        }
        for error in exc.errors(include_url=False)
    ]
    first = errors[0]
    return error_response(
        400,
        f"{first['field']}: {first['message']}",
        field=first["field"],
        errors=errors,
    )


def conflict_response(exc: EmailTakenError) -> Response:
    """Answer 409 for an email address that another user already has."""
    return error_response(409, str(exc))


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null"


async def parse_body(request: Request, model: type[ModelT]) -> ModelT | Response:
    """Read the request's JSON body into ``model``, or return the 400 to answer with.

    Malformed JSON never gets here: routetree answers it with a 400 itself.
    """
    data = await request.json()
    if not isinstance(data, dict):
        return error_response(
            400, f"the request body must be a JSON object, not {_json_type(data)}"
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        return validation_error_response(exc)


def parse_user_id(value: str | list[str] | None) -> int | None:
    """Return the user id in a URL segment, or ``None`` if it names none (``abc``)."""
    if not isinstance(value, str) or not _ID_PATTERN.fullmatch(value):
        return None
    user_id = int(value)
    return user_id if user_id <= _MAX_ID else None
