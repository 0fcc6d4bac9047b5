"""The segment trie, checked against a naive reference matcher over one table."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

import pytest

from routetree._routing._discovery import discover_routes
from routetree._routing._matcher import Matcher, RouteMatch
from tests.routing_cases import CASES, RoutingCase, tree_files

if TYPE_CHECKING:
    from pathlib import Path

    from routetree._types import Params
    from tests.conftest import MakeProject

_RANK = {"static": 0, "dynamic": 1, "catch-all": 2, "optional": 3}


def _reference_match(tree: tuple[str, ...], path: str) -> tuple[str, Params] | None:
    """Next.js's way: one regex per route; of all that match, the most specific wins.

    "Most specific" compares segment kinds left to right (static < [x] < [...x] <
    [[...x]]), which is what a trie with backtracking computes.
    """
    candidates: list[tuple[list[int], str, Params]] = []
    for folder in tree:
        pattern, names, ranks = "", [], []
        for part in folder.split("/") if folder else []:
            if part.startswith("(") and part.endswith(")"):
                continue
            if part.startswith("[[..."):
                pattern += r"(?:/([^/]+(?:/[^/]+)*))?"
                names.append((part[5:-2], True))
                ranks.append(_RANK["optional"])
            elif part.startswith("[..."):
                pattern += r"/([^/]+(?:/[^/]+)*)"
                names.append((part[4:-1], True))
                ranks.append(_RANK["catch-all"])
            elif part.startswith("["):
                pattern += r"/([^/]+)"
                names.append((part[1:-1], False))
                ranks.append(_RANK["dynamic"])
            else:
                literal = quote(part.replace("%5F", "_"), safe="!$&'()*+,;=:@-._~")
                pattern += "/" + re.escape(literal)
                ranks.append(_RANK["static"])
        # "/" is the empty path: the root route, or a root optional catch-all's.
        found = re.fullmatch(pattern, "" if path == "/" else path)
        if found is None:
            continue
        params: Params = {}
        for (name, is_list), value in zip(names, found.groups(), strict=True):
            if value is None:
                continue
            params[name] = (
                [unquote(v) for v in value.split("/")] if is_list else unquote(value)
            )
        candidates.append((ranks, folder, params))
    if not candidates:
        return None
    _, folder, params = min(candidates, key=lambda c: c[0])
    return folder, params


def _build(make_project: MakeProject, tree: tuple[str, ...]) -> Matcher[str]:
    project = make_project(tree_files(tree))
    routes = discover_routes(project)
    return Matcher(
        (
            r.segments,
            r.relative_file.removeprefix("app/").removesuffix("route.py").rstrip("/"),
        )
        for r in routes
    )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_trie_matches_table_and_reference(
    make_project: MakeProject, case: RoutingCase
) -> None:
    matcher = _build(make_project, case.tree)
    found = matcher.match(case.path)
    expected = None if case.route is None else (case.route, case.params)
    assert found == expected
    assert _reference_match(case.tree, case.path) == expected


def test_params_keep_path_order(make_project: MakeProject) -> None:
    matcher = _build(make_project, ("api/[a]/[b]/[c]",))
    found = matcher.match("/api/1/2/3")
    assert found is not None
    assert list(found.params) == ["a", "b", "c"]


def test_match_is_a_named_route_match(make_project: MakeProject) -> None:
    matcher = _build(make_project, ("api/users/[id]", "api/users"))
    found = matcher.match("/api/users/a%2Fb")
    assert isinstance(found, RouteMatch)
    assert found.route == "api/users/[id]"
    assert found.params == {"id": "a/b"}
    static = matcher.match("/api/users")
    assert static == RouteMatch("api/users", {})
    again = matcher.match("/api/users")
    assert again is not None and static is not None
    assert again.params is not static.params  # a handler may change its own dict


def test_find_fills_params_and_leaves_none_from_a_failed_branch(
    make_project: MakeProject,
) -> None:
    matcher = _build(make_project, ("api/[id]/edit", "api/[...rest]"))
    params: Params = {}
    assert matcher.find("/api/1/view", params) == "api/[...rest]"
    assert params == {"rest": ["1", "view"]}
    only_edit = _build(make_project, ("api/[id]/edit",))
    missing: Params = {}
    assert only_edit.find("/api/1/view", missing) is None  # [id] bound, then no route
    assert missing == {}


def test_failed_branch_leaves_no_params_behind(make_project: MakeProject) -> None:
    matcher = _build(make_project, ("api/[id]/edit", "api/[...rest]"))
    assert matcher.match("/api/1/view") == ("api/[...rest]", {"rest": ["1", "view"]})


def test_lookup_cost_does_not_depend_on_route_count(tmp_path: Path) -> None:
    # Not a timing test: the walk visits the same nodes whatever the number of siblings.
    from routetree._routing._segments import parse_segment

    def segments(folder: str) -> tuple[object, ...]:
        return tuple(parse_segment(p, where="test") for p in folder.split("/"))

    many = [(segments(f"api/static{i}"), f"s{i}") for i in range(3000)]
    many += [(segments(f"api/dyn{i}/[id]"), f"d{i}") for i in range(3000)]
    many.append((segments("api/users/[id]"), "users"))
    matcher: Matcher[str] = Matcher(many)  # type: ignore[arg-type]
    assert matcher.match("/api/users/42") == ("users", {"id": "42"})
    assert matcher.match("/api/dyn2999/7") == ("d2999", {"id": "7"})
    assert matcher.match("/api/static1234") == ("s1234", {})


@pytest.mark.parametrize(
    "target", ["api/1/2/3", "*api/1/2/3", "Xapi/1/2/3", "@api/1/2/3", "*", ""]
)
def test_a_target_that_is_not_a_path_never_matches(
    make_project: MakeProject, target: str
) -> None:
    # The first character used to be dropped unchecked: "*api/..." routed as "/api/...".
    matcher = _build(make_project, ("api/[a]/[b]/[c]", "[[...all]]"))
    assert matcher.match(target) is None
    assert matcher.match("/api/1/2/3") is not None
