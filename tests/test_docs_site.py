"""The docs site: mkdocs.yml builds docs/ with no warning, its nav as docs/index.md."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NAV_ENTRY = re.compile(r"^  - [^:\n]+: (\S+\.md)$", re.MULTILINE)
INDEX_LINK = re.compile(r"^\| \[[^\]]+\]\(([^)#]+\.md)\) \|", re.MULTILINE)


def test_mkdocs_build_strict_passes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert "WARNING -" not in log, log
    assert (site / "request" / "index.html").is_file()


def test_the_nav_is_the_pages_in_the_order_index_lists_them() -> None:
    nav = NAV_ENTRY.findall((ROOT / "mkdocs.yml").read_text("utf-8"))
    listed = INDEX_LINK.findall((DOCS / "index.md").read_text("utf-8"))
    assert nav == ["index.md", *listed]
    assert sorted(nav) == sorted(path.name for path in DOCS.glob("*.md"))
