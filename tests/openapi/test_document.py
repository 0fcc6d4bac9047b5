"""build_openapi on tests/apps/openapi: paths, operations, ids, tags, overrides."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from openapi_spec_validator import validate

from routetree._errors import RouteTreeError
from routetree._openapi._document import build_openapi
from routetree._routing._project import load_project
from tests.conftest import APPS

if TYPE_CHECKING:
    from tests.conftest import MakeProject

OPENAPI_APP = APPS / "openapi"
UNDECLARED = {
    "default": {"description": "The handler's response (its shape is not declared)."}
}
CATCH_ALL = "One or more path segments, separated by /."


def _document(project_dir: object = OPENAPI_APP) -> dict[str, Any]:
    project = load_project(str(project_dir))
    return build_openapi(project, title="Test API", version="2.0.0")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return _document()


def test_document_validates_under_openapi_spec_validator(
    document: dict[str, Any],
) -> None:
    validate(document)


def test_document_header(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    assert document["info"] == {"title": "Test API", "version": "2.0.0"}
    assert "servers" not in document  # no base_path
    assert "components" not in document  # no typed handler: no schema at all


def test_one_path_per_route_in_template_form(document: dict[str, Any]) -> None:
    assert list(document["paths"]) == [
        "/",
        "/api/echo",
        "/api/files/{path}",
        "/api/health",
        "/api/hidden",
        "/api/pages",
        "/api/pages/{slug}",
        "/api/stats",  # app/(admin)/api/stats: the group is not in the URL
        "/api/users",
        "/api/users/me",
        "/api/users/{id}",
        "/rss.xml",
    ]


def test_operations_are_the_exported_methods(document: dict[str, Any]) -> None:
    methods = {path: list(item) for path, item in document["paths"].items()}
    assert methods == {
        "/": ["get"],
        "/api/echo": ["post"],
        "/api/files/{path}": ["get"],
        # HEAD and OPTIONS only where the file exports them.
        "/api/health": ["get", "head", "options"],
        "/api/hidden": ["post"],  # GET has include_in_schema=False
        "/api/pages": ["get"],
        "/api/pages/{slug}": ["get"],
        "/api/stats": ["get"],
        "/api/users": ["get", "post"],
        "/api/users/me": ["get"],
        "/api/users/{id}": ["get", "put", "delete"],
        "/rss.xml": ["get"],
    }


def test_operation_ids_follow_the_path_and_are_unique(
    document: dict[str, Any],
) -> None:
    ids = {
        f"{method.upper()} {path}": operation["operationId"]
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    assert ids == {
        "GET /": "get_index",
        "POST /api/echo": "echo",
        "GET /api/files/{path}": "get_api_files_path",
        "GET /api/health": "get_api_health",
        "HEAD /api/health": "head_api_health",
        "OPTIONS /api/health": "options_api_health",
        "POST /api/hidden": "post_api_hidden",
        "GET /api/pages": "get_api_pages",
        "GET /api/pages/{slug}": "get_api_pages_slug",
        "GET /api/stats": "get_api_stats",
        "GET /api/users": "get_api_users",
        "POST /api/users": "post_api_users",
        "GET /api/users/me": "get_api_users_me",
        "GET /api/users/{id}": "get_api_users_id",
        "PUT /api/users/{id}": "put_api_users_id",
        "DELETE /api/users/{id}": "remove_user",
        "GET /rss.xml": "get_rss_xml",
    }


def test_tags_are_the_first_segment_after_api(document: dict[str, Any]) -> None:
    tags = {
        f"{method.upper()} {path}": operation.get("tags")
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    assert tags["GET /"] is None
    assert tags["GET /api/users/{id}"] == ["users"]
    assert tags["GET /api/users/me"] == ["users"]
    assert tags["GET /api/pages/{slug}"] == ["pages"]
    assert tags["GET /api/stats"] == ["stats"]
    assert tags["GET /rss.xml"] == ["rss.xml"]  # no /api: the first segment
    assert tags["POST /api/echo"] == ["tools"]  # @operation(tags=...)
    assert tags["DELETE /api/users/{id}"] == ["admin", "users"]


def test_summary_and_description_come_from_the_docstring(
    document: dict[str, Any],
) -> None:
    users = document["paths"]["/api/users"]
    assert users["get"]["summary"] == "List users, newest first."
    assert (
        users["get"]["description"] == "Pages of 20; pass ``offset`` for the next page."
    )
    assert users["post"]["summary"] == "Create a user."
    assert "description" not in users["post"]
    files = document["paths"]["/api/files/{path}"]["get"]
    assert "summary" not in files  # no docstring


def test_dynamic_segments_are_string_path_parameters(
    document: dict[str, Any],
) -> None:
    paths = document["paths"]
    assert paths["/api/users/{id}"]["get"]["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    assert paths["/api/files/{path}"]["get"]["parameters"] == [
        {
            "name": "path",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "description": CATCH_ALL,
        }
    ]
    assert paths["/api/pages/{slug}"]["get"]["parameters"] == [
        {
            "name": "slug",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "description": CATCH_ALL,
        }
    ]
    assert "parameters" not in paths["/api/pages"]["get"]
    assert "parameters" not in paths["/api/users/me"]["get"]


def test_untyped_handlers_get_a_default_response(document: dict[str, Any]) -> None:
    assert document["paths"]["/api/users"]["get"]["responses"] == UNDECLARED
    assert "requestBody" not in document["paths"]["/api/users"]["post"]


def test_operation_decorator_replaces_what_is_derived(
    document: dict[str, Any],
) -> None:
    assert document["paths"]["/api/users/{id}"]["delete"] == {
        "tags": ["admin", "users"],
        "summary": "Remove a user",
        "description": "Gone for good.",
        "operationId": "remove_user",
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "responses": {
            "204": {"description": "No Content"},
            "404": {"description": "No such user"},
        },
        "deprecated": True,
    }
    assert document["paths"]["/api/echo"]["post"]["responses"] == {
        "200": {"description": "The request, echoed"}
    }


def test_private_folders_and_helpers_are_not_in_the_document(
    document: dict[str, Any],
) -> None:
    assert not [path for path in document["paths"] if "_" in path]


def test_base_path_becomes_the_server_url(make_project: MakeProject) -> None:
    project = make_project(
        {
            "routetree.toml": 'base_path = "/v1"\n',
            "app/api/hello/route.py": "def GET(): ...\n",
        }
    )
    document = _document(project)
    assert document["servers"] == [{"url": "/v1"}]
    assert list(document["paths"]) == ["/api/hello"]
    validate(document)


def test_a_taken_operation_id_gets_a_number(make_project: MakeProject) -> None:
    project = make_project(
        {
            "app/api/a-b/route.py": "def GET(): ...\n",
            "app/api/a_b/route.py": "def GET(): ...\n",
            "app/api/c/route.py": """
                from routetree import operation

                @operation(operation_id="get_api_a_b")
                def GET(): ...
            """,
        }
    )
    paths = _document(project)["paths"]
    assert paths["/api/c"]["get"]["operationId"] == "get_api_a_b"  # declared first
    assert paths["/api/a-b"]["get"]["operationId"] == "get_api_a_b_2"
    assert paths["/api/a_b"]["get"]["operationId"] == "get_api_a_b_3"


def test_an_optional_catch_all_with_a_declared_id_gets_two(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "app/docs/[[...slug]]/route.py": """
                from routetree import operation

                @operation(operation_id="read_docs")
                def GET(): ...
            """,
        }
    )
    paths = _document(project)["paths"]
    assert paths["/docs"]["get"]["operationId"] == "read_docs"
    assert paths["/docs/{slug}"]["get"]["operationId"] == "read_docs_slug"


def test_one_operation_id_declared_twice_is_an_error(
    make_project: MakeProject,
) -> None:
    handler = """
        from routetree import operation

        @operation(operation_id="same")
        def GET(): ...
    """
    project = make_project({"app/a/route.py": handler, "app/b/route.py": handler})
    with pytest.raises(RouteTreeError) as info:
        _document(project)
    assert str(info.value) == (
        "operation_id 'same' is declared by app/a/route.py: GET and by "
        "app/b/route.py: GET. An operationId names one operation in the OpenAPI "
        "document: change one of them."
    )


def test_a_route_with_the_shape_of_another_is_left_out_with_a_warning(
    make_project: MakeProject, caplog: pytest.LogCaptureFixture
) -> None:
    project = make_project(
        {
            "app/api/x/[id]/route.py": "def GET(): ...\n",
            "app/api/x/[...rest]/route.py": "def GET(): ...\n",
        }
    )
    paths = _document(project)["paths"]
    assert list(paths) == ["/api/x/{id}"]
    assert (
        "app/api/x/[...rest]/route.py is left out of the OpenAPI document: its path "
        "has the shape of app/api/x/[id]/route.py's" in caplog.text
    )


def test_a_handler_without_include_in_schema_leaves_no_empty_path(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "app/internal/route.py": """
                from routetree import operation

                @operation(include_in_schema=False)
                def GET(): ...
            """,
        }
    )
    assert _document(project)["paths"] == {}


def test_a_static_folder_with_braces_is_not_a_template(
    make_project: MakeProject,
) -> None:
    project = make_project({"app/{x}/route.py": "def GET(): ...\n"})
    document = _document(project)
    assert list(document["paths"]) == ["/%7Bx%7D"]
    validate(document)
