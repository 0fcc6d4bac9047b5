"""Schemas: one pass over every TypeAdapter, shared and machine-independent names."""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any, cast

import pytest
from pydantic import BaseModel, TypeAdapter

from routetree._openapi._schemas import SchemaRequest, Schemas, used_definitions

if TYPE_CHECKING:
    from collections.abc import Iterator


def _model_in(module_name: str, **fields: type) -> type[BaseModel]:
    namespace: dict[str, Any] = {"__module__": module_name, "__annotations__": fields}
    return type("User", (BaseModel,), namespace)


@pytest.fixture
def route_modules() -> Iterator[list[str]]:
    names = [
        "_routetree_routes_0123456789.api.users.route",
        "_routetree_routes_0123456789.api.posts.route",
    ]
    for name in names:
        sys.modules[name] = types.ModuleType(name)
    yield names
    for name in names:
        del sys.modules[name]


def test_models_with_one_name_are_told_apart_by_their_route_file(
    route_modules: list[str],
) -> None:
    users = _model_in(route_modules[0], name=str)
    posts = _model_in(route_modules[1], title=str)
    schemas = Schemas(
        [
            SchemaRequest("in", "validation", TypeAdapter(users), "a"),
            SchemaRequest(
                "out",
                "serialization",
                TypeAdapter(cast("Any", list)[posts]),
                "b",
            ),
        ]
    )
    # Not "User-Input"/"User-Output", which would read as one model in two modes,
    # and nothing of the project folder's hash.
    assert schemas["in"] == {"$ref": "#/components/schemas/api__users__route__User"}
    assert schemas["out"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/api__posts__route__User"},
    }
    assert sorted(schemas.definitions) == [
        "api__posts__route__User",
        "api__users__route__User",
    ]


def test_resolve_follows_a_ref_to_its_definition() -> None:
    class Page(BaseModel):
        limit: int = 20

    schemas = Schemas([SchemaRequest("q", "validation", TypeAdapter(Page), "q")])
    assert schemas["q"] == {"$ref": "#/components/schemas/Page"}
    assert schemas.resolve(schemas["q"])["properties"] == {
        "limit": {"default": 20, "title": "Limit", "type": "integer"}
    }
    assert schemas.resolve({"type": "string"}) == {"type": "string"}


def test_no_requests_no_definitions() -> None:
    assert Schemas([]).definitions == {}


def test_used_definitions_follows_refs_and_drops_the_rest() -> None:
    definitions: dict[str, dict[str, Any]] = {
        "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}},
        "B": {"type": "string"},
        "Unused": {"type": "integer"},
    }
    document = {"paths": {"/": {"get": {"schema": {"$ref": "#/components/schemas/A"}}}}}
    assert list(used_definitions(document, definitions)) == ["A", "B"]
