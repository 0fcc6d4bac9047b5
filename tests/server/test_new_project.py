"""routetree._server._new_project and `routetree new`: a project that works at once."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from routetree import __version__
from routetree._server._cli import cli
from routetree._server._new_project import create_project, project_name
from routetree.testing import TestClient
from tests.venvs import ROOT, clean_env, make_venv, pip_install, run

if TYPE_CHECKING:
    from pathlib import Path

SCAFFOLD_FILES = [
    "README.md",
    "app/api/hello/route.py",
    ".env",
    ".gitignore",
    "pyproject.toml",
    "tests/test_hello.py",
]


@pytest.fixture(autouse=True)
def _no_greeting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The project's .env sets GREETING; an outer one would win over it."""
    monkeypatch.delenv("GREETING", raising=False)


def _relative(project: Path, files: list[Path]) -> list[str]:
    return [file.relative_to(project).as_posix() for file in files]


def test_create_project_writes_the_template(tmp_path: Path) -> None:
    project = tmp_path / "myapi"

    written = create_project(project)

    assert _relative(project, written) == SCAFFOLD_FILES
    assert all(file.is_file() for file in written)
    assert sorted(
        path.relative_to(project).as_posix()
        for path in project.rglob("*")
        if path.is_file()
    ) == sorted(SCAFFOLD_FILES)


def test_dotfiles_get_their_dot_back(tmp_path: Path) -> None:
    project = tmp_path / "myapi"

    create_project(project)

    assert "GREETING=Hello" in (project / ".env").read_text().splitlines()
    ignored = (project / ".gitignore").read_text().splitlines()
    assert {".routetree/", ".env*.local"} <= set(ignored)
    assert not (project / "env").exists()
    assert not (project / "gitignore").exists()


def test_create_project_makes_missing_parent_folders(tmp_path: Path) -> None:
    project = tmp_path / "deep" / "er" / "myapi"

    written = create_project(project)

    assert _relative(project, written) == SCAFFOLD_FILES


def test_an_existing_empty_folder_is_fine(tmp_path: Path) -> None:
    project = tmp_path / "myapi"
    project.mkdir()

    written = create_project(project)

    assert _relative(project, written) == SCAFFOLD_FILES


@pytest.mark.parametrize(
    "existing",
    [
        pytest.param("notes.txt", id="a-file"),
        pytest.param(".git/HEAD", id="only-a-hidden-folder"),
    ],
)
def test_a_non_empty_folder_is_refused(tmp_path: Path, existing: str) -> None:
    project = tmp_path / "myapi"
    (project / existing).parent.mkdir(parents=True)
    (project / existing).write_text("keep me\n")

    with pytest.raises(FileExistsError) as caught:
        create_project(project)

    assert str(caught.value) == (
        f"{project} already exists and is not empty. Pick a new name, or remove it."
    )
    assert [p.name for p in project.iterdir()] == [existing.split("/")[0]]
    assert (project / existing).read_text() == "keep me\n"


def test_an_existing_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "myapi"
    target.write_text("a file\n")

    with pytest.raises(FileExistsError):
        create_project(target)

    assert target.read_text() == "a file\n"


def test_cli_new_creates_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(cli, ["new", "myapi"])
    project = tmp_path / "myapi"

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "✓ Created myapi/ with 6 files.\n  Next: routetree dev myapi\n"
    )
    assert result.stderr == ""
    assert sorted(
        path.relative_to(project).as_posix()
        for path in project.rglob("*")
        if path.is_file()
    ) == sorted(SCAFFOLD_FILES)


def test_cli_new_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    project = tmp_path / "myapi"
    project.mkdir()
    (project / "notes.txt").write_text("keep me\n")

    result = CliRunner().invoke(cli, ["new", str(project)])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {project} already exists and is not empty. Pick a new name, or "
        "remove it.\n"
    )
    assert [p.name for p in project.iterdir()] == ["notes.txt"]


def test_generated_project_serves_hello(tmp_path: Path) -> None:
    project = tmp_path / "myapi"
    create_project(project)

    with TestClient(project) as client:
        response = client.get("/api/hello?name=Ada")
        default = client.get("/api/hello")

    assert response.status_code == 200
    assert response.json() == {"message": "Hello, Ada!"}
    assert default.json() == {"message": "Hello, world!"}


def test_generated_project_reads_its_greeting_from_env(tmp_path: Path) -> None:
    project = tmp_path / "myapi"
    create_project(project)
    (project / ".env").write_text("GREETING=Howdy\n")

    with TestClient(project) as client:
        response = client.get("/api/hello", params={"name": "Ada"})

    assert response.json() == {"message": "Howdy, Ada!"}


def test_generated_project_test_suite_passes(tmp_path: Path) -> None:
    project = tmp_path / "myapi"
    create_project(project)

    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(project / "tests"),
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"},
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "1 passed" in completed.stdout


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("myapi", "myapi"),
        ("my api!", "my-api"),
        ("My.API_v2", "My.API_v2"),
        ("_private_", "private"),
        ("[id]", "id"),
        ("café au lait", "caf-au-lait"),
        ("!!!", "app"),
    ],
)
def test_project_name_keeps_what_a_distribution_name_allows(
    folder: str, name: str
) -> None:
    assert project_name(folder) == name


