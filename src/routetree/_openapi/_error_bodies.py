"""The JSON Schemas of routetree's own error answers, for the document.

A 400 is routetree's error body, ``{"error": "Bad Request", "detail": "..."}``; a
422 lists every input that did not validate, each item shaped as FastAPI's so
existing clients read it::

    {"error": "Unprocessable Content",
     "detail": [{"loc": ["body", "email"], "msg": "...", "type": "...", "input": ...}]}

They go into ``components/schemas`` under FastAPI's names (``HTTPValidationError``,
``ValidationError``) and ``HTTPError``, or with a ``routetree_`` prefix when a model
of the project already has the name.
"""

from __future__ import annotations

from typing import Any

from .._errors import reason_phrase
from ._schemas import REF_PREFIX

__all__ = ["ErrorBodies"]


class ErrorBodies:
    """The error schemas, named so as not to clash with the project's models.

    Args:
        taken: The names already in ``components/schemas``.
    """

    def __init__(self, taken: set[str]) -> None:
        def free(name: str) -> str:
            return f"routetree_{name}" if name in taken else name

        self._error = free("HTTPError")
        self._validation = free("HTTPValidationError")
        self._item = free("ValidationError")

    def response(self, status: int) -> dict[str, Any]:
        """The response object of a routetree error answer (400, 415, 422)."""
        name = self._validation if status == 422 else self._error
        return {
            "description": reason_phrase(status),
            "content": {"application/json": {"schema": {"$ref": REF_PREFIX + name}}},
        }

    def definitions(self) -> dict[str, dict[str, Any]]:
        """Every error schema, by its name in ``components/schemas``."""
        return {
            self._error: {
                "title": "HTTPError",
                "type": "object",
                "properties": {
                    "error": {"type": "string", "description": "The reason phrase."},
                    "detail": {
                        "type": "string",
                        "description": "What is wrong, and where.",
                    },
                },
                "required": ["error"],
            },
            self._validation: {
                "title": "HTTPValidationError",
                "type": "object",
                "properties": {
                    "error": {"type": "string", "const": reason_phrase(422)},
                    "detail": {
                        "type": "array",
                        "items": {"$ref": REF_PREFIX + self._item},
                    },
                },
                "required": ["error", "detail"],
            },
            self._item: {
                "title": "ValidationError",
                "type": "object",
                "properties": {
                    "loc": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                        "description": "The source (body, query, path, header, "
                        "cookie), then the path to the field.",
                    },
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                    "input": {"description": "The value that failed."},
                    "ctx": {"type": "object"},
                },
                "required": ["loc", "msg", "type", "input"],
            },
        }
