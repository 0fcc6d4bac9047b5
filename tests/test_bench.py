"""The benchmark harness must not rot: ``bench/harness.py --smoke`` in this environment.

The smoke run starts every contender (raw ASGI, routetree, its 1,000-route variant, and
Starlette and FastAPI when they are installed here), checks the answers of each and
stops it. It needs neither wrk nor taskset and times nothing: nothing is asserted
about speed, only that every contender answers correctly.

The soak mode is checked twice: its verdict on wrk output captured from real runs, and
a 3-second soak of ``routetree start`` (wrk is installed first by ``bench/install-wrk``
when it is missing, as ``bench/run`` does).
"""

from __future__ import annotations

import importlib.util
import json
import re
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
    expected += ["raw-asgi-granian", "routetree-granian"]
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
    # Every check ran, the validated POST's wrong body (422) included.
    assert rows["routetree"].split("│")[3].strip() == "6", output


def test_every_post_script_sends_its_checked_body() -> None:
    harness = _harness()
    posts = [e for e in harness.ENDPOINTS if e.method == "POST"]
    assert [e.key for e in posts] == ["create", "validated"]
    assert {e.script for e in posts} == {s for s, _ in harness.POST_SCRIPTS}
    assert harness.check_post_scripts() == []
    checked = {(c.path, c.body) for c in harness.CHECKS if c.status == 201}
    for script, body in harness.POST_SCRIPTS:
        endpoint = next(e for e in posts if e.script == script)
        assert (endpoint.path, body) in checked


