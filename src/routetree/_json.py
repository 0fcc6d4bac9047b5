r"""JSON in and out, through orjson.

Encoding is compact UTF-8 (no spaces, no ``\u`` escapes) and understands the types a
handler returns in practice: ``datetime``/``date``/``time`` (``isoformat()``, offset
kept), ``UUID``, ``Decimal`` (its exact digits, as a number), ``Enum`` (its value),
dataclasses, pydantic models, tuples, sets and non-string dict keys. Decoding errors say
what is wrong and where (line, column and byte offset).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

import orjson

from ._errors import HTTPError

__all__ = ["JSONDecodeFailure", "decode_json", "encode_json"]

_OPTIONS: Final = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        # Finite decimals keep every digit as a JSON number;
        # NaN/Infinity have no JSON form.
        return orjson.Fragment(str(value)) if value.is_finite() else str(value)
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump):
        return model_dump(mode="json")
    if isinstance(value, set | frozenset):
        return list(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def encode_json(data: object) -> bytes:
    """Encode ``data`` as compact UTF-8 JSON.

    Raises:
        TypeError: ``data`` holds a value with no JSON form.
    """
    try:
        return orjson.dumps(data, default=_default, option=_OPTIONS)
    except orjson.JSONEncodeError as exc:
        raise TypeError(str(exc)) from exc.__cause__


class JSONDecodeFailure(HTTPError):
    """A request body that is not valid JSON.

    Answered with 400 and where it went wrong.
    """


def decode_json(body: bytes) -> object:
    """Decode a request body as JSON.

    Raises:
        JSONDecodeFailure: (an `HTTPError` 400) The body is empty, malformed, not UTF-8
            or nested too deeply; the message says what and where.
    """
    if not body.strip():
        raise JSONDecodeFailure(400, "Request body is empty; expected a JSON document.")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise JSONDecodeFailure(
            400,
            f"Malformed JSON in request body: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno} (byte {exc.pos}).",
        ) from None
