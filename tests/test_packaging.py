"""The distribution: ``python -m build`` makes a wheel that holds all of routetree.

The wheel is built as the README says (an sdist, then the wheel from it), its files
are compared with ``src/routetree``, and it is installed into a fresh venv, where the
``routetree`` command creates a project and lists its routes. Marked ``install``: it
builds in isolated environments and installs from the package index (about a minute).
"""

from __future__ import annotations

import json
import sys
import zipfile
from typing import TYPE_CHECKING

import pytest

from routetree import __version__
from tests.venvs import ROOT, make_venv, pip_install, run

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.install

SOURCE = ROOT / "src" / "routetree"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder ``python -m build`` wrote the sdist and the wheel into."""
    outdir = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", str(outdir), str(ROOT)], cwd=ROOT)
    return outdir


def _wheel(dist: Path) -> Path:
    wheels = sorted(dist.glob("*.whl"))
    assert [wheel.name for wheel in wheels] == [
        f"routetree-{__version__}-py3-none-any.whl"
    ]
    return wheels[0]


def _source_files() -> set[str]:
    return {
        "routetree/" + path.relative_to(SOURCE).as_posix()
        for path in SOURCE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_build_makes_an_sdist_and_a_wheel(dist: Path) -> None:
    assert sorted(path.name for path in dist.iterdir()) == [
        f"routetree-{__version__}-py3-none-any.whl",
        f"routetree-{__version__}.tar.gz",
    ]


def test_the_wheel_holds_every_file_of_the_package(dist: Path) -> None:
    with zipfile.ZipFile(_wheel(dist)) as wheel:
        names = wheel.namelist()
        entry_points = wheel.read(
            f"routetree-{__version__}.dist-info/entry_points.txt"
        ).decode()
    packaged = {name for name in names if name.startswith("routetree/")}

    assert packaged == _source_files()
    assert "routetree/py.typed" in packaged
    static = {
        name for name in packaged if name.startswith("routetree/_openapi/static/")
    }
    assert {
        "routetree/_openapi/static/swagger-ui-bundle.js",
        "routetree/_openapi/static/swagger-ui.css",
        "routetree/_openapi/static/docs.js",
    } <= static
    assert {
        "routetree/_server/_scaffold/env",
        "routetree/_server/_scaffold/gitignore",
        "routetree/_server/_scaffold/pyproject.toml.template",
    } <= packaged
    assert "routetree = routetree._server._cli:main" in entry_points


def test_the_wheel_installed_in_a_fresh_venv_gives_a_working_command(
    dist: Path, tmp_path: Path
) -> None:
    venv = make_venv(tmp_path / "venv")
    pip_install(venv, str(_wheel(dist)), cwd=tmp_path)
    routetree = str(venv / "bin" / "routetree")

    version = run([routetree, "--version"], cwd=tmp_path, venv=venv)
    created = run([routetree, "new", "myapi"], cwd=tmp_path, venv=venv)
    routes = run([routetree, "routes", "myapi", "--json"], cwd=tmp_path, venv=venv)

    assert version.stdout == f"routetree, version {__version__}\n"
    assert created.stdout.startswith("✓ Created myapi/ with 6 files.")
    assert (tmp_path / "myapi" / "pyproject.toml").is_file()
    assert [route["path"] for route in json.loads(routes.stdout)] == ["/api/hello"]
    # The command ran from the wheel, not from this checkout.
    located = run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import routetree; print(routetree.__file__)",
        ],
        cwd=tmp_path,
        venv=venv,
    )
    assert located.stdout.startswith(str(venv))