def test_hand_validation_refuses_what_the_model_refuses() -> None:
    path = ROOT / "bench" / "contenders" / "hand_validation.py"
    spec = importlib.util.spec_from_file_location("bench_hand_validation", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    user_in = module.user_in
    harness = _harness()
    good = dict(harness.ACCOUNT)
    assert user_in({**good, "extra": 1}) == good
    for key, wrong in [
        ("name", None),
        ("email", 5),
        ("age", "old"),
        ("age", True),
        ("active", "yes"),
        ("tags", "math"),
        ("tags", ["math", 1]),
    ]:
        assert user_in({**good, key: wrong}) is None, (key, wrong)
    assert user_in({k: v for k, v in good.items() if k != "tags"}) is None
    assert user_in([good]) is None
    assert user_in(json.loads(harness.BAD_ACCOUNT_BODY)) is None


def test_untyped_projects_never_import_pydantic(tmp_path: Path) -> None:
    # The idle RSS target and the start-up projects are measured on these.
    harness = _harness()
    project = harness.startup_project(harness.UNTYPED_ROUTES)(tmp_path / "untyped")
    routes = sorted(
        str(p.relative_to(project)) for p in (project / "app").rglob("route.py")
    )
    assert routes == [
        "app/api/hello/route.py",
        "app/api/users/[id]/route.py",
        "app/api/users/route.py",
    ]
    assert [e.key for e in harness.ENDPOINTS[: harness.UNTYPED_ROUTES]] == [
        "hello",
        "user",
        "create",
    ]
    probe = (
        "import sys; from routetree import create_app; "
        f"create_app({str(project)!r}); print('pydantic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False", done.stderr


def _runs(harness: ModuleType, figures: dict[tuple[str, str], float]) -> object:
    machine = harness.Machine("cpu", 2, "3.11", "python", {}, {}, "linux", "bench/run")
    results = harness.Results(machine, {})
    for (contender, endpoint), rps in figures.items():
        results.runs.append(
            harness.Run(
                contender, endpoint, 0, rps, 1.0, 3.0, int(rps), 0, 1.0, False, ""
            )
        )
    return results


def test_validated_post_targets() -> None:
    harness = _harness()
    results = _runs(
        harness,
        {
            ("routetree", "create"): 25_000,
            ("routetree", "validated"): 22_000,
            ("fastapi", "validated"): 10_000,
        },
    )
    targets = {
        t["target"]: (t["figure"], t["status"])
        for t in harness.evaluate_targets(results, harness.summarise(results))
    }
    assert targets[
        "routetree validated POST /api/accounts >= 2.00x FastAPI's req/s"
    ] == ("2.20x FastAPI's req/s", "met")
    assert targets[
        "routetree validated POST >= 0.85x its unvalidated POST /api/users"
    ] == ("0.88x", "met")
    slower = _runs(
        harness,
        {
            ("routetree", "create"): 25_000,
            ("routetree", "validated"): 21_000,
            ("fastapi", "validated"): 11_000,
        },
    )
    statuses = {
        t["target"]: t["status"]
        for t in harness.evaluate_targets(slower, harness.summarise(slower))
    }
    assert (
        statuses["routetree validated POST /api/accounts >= 2.00x FastAPI's req/s"]
        == "missed"
    )
    assert (
        statuses["routetree validated POST >= 0.85x its unvalidated POST /api/users"]
        == "missed"
    )


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
        for endpoint in ("0", "1", "2", "3"):
            done = subprocess.run(
                [sys.executable, str(script), "--inner", name, endpoint, "3"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert done.returncode == 0, (name, endpoint, done.stdout + done.stderr)


# Real output of wrk 4.1.0 (-t1 -c32 --latency) against `routetree start
# bench/apps/routetree3`: the POST of bench/post.lua, then a GET of a missing route.
WRK_POST_OUTPUT = """\
Running 3s test @ http://127.0.0.1:8799/api/users
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.42ms    4.01ms  65.84ms   89.26%
    Req/Sec     6.21k     1.36k    9.59k    63.33%
  Latency Distribution
     50%    4.55ms
     75%    7.02ms
     90%    8.86ms
     99%   19.38ms
  18593 requests in 3.01s, 2.84MB read
Requests/sec:   6173.47
Transfer/sec:      0.94MB
"""
WRK_404_OUTPUT = """\
Running 2s test @ http://127.0.0.1:8799/api/nope
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     8.80ms    5.72ms  39.81ms   70.41%
    Req/Sec     3.74k   837.78     6.36k    70.00%
  Latency Distribution
     50%    7.76ms
     75%   11.76ms
     90%   15.84ms
     99%   27.79ms
  7475 requests in 2.01s, 0.97MB read
  Non-2xx or 3xx responses: 7475
Requests/sec:   3712.37
Transfer/sec:    493.05KB
"""


def test_soak_verdict_on_real_wrk_output() -> None:
    harness = _harness()
    hello, create = harness.SOAK_ENDPOINTS
    clean = harness.soak_endpoints([(create, 32, harness.parse_wrk(WRK_POST_OUTPUT))])
    assert clean[0].requests == 18593
    assert clean[0].non_2xx_3xx == 0
    assert clean[0].socket_errors == 0
    assert harness.soak_verdict(clean, 40.0, 41.9) == []  # +4.75%
    grown = harness.soak_verdict(clean, 40.0, 42.1)  # +5.25%
    assert grown == ["RSS grew 5.2% from 40.0 to 42.1 MiB (limit 5%)"]
    failing = harness.soak_endpoints([(hello, 32, harness.parse_wrk(WRK_404_OUTPUT))])
    assert failing[0].non_2xx_3xx == 7475
    assert harness.soak_verdict(failing, 40.0, 40.0) == [
        "7475 error(s) under load (non-2xx/3xx answers and socket errors)"
    ]
    assert harness.split_connections(64, 2) == [32, 32]
    assert harness.split_connections(5, 2) == [3, 2]


def test_short_soak_reports_requests_errors_and_rss(tmp_path: Path) -> None:
    subprocess.run([str(ROOT / "bench" / "install-wrk")], check=True, timeout=600)
    report = tmp_path / "soak.json"
    done = subprocess.run(
        [
            *(sys.executable, str(HARNESS), "--soak", "--duration", "3"),
            *("--json", str(report), "--python", sys.executable),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    requests = re.search(r"^requests: (\d+)$", done.stdout, re.M)
    assert requests is not None, output
    assert int(requests.group(1)) > 0
    assert re.search(r"^errors: 0$", done.stdout, re.M), output
    rss = re.findall(r"^RSS at ([\d.]+) s: ([\d.]+) MiB$", done.stdout, re.M)
    assert len(rss) == 2, output
    assert float(rss[0][0]) == 1.5  # half of a run shorter than 20 s
    assert re.search(
        r"^RSS ratio \(end / early\): [\d.]+ \(limit 1.05\)$", done.stdout, re.M
    )
    assert "Soak passed." in done.stdout
    soak = json.loads(report.read_text())["soak"]
    assert soak["requests"] == int(requests.group(1))
    assert soak["errors"] == 0
    assert [e["endpoint"] for e in soak["endpoints"]] == [
        "GET /api/hello",
        "POST /api/users",
    ]
    assert soak["rss_ratio"] == round(soak["rss_end_mib"] / soak["rss_early_mib"], 4)
