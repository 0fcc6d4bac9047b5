"""The JSON Schemas of a document's typed inputs and response models, made at once.

Every `TypeAdapter` of the document goes through one
``TypeAdapter.json_schemas`` call, so a model used by several handlers is one entry
of ``components/schemas`` and ``$ref`` everywhere else. Inputs are described as
they are validated (mode ``"validation"``), answers as they are serialised
(``"serialization"``); a model that differs between the two gets two entries,
``User-Input`` and ``User-Output``, as pydantic names them.

Two models with one name (``User`` in two route files) are told apart by the path
of the file that defines them (``api__users__route__User``), never by anything that
depends on the machine, so the document is the same wherever it is built; only the
two modes of one model are told apart by ``-Input`` and ``-Output``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter
from pydantic.json_schema import CoreRef, GenerateJsonSchema

from .._errors import RouteTreeError

if TYPE_CHECKING:
    from collections.abc import Hashable, Iterable, Mapping, Sequence

    from pydantic.json_schema import CoreModeRef, DefsRef, JsonSchemaMode

__all__ = ["REF_PREFIX", "SchemaRequest", "Schemas", "used_definitions"]

REF_PREFIX = "#/components/schemas/"
_REF_TEMPLATE = REF_PREFIX + "{model}"
# Route files are imported as "_routetree_routes_<hash of the project folder>....";
# the hash would make the names of colliding models differ from machine to machine.
_ROUTE_MODULE = re.compile(r"_routetree_routes_[0-9a-f]+\.")


class _Generator(GenerateJsonSchema):
    def get_defs_ref(self, core_mode_ref: CoreModeRef) -> DefsRef:
        core_ref, mode = core_mode_ref
        defs_ref = super().get_defs_ref(
            (CoreRef(_ROUTE_MODULE.sub("", core_ref)), mode)
        )
        # pydantic tries "User", "User-Input", "module__User", ... in this order, so
        # two different models named User, one an input and one an answer, would be
        # "User-Input" and "User-Output", as if they were one model. Trying the
        # module's name before the mode keeps "-Input"/"-Output" for one model.
        choices = self._prioritized_defsref_choices[defs_ref]
        choices[1], choices[2] = choices[2], choices[1]
        return defs_ref


@dataclass(frozen=True, slots=True)
class SchemaRequest:
    """One schema the document needs.

    Attributes:
        key: How the document looks the schema up afterwards.
        mode: ``"validation"`` for an input, ``"serialization"`` for an answer.
        adapter: The type's adapter.
        where: The handler and role, for an error message
            (``app/api/users/route.py: POST body``).
    """

    key: Hashable
    mode: JsonSchemaMode
    adapter: TypeAdapter[Any]
    where: str


class Schemas:
    """The JSON Schemas of many types, with their shared definitions.

    Raises:
        RouteTreeError: A type has no JSON Schema (an arbitrary class pydantic only
            checks with ``isinstance``, say); the message names the handler.
    """

    def __init__(self, requests: Sequence[SchemaRequest]) -> None:
        self._by_key: dict[Hashable, dict[str, Any]] = {}
        self.definitions: dict[str, dict[str, Any]] = {}
        if not requests:
            return
        try:
            by_key, defs = _generate(requests)
        except Exception as exc:
            _raise_for_culprit(requests, exc)
        self._by_key = {key: schema for (key, _), schema in by_key.items()}
        self.definitions = defs.get("$defs", {})

    def __getitem__(self, key: Hashable) -> dict[str, Any]:
        """The schema made for ``key`` (often just a ``$ref``)."""
        return self._by_key[key]

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        """``schema`` itself, or the definition it is a ``$ref`` to."""
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            return self.definitions.get(ref.removeprefix(REF_PREFIX), schema)
        return schema


def _generate(
    requests: Iterable[SchemaRequest],
) -> tuple[dict[tuple[Hashable, JsonSchemaMode], dict[str, Any]], dict[str, Any]]:
    return TypeAdapter.json_schemas(
        [(r.key, r.mode, r.adapter) for r in requests],
        ref_template=_REF_TEMPLATE,
        schema_generator=_Generator,
    )


def _raise_for_culprit(requests: Sequence[SchemaRequest], exc: Exception) -> None:
    for request in requests:
        try:
            _generate([request])
        except Exception as own:
            raise RouteTreeError(
                f"{request.where}: no JSON Schema for the OpenAPI document: {own} "
                "Use a type pydantic can describe (a model, a TypedDict, a "
                "dataclass, standard types), or give the class a "
                "__get_pydantic_json_schema__."
            ) from own
    raise exc


def used_definitions(
    document: object, definitions: Mapping[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The ``definitions`` that ``document`` refers to, directly or through others.

    Sorted by name. A model that only holds a handler's query, header or cookie
    fields is not referred to (its fields are parameters), so it is left out.
    """
    used: dict[str, dict[str, Any]] = {}
    pending = list(_refs(document))
    while pending:
        name = pending.pop()
        if name in used or name not in definitions:
            continue
        used[name] = definitions[name]
        pending.extend(_refs(used[name]))
    return dict(sorted(used.items()))


def _refs(value: object) -> Iterable[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str) and item.startswith(REF_PREFIX):
                yield item.removeprefix(REF_PREFIX)
            else:
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)
