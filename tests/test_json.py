"""JSON encoding of handler results and located decoding errors for request bodies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from enum import Enum, IntEnum
from uuid import UUID

import pytest
from pydantic import BaseModel

from routetree._errors import HTTPError
from routetree._json import InvalidJSONError, decode_json, encode_json

PLUS_TWO = timezone(timedelta(hours=2))
ID = UUID("12345678-1234-5678-1234-567812345678")


class Color(Enum):
    RED = "red"


class Level(IntEnum):
    HIGH = 3


@dataclass
class Point:
    x: int
    label: str
    at: date


class User(BaseModel):
    name: str
    age: int
    tags: list[str]


@pytest.mark.parametrize(
    ("data", "encoded"),
    [
        ({"a": [1, 2], "b": None, "c": True}, b'{"a":[1,2],"b":null,"c":true}'),
        ({"msg": "caf\u00e9 \u2615"}, '{"msg":"caf\u00e9 \u2615"}'.encode()),
        ('line\nbreak "q"', b'"line\\nbreak \\"q\\""'),
        (
            {"at": datetime(2024, 5, 6, 7, 8, 9, tzinfo=PLUS_TWO)},
            b'{"at":"2024-05-06T07:08:09+02:00"}',
        ),
        (
            datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC),
            b'"2024-05-06T07:08:09.123456+00:00"',
        ),
        (datetime(2024, 5, 6, 7, 8, 9), b'"2024-05-06T07:08:09"'),
        (date(2024, 5, 6), b'"2024-05-06"'),
        (time(7, 8, 9), b'"07:08:09"'),
        (ID, b'"12345678-1234-5678-1234-567812345678"'),
        ({"price": Decimal("1.10")}, b'{"price":1.10}'),
        (Decimal("-0.000001"), b"-0.000001"),
        (Decimal("12345678901234567890.123456789"), b"12345678901234567890.123456789"),
        (Decimal("NaN"), b'"NaN"'),
        (Decimal("Infinity"), b'"Infinity"'),
        (Decimal("-Infinity"), b'"-Infinity"'),
        (Color.RED, b'"red"'),
        (Level.HIGH, b"3"),
        (Point(1, "p", date(2024, 5, 6)), b'{"x":1,"label":"p","at":"2024-05-06"}'),
        (User(name="Ada", age=36, tags=["x"]), b'{"name":"Ada","age":36,"tags":["x"]}'),
        ((1, "a", (2,)), b'[1,"a",[2]]'),
        ({3}, b"[3]"),
        (frozenset({"a"}), b'["a"]'),
        ({1: "one", 2.5: "x"}, b'{"1":"one","2.5":"x"}'),
        (
            {ID: 1, date(2024, 5, 6): 2, Color.RED: 3},
            b'{"12345678-1234-5678-1234-567812345678":1,"2024-05-06":2,"red":3}',
        ),
        ([], b"[]"),
        ({}, b"{}"),
    ],
    ids=[
        "compact",
        "utf8-not-escaped",
        "string-escapes",
        "datetime-offset-kept",
        "datetime-utc-microseconds",
        "naive-datetime",
        "date",
        "time",
        "uuid",
        "decimal-exact-number",
        "decimal-small",
        "decimal-many-digits",
        "decimal-nan-as-string",
        "decimal-infinity-as-string",
        "decimal-minus-infinity-as-string",
        "enum-value",
        "int-enum-number",
        "dataclass",
        "pydantic-model",
        "tuple-array",
        "set-array",
        "frozenset-array",
        "non-str-keys",
        "uuid-date-enum-keys",
        "empty-list",
        "empty-object",
    ],
)
def test_encode_json(data: object, encoded: bytes) -> None:
    assert encode_json(data) == encoded


def test_decimal_keeps_every_digit_when_read_back() -> None:
    encoded = encode_json({"price": Decimal("1.10")})
    assert json.loads(encoded, parse_float=Decimal) == {"price": Decimal("1.10")}


def test_nested_values_are_encoded_throughout() -> None:
    data = {
        "users": [User(name="Ada", age=36, tags=[])],
        "points": (Point(0, "origin", date(2024, 1, 1)),),
        "meta": {
            "id": ID,
            "when": datetime(2024, 1, 1, tzinfo=PLUS_TWO),
            "level": Level.HIGH,
        },
    }
    assert json.loads(encode_json(data)) == {
        "users": [{"name": "Ada", "age": 36, "tags": []}],
        "points": [{"x": 0, "label": "origin", "at": "2024-01-01"}],
        "meta": {
            "id": "12345678-1234-5678-1234-567812345678",
            "when": "2024-01-01T00:00:00+02:00",
            "level": 3,
        },
    }


def test_pydantic_model_is_encoded_as_its_json_dump() -> None:
    class Order(BaseModel):
        id: UUID
        at: datetime

    order = Order(id=ID, at=datetime(2024, 1, 1, 12, tzinfo=PLUS_TWO))
    assert json.loads(encode_json(order)) == json.loads(order.model_dump_json())


@pytest.mark.parametrize(
    "data",
    [object(), {"a": b"bytes"}, {"a": [1, object()]}, {"big": 2**64}],
    ids=["object", "bytes", "nested-object", "int-beyond-64-bits"],
)
def test_unsupported_value_is_a_type_error(data: object) -> None:
    with pytest.raises(TypeError):
        encode_json(data)


def test_type_error_names_the_type() -> None:
    with pytest.raises(TypeError) as caught:
        encode_json({"when": object()})
    assert "not JSON serializable" in str(caught.value)
    assert "object" in str(caught.value)


def _nested(depth: int) -> object:
    value: object = []
    for _ in range(depth - 1):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("body", "value"),
    [
        (b'{"a": 1, "b": [true, null]}', {"a": 1, "b": [True, None]}),
        (b'  "caf\xc3\xa9"  ', "caf\u00e9"),
        (b"0", 0),
        (b"[]", []),
        (b"[" * 500 + b"]" * 500, _nested(500)),
    ],
    ids=["object", "string-with-whitespace", "zero", "empty-array", "deep-but-allowed"],
)
def test_decode_valid_json(body: bytes, value: object) -> None:
    assert decode_json(body) == value


def _failure(body: bytes) -> InvalidJSONError:
    with pytest.raises(InvalidJSONError) as caught:
        decode_json(body)
    return caught.value


def test_malformed_json_is_400_with_line_and_column() -> None:
    failure = _failure(b"{bad")
    assert isinstance(failure, HTTPError)
    assert failure.status == 400
    assert failure.detail is not None
    assert failure.detail.startswith("Malformed JSON in request body: ")
    assert "line 1, column 2" in failure.detail
    assert failure.detail.endswith("at line 1, column 2 (byte 1).")


def test_error_on_a_later_line_names_that_line() -> None:
    failure = _failure(b'{\n  "a": 1,\n}')
    assert failure.status == 400
    assert failure.detail is not None
    assert failure.detail.endswith("at line 2, column 9 (byte 10).")


@pytest.mark.parametrize(
    "body",
    [b"{bad", b"[1, 2", b"NaN", b"{'a': 1}", b'{"a": 1} x', b'"\xff"', b"tru"],
    ids=[
        "bare-word",
        "unterminated",
        "nan",
        "single-quotes",
        "trailing-data",
        "invalid-utf8",
        "truncated-literal",
    ],
)
def test_every_malformed_body_is_400_with_a_location(body: bytes) -> None:
    failure = _failure(body)
    assert failure.status == 400
    assert failure.detail is not None
    assert failure.detail.startswith("Malformed JSON in request body: ")
    assert " at line " in failure.detail
    assert ", column " in failure.detail


@pytest.mark.parametrize(
    "body", [b"", b"   ", b"\n\t"], ids=["empty", "spaces", "whitespace"]
)
def test_empty_body_is_400(body: bytes) -> None:
    failure = _failure(body)
    assert failure.status == 400
    assert failure.detail == "Request body is empty; expected a JSON document."


@pytest.mark.parametrize(
    "body",
    [b"[" * 2000 + b"]" * 2000, b'{"a":' * 2000 + b"1" + b"}" * 2000],
    ids=["arrays", "objects"],
)
def test_json_nested_too_deeply_is_400(body: bytes) -> None:
    failure = _failure(body)
    assert failure.status == 400
    assert failure.detail is not None
    assert failure.detail.startswith("Malformed JSON in request body: ")


def test_decode_failure_reads_as_status_and_detail() -> None:
    assert str(_failure(b"")) == (
        "400 Bad Request: Request body is empty; expected a JSON document."
    )
