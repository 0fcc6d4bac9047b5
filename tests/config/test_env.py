"""routetree._config._env: .env files loaded in Next.js's order, with dotenv syntax."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from routetree import create_app
from routetree._config._env import MODE_VARIABLE, Mode, env_files, load_env
from routetree.testing import TestClient

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from tests.conftest import MakeProject

PROBES = ("PROBE_A", "PROBE_B", "PROBE_C", "PROBE_EXP")

# nextjs-behaviour.md C96: the same files, served by `next start`.
C96_FILES = {
    ".env": """
    PROBE_A=from-.env
    PROBE_B=from-.env
    PROBE_C=from-.env
    PROBE_EXP=$PROBE_A-expanded
    """,
    ".env.local": "PROBE_A=from-.env.local\n",
    ".env.production": "PROBE_B=from-.env.production\n",
}

ENV_ROUTE = """
import os

from routetree import Response

def GET() -> Response:
    names = ["PROBE_A", "PROBE_B", "PROBE_C", "PROBE_EXP", "ROUTETREE_ENV"]
    return Response.json({name: os.environ.get(name) for name in names})
"""


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """None of the variables these tests write may come from the outer environment."""
    for name in (*PROBES, "PROBE", MODE_VARIABLE, "REAL_ONLY", "UNSET_ONE"):
        monkeypatch.delenv(name, raising=False)


def _files(project: Path, names: list[Path]) -> list[str]:
    return [path.relative_to(project).as_posix() for path in names]


def test_c96_precedence_and_expansion_in_production(
    make_project: MakeProject,
) -> None:
    project = make_project(C96_FILES)

    loaded = load_env(project, "production")

    assert _files(project, loaded) == [".env.local", ".env.production", ".env"]
    assert {name: os.environ[name] for name in (*PROBES, MODE_VARIABLE)} == {
        "PROBE_A": "from-.env.local",
        "PROBE_B": "from-.env.production",
        "PROBE_C": "from-.env",
        "PROBE_EXP": "from-.env.local-expanded",
        "ROUTETREE_ENV": "production",
    }


ALL_FILES = (".env.{mode}.local", ".env.local", ".env.{mode}", ".env")


@pytest.mark.parametrize(
    ("mode", "present", "winner"),
    [
        pytest.param("production", ALL_FILES, ".env.production.local", id="mode-local"),
        pytest.param("production", ALL_FILES[1:], ".env.local", id="local"),
        pytest.param("production", ALL_FILES[2:], ".env.production", id="mode-file"),
        pytest.param("production", ALL_FILES[3:], ".env", id="env-only"),
        pytest.param("development", ALL_FILES, ".env.development.local", id="dev"),
        pytest.param("development", ALL_FILES[1:], ".env.local", id="dev-local"),
        pytest.param("test", ALL_FILES, ".env.test.local", id="test-mode-local"),
        pytest.param("test", ALL_FILES[1:], ".env.test", id="test-skips-local"),
        pytest.param("test", (".env.local", ".env"), ".env", id="test-env-only"),
    ],
)
def test_first_file_in_precedence_order_wins(
    make_project: MakeProject, mode: Mode, present: tuple[str, ...], winner: str
) -> None:
    names = [name.format(mode=mode) for name in present]
    project = make_project({name: f"PROBE=from-{name}\n" for name in names})

    load_env(project, mode)

    assert os.environ["PROBE"] == f"from-{winner}"


@pytest.mark.parametrize("mode", ["development", "production", "test"])
def test_real_environment_beats_every_file(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, mode: Mode
) -> None:
    names = [name.format(mode=mode) for name in ALL_FILES]
    project = make_project({name: f"PROBE=from-{name}\n" for name in names})
    monkeypatch.setenv("PROBE", "from-the-real-environment")

    load_env(project, mode)

    assert os.environ["PROBE"] == "from-the-real-environment"


def test_expansion_sees_the_real_environment_first(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(C96_FILES)
    monkeypatch.setenv("PROBE_A", "from-the-real-environment")

    load_env(project, "production")

    assert os.environ["PROBE_A"] == "from-the-real-environment"
    assert os.environ["PROBE_EXP"] == "from-the-real-environment-expanded"


def test_a_variable_only_in_the_real_environment_expands(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project({".env": "PROBE=${REAL_ONLY}/and/$REAL_ONLY\n"})
    monkeypatch.setenv("REAL_ONLY", "real")

    load_env(project, "production")

    assert os.environ["PROBE"] == "real/and/real"


SYNTAX_CASES: list[tuple[str, str, str]] = [
    ("bare-variable", "PROBE=$PROBE_A-x", "a-x"),
    ("braced-variable", "PROBE=${PROBE_A}x", "ax"),
    ("bare-variable-stops-at-dash", "PROBE=$PROBE_A-$PROBE_A", "a-a"),
    ("undefined-variable-is-empty", "PROBE=[$UNSET_ONE]", "[]"),
    ("default-for-undefined", "PROBE=${UNSET_ONE:-fallback}", "fallback"),
    ("escaped-dollar-stays-literal", "PROBE=\\$PROBE_A", "$PROBE_A"),
    ("escaped-dollar-before-a-price", "PROBE=costs \\$5", "costs $5"),
    ("escaped-dollar-before-a-brace", "PROBE=\\${PROBE_A}", "${PROBE_A}"),
    ("escaped-dollar-in-double-quotes", 'PROBE="\\$PROBE_A"', "$PROBE_A"),
    ("double-quotes-stripped", 'PROBE="two words"', "two words"),
    ("single-quotes-stripped", "PROBE='two words'", "two words"),
    ("trailing-comment", "PROBE=value # a comment", "value"),
    (
        "hash-inside-quotes-is-text",
        'PROBE="value # not a comment"',
        "value # not a comment",
    ),
    ("export-prefix", "export PROBE=value", "value"),
    ("spaces-around-equals", "PROBE = value", "value"),
    ("empty-value", "PROBE=", ""),
]


@pytest.mark.parametrize(
    ("line", "expected"),
    [pytest.param(line, expected, id=name) for name, line, expected in SYNTAX_CASES],
)
def test_dotenv_syntax(make_project: MakeProject, line: str, expected: str) -> None:
    project = make_project({".env": f"# a comment line\nPROBE_A=a\n{line}\n"})

    load_env(project, "production")

    assert os.environ["PROBE"] == expected


def test_a_commented_out_line_sets_nothing(make_project: MakeProject) -> None:
    project = make_project({".env": "# PROBE=commented-out\nPROBE_A=a\n"})

    load_env(project, "production")

    assert "PROBE" not in os.environ
    assert os.environ["PROBE_A"] == "a"


@pytest.mark.parametrize("mode", ["development", "production", "test"])
def test_mode_variable_is_set_to_the_mode(
    make_project: MakeProject, mode: Mode
) -> None:
    project = make_project({".env": "PROBE=x\n"})

    load_env(project, mode)

    assert os.environ[MODE_VARIABLE] == mode


def test_mode_variable_already_set_is_kept(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project({".env": "PROBE=x\n"})
    monkeypatch.setenv(MODE_VARIABLE, "staging")

    load_env(project, "production")

    assert os.environ[MODE_VARIABLE] == "staging"


def test_mode_variable_set_in_a_file_is_kept(make_project: MakeProject) -> None:
    project = make_project({".env": "ROUTETREE_ENV=from-file\n"})

    load_env(project, "production")

    assert os.environ[MODE_VARIABLE] == "from-file"


def test_no_env_files_loads_nothing_and_sets_the_mode(
    make_project: MakeProject,
) -> None:
    project = make_project({"app/api/x/route.py": ENV_ROUTE})
    before = dict(os.environ)

    loaded = load_env(project, "development")

    assert loaded == []
    assert dict(os.environ) == {**before, MODE_VARIABLE: "development"}


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        pytest.param(
            "development",
            [".env.development.local", ".env.local", ".env.development", ".env"],
            id="development",
        ),
        pytest.param(
            "production",
            [".env.production.local", ".env.local", ".env.production", ".env"],
            id="production",
        ),
        pytest.param(
            "test", [".env.test.local", ".env.test", ".env"], id="test-skips-local"
        ),
    ],
)
def test_env_files_lists_existing_files_highest_precedence_first(
    make_project: MakeProject, mode: Mode, expected: list[str]
) -> None:
    every_file: Mapping[str, str] = {
        name.format(mode=other): "PROBE=x\n"
        for other in ("development", "production", "test")
        for name in ALL_FILES
    }
    project = make_project(every_file)

    assert _files(project, env_files(project, mode)) == expected
    assert _files(project, load_env(project, mode)) == expected


def test_env_files_skips_missing_files_and_folders(make_project: MakeProject) -> None:
    project = make_project({".env.production": "PROBE=x\n", ".env/keep": ""})

    assert _files(project, env_files(project, "production")) == [".env.production"]


def test_env_files_does_not_touch_the_environment(
    make_project: MakeProject,
) -> None:
    project = make_project(C96_FILES)
    before = dict(os.environ)

    env_files(project, "production")

    assert dict(os.environ) == before


def test_create_app_loads_production_env_files(make_project: MakeProject) -> None:
    project = make_project({**C96_FILES, "app/api/env/route.py": ENV_ROUTE})

    with TestClient(create_app(project)) as client:
        response = client.get("/api/env")

    assert response.status_code == 200
    assert response.json() == {
        "PROBE_A": "from-.env.local",
        "PROBE_B": "from-.env.production",
        "PROBE_C": "from-.env",
        "PROBE_EXP": "from-.env.local-expanded",
        "ROUTETREE_ENV": "production",
    }


def test_test_client_loads_test_env_files_without_env_local(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            **C96_FILES,
            ".env.test": "PROBE_C=from-.env.test\n",
            "app/api/env/route.py": ENV_ROUTE,
        }
    )

    with TestClient(project) as client:
        response = client.get("/api/env")

    assert response.status_code == 200
    assert response.json() == {
        "PROBE_A": "from-.env",
        "PROBE_B": "from-.env",
        "PROBE_C": "from-.env.test",
        "PROBE_EXP": "from-.env-expanded",
        "ROUTETREE_ENV": "test",
    }


def test_create_app_dev_loads_development_env_files(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            **C96_FILES,
            ".env.development": "PROBE_C=from-.env.development\n",
            "app/api/env/route.py": ENV_ROUTE,
        }
    )

    with TestClient(create_app(project, dev=True)) as client:
        response = client.get("/api/env")

    assert response.json() == {
        "PROBE_A": "from-.env.local",
        "PROBE_B": "from-.env",
        "PROBE_C": "from-.env.development",
        "PROBE_EXP": "from-.env.local-expanded",
        "ROUTETREE_ENV": "development",
    }
