"""routetree._server._console: errors, banner, route table; user text verbatim."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from routetree import __version__
from routetree._routing._project import Project, load_project
from routetree._server._console import (
    LEGEND,
    print_banner,
    print_error,
    print_route_table,
    project_extras,
    project_files,
    route_rows,
)

if TYPE_CHECKING:
    from tests.conftest import MakeProject

TREE = {
    "app/api/users/route.py": """
    from routetree import Response

    def GET() -> Response:
        return Response.json([])

    def POST() -> Response:
        return Response.json({}, status=201)
    """,
    "app/api/users/[id]/route.py": """
    from routetree import Response

    def GET() -> Response:
        return Response.json({})

    async def DELETE() -> Response:
        return Response(None, status=204)
    """,
    "app/api/feed/route.py": """
    from routetree import Response

    dynamic = "force-static"

    def GET() -> Response:
        return Response.json([])
    """,
    "app/api/tags/[tag]/route.py": """
    from routetree import Response

    def generate_static_params():
        return [{"tag": "python"}]

    def GET() -> Response:
        return Response.json({})
    """,
}


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich sizes a console from $COLUMNS; fix it so no line is wrapped."""
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def project(make_project: MakeProject) -> Project:
    return load_project(make_project(TREE))


@pytest.mark.parametrize(
    "message",
    [
        pytest.param("plain words", id="plain"),
        pytest.param("app/api/users/[id]/route.py is broken", id="folder-brackets"),
        pytest.param("[bold]not bold[/bold] and [red]not red[/]", id="markup-tags"),
        pytest.param("[/] closing tag alone", id="stray-closing-tag"),
        pytest.param(":warning: no emoji codes", id="emoji-code"),
        pytest.param("x" * 300, id="long-line-not-wrapped"),
        pytest.param("Failed:\n  Traceback line", id="multi-line"),
    ],
)
def test_print_error_prints_the_message_verbatim(
    capsys: pytest.CaptureFixture[str], message: str
) -> None:
    print_error(message)

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"Error: {message}\n"


def test_route_rows_give_path_methods_kind_and_file(project: Project) -> None:
    rows = sorted(route_rows(project), key=lambda row: str(row["path"]))

    assert rows == [
        {
            "path": "/api/feed",
            "methods": ["GET"],
            "kind": "static",
            "file": "app/api/feed/route.py",
        },
        {
            "path": "/api/tags/[tag]",
            "methods": ["GET"],
            "kind": "prerendered",
            "file": "app/api/tags/[tag]/route.py",
        },
        {
            "path": "/api/users",
            "methods": ["GET", "POST"],
            "kind": "dynamic",
            "file": "app/api/users/route.py",
        },
        {
            "path": "/api/users/[id]",
            "methods": ["DELETE", "GET"],
            "kind": "dynamic",
            "file": "app/api/users/[id]/route.py",
        },
    ]


def test_route_rows_follow_the_project_order(project: Project) -> None:
    assert [row["file"] for row in route_rows(project)] == [
        route.definition.relative_file for route in project.routes
    ]


def test_route_table_prints_folder_notation_and_the_legend(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    print_route_table(project)

    captured = capsys.readouterr()
    assert captured.err == ""
    rows = [line.split() for line in captured.out.splitlines() if line.strip()]
    assert rows[0] == ["Route", "Methods", "Kind", "File"]
    assert sorted(rows[1:5]) == [
        ["ƒ", "/api/users", "GET,", "POST", "dynamic", "app/api/users/route.py"],
        [
            "ƒ",
            "/api/users/[id]",
            "DELETE,",
            "GET",
            "dynamic",
            "app/api/users/[id]/route.py",
        ],
        ["○", "/api/feed", "GET", "static", "app/api/feed/route.py"],
        ["●", "/api/tags/[tag]", "GET", "prerendered", "app/api/tags/[tag]/route.py"],
    ]
    assert "/api/users/[id]" in captured.out
    assert captured.out.endswith("\n\n" + LEGEND + "\n")


def test_route_table_legend_names_every_kind() -> None:
    assert [line.split()[:2] for line in LEGEND.splitlines()] == [
        ["○", "(Static)"],
        ["●", "(Prerendered)"],
        ["ƒ", "(Dynamic)"],
    ]


def test_banner_shows_url_env_files_and_route_count(
    make_project: MakeProject, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project({".env": "", ".env.local": ""})

    print_banner(
        "production",
        "http://127.0.0.1:3000",
        [project / ".env.local", project / ".env"],
        routes=4,
    )

    assert capsys.readouterr().out == (
        f"▲ routetree {__version__} (production)\n"
        "  - Local:        http://127.0.0.1:3000\n"
        "  - Environments: .env.local, .env\n"
        "  - Routes:       4\n"
    )


def test_print_banner_without_env_files_or_route_count(
    capsys: pytest.CaptureFixture[str],
) -> None:
    print_banner("dev", "http://[::1]:3000", [])

    assert capsys.readouterr().out == (
        f"▲ routetree {__version__} (dev)\n  - Local:        http://[::1]:3000\n"
    )


def test_banner_names_the_files_in_use(
    make_project: MakeProject, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(
        {
            "proxy.py": "",
            "instrumentation.py": "",
            "pyproject.toml": "[tool.routetree]\nbase_path = '/v1'\n",
        }
    )
    print_banner("dev", "http://127.0.0.1:3000", [], using=project_files(project))
    assert capsys.readouterr().out.splitlines()[-1] == (
        "  - Using:        proxy.py, instrumentation.py, "
        "pyproject.toml [tool.routetree]"
    )
    (project / "routetree.toml").write_text("")
    names = ["proxy.py", "instrumentation.py", "routetree.toml"]
    assert project_files(project) == names
    assert project_files(make_project({"pyproject.toml": "[project]\n"})) == []


def test_project_extras_name_the_config_file(make_project: MakeProject) -> None:
    directory = make_project({**TREE, "routetree.toml": "trailing_slash = true\n"})
    assert project_extras(load_project(directory)) == [
        "⚙ Config      routetree.toml: trailing_slash"
    ]


def test_a_pyproject_without_the_tool_table_is_no_config(
    make_project: MakeProject,
) -> None:
    # It mentions routetree, as a dependency and in a comment, but holds no config.
    directory = make_project(
        {
            **TREE,
            "pyproject.toml": (
                '[project]\nname = "app"\ndependencies = ["routetree"]\n\n'
                "# [tool.routetree] settings go here\n"
            ),
        }
    )
    loaded = load_project(directory)
    assert loaded.config is None
    assert project_files(directory) == []
    assert project_extras(loaded) == []
