"""What a failed validation says: to the client (422 items), or to the log (a 500).

Input that does not validate is the client's error: every failing field becomes one
item of the 422 body, shaped as FastAPI's so that clients written for it read them::

    {"type": "missing", "loc": ["body", "email"], "msg": "Field required",
     "input": {"name": "Ada"}}

``loc`` starts with where the value came from (``"body"``, ``"query"``, ``"path"``,
``"header"``, ``"cookie"``), then pydantic's path to the field. ``ctx`` is added when
pydantic gives one, made JSON-safe (an exception becomes its message). There is no
``url`` key, and nothing of the server is in an item: only what the client sent and
what the type expects.

A returned value that does not fit the handler's return annotation is the server's
error: `ResponseValidationError`, a 500, logged with each failing field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic_core import to_jsonable_python

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = ["ResponseValidationError", "located_errors", "response_mismatch"]


class ResponseValidationError(Exception):
    """A handler returned a value that does not fit its return annotation."""


def located_errors(exc: ValidationError, location: str) -> list[dict[str, object]]:
    """The 422 items of ``exc``, each ``loc`` starting with ``location``."""
    items: list[dict[str, object]] = []
    for error in exc.errors(include_url=False):
        item: dict[str, object] = {
            "type": error["type"],
            "loc": [location, *error["loc"]],
            "msg": error["msg"],
            "input": error["input"],
        }
        if "ctx" in error:
            item["ctx"] = error["ctx"]
        items.append(item)
    # An uploaded file, or an exception in ctx, has no JSON form: its text stands in.
    safe: list[dict[str, object]] = to_jsonable_python(items, fallback=str)
    return safe


def response_mismatch(
    exc: ValidationError, owner: str, annotation: str
) -> ResponseValidationError:
    """The error to log for a returned value that fails its return annotation.

    Each failing field is named with what is wrong and the type of the value found;
    the value itself is left out of the log (it may be personal data).
    """
    errors = exc.errors(include_url=False)
    lines = [
        f"  {'.'.join(map(str, error['loc'])) or '(the value)'}: {error['msg']} "
        f"[type={error['type']}, input_type={type(error['input']).__name__}]"
        for error in errors
    ]
    count = f"{len(errors)} error" + ("" if len(errors) == 1 else "s")
    return ResponseValidationError(
        f"{owner} returned a value that does not fit its return annotation "
        f"{annotation} ({count}):\n" + "\n".join(lines)
    )
