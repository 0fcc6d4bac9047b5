"""docs/testing.md, run as written: its test file passes against its route."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

from tests.docs_blocks import DocsPage, write_project

if TYPE_CHECKING:
    from pathlib import Path

PAGE = DocsPage("testing.md")


def test_the_page_names_its_files() -> None:
    assert PAGE.paths() == [
        "tests/test_hello.py",
        "app/api/hello/route.py",
        "app/api/echo/route.py",
        "tests/test_echo.py",
    ]


def test_the_page_s_tests_pass(tmp_path: Path) -> None:
    project = write_project(tmp_path, PAGE.files())
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
