r"""JSON in and out, through orjson.

Encoding is compact UTF-8 (no spaces, no ``\u`` escapes) and understands the types a
handler returns in practice: ``datetime``/``date``/``time`` (``isoformat()``, offset
kept), ``UUID``, ``Decimal`` (its exact digits, as a number), ``Enum`` (its value),
dataclasses, pydantic models, tuples, sets and non-string dict keys. Decoding errors say
what is wrong and where (line, column and byte offset).

Decoding reads UTF-8 only and skips a leading UTF-8 byte order mark, as the Fetch API's
``request.json()`` does. Unlike Fetch, bytes that are not UTF-8 are an error, not
replaced with U+FFFD.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

import orjson

from ._errors import HTTPError

__all__ = ["InvalidJSONError", "decode_json", "encode_json"]

_OPTIONS: Final = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
_BOM: Final = b"\xef\xbb\xbf"


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


class InvalidJSONError(HTTPError):
    """A request body that is not valid JSON.

    Answered with 400 and where it went wrong.
    """


def decode_json(body: bytes) -> object:
    """Decode a request body as JSON (UTF-8; a leading byte order mark is skipped).

    Raises:
        InvalidJSONError: (an `HTTPError` 400) The body is empty, malformed, not UTF-8
            or nested too deeply; the message says what and where.
    """
    skipped = 0
    if body.startswith(_BOM):
        body, skipped = body[len(_BOM) :], len(_BOM)
    if not body.strip():
        raise InvalidJSONError(400, "Request body is empty; expected a JSON document.")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidJSONError(400, _failure_detail(exc, body, skipped)) from None


def _failure_detail(exc: orjson.JSONDecodeError, body: bytes, skipped: int) -> str:
    """Say what is wrong and where: line, column (characters) and byte of the body."""
    try:
        text = body.decode()
    except UnicodeDecodeError as bad:
        # orjson checks the encoding first and reports it at byte 0: find the byte.
        problem, byte = f"not valid UTF-8 (byte 0x{body[bad.start]:02x})", bad.start
    else:
        # orjson counts characters; a client counts bytes.
        problem, byte = exc.msg, len(text[: exc.pos].encode())
    line_start = body.rfind(b"\n", 0, byte) + 1
    line = body.count(b"\n", 0, byte) + 1
    column = len(body[line_start:byte].decode(errors="replace")) + 1
    return (
        f"Malformed JSON in request body: {problem} at line {line}, column {column} "
        f"(byte {byte + skipped})."
    )
