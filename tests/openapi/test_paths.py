"""A route's OpenAPI path templates, default tags and operationId."""

from __future__ import annotations

import pytest

from routetree._openapi._paths import (
    default_operation_id,
    default_tags,
    path_templates,
)
from routetree._routing._segments import Segment, parse_segment


def _segments(path: str) -> tuple[Segment, ...]:
    return tuple(parse_segment(f, where="t") for f in path.strip("/").split("/") if f)


@pytest.mark.parametrize(
    ("folders", "templates"),
    [
        ("/", ["/"]),
        ("/api/users", ["/api/users"]),
        ("/api/users/[id]", ["/api/users/{id}"]),
        ("/api/files/[...path]", ["/api/files/{path}"]),
        ("/api/docs/[[...slug]]", ["/api/docs", "/api/docs/{slug}"]),
        ("/[[...slug]]", ["/", "/{slug}"]),
        ("/api/%5Funder", ["/api/_under"]),
        ("/rss.xml", ["/rss.xml"]),
        ("/a/{b}", ["/a/%7Bb%7D"]),
    ],
    ids=lambda v: str(v),
)
def test_path_templates(folders: str, templates: list[str]) -> None:
    assert [t.template for t in path_templates(_segments(folders))] == templates


def test_path_templates_list_their_parameters() -> None:
    bare, full = path_templates(_segments("/t/[tenant]/docs/[[...slug]]"))
    assert [s.name for s in bare.parameters] == ["tenant"]
    assert [s.name for s in full.parameters] == ["tenant", "slug"]


@pytest.mark.parametrize(
    ("folders", "tags"),
    [
        ("/", []),
        ("/api", ["api"]),
        ("/api/users", ["users"]),
        ("/api/users/[id]", ["users"]),
        ("/api/[tenant]/users", ["tenant"]),
        ("/rss.xml", ["rss.xml"]),
        ("/v2/api/users", ["v2"]),
        ("/[[...slug]]", ["slug"]),
    ],
    ids=lambda v: str(v),
)
def test_default_tags(folders: str, tags: list[str]) -> None:
    assert default_tags(_segments(folders)) == tags


@pytest.mark.parametrize(
    ("method", "template", "operation_id"),
    [
        ("GET", "/", "get_index"),
        ("GET", "/api/users/{id}", "get_api_users_id"),
        ("DELETE", "/api/users/{id}", "delete_api_users_id"),
        ("GET", "/rss.xml", "get_rss_xml"),
        ("POST", "/api/echo-json", "post_api_echo_json"),
        ("GET", "/api/_under", "get_api_under"),
        ("GET", "/api/caf\u00e9", "get_api_caf"),
    ],
)
def test_default_operation_id(method: str, template: str, operation_id: str) -> None:
    assert default_operation_id(method, template) == operation_id
