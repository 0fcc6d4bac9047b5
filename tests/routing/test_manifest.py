"""routetree._routing._manifest: .routetree/manifest.json, used only while fresh."""

from __future__ import annotations

import json
import os
import textwrap
from typing import TYPE_CHECKING

import pytest

from routetree import __version__, create_app
from routetree._routing._manifest import manifest_path, read_manifest, write_manifest
from routetree._routing._project import load_project
from routetree.testing import TestClient

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tests.conftest import MakeProject

# Every file and folder of a built project gets this modification time, so that any
# later change shows, however coarse the file system's clock is.
LONG_AGO = 1_000_000_000


def _route(name: str) -> str:
    return textwrap.dedent(
        f"""
        from routetree import Response

        def GET() -> Response:
            return Response.json({{"route": "{name}"}})
        """
    )


TREE = {
    "app/api/users/route.py": _route("users"),
    "app/api/users/[id]/route.py": _route("user"),
    "app/(admin)/api/stats/route.py": _route("stats"),
    "app/api/files/[...path]/route.py": _route("files"),
    "app/api/_lib/helpers.py": "VALUE = 1\n",
}

ROUTE_FILES = sorted(name for name in TREE if name.endswith("/route.py"))


def _age(project: Path) -> None:
    for path in [project / "app", *(project / "app").rglob("*")]:
        os.utime(path, ns=(LONG_AGO * 10**9, LONG_AGO * 10**9))


@pytest.fixture
def built(make_project: MakeProject) -> Path:
    """A project that was loaded, aged, then built (manifest written)."""
    project = make_project(TREE)
    loaded = load_project(project)
    _age(project)
    write_manifest(loaded)
    return project


def test_write_manifest_returns_its_path(make_project: MakeProject) -> None:
    project = make_project(TREE)

    path = write_manifest(load_project(project))

    assert path == manifest_path(project.resolve())
    assert path == project.resolve() / ".routetree" / "manifest.json"
    assert path.is_file()


def test_manifest_folder_is_git_ignored(built: Path) -> None:
    assert (built / ".routetree" / ".gitignore").read_text() == "*\n"


def test_read_manifest_returns_the_built_routes(make_project: MakeProject) -> None:
    project = load_project(make_project(TREE))

    write_manifest(project)
    definitions = read_manifest(project.directory)

    assert definitions is not None
    assert definitions == [route.definition for route in project.routes]
    assert sorted(d.relative_file for d in definitions) == ROUTE_FILES
    assert sorted(d.path for d in definitions) == [
        "/api/files/[...path]",
        "/api/stats",
        "/api/users",
        "/api/users/[id]",
    ]


def test_manifest_records_the_version(built: Path) -> None:
    data = json.loads(manifest_path(built).read_text())

    assert data["version"] == __version__
    assert sorted(data["routes"]) == ROUTE_FILES


def test_read_manifest_is_fresh_right_after_build(built: Path) -> None:
    assert read_manifest(built) is not None


def test_missing_manifest_is_none(make_project: MakeProject) -> None:
    assert read_manifest(make_project(TREE)) is None


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"{not json", id="malformed-json"),
        pytest.param(b"", id="empty-file"),
        pytest.param(b"[]", id="not-an-object"),
        pytest.param(b'{"version": "%s"}' % __version__.encode(), id="no-stamp"),
        pytest.param(b"\xff\xfe", id="not-utf-8"),
    ],
)
def test_corrupt_manifest_is_none(built: Path, content: bytes) -> None:
    manifest_path(built).write_bytes(content)

    assert read_manifest(built) is None


def _edit_route(project: Path) -> None:
    file = project / "app/api/users/route.py"
    file.write_text(file.read_text() + "\n# edited\n")
    os.utime(file, ns=(LONG_AGO * 10**9, LONG_AGO * 10**9))  # only the size changes


def _edit_route_same_size(project: Path) -> None:
    file = project / "app/api/users/route.py"
    file.write_text(file.read_text().replace('"users"', '"USERS"'))
    stat = file.stat()
    os.utime(file, ns=(stat.st_atime_ns, (LONG_AGO + 60) * 10**9))


def _add_route(project: Path) -> None:
    folder = project / "app/api/new"
    folder.mkdir()
    (folder / "route.py").write_text(_route("new"))


def _add_nested_route(project: Path) -> None:
    folder = project / "app/api/users/[id]/posts"
    folder.mkdir()
    (folder / "route.py").write_text(_route("posts"))


def _delete_route(project: Path) -> None:
    (project / "app/api/files/[...path]/route.py").unlink()


