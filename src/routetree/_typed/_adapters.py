"""pydantic's part of start-up: one ``TypeAdapter`` per annotation, and its fields.

This module imports pydantic, so `routetree._typed._signature` imports it only once a
handler turns out to be typed: a project that never annotates a typed input or a
response model never loads pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from pydantic import TypeAdapter
from pydantic.errors import PydanticUndefinedAnnotation, PydanticUserError

from .._errors import RouteImportError

__all__ = ["ObjectFields", "build_adapter", "object_fields"]

_MAX_REFERENCES = 16


@dataclass(frozen=True, slots=True)
class ObjectFields:
    """The keys an object annotation reads, from its JSON Schema (aliases first).

    Attributes:
        keys: Each field's key, or None for a mapping with no fixed keys
            (``dict[str, str]``).
        list_keys: The keys whose values are arrays (``list[str]``, ``set[int]``,
            ``list[str] | None``...).
    """

    keys: tuple[str, ...] | None
    list_keys: frozenset[str]


def build_adapter(annotation: object, owner: str, what: str) -> TypeAdapter[Any]:
    """The ``TypeAdapter`` of ``annotation``, complete (forward references resolved).

    Args:
        annotation: The resolved annotation.
        owner: Who declares it, for the message: ``"POST in app/x/route.py"``.
        what: Which annotation, for the message: ``"`body: UserIn`"``.

    Raises:
        RouteImportError: pydantic cannot build a schema for it; the message gives
            pydantic's reason.
    """
    try:
        adapter: TypeAdapter[Any] = TypeAdapter(cast("Any", annotation))
        # pydantic 2.10+ defers a type whose forward references are not defined
        # yet; they never will be after start-up, so say so now.
        if not getattr(adapter, "pydantic_complete", True):
            adapter.rebuild(raise_errors=True)
    except (PydanticUserError, PydanticUndefinedAnnotation) as exc:
        raise RouteImportError(
            f"{owner}: pydantic cannot validate {what}: {_reason(exc)}"
        ) from None
    return adapter


def object_fields(adapter: TypeAdapter[Any], owner: str, what: str) -> ObjectFields:
    """The keys the object type of ``adapter`` reads, and which of them are lists.

    Read from its JSON Schema, so models, TypedDicts and dataclasses (and a union
    of them) are all read alike, by the keys the client sends: aliases first.

    Raises:
        RouteImportError: The type is not an object (``query: int``), or pydantic has
            no JSON Schema for it.
    """
    try:
        schema = adapter.json_schema(by_alias=True)
    except PydanticUserError as exc:
        raise RouteImportError(
            f"{owner}: pydantic cannot describe {what}: {_reason(exc)}"
        ) from None
    definitions = schema.get("$defs", {})
    objects = _object_schemas(schema, definitions)
    if objects == []:
        raise RouteImportError(
            f"{owner}: {what} must be an object type (a pydantic model, a "
            "TypedDict, a dataclass or a dict), whose fields are read from the "
            "request by name."
        )
    keys: dict[str, None] = {}
    lists: set[str] = set()
    fixed = objects is not None
    for candidate in objects or ():
        properties = candidate.get("properties")
        if not isinstance(properties, dict):
            fixed = False  # a dict: any key
            continue
        keys.update(dict.fromkeys(properties))
        lists.update(k for k, v in properties.items() if _is_array(v, definitions))
    return ObjectFields(tuple(keys) if fixed else None, frozenset(lists))


def _reason(exc: Exception) -> str:
    # pydantic's messages end with a paragraph pointing to its docs site.
    return str(exc).split("\n\nFor further information", 1)[0].strip()


def _dereference(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    for _ in range(_MAX_REFERENCES):
        reference = schema.get("$ref")
        if not isinstance(reference, str):
            break
        target = definitions.get(reference.rpartition("/")[2])
        if not isinstance(target, dict):
            break
        schema = target
    return schema


def _is_array(
    schema: dict[str, Any], definitions: dict[str, Any], depth: int = 0
) -> bool:
    schema = _dereference(schema, definitions)
    kind = schema.get("type")
    if kind == "array" or (isinstance(kind, list) and "array" in kind):
        return True
    return depth < _MAX_REFERENCES and any(
        _is_array(member, definitions, depth + 1)
        for key in ("anyOf", "oneOf", "allOf")
        for member in schema.get(key, ())
        if isinstance(member, dict)
    )


def _object_schemas(
    schema: dict[str, Any], definitions: dict[str, Any], depth: int = 0
) -> list[dict[str, Any]] | None:
    """The object schemas ``schema`` allows ([] for none); None if it allows anything.

    A union (``Page | None``) allows each of its members' objects.
    """
    schema = _dereference(schema, definitions)
    kind = schema.get("type")
    if kind == "object" or (isinstance(kind, list) and "object" in kind):
        return [schema]
    members = [
        member
        for key in ("anyOf", "oneOf", "allOf")
        for member in schema.get(key, ())
        if isinstance(member, dict)
    ]
    if not members:
        return None if kind is None else []  # {} (Any) allows anything
    if depth >= _MAX_REFERENCES:
        return None
    found: list[dict[str, Any]] = []
    for member in members:
        objects = _object_schemas(member, definitions, depth + 1)
        if objects is None:
            return None
        found += objects
    return found
