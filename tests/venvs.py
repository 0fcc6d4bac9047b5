"""Fresh virtual environments for the install tests, as a new user would make one.

Each venv is made with the interpreter running the tests (``python -m venv``), without
routetree or any of its dev tools, and pip installs into it from the package index as
it would for anyone. The tests that use it are marked ``install``: they take about a
minute and need the package index, and they run in the default suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Variables of the test run that must not reach the new environment's processes.
_LEAKY = ("PYTEST_ADDOPTS", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")


def clean_env(venv: Path | None = None) -> dict[str, str]:
    """The test run's environment, without its Python settings; ``venv``'s bin first."""
    env = {key: value for key, value in os.environ.items() if key not in _LEAKY}
    if venv is not None:
        env["VIRTUAL_ENV"] = str(venv)
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def run(
    args: list[str], cwd: Path, venv: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run ``args`` in ``cwd``; fail with its whole output if it exits non-zero."""
    done = subprocess.run(
        args,
        cwd=cwd,
        env=clean_env(venv),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, (
        f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    )
    return done


def make_venv(path: Path) -> Path:
    """Create a venv at ``path`` with pip in it; return the folder."""
    run([sys.executable, "-m", "venv", str(path)], cwd=path.parent)
    return path


def pip_install(venv: Path, *requirements: str, cwd: Path) -> None:
    """``pip install`` ``requirements`` into ``venv``, as a user would type it."""
    run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            *requirements,
        ],
        cwd=cwd,
        venv=venv,
    )
