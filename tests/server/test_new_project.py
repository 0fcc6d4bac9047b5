"""routetree._server._new_project and `routetree new`: a project that works at once."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from routetree._server._cli import cli
from routetree._server._new_project import create_project
from routetree.testing import TestClient

if TYPE_CHECKING:
    from pathlib import Path

SCAFFOLD_FILES = [
    "README.md",
    "app/api/hello/route.py",
    ".env",
    ".gitignore",
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
        "✓ Created myapi/ with 5 files.\n  Next: routetree dev myapi\n"
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
