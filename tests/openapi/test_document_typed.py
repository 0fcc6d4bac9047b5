"""build_openapi for typed handlers: parameters, bodies, responses and schemas.

Typed handlers are built by hand here (a `HandlerSignature` with pydantic
TypeAdapters), as the loader will build them, so the document is checked on the
interface it reads and nothing else.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from typing_extensions import TypedDict

from routetree._errors import RouteTreeError
from routetree._openapi._document import build_openapi
from routetree._routing._discovery import RouteDefinition
from routetree._routing._loader import Handler, LoadedRoute
from routetree._routing._project import Project
from routetree._routing._segment_config import SegmentConfig
from routetree._routing._segments import parse_segment
from routetree._typed._operation import Operation
from routetree._typed._signature import HandlerSignature, Source, TypedInput

VALIDATION_ERROR = {"$ref": "#/components/schemas/HTTPValidationError"}
HTTP_ERROR = {"$ref": "#/components/schemas/HTTPError"}


class UserIn(BaseModel):
    name: str
    email: str = Field(description="Where to write.")


class User(UserIn):
    id: int


class Role(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"


class Page(BaseModel):
    limit: int = Field(20, description="How many.")
    offset: int = 0
    tag: list[str] = []
    role: Role | None = None


class Auth(BaseModel):
    x_api_key: str
    user_agent: str | None = None


class Session(TypedDict):
    session: str


class Params(BaseModel):
    id: int


class Problem(BaseModel):
    title: str


async def _endpoint() -> None:
    """Do the thing.

    At length.
    """


def _handler(
    method: str,
    inputs: dict[Source, Any] | None = None,
    returns: Any = None,
    operation: Operation | None = None,
) -> Handler:
    signature = HandlerSignature(
        inputs=tuple(
            TypedInput(source, annotation, TypeAdapter(annotation))
            for source, annotation in (inputs or {}).items()
        ),
        context_arity=1,
        returns=returns,
        return_adapter=None if returns is None else TypeAdapter(returns),
        operation=operation or Operation(),
    )
    return Handler(method, _endpoint, 1, True, _endpoint, signature)


def _project(routes: dict[str, list[Handler]]) -> Project:
    """A project of these route files (``app/api/users/[id]/route.py``...)."""
    loaded = []
    for relative_file, handlers in routes.items():
        folders = relative_file.split("/")[1:-1]
        segments = tuple(parse_segment(f, where=relative_file) for f in folders)
        definition = RouteDefinition(
            Path("/p") / relative_file, relative_file, segments
        )
        loaded.append(
            LoadedRoute(
                definition,
                relative_file,
                {h.method: h for h in handlers},
                SegmentConfig(),
            )
        )
    return Project(Path("/p"), loaded)


def _build(routes: dict[str, list[Handler]]) -> dict[str, Any]:
    document = build_openapi(_project(routes), title="T", version="1")
    validate(document)
    return document


def test_body_and_return_model() -> None:
    document = _build(
        {
            "app/api/users/route.py": [
                _handler(
                    "POST",
                    {"body": UserIn},
                    returns=User,
                    operation=Operation(status=201),
                )
            ]
        }
    )
    operation = document["paths"]["/api/users"]["post"]
    assert operation["summary"] == "Do the thing."
    assert operation["description"] == "At length."
    assert operation["requestBody"] == {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/UserIn"}}
        },
    }
    assert operation["responses"] == {
        "201": {
            "description": "Created",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/User"}}
            },
        },
        "400": {
            "description": "Bad Request",
            "content": {"application/json": {"schema": HTTP_ERROR}},
        },
        "422": {
            "description": "Unprocessable Content",
            "content": {"application/json": {"schema": VALIDATION_ERROR}},
        },
    }
    schemas = document["components"]["schemas"]
    assert list(schemas) == [
        "HTTPError",
        "HTTPValidationError",
        "User",
        "UserIn",
        "ValidationError",
    ]
    assert schemas["UserIn"] == {
        "title": "UserIn",
        "type": "object",
        "properties": {
            "name": {"title": "Name", "type": "string"},
            "email": {
                "title": "Email",
                "type": "string",
                "description": "Where to write.",
            },
        },
        "required": ["name", "email"],
    }
    assert schemas["User"]["required"] == ["name", "email", "id"]


def test_the_422_body_is_routetrees() -> None:
    document = _build({"app/a/route.py": [_handler("POST", {"body": UserIn})]})
    schemas = document["components"]["schemas"]
    assert schemas["HTTPValidationError"] == {
        "title": "HTTPValidationError",
        "type": "object",
        "properties": {
            "error": {"type": "string", "const": "Unprocessable Content"},
            "detail": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/ValidationError"},
            },
        },
        "required": ["error", "detail"],
    }
    item = schemas["ValidationError"]
    assert list(item["properties"]) == ["loc", "msg", "type", "input", "ctx"]
    assert item["required"] == ["loc", "msg", "type", "input"]


def test_query_fields_are_query_parameters() -> None:
    document = _build({"app/api/users/route.py": [_handler("GET", {"query": Page})]})
    operation = document["paths"]["/api/users"]["get"]
    assert operation["parameters"] == [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "schema": {
                "default": 20,
                "description": "How many.",
                "title": "Limit",
                "type": "integer",
            },
            "description": "How many.",
        },
        {
            "name": "offset",
            "in": "query",
            "required": False,
            "schema": {"default": 0, "title": "Offset", "type": "integer"},
        },
        {
            "name": "tag",
            "in": "query",
            "required": False,
            "schema": {
                "default": [],
                "items": {"type": "string"},
                "title": "Tag",
                "type": "array",
            },
        },
        {
            "name": "role",
            "in": "query",
            "required": False,
            "schema": {
                "anyOf": [{"$ref": "#/components/schemas/Role"}, {"type": "null"}],
                "default": None,
            },
        },
    ]
    assert "requestBody" not in operation
    # No body or form: no 400; Page itself is only parameters, so not a component.
    assert list(operation["responses"]) == ["422", "default"]
    assert list(document["components"]["schemas"]) == [
        "HTTPValidationError",
        "Role",
        "ValidationError",
    ]


def test_header_fields_use_dashes_and_cookies_are_cookie_parameters() -> None:
    document = _build(
        {"app/me/route.py": [_handler("GET", {"headers": Auth, "cookies": Session})]}
    )
    parameters = document["paths"]["/me"]["get"]["parameters"]
    assert [(p["name"], p["in"], p["required"]) for p in parameters] == [
        ("x-api-key", "header", True),
        ("user-agent", "header", False),
        ("session", "cookie", True),
    ]


def test_a_params_model_types_the_path_parameters() -> None:
    document = _build(
        {
            "app/api/users/[id]/route.py": [
                _handler("GET", {"params": Params}, returns=User)
            ]
        }
    )
    operation = document["paths"]["/api/users/{id}"]["get"]
    assert operation["parameters"] == [
        {
            "name": "id",
            "in": "path",
            "required": True,
            "schema": {"title": "Id", "type": "integer"},
        }
    ]
    assert operation["responses"]["200"]["description"] == "OK"
    assert "Params" not in document["components"]["schemas"]


def test_a_catch_all_stays_a_string_whatever_params_says() -> None:
    class FileParams(BaseModel):
        path: list[str] = Field(description="The file's folders and name.")

    document = _build(
        {"app/files/[...path]/route.py": [_handler("GET", {"params": FileParams})]}
    )
    assert document["paths"]["/files/{path}"]["get"]["parameters"] == [
        {
            "name": "path",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "description": "The file's folders and name.",
        }
    ]


def test_a_form_is_urlencoded_or_multipart() -> None:
    document = _build({"app/upload/route.py": [_handler("POST", {"form": UserIn})]})
    operation = document["paths"]["/upload"]["post"]
    schema = {"$ref": "#/components/schemas/UserIn"}
    assert operation["requestBody"] == {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {"schema": schema},
            "multipart/form-data": {"schema": schema},
        },
    }
    assert list(operation["responses"]) == ["400", "415", "422", "default"]
    assert operation["responses"]["415"]["description"] == "Unsupported Media Type"


def test_a_free_form_query_is_one_exploded_parameter() -> None:
    document = _build(
        {"app/search/route.py": [_handler("GET", {"query": dict[str, str]})]}
    )
    assert document["paths"]["/search"]["get"]["parameters"] == [
        {
            "name": "query",
            "in": "query",
            "required": False,
            "schema": {"additionalProperties": {"type": "string"}, "type": "object"},
            "style": "form",
            "explode": True,
        }
    ]


def test_declared_responses_types_descriptions_and_none() -> None:
    operation = Operation(
        status=201,
        responses={409: Problem, 404: "No such user", 204: None, 422: "Mine"},
    )
    document = _build(
        {
            "app/users/route.py": [
                _handler(
                    "POST", {"body": UserIn}, returns=list[User], operation=operation
                )
            ]
        }
    )
    responses = document["paths"]["/users"]["post"]["responses"]
    assert list(responses) == ["201", "204", "400", "404", "409", "422"]
    assert responses["201"]["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/User"},
    }
    assert responses["204"] == {"description": "No Content"}
    assert responses["404"] == {"description": "No such user"}
    assert responses["409"] == {
        "description": "Conflict",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
    assert responses["422"] == {"description": "Mine"}  # declared wins
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_a_typed_handler_returning_response_gets_a_default() -> None:
    document = _build({"app/a/route.py": [_handler("POST", {"body": UserIn})]})
    responses = document["paths"]["/a"]["post"]["responses"]
    assert list(responses) == ["400", "422", "default"]


def test_shared_models_are_one_component() -> None:
    document = _build(
        {
            "app/a/route.py": [_handler("POST", {"body": UserIn}, returns=User)],
            "app/b/route.py": [_handler("PUT", {"body": UserIn}, returns=User)],
        }
    )
    a = document["paths"]["/a"]["post"]
    b = document["paths"]["/b"]["put"]
    assert a["requestBody"] == b["requestBody"]
    assert a["responses"]["200"] == b["responses"]["200"]
    assert [n for n in document["components"]["schemas"] if "User" in n] == [
        "User",
        "UserIn",
    ]


def test_a_model_that_differs_by_mode_is_input_and_output() -> None:
    class Thing(BaseModel):
        model_config = ConfigDict(json_schema_serialization_defaults_required=True)
        size: int = 1

    document = _build(
        {"app/t/route.py": [_handler("POST", {"body": Thing}, returns=Thing)]}
    )
    operation = document["paths"]["/t"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Thing-Input"
    }
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Thing-Output"
    }


def test_a_project_model_named_like_an_error_schema_keeps_its_name() -> None:
    class ValidationError(BaseModel):
        reason: str

    document = _build({"app/v/route.py": [_handler("POST", {"body": ValidationError})]})
    schemas = document["components"]["schemas"]
    assert schemas["ValidationError"]["properties"] == {
        "reason": {"title": "Reason", "type": "string"}
    }
    assert schemas["HTTPValidationError"]["properties"]["detail"]["items"] == {
        "$ref": "#/components/schemas/routetree_ValidationError"
    }
    assert "routetree_ValidationError" in schemas


def test_a_type_without_a_json_schema_names_the_handler() -> None:
    class Opaque:
        pass

    class Holder(BaseModel):
        model_config = ConfigDict(arbitrary_types_allowed=True)
        value: Opaque

    with pytest.raises(RouteTreeError) as info:
        _build({"app/o/route.py": [_handler("POST", {"body": Holder})]})
    assert str(info.value).startswith(
        "app/o/route.py: POST body: no JSON Schema for the OpenAPI document: "
    )


def test_a_declared_response_that_is_not_a_type_names_the_handler() -> None:
    operation = Operation(responses={400: 42})
    with pytest.raises(RouteTreeError) as info:
        _build({"app/o/route.py": [_handler("GET", operation=operation)]})
    assert str(info.value).startswith(
        "app/o/route.py: GET @operation(responses={400: ...}): 42 is not a type "
        "pydantic can describe"
    )
