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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

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


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_harness", HARNESS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_harness"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_unstable_baseline_is_reported() -> None:
    harness = _harness()
    machine = harness.Machine("cpu", 2, "3.11", "python", {}, {}, "linux", "bench/run")
    results = harness.Results(machine, {})
    for round_, (raw, mine) in enumerate([(36_000, 30_000), (25_000, 21_000)], 1):
        for contender, rps in (("raw-asgi", raw), ("routetree", mine)):
            results.runs.append(
                harness.Run(
                    contender,
                    "hello",
                    round_,
                    rps,
                    1.0,
                    3.0,
                    rps * 10,
                    0,
                    1.0,
                    False,
                    "",
                )
            )
    summary = harness.summarise(results)
    assert round(summary["raw-asgi hello"]["spread_pct"]) == 36  # 11,000 / 30,500
    assert [r["contender"] for r in harness.unstable_baselines(summary)] == ["raw-asgi"]
    steady = harness.Results(machine, {})
    steady.runs = [r for r in results.runs if r.round == 1]
    assert harness.unstable_baselines(harness.summarise(steady)) == []


def test_instruction_count_loop_serves_every_contender() -> None:
    # bench/run --instructions runs this loop under valgrind; here it runs bare, so a
    # contender that stops answering correctly fails CI, not only the benchmark.
    script = ROOT / "bench" / "instructions.py"
    names = ["raw-asgi", "routetree"]
    names += ["starlette"] if _installed("starlette") else []
    names += ["fastapi"] if _installed("fastapi") else []
    for name in names:
        for endpoint in ("0", "1", "2"):
            done = subprocess.run(
                [sys.executable, str(script), "--inner", name, endpoint, "3"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert done.returncode == 0, (name, endpoint, done.stdout + done.stderr)
