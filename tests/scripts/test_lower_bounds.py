"""scripts/lower_bounds.py: what the lower-bounds run installs."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "lower_bounds.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lower_bounds", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("requirement", "constraint"),
    [
        ("anyio>=4.5", "anyio==4.5"),
        ("uvicorn[standard]>=0.30", "uvicorn==0.30"),
        ("python-multipart >= 0.0.33", "python-multipart==0.0.33"),
        ("httpx>=0.27,<1", "httpx==0.27"),
        ("uvloop>=0.19; sys_platform != 'win32'", "uvloop==0.19"),
    ],
)
def test_a_floor_becomes_a_pin(requirement: str, constraint: str) -> None:
    assert _script().lower_bound_constraints([requirement]) == [constraint]


@pytest.mark.parametrize(
    "requirement", ["anyio", "anyio==4.5", "anyio<5", "anyio~=4.5"]
)
def test_a_dependency_without_a_floor_is_refused(requirement: str) -> None:
    with pytest.raises(ValueError, match="has no '>=' lower bound"):
        _script().lower_bound_constraints([requirement])


def test_every_runtime_dependency_of_routetree_is_pinned_at_its_floor() -> None:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "dependencies"
    ]

    done = _run("constraints")

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(dependencies)
    assert "python-multipart==0.0.33" in lines
    assert "click==8.2" in lines
    assert all("==" in line and "[" not in line for line in lines)


def test_dev_tools_are_the_dev_extra_without_contenders_and_schemathesis() -> None:
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["dev"]

    done = _run("dev-tools")

    assert done.returncode == 0, done.stderr
    tools = done.stdout.splitlines()
    assert tools == [
        requirement
        for requirement in dev
        if not requirement.startswith(("fastapi", "starlette", "schemathesis"))
    ]
    assert "pytest>=8.2" in tools
    assert len(tools) == len(dev) - 3


def test_an_unknown_command_is_a_usage_error() -> None:
    done = _run("everything")

    assert done.returncode == 2
    assert done.stderr.startswith("usage: python scripts/lower_bounds.py")
