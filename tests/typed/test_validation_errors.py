"""422 items shaped as FastAPI's, and the log message of a response model mismatch."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import orjson
import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError, field_validator

from routetree import UploadFile
from routetree._typed._validation_errors import (
    ResponseValidationError,
    located_errors,
    response_mismatch,
)


class _User(BaseModel):
    name: str
    age: int

    @field_validator("age")
    @classmethod
    def _adult(cls, value: int) -> int:
        if value < 18:
            raise ValueError("must be 18 or over")
        return value


class _Form(BaseModel):
    title: str


def _failure(annotation: Any, value: object) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(annotation).validate_python(value)
    return caught.value


def test_items_are_located_by_source_then_field() -> None:
    items = located_errors(_failure(list[_User], [{"age": "x"}]), "body")
    assert items == [
        {
            "type": "missing",
            "loc": ["body", 0, "name"],
            "msg": "Field required",
            "input": {"age": "x"},
        },
        {
            "type": "int_parsing",
            "loc": ["body", 0, "age"],
            "msg": "Input should be a valid integer, unable to parse string as an "
            "integer",
            "input": "x",
        },
    ]


def test_ctx_is_kept_and_made_json_safe() -> None:
    [item] = located_errors(_failure(_User, {"name": "Ada", "age": 7}), "query")
    assert item == {
        "type": "value_error",
        "loc": ["query", "age"],
        "msg": "Value error, must be 18 or over",
        "input": 7,
        "ctx": {"error": "must be 18 or over"},  # the exception, as its message
    }
    assert orjson.loads(orjson.dumps(item)) == item


def test_an_upload_where_text_was_expected_is_described_not_sent() -> None:
    upload = UploadFile(
        BytesIO(b"secret bytes"), filename="a.txt", content_type="text/plain", size=12
    )
    [item] = located_errors(_failure(_Form, {"title": upload}), "body")
    assert item["loc"] == ["body", "title"]
    assert item["input"] == (
        "UploadFile(filename='a.txt', content_type='text/plain', size=12)"
    )
    assert "url" not in item


def test_a_response_mismatch_names_each_field_but_not_its_value() -> None:
    exc = _failure(list[_User], [{"name": "Ada", "age": 40}, {"age": "forty"}])
    error = response_mismatch(exc, "GET in app/api/users/route.py", "list[User]")
    assert isinstance(error, ResponseValidationError)
    assert str(error) == (
        "GET in app/api/users/route.py returned a value that does not fit its return "
        "annotation list[User] (2 errors):\n"
        "  1.name: Field required [type=missing, input_type=dict]\n"
        "  1.age: Input should be a valid integer, unable to parse string as an "
        "integer [type=int_parsing, input_type=str]"
    )
    assert "forty" not in str(error)


def test_a_mismatch_of_the_whole_value_says_so() -> None:
    error = response_mismatch(_failure(_User, None), "GET in x", "User")
    assert str(error) == (
        "GET in x returned a value that does not fit its return annotation User "
        "(1 error):\n"
        "  (the value): Input should be a valid dictionary or instance of _User "
        "[type=model_type, input_type=NoneType]"
    )
