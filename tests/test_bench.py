"""The benchmark harness must not rot: ``bench/harness.py --smoke`` in this environment.

The smoke run starts every contender (raw ASGI, routetree, its 1,000-route variant, and
Starlette and FastAPI when they are installed here), checks the answers of each and
stops it. It needs neither wrk nor taskset and times nothing: nothing is asserted
about speed, only that every contender answers correctly.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HARNESS = ROOT / "bench" / "harness.py"


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def test_smoke_run_checks_every_contender() -> None:
    done = subprocess.run(
        [sys.executable, str(HARNESS), "--smoke", "--python", sys.executable],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    expected = ["raw-asgi", "routetree", "routetree-1k", "startup"]
    if _installed("starlette"):
        expected += ["starlette", "starlette-1k"]
    if _installed("fastapi"):
        expected.append("fastapi")
    rows = {
        line.split("│")[1].strip(): line
        for line in done.stdout.splitlines()
        if line.count("│") >= 4
    }
    for name in expected:
        assert name in rows, f"{name} missing from the smoke table:\n{output}"
        assert "ok" in rows[name].split("│")[-2], f"{name} not ok:\n{output}"
    assert "All contenders answered correctly." in done.stdout


def test_smoke_run_rejects_an_unknown_contender() -> None:
    done = subprocess.run(
        [sys.executable, str(HARNESS), "--smoke", "--only", "nginx"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "unknown nginx" in done.stderr
