"""The cache target: a cached GET's HIT against routetree's own uncached GET /api/hello.

Run through ``bench/run --cache`` (docs/performance.md). One ``routetree start`` serves
bench/apps/routetree3's ``GET /api/hello`` (dynamic: the handler runs every time) and
``GET /api/cached``, the same answer from a ``dynamic = "force-static"`` route (a HIT
after its first request). Both are loaded by wrk in alternating rounds, on the server
and wrk cores of the main benchmark, and the medians are compared: the target is a HIT
at least as fast as the uncached GET (1.0x). With ``--redis`` (needs ``redis-server``
on PATH), the same again with config ``cache_url`` on a Redis started for the run,
whose HIT should stay within 25 % of the memory store's.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

from harness import (
    ROUTETREE3,
    BenchError,
    Endpoint,
    Workspace,
    pick_cpus,
    run_wrk,
    running,
    warm_up,
)

if TYPE_CHECKING:
    from harness import Run

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.redis_server import RedisServer

HELLO: Final = Endpoint("hello", "GET /api/hello (uncached)", "GET", "/api/hello")
CACHED: Final = Endpoint("cached", "GET /api/cached (HIT)", "GET", "/api/cached")
CACHED_ROUTE: Final = """\
from routetree import Response

dynamic = "force-static"


async def GET() -> Response:
    return Response.json({"message": "Hello World"})
"""
TARGET_HIT: Final = 1.0
TARGET_REDIS: Final = 0.75


def write_project(target: Path, cache_url: str | None) -> Path:
    """bench/apps/routetree3 plus ``app/api/cached/route.py``, maybe with Redis."""
    shutil.copytree(ROUTETREE3, target)
    route = target / "app" / "api" / "cached" / "route.py"
    route.parent.mkdir(parents=True)
    route.write_text(CACHED_ROUTE)
    if cache_url is not None:
        (target / "routetree.toml").write_text(f'cache_url = "{cache_url}"\n')
    return target


def measure(
    workspace: Workspace, project: Path, args: argparse.Namespace
) -> dict[str, float]:
    """Median req/s of each endpoint over ``args.repeat`` alternating rounds."""
    server_cpu, load_cpu, _ = pick_cpus()
    runs: dict[str, list[Run]] = {HELLO.key: [], CACHED.key: []}
    launch = workspace.routetree_launch(project)
    with running("routetree", launch, workspace.root / "logs", server_cpu) as (
        server,
        _,
    ):
        warm_up(server, args.connections, load_cpu, (HELLO, CACHED))
        for index in range(args.repeat):
            order = (HELLO, CACHED) if index % 2 == 0 else (CACHED, HELLO)
            for endpoint in order:
                runs[endpoint.key].append(
                    run_wrk(
                        server,
                        endpoint,
                        duration=args.duration,
                        connections=args.connections,
                        cpu=load_cpu,
                        round_index=index,
                    )
                )
    return {
        key: statistics.median(run.requests_per_s for run in found)
        for key, found in runs.items()
    }


def main() -> int:
    """Measure, print the figures and whether the targets are met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per endpoint")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--redis", action="store_true", help="also with cache_url")
    args = parser.parse_args()
    workspace = Workspace(sys.executable)
    met = True
    try:
        memory = measure(
            workspace, write_project(workspace.root / "memory", None), args
        )
        ratio = memory[CACHED.key] / memory[HELLO.key]
        met = ratio >= TARGET_HIT
        print(f"{HELLO.label:32} {memory[HELLO.key]:>10,.0f} req/s")
        print(f"{CACHED.label:32} {memory[CACHED.key]:>10,.0f} req/s")
        print(
            f"HIT / uncached: {ratio:.2f}x (target >= {TARGET_HIT:.1f}x): "
            + ("met" if ratio >= TARGET_HIT else "NOT met")
        )
        if args.redis:
            store = RedisServer()
            store.start()
            try:
                shared = measure(
                    workspace, write_project(workspace.root / "redis", store.url), args
                )
            finally:
                store.stop()
            redis_ratio = shared[CACHED.key] / memory[CACHED.key]
            met = met and redis_ratio >= TARGET_REDIS
            print(
                f"{'GET /api/cached (HIT, Redis)':32} "
                f"{shared[CACHED.key]:>10,.0f} req/s"
            )
            print(
                f"Redis HIT / memory HIT: {redis_ratio:.2f}x (target >= "
                f"{TARGET_REDIS:.2f}x): "
                + ("met" if redis_ratio >= TARGET_REDIS else "NOT met")
            )
    except BenchError as exc:
        print(f"bench/cache_hit.py: {exc}", file=sys.stderr)
        return 1
    finally:
        workspace.close()
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