def test_pyproject_depends_on_this_routetree_with_pytest_and_mypy(
    tmp_path: Path,
) -> None:
    project = tmp_path / "my api"
    create_project(project)

    pyproject = tomllib.loads((project / "pyproject.toml").read_text())

    assert pyproject["project"]["name"] == "my-api"
    assert pyproject["project"]["dependencies"] == [f"routetree>={__version__}"]
    assert pyproject["project"]["optional-dependencies"] == {
        "dev": ["mypy>=1.11", "pytest>=8.2"]
    }
    assert pyproject["build-system"]["build-backend"] == "hatchling.build"
    assert pyproject["tool"]["hatch"]["build"]["targets"]["wheel"] == {
        "bypass-selection": True
    }
    assert pyproject["tool"]["mypy"] == {"strict": True, "explicit_package_bases": True}
    assert pyproject["tool"]["pytest"]["ini_options"]["testpaths"] == ["tests"]


def test_templates_are_filled_in(tmp_path: Path) -> None:
    project = tmp_path / "myapi"
    written = create_project(project)

    assert not [file for file in written if file.name.endswith(".template")]
    assert not [file for file in written if "${" in file.read_text()]
    assert (project / "README.md").read_text().startswith("# myapi\n")


def test_readme_says_how_to_install_run_test_and_type_check(tmp_path: Path) -> None:
    project = tmp_path / "myapi"
    create_project(project)

    readme = (project / "README.md").read_text()

    for command in (
        "pip install /path/to/routetree",
        "pip install -e '.[dev]'",
        "routetree dev ",
        "pytest ",
        "mypy .",
        MYPY_EXCLUDING_DYNAMIC_FOLDERS,
        MYPY_EACH_FILE_IN_A_DYNAMIC_FOLDER,
        "routetree build && routetree start",
    ):
        assert f"\n{command}" in readme, command


def test_gitignore_keeps_local_files_out(tmp_path: Path) -> None:
    project = tmp_path / "myapi"
    create_project(project)

    ignored = (project / ".gitignore").read_text().splitlines()

    assert ignored == [
        ".venv/",
        "__pycache__/",
        ".routetree/",
        ".env*.local",
        ".mypy_cache/",
        ".pytest_cache/",
        "*.egg-info/",
    ]


MYPY_EXCLUDING_DYNAMIC_FOLDERS = "mypy . --exclude '[\\[(]'"
MYPY_EACH_FILE_IN_A_DYNAMIC_FOLDER = (
    "find app -path '*[[(]*' -name '*.py' -print0 | xargs -0 -n 1 mypy"
)
ITEM_ROUTE = '''\
"""GET /api/items/42 -> {"id": "42"}."""

from routetree import Request, Response, RouteContext


async def GET(request: Request, context: RouteContext) -> Response:
    """Answer the item's id."""
    return Response.json({"id": context.params["id"]})
'''


@pytest.mark.install
def test_a_new_project_installs_tests_and_type_checks_in_a_fresh_venv(
    tmp_path: Path,
) -> None:
    """The README's steps, in a venv with nothing in it: install, pytest, mypy ."""
    venv = make_venv(tmp_path / "venv")
    pip_install(venv, str(ROOT), cwd=tmp_path)
    run(["routetree", "new", "demo"], cwd=tmp_path, venv=venv)
    demo = tmp_path / "demo"
    (demo / "app/api/items/[id]").mkdir(parents=True)
    (demo / "app/api/items/[id]/route.py").write_text(ITEM_ROUTE)
    pip_install(venv, "-e", ".[dev]", cwd=demo)

    tested = run(["pytest"], cwd=demo, venv=venv)
    checked = run(["mypy", "."], cwd=demo, venv=venv)

    assert "1 passed" in tested.stdout
    assert checked.stdout == "Success: no issues found in 3 source files\n"

    # The route under [id] is checked, not skipped: a type error in it fails the run.
    broken = demo / "app/api/items/[id]/route.py"
    broken.write_text(ITEM_ROUTE + '\n\ncount: int = "one"\n')
    failed = subprocess.run(
        ["mypy", "."],
        cwd=demo,
        env=clean_env(venv),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "app/api/items/[id]/route.py:11: error: Incompatible types" in failed.stdout
    broken.write_text(ITEM_ROUTE)

    # A second route under a [id] folder: the README's two commands check them all.
    (demo / "app/api/users/[id]").mkdir(parents=True)
    (demo / "app/api/users/[id]/route.py").write_text(ITEM_ROUTE)
    rest = run(["bash", "-c", MYPY_EXCLUDING_DYNAMIC_FOLDERS], cwd=demo, venv=venv)
    each = run(["bash", "-c", MYPY_EACH_FILE_IN_A_DYNAMIC_FOLDER], cwd=demo, venv=venv)
    assert rest.stdout == "Success: no issues found in 2 source files\n"
    assert each.stdout == "Success: no issues found in 1 source file\n" * 2
