"""The ``routetree`` command line: CliRunner, plus one run of the real entry point."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from routetree import __version__
from routetree._cli import cli

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.conftest import MakeProject

GET = """
from routetree import Response

def GET():
    return Response("x")
"""

GET_POST = """
from routetree import Response

def GET():
    return Response("x")

def POST():
    return Response("y")
"""

FORCE_STATIC = """
from routetree import Response

dynamic = "force-static"

def GET():
    return Response("x")
"""

TREE = {
    "app/api/users/route.py": GET_POST,
    "app/api/users/[id]/route.py": GET,
    "app/api/files/[...path]/route.py": GET,
    "app/api/static/route.py": FORCE_STATIC,
}

ROWS = [
    {
        "path": "/api/files/[...path]",
        "methods": ["GET"],
        "kind": "dynamic",
        "file": "app/api/files/[...path]/route.py",
    },
    {
        "path": "/api/static",
        "methods": ["GET"],
        "kind": "static",
        "file": "app/api/static/route.py",
    },
    {
        "path": "/api/users",
        "methods": ["GET", "POST"],
        "kind": "dynamic",
        "file": "app/api/users/route.py",
    },
    {
        "path": "/api/users/[id]",
        "methods": ["GET"],
        "kind": "dynamic",
        "file": "app/api/users/[id]/route.py",
    },
]


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    """The CLI configures the root logger; don't let its handlers outlive the test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="routetree")


def test_help_lists_the_commands() -> None:
    result = _invoke("--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: routetree [OPTIONS] COMMAND [ARGS]...")
    assert "  routes" in result.stdout
    assert "  start" in result.stdout


@pytest.mark.parametrize("command", ["routes", "start"])
def test_command_help(command: str) -> None:
    result = _invoke(command, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: routetree {command} [OPTIONS] [DIRECTORY]")


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str) -> None:
    result = _invoke(flag)
    assert result.exit_code == 0
    assert result.stdout == f"routetree, version {__version__}\n"


def test_routes_prints_the_table_in_folder_notation(make_project: MakeProject) -> None:
    result = _invoke("routes", str(make_project(TREE)))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for row in ROWS:
        [line] = [
            line
            for line in lines
            if f" {row['path']} " in line or line.endswith(f" {row['path']}")
        ]
        assert ", ".join(row["methods"]) in line
        assert f" {row['kind']} " in line
        assert str(row["file"]) in line
    assert "dynamic" in result.stdout
    assert "Traceback" not in result.output


def test_routes_json_writes_only_json_to_stdout(make_project: MakeProject) -> None:
    result = _invoke("routes", str(make_project(TREE)), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert sorted(rows, key=lambda row: row["path"]) == ROWS


def test_routes_json_sends_warnings_to_stderr(make_project: MakeProject) -> None:
    lowercase = """
    from routetree import Response

    def get():
        return Response("x")
    """
    project = make_project(
        {"app/api/users/route.py": GET, "app/api/lower/route.py": lowercase}
    )
    result = _invoke("routes", str(project), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {row["path"]: row["methods"] for row in rows} == {
        "/api/lower": [],
        "/api/users": ["GET"],
    }
    assert (
        "Detected lowercase method 'get' in 'app/api/lower/route.py'" in result.stderr
    )


def test_routes_of_a_folder_without_app_is_one_clear_error(tmp_path: Path) -> None:
    result = _invoke("routes", str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Error: No app/ folder in")
    assert str(tmp_path) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_routes_of_a_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    result = _invoke("routes", str(tmp_path / "missing"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "as_json", [pytest.param((), id="table"), pytest.param(("--json",), id="json")]
)
def test_routes_of_a_conflicting_tree_names_both_files(
    make_project: MakeProject, as_json: tuple[str, ...]
) -> None:
    project = make_project(
        {"app/(a)/api/x/route.py": GET, "app/(b)/api/x/route.py": GET}
    )
    result = _invoke("routes", str(project), *as_json)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Error: ")
    assert "app/(a)/api/x/route.py" in result.stderr
    assert "app/(b)/api/x/route.py" in result.stderr


def test_routes_defaults_to_the_current_folder(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_project(TREE))
    result = _invoke("routes", "--json")
    assert result.exit_code == 0, result.output
    assert sorted(json.loads(result.stdout), key=lambda row: row["path"]) == ROWS


def test_python_m_routetree_routes_json(make_project: MakeProject) -> None:
    project = make_project(TREE)
    completed = subprocess.run(
        [sys.executable, "-m", "routetree", "routes", str(project), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert sorted(json.loads(completed.stdout), key=lambda row: row["path"]) == ROWS
    assert completed.stderr == ""


def test_python_m_routetree_error_exit_code(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "routetree", "routes", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    assert completed.stdout == ""
    assert "Traceback" not in completed.stderr
    assert completed.stderr.startswith("Error: No app/ folder in")
