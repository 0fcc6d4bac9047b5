"""Walking app/ into route definitions: which files count, which folders are skipped."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from routetree._errors import InvalidSegmentError, RouteTreeError
from routetree._routing._discovery import (
    RouteDefinition,
    discover_routes,
    find_app_dir,
)
from routetree._routing._segments import SegmentKind

if TYPE_CHECKING:
    from tests.conftest import MakeProject

ROUTE = "async def GET():\n    return None\n"


def _files(routes: list[RouteDefinition]) -> list[str]:
    return [r.relative_file for r in routes]


def test_only_files_named_route_py_are_routes(make_project: MakeProject) -> None:
    project = make_project(
        {
            "app/api/hello/route.py": ROUTE,
            "app/api/hello/helpers.py": "X = 1\n",
            "app/api/other/routes.py": ROUTE,
            "app/api/other/Route.py": ROUTE,
            "app/api/other/route.js": "export function GET() {}\n",
            "app/api/other/page.py": ROUTE,
            "app/api/other/route.pyc": "",
            "app/api/other/__init__.py": "",
        }
    )
    assert _files(discover_routes(project)) == ["app/api/hello/route.py"]


def test_folder_named_route_py_is_not_a_route(make_project: MakeProject) -> None:
    project = make_project({"app/api/route.py/helper.py": "X = 1\n"})
    assert discover_routes(project) == []


def test_private_folders_and_everything_below_are_skipped(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "app/api/_lib/route.py": ROUTE,
            "app/api/_lib/nested/route.py": ROUTE,
            "app/api/_lib/nested/[id]/route.py": ROUTE,
            "app/_private/api/route.py": ROUTE,
            "app/api/ok/route.py": ROUTE,
        }
    )
    assert _files(discover_routes(project)) == ["app/api/ok/route.py"]


def test_malformed_name_below_private_folder_is_never_parsed(
    make_project: MakeProject,
) -> None:
    project = make_project({"app/_lib/[bad/route.py": ROUTE})
    assert discover_routes(project) == []


def test_escaped_underscore_folder_is_routed_as_underscore(
    make_project: MakeProject,
) -> None:
    project = make_project({"app/api/%5Funder/route.py": ROUTE})
    [route] = discover_routes(project)
    assert route.relative_file == "app/api/%5Funder/route.py"
    assert route.path == "/api/_under"


@pytest.mark.parametrize(
    "folder",
    ["__pycache__", ".hidden", ".git", "node_modules", "api/__pycache__", "api/.cache"],
    ids=["pycache", "hidden", "git", "node-modules", "nested-pycache", "nested-hidden"],
)
def test_tool_and_hidden_folders_are_skipped(
    make_project: MakeProject, folder: str
) -> None:
    project = make_project(
        {f"app/{folder}/route.py": ROUTE, f"app/{folder}/x/route.py": ROUTE}
    )
    assert discover_routes(project) == []


def test_groups_are_kept_in_folders_but_left_out_of_the_url(
    make_project: MakeProject,
) -> None:
    project = make_project({"app/(admin)/api/(v1)/stats/[id]/route.py": ROUTE})
    [route] = discover_routes(project)
    assert [s.folder for s in route.folders] == [
        "(admin)",
        "api",
        "(v1)",
        "stats",
        "[id]",
    ]
    assert [s.kind for s in route.folders] == [
        SegmentKind.GROUP,
        SegmentKind.STATIC,
        SegmentKind.GROUP,
        SegmentKind.STATIC,
        SegmentKind.DYNAMIC,
    ]
    assert [s.folder for s in route.segments] == ["api", "stats", "[id]"]
    assert route.path == "/api/stats/[id]"
    assert route.relative_file == "app/(admin)/api/(v1)/stats/[id]/route.py"
    assert route.is_dynamic


def test_route_definition_describes_its_file(make_project: MakeProject) -> None:
    project = make_project({"app/api/files/[...path]/route.py": ROUTE})
    [route] = discover_routes(project)
    assert route.file == project.resolve() / "app/api/files/[...path]/route.py"
    assert route.file.is_absolute()
    assert route.relative_file == "app/api/files/[...path]/route.py"
    assert route.path == "/api/files/[...path]"
    assert route.is_dynamic


@pytest.mark.parametrize(
    ("folder", "path", "is_dynamic"),
    [
        ("", "/", False),
        ("api/hello", "/api/hello", False),
        ("rss.xml", "/rss.xml", False),
        ("(shop)", "/", False),
        ("api/docs/[[...slug]]", "/api/docs/[[...slug]]", True),
        ("(g)/[id]", "/[id]", True),
    ],
    ids=["root", "static", "dotted", "group-only", "optional", "group-then-param"],
)
def test_path_is_written_in_folder_notation(
    make_project: MakeProject, folder: str, path: str, is_dynamic: bool
) -> None:
    relative = "/".join(p for p in ("app", folder, "route.py") if p)
    project = make_project({relative: ROUTE})
    [route] = discover_routes(project)
    assert route.relative_file == relative
    assert route.path == path
    assert route.is_dynamic is is_dynamic


def test_routes_come_back_sorted_by_file(make_project: MakeProject) -> None:
    folders = [
        "api/users/[id]",
        "api/users",
        "rss.xml",
        "(admin)/api/stats",
        "",
        "api/users/me",
        "api/hello",
        "api/files/[...path]",
    ]
    project = make_project(
        {"/".join(p for p in ("app", f, "route.py") if p): ROUTE for f in folders}
    )
    assert _files(discover_routes(project)) == [
        "app/(admin)/api/stats/route.py",
        "app/api/files/[...path]/route.py",
        "app/api/hello/route.py",
        "app/api/users/[id]/route.py",
        "app/api/users/me/route.py",
        "app/api/users/route.py",
        "app/route.py",
        "app/rss.xml/route.py",
    ]


def test_discovery_gives_the_same_result_twice(make_project: MakeProject) -> None:
    project = make_project(
        {"app/b/route.py": ROUTE, "app/a/route.py": ROUTE, "app/c/[x]/route.py": ROUTE}
    )
    assert discover_routes(project) == discover_routes(project)


def test_relative_project_dir_gives_absolute_files(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project({"app/api/hello/route.py": ROUTE})
    monkeypatch.chdir(project.parent)
    [route] = discover_routes(Path(project.name))
    assert route.file == project.resolve() / "app/api/hello/route.py"
    assert route.relative_file == "app/api/hello/route.py"


def test_discovery_imports_nothing(make_project: MakeProject) -> None:
    project = make_project(
        {"app/api/boom/route.py": "raise RuntimeError('imported')\n"}
    )
    assert _files(discover_routes(project)) == ["app/api/boom/route.py"]


def test_malformed_folder_on_the_way_to_a_route_names_the_file(
    make_project: MakeProject,
) -> None:
    project = make_project({"app/api/[bad/x/route.py": ROUTE})
    with pytest.raises(InvalidSegmentError) as caught:
        discover_routes(project)
    assert "'[bad'" in str(caught.value)
    assert "app/api/[bad/x/route.py" in str(caught.value)


def test_malformed_folder_without_a_route_below_is_ignored(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {"app/api/[bad/helpers.py": "X = 1\n", "app/api/ok/route.py": ROUTE}
    )
    assert _files(discover_routes(project)) == ["app/api/ok/route.py"]


def test_app_folder_without_routes_gives_no_routes(make_project: MakeProject) -> None:
    project = make_project({"app/api/helpers.py": "X = 1\n"})
    assert discover_routes(project) == []


def test_find_app_dir_returns_the_app_folder(make_project: MakeProject) -> None:
    project = make_project({"app/route.py": ROUTE})
    assert find_app_dir(project) == project / "app"


@pytest.mark.parametrize(
    "files",
    [{"README.md": "hi\n"}, {"app": "not a folder\n"}, {"src/app/route.py": ROUTE}],
    ids=["no-app", "app-is-a-file", "app-nested-elsewhere"],
)
def test_missing_app_folder_says_what_to_do(
    make_project: MakeProject, files: dict[str, str]
) -> None:
    project = make_project(files).resolve()
    for call in (find_app_dir, discover_routes):
        with pytest.raises(RouteTreeError) as caught:
            call(project)
        assert str(caught.value) == (
            f"No app/ folder in {project}. routetree serves the route.py files "
            "under <project>/app/: create app/api/hello/route.py, or point "
            "routetree at the folder that contains app/."
        )
