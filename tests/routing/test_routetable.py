"""Route-tree validation (Next.js's sorted-routes rules) and precedence ordering."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from routetree._errors import RouteConflictError
from routetree._routing._discovery import RouteDefinition, discover_routes
from routetree._routing._routetable import precedence_key, validate_route_tree
from tests.routing_cases import MAIN_TREE, tree_files, trees

if TYPE_CHECKING:
    from tests.conftest import MakeProject

SLUG_NAMES = "You cannot use different slug names for the same dynamic path"


def _definitions(
    make_project: MakeProject, tree: tuple[str, ...]
) -> list[RouteDefinition]:
    return discover_routes(make_project(tree_files(tree)))


def _file(folder: str) -> str:
    return "/".join(p for p in ("app", folder, "route.py") if p)


@dataclass(frozen=True)
class InvalidTree:
    """A tree that must not start, and what its error must say."""

    id: str
    tree: tuple[str, ...]
    says: str


INVALID_TREES = [
    InvalidTree(
        "groups-same-url",
        ("(a)/api/x", "(b)/api/x"),
        "Conflicting routes at /api/x",
    ),
    InvalidTree(
        "group-and-plain-same-url",
        ("(a)/api/x", "api/x"),
        "Conflicting routes at /api/x",
    ),
    InvalidTree(
        "different-slug-names-below",
        ("api/u/[id]", "api/u/[slug]/edit"),
        f"{SLUG_NAMES} ('id' !== 'slug')",
    ),
    InvalidTree(
        "different-slug-names-both-below",
        ("api/[a]/x", "api/[b]/y"),
        f"{SLUG_NAMES} ('a' !== 'b')",
    ),
    InvalidTree(
        "different-slug-names-through-groups",
        ("(g)/api/u/[id]", "(h)/api/u/[slug]/edit"),
        f"{SLUG_NAMES} ('id' !== 'slug')",
    ),
    InvalidTree(
        "route-beside-optional-catch-all",
        ("api/shop", "api/shop/[[...slug]]"),
        "You cannot define a route with the same specificity as an optional catch-all "
        'route ("/api/shop" and "/api/shop/[[...slug]]")',
    ),
    InvalidTree(
        "route-in-group-beside-optional-catch-all",
        ("(g)/api/shop", "api/shop/[[...slug]]"),
        "You cannot define a route with the same specificity as an optional catch-all "
        'route ("/api/shop" and "/api/shop/[[...slug]]")',
    ),
    InvalidTree(
        "root-route-beside-root-optional-catch-all",
        ("", "[[...all]]"),
        "You cannot define a route with the same specificity as an optional catch-all "
        'route ("/" and "/[[...all]]")',
    ),
    InvalidTree(
        "required-and-optional-catch-all",
        ("api/x/[...a]", "api/x/[[...b]]"),
        "You cannot use both a required and optional catch-all route at the same level",
    ),
    InvalidTree(
        "required-and-optional-catch-all-same-name",
        ("api/x/[...a]", "api/x/[[...a]]"),
        "You cannot use both a required and optional catch-all route at the same level",
    ),
]


@pytest.mark.parametrize("case", INVALID_TREES, ids=[c.id for c in INVALID_TREES])
def test_conflicting_tree_is_rejected_naming_both_files(
    make_project: MakeProject, case: InvalidTree
) -> None:
    with pytest.raises(RouteConflictError) as caught:
        validate_route_tree(_definitions(make_project, case.tree))
    message = str(caught.value)
    assert case.says in message
    for folder in case.tree:
        assert _file(folder) in message


@pytest.mark.parametrize(
    "tree",
    [("api/u/[id]", "api/u/[slug]"), ("api/x/[...a]", "api/x/[...b]")],
    ids=["params", "catch-alls"],
)
def test_siblings_differing_only_in_param_name_are_rejected_naming_both_files(
    make_project: MakeProject, tree: tuple[str, ...]
) -> None:
    with pytest.raises(RouteConflictError) as caught:
        validate_route_tree(_definitions(make_project, tree))
    for folder in tree:
        assert _file(folder) in str(caught.value)


def test_param_siblings_with_different_names_are_reported_as_a_slug_name_mismatch(
    make_project: MakeProject,
) -> None:
    # Next.js (sorted-routes.ts) reports [id] beside [slug] as a slug-name mismatch,
    # and the fix is to rename a folder, not to remove a route.
    tree = ("api/u/[id]", "api/u/[slug]")
    with pytest.raises(RouteConflictError) as caught:
        validate_route_tree(_definitions(make_project, tree))
    assert f"{SLUG_NAMES} ('id' !== 'slug')" in str(caught.value)


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        (
            "api/[...a]/b",
            "Catch-all segment [...a] must be the last part of the URL, but "
            "app/api/[...a]/b/route.py is below it. Move route.py into the [...a] "
            "folder itself.",
        ),
        (
            "api/[[...a]]/b/[c]",
            "Catch-all segment [[...a]] must be the last part of the URL, but "
            "app/api/[[...a]]/b/[c]/route.py is below it. Move route.py into the "
            "[[...a]] folder itself.",
        ),
        (
            "api/[id]/x/[id]",
            'You cannot have the same slug name "id" repeat within a single dynamic '
            "path: "
            "app/api/[id]/x/[id]/route.py. Rename one of the folders.",
        ),
        (
            "api/[id]/[...id]",
            'You cannot have the same slug name "id" repeat within a single dynamic '
            "path: "
            "app/api/[id]/[...id]/route.py. Rename one of the folders.",
        ),
    ],
    ids=[
        "catch-all-not-last",
        "optional-catch-all-not-last",
        "repeated-param",
        "param-repeated-as-catch-all",
    ],
)
def test_broken_single_path_is_rejected_naming_the_file(
    make_project: MakeProject, folder: str, message: str
) -> None:
    with pytest.raises(RouteConflictError) as caught:
        validate_route_tree(_definitions(make_project, (folder, "api/ok")))
    assert str(caught.value) == message


def test_main_routing_tree_is_valid(make_project: MakeProject) -> None:
    validate_route_tree(_definitions(make_project, MAIN_TREE))


@pytest.mark.parametrize("tree", trees(), ids=[f"tree{i}" for i in range(len(trees()))])
def test_every_routing_case_tree_is_valid(
    make_project: MakeProject, tree: tuple[str, ...]
) -> None:
    validate_route_tree(_definitions(make_project, tree))


@pytest.mark.parametrize(
    "tree",
    [
        ("api/m/[id]", "api/m/[...rest]"),
        ("api/shop/[[...slug]]", "api/shop/[id]/x"),
        ("api/shop/[[...slug]]", "api/shop/sale"),
        ("api/[id]", "api/[id]/edit", "api/[id]/posts/[post_id]"),
        ("a/[id]", "b/[slug]"),
        ("(a)/api/x", "(b)/api/y"),
        ("api/users/[id]", "api/users/me"),
        ("[[...all]]", "api/hello"),
    ],
    ids=[
        "param-beside-catch-all-other-name",
        "param-beside-optional-catch-all-other-name",
        "static-beside-optional-catch-all",
        "same-param-name-at-one-level",
        "different-names-under-different-parents",
        "groups-different-urls",
        "static-beside-param",
        "root-optional-catch-all-beside-static",
    ],
)
def test_valid_tree_passes(make_project: MakeProject, tree: tuple[str, ...]) -> None:
    validate_route_tree(_definitions(make_project, tree))


def test_empty_tree_is_valid() -> None:
    validate_route_tree([])


def test_precedence_orders_static_then_param_then_catch_all_then_optional(
    make_project: MakeProject,
) -> None:
    # Not a valid tree (required and optional catch-alls side by side): the key is pure.
    tree = ("x/[[...o]]", "x/[...r]", "x/[aaa]", "x/zzz")
    ordered = sorted(_definitions(make_project, tree), key=precedence_key)
    assert [d.relative_file for d in ordered] == [
        "app/x/zzz/route.py",
        "app/x/[aaa]/route.py",
        "app/x/[...r]/route.py",
        "app/x/[[...o]]/route.py",
    ]


def test_precedence_orders_a_whole_tree(make_project: MakeProject) -> None:
    tree = (
        "docs/[[...slug]]",
        "api/[slug]/x",
        "api/[slug]",
        "api/users/[id]",
        "api/users/me",
        "api/files/[...path]",
        "(g)/api/a",
        "api",
        "",
    )
    definitions = _definitions(make_project, tree)
    validate_route_tree(definitions)
    ordered = sorted(definitions, key=precedence_key)
    assert [d.path for d in ordered] == [
        "/",
        "/api",
        "/api/a",
        "/api/files/[...path]",
        "/api/users/me",
        "/api/users/[id]",
        "/api/[slug]",
        "/api/[slug]/x",
        "/docs/[[...slug]]",
    ]


def test_precedence_ignores_route_groups(make_project: MakeProject) -> None:
    definitions = _definitions(make_project, ("(z)/api/a", "api/b"))
    assert [precedence_key(d) for d in definitions] == [
        ((0, "api"), (0, "a")),
        ((0, "api"), (0, "b")),
    ]
