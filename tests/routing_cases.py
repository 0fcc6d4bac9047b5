"""One table of routing cases, shared by the matcher, route-table and real-server tests.

Each case names a tree (route folders under ``app/``), a request path, and the folder
of the route that must answer with its params, or None for 404. The trie matcher, a
naive reference matcher (Next.js's sorted list of regexes) and a real server must all
agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from routetree._types import Params

# The main tree: every routing feature side by side.
MAIN_TREE: tuple[str, ...] = (
    "",
    "api/hello",
    "api/users",
    "api/users/[id]",
    "api/users/me",
    "api/users/[id]/posts/[post_id]",
    "api/files/[...path]",
    "api/docs/[[...slug]]",
    "(admin)/api/stats",
    "(shop)/api/cart/[item]",
    "api/%5Funder",
    "rss.xml",
    "api/hello.json",
    "api/bt/static",
    "api/bt/[id]/edit",
    "api/mixed/[id]",
    "api/mixed/[...rest]",
    "api/caf\u00e9",
    "api/deep/[a]/x/[b]/y/[...c]",
)


@dataclass(frozen=True)
class RoutingCase:
    """A request path and the route folder (with params) that must answer it."""

    id: str
    path: str
    route: str | None
    params: Params = field(default_factory=dict)
    tree: tuple[str, ...] = MAIN_TREE


CASES: list[RoutingCase] = [
    RoutingCase("root", "/", ""),
    RoutingCase("static", "/api/hello", "api/hello"),
    RoutingCase("static-parent", "/api/users", "api/users"),
    RoutingCase("param", "/api/users/123", "api/users/[id]", {"id": "123"}),
    RoutingCase("static-beats-param", "/api/users/me", "api/users/me"),
    RoutingCase(
        "two-params",
        "/api/users/7/posts/9",
        "api/users/[id]/posts/[post_id]",
        {"id": "7", "post_id": "9"},
    ),
    RoutingCase(
        "param-under-static-sibling",
        "/api/users/me/posts/9",
        "api/users/[id]/posts/[post_id]",
        {"id": "me", "post_id": "9"},
    ),
    RoutingCase(
        "param-space", "/api/users/john%20doe", "api/users/[id]", {"id": "john doe"}
    ),
    RoutingCase(
        "param-utf8", "/api/users/caf%C3%A9", "api/users/[id]", {"id": "caf\u00e9"}
    ),
    RoutingCase(
        "param-encoded-slash", "/api/users/a%2Fb", "api/users/[id]", {"id": "a/b"}
    ),
    RoutingCase(
        "param-decoded-once", "/api/users/a%252Fb", "api/users/[id]", {"id": "a%2Fb"}
    ),
    RoutingCase("param-plus-stays", "/api/users/a+b", "api/users/[id]", {"id": "a+b"}),
    RoutingCase("param-too-deep", "/api/users/1/2", None),
    RoutingCase(
        "catch-all-one", "/api/files/a", "api/files/[...path]", {"path": ["a"]}
    ),
    RoutingCase(
        "catch-all-many",
        "/api/files/a/b/c",
        "api/files/[...path]",
        {"path": ["a", "b", "c"]},
    ),
    RoutingCase(
        "catch-all-encoded-slash",
        "/api/files/a%2Fb/c",
        "api/files/[...path]",
        {"path": ["a/b", "c"]},
    ),
    RoutingCase("catch-all-needs-one", "/api/files", None),
    RoutingCase("optional-empty", "/api/docs", "api/docs/[[...slug]]", {}),
    RoutingCase(
        "optional-many", "/api/docs/a/b", "api/docs/[[...slug]]", {"slug": ["a", "b"]}
    ),
    RoutingCase("group-left-out", "/api/stats", "(admin)/api/stats"),
    RoutingCase(
        "group-with-param", "/api/cart/42", "(shop)/api/cart/[item]", {"item": "42"}
    ),
    RoutingCase("group-name-not-in-url", "/(admin)/api/stats", None),
    RoutingCase("escaped-underscore", "/api/_under", "api/%5Funder"),
    RoutingCase("escaped-underscore-encoded-404", "/api/%5Funder", None),
    RoutingCase("dotted-folder", "/rss.xml", "rss.xml"),
    RoutingCase("dotted-folder-nested", "/api/hello.json", "api/hello.json"),
    RoutingCase(
        "backtrack-static-to-param",
        "/api/bt/static/edit",
        "api/bt/[id]/edit",
        {"id": "static"},
    ),
    RoutingCase("backtrack-static-exact", "/api/bt/static", "api/bt/static"),
    RoutingCase("param-beats-catch-all", "/api/mixed/1", "api/mixed/[id]", {"id": "1"}),
    RoutingCase(
        "catch-all-after-param-fails",
        "/api/mixed/1/2",
        "api/mixed/[...rest]",
        {"rest": ["1", "2"]},
    ),
    RoutingCase("non-ascii-static", "/api/caf%C3%A9", "api/caf\u00e9"),
    RoutingCase(
        "deep-mixed",
        "/api/deep/1/x/2/y/3/4",
        "api/deep/[a]/x/[b]/y/[...c]",
        {"a": "1", "b": "2", "c": ["3", "4"]},
    ),
    RoutingCase("deep-mixed-miss", "/api/deep/1/x/2/z/3", None),
    RoutingCase("unknown", "/api/nope", None),
    RoutingCase("case-sensitive", "/API/hello", None),
    RoutingCase("empty-segment-not-a-param", "/api/users//posts/9", None),
    RoutingCase("double-slash-prefix", "//api/hello", None),
    RoutingCase(
        "optional-root-level",
        "/",
        "[[...all]]",
        {},
        tree=("[[...all]]", "api/hello"),
    ),
    RoutingCase(
        "optional-root-level-many",
        "/x/y",
        "[[...all]]",
        {"all": ["x", "y"]},
        tree=("[[...all]]", "api/hello"),
    ),
    RoutingCase(
        "static-wins-over-root-optional",
        "/api/hello",
        "api/hello",
        tree=("[[...all]]", "api/hello"),
    ),
]


def trees() -> list[tuple[str, ...]]:
    """Every distinct tree the cases use, main tree first."""
    seen: dict[tuple[str, ...], None] = {}
    for case in CASES:
        seen.setdefault(case.tree)
    return list(seen)


def route_source(folder: str) -> str:
    """The ``route.py`` each tree folder gets: it reports its folder and params."""
    return (
        "from routetree import Response\n\n\n"
        "async def GET(request, context):\n"
        f"    return Response.json({{'route': {folder!r}, 'params': context.params}})\n"
    )


def tree_files(tree: tuple[str, ...]) -> dict[str, str]:
    """The files of a project for ``tree``, for the ``make_project`` fixture."""
    return {
        "/".join(p for p in ("app", folder, "route.py") if p): route_source(folder)
        for folder in tree
    }
