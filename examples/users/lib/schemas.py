"""What the API accepts and answers: pydantic models, and the error answers.

The route files annotate their parameters with these models (``body: UserCreate``,
``params: UserPath``, ``query: Page``) and their return values with `User`; routetree
validates the input before the handler runs, answering 422 with every failing field,
and sends what the handler returns as a `User`. The errors the handlers raise
(`conflict`) and the middleware answers (`error_response`) have routetree's shape,
`ErrorBody`::

    {"error": "Conflict", "detail": "a user with email ada@example.com already exists"}
"""

import re
from datetime import datetime
from http import HTTPStatus
from typing import Annotated, Any, NotRequired

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    with_config,
)
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from lib.db import EMAIL_MAX_LENGTH, MAX_ID, NAME_MAX_LENGTH, EmailTakenError
from routetree import HTTPError, Response

# What a name and an email address may hold, written once: the validators below and
# the `pattern` of the document's JSON Schema both use it, so the document promises
# exactly what the API accepts. Explicit ranges, not `\s` or `.`, which the JSON
# Schema's regexes (ECMA-262) and Python's read differently.
_CONTROL = r"\x00-\x1f\x7f"

#: A name: no control characters, and no space at either end.
NAME_PATTERN = rf"[^{_CONTROL} ](?:[^{_CONTROL}]*[^{_CONTROL} ])?"

#: Deliberately simple (no email-validator dependency): something@domain.tld, no
#: spaces or control characters, exactly one "@", no empty labels in the domain.
EMAIL_PATTERN = rf"[^@{_CONTROL} ]+@[^@.{_CONTROL} ]+(?:\.[^@.{_CONTROL} ]+)+"

PAGE_MAX_LIMIT = 100

_NAME = re.compile(NAME_PATTERN)
_EMAIL = re.compile(EMAIL_PATTERN)


def _schema_pattern(pattern: str) -> str:
    """``pattern`` for a JSON Schema, which searches: anchored at both ends."""
    return f"^{pattern}$"


def check_name(value: str) -> str:
    """Refuse a name with a control character or a space at either end.

    Raises:
        PydanticCustomError: The name does not match `NAME_PATTERN`.
    """
    if not _NAME.fullmatch(value):
        raise PydanticCustomError(
            "value_error",
            "Name should have no control characters and no space at either end",
        )
    return value


def normalize_email(value: str) -> str:
    """Check an email address and return it lowercased.

    Raises:
        PydanticCustomError: The address is too long or does not look like an address.
    """
    if len(value) > EMAIL_MAX_LENGTH or not _EMAIL.fullmatch(value):
        raise PydanticCustomError("value_error", "value is not a valid email address")
    return value.lower()


# An integer in plain decimal digits, and a string that pydantic may read as one
# however it is written: with a sign, spaces, "_" separators, leading zeros or ".0".
_PLAIN_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_INTEGER_LIKE = re.compile(r"\s*[+-]?[0-9][0-9_]*(?:\.0*)?\s*")


def _canonical(value: Any, handler: ValidatorFunctionWrapHandler) -> int:
    # pydantic reads "01", " 1", "1_0" and "1.0" as 1 or 10, and its newer releases
    # "+1" as 1; one user has one URL, so only the digits of the number itself are
    # accepted, with the same error whichever pydantic is installed.
    if (
        isinstance(value, str)
        and not _PLAIN_INTEGER.fullmatch(value)
        and _INTEGER_LIKE.fullmatch(value)
    ):
        raise PydanticCustomError(
            "int_canonical",
            "Input should be written in plain decimal digits, with no leading zero",
        )
    number: int = handler(value)
    return number


#: A user's name: 1 to 100 characters, none of them a control character, and no
#: space at either end (refused, not stripped: the document says so).
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=NAME_MAX_LENGTH),
    AfterValidator(check_name),
    Field(
        examples=["Ada Lovelace"],
        json_schema_extra={"pattern": _schema_pattern(NAME_PATTERN)},
    ),
]

#: An email address of at most 254 characters, stored lowercased.
Email = Annotated[
    str,
    AfterValidator(normalize_email),
    Field(
        examples=["ada@example.com"],
        json_schema_extra={
            "pattern": _schema_pattern(EMAIL_PATTERN),
            "maxLength": EMAIL_MAX_LENGTH,
        },
    ),
]

#: A user id: a positive integer that fits SQLite's 64-bit INTEGER, written plainly.
UserId = Annotated[int, Field(gt=0, le=MAX_ID), WrapValidator(_canonical)]

#: A UTC timestamp, sent as ``isoformat()`` gives it: ``...+00:00``, not ``...Z``.
Timestamp = Annotated[
    datetime,
    PlainSerializer(lambda value: value.isoformat(), return_type=str, when_used="json"),
    Field(json_schema_extra={"format": "date-time"}),
]


class UserPath(BaseModel):
    """The path of ``/api/users/{id}``: ``/api/users/abc`` is a 422 naming ``id``."""

    id: UserId


class Page(BaseModel):
    """The query of ``GET /api/users``: ``?limit=20&offset=40``."""

    limit: int = Field(default=PAGE_MAX_LIMIT, ge=1, le=PAGE_MAX_LIMIT)
    offset: int = Field(default=0, ge=0, le=MAX_ID)


class UserCreate(BaseModel):
    """The body of ``POST /api/users`` and ``PUT /api/users/{id}``: both fields."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    email: Email


# A TypedDict, not a model: a key left out is absent (unchanged), and null is no
# string, so it is refused like any other non-string (it would erase the field).
@with_config(ConfigDict(extra="forbid"))
class UserUpdate(TypedDict, total=False):
    """The body of ``PATCH /api/users/{id}``: any of the fields, none of them null."""

    name: Name
    email: Email


class User(BaseModel):
    """A user as the API sends it; ``User.model_validate(row)`` reads a database row."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    email: str
    created_at: Timestamp


class ApiKey(BaseModel):
    """The header every write sends, for the document: middleware.py checks it."""

    x_api_key: str = Field(
        description="The API key: the server's USERS_API_KEY (dev-key under "
        "routetree dev, from .env.development)."
    )


class ErrorBody(TypedDict):
    """An error answer: the reason phrase and what is wrong (a 404 says no more)."""

    error: str
    detail: NotRequired[str]


def error_response(status: int, detail: str) -> Response:
    """Answer in routetree's error shape: ``{"error": <reason>, "detail": ...}``."""
    return Response.json(
        {"error": HTTPStatus(status).phrase, "detail": detail}, status=status
    )


def conflict(exc: EmailTakenError) -> HTTPError:
    """The 409 to raise for an email address that another user already has."""
    return HTTPError(409, str(exc))