def _rename_folder(project: Path) -> None:
    (project / "app/api/users").rename(project / "app/api/people")


def _rename_group(project: Path) -> None:
    (project / "app/(admin)").rename(project / "app/(staff)")


def _change_version(project: Path) -> None:
    path = manifest_path(project)
    data = json.loads(path.read_text())
    data["version"] = "0.0.0-other"
    path.write_text(json.dumps(data))


STALE_CHANGES: list[tuple[str, Callable[[Path], None]]] = [
    ("route-edited-size-changed", _edit_route),
    ("route-edited-mtime-bumped", _edit_route_same_size),
    ("route-added", _add_route),
    ("nested-route-added", _add_nested_route),
    ("route-deleted", _delete_route),
    ("folder-renamed", _rename_folder),
    ("group-renamed", _rename_group),
    ("other-routetree-version", _change_version),
]


@pytest.mark.parametrize(
    "change", [pytest.param(change, id=name) for name, change in STALE_CHANGES]
)
def test_manifest_is_stale_after_a_change(
    built: Path, change: Callable[[Path], None]
) -> None:
    change(built)

    assert read_manifest(built) is None


def test_editing_a_private_helper_keeps_the_manifest_fresh(built: Path) -> None:
    helper = built / "app/api/_lib/helpers.py"
    helper.write_text("VALUE = 2222\n")

    assert read_manifest(built) is not None


def test_load_project_uses_a_fresh_manifest(built: Path) -> None:
    # The manifest's route list is what a fresh manifest gives load_project: with one
    # route taken out of it (its stamp untouched), that route is not loaded.
    path = manifest_path(built)
    data = json.loads(path.read_text())
    data["routes"].remove("app/api/users/[id]/route.py")
    path.write_text(json.dumps(data))

    from_manifest = load_project(built, use_manifest=True)
    discovered = load_project(built)

    assert sorted(r.definition.relative_file for r in from_manifest.routes) == [
        name for name in ROUTE_FILES if name != "app/api/users/[id]/route.py"
    ]
    assert sorted(r.definition.relative_file for r in discovered.routes) == ROUTE_FILES


def test_load_project_ignores_the_manifest_unless_asked(built: Path) -> None:
    path = manifest_path(built)
    data = json.loads(path.read_text())
    data["routes"] = []
    path.write_text(json.dumps(data))

    assert len(load_project(built).routes) == 4
    assert load_project(built, use_manifest=True).routes == []


def test_load_project_rediscovers_with_a_stale_manifest(built: Path) -> None:
    _add_route(built)

    project = load_project(built, use_manifest=True)

    assert sorted(r.definition.relative_file for r in project.routes) == sorted(
        [*ROUTE_FILES, "app/api/new/route.py"]
    )


def test_a_route_added_after_build_is_served(built: Path) -> None:
    _add_route(built)

    with TestClient(create_app(built, use_manifest=True)) as client:
        new = client.get("/api/new")
        user = client.get("/api/users/7")

    assert (new.status_code, new.json()) == (200, {"route": "new"})
    assert (user.status_code, user.json()) == (200, {"route": "user"})


def test_a_route_deleted_after_build_is_not_served(built: Path) -> None:
    _delete_route(built)

    with TestClient(create_app(built, use_manifest=True)) as client:
        response = client.get("/api/files/a/b")

    assert response.status_code == 404


def test_a_fresh_manifest_serves_the_tree(built: Path) -> None:
    with TestClient(create_app(built, use_manifest=True)) as client:
        stats = client.get("/api/stats")
        files = client.get("/api/files/a/b")

    assert (stats.status_code, stats.json()) == (200, {"route": "stats"})
    assert (files.status_code, files.json()) == (200, {"route": "files"})


def test_rebuilding_makes_a_stale_manifest_fresh(built: Path) -> None:
    _add_route(built)
    assert read_manifest(built) is None

    write_manifest(load_project(built))
    definitions = read_manifest(built)

    assert definitions is not None
    assert "app/api/new/route.py" in [d.relative_file for d in definitions]


def test_load_project_without_a_manifest_discovers(make_project: MakeProject) -> None:
    project = load_project(make_project(TREE), use_manifest=True)

    assert sorted(r.definition.relative_file for r in project.routes) == ROUTE_FILES


def test_a_corrupt_manifest_is_ignored_when_serving(built: Path) -> None:
    manifest_path(built).write_bytes(b"{not json")

    with TestClient(create_app(built, use_manifest=True)) as client:
        response = client.get("/api/users")

    assert (response.status_code, response.json()) == (200, {"route": "users"})
