"""The WebSocket targets: echo round trips against Starlette, and idle sockets' memory.

Run through ``bench/run --websocket`` (docs/performance.md). Two servers on the same
uvicorn: ``routetree start`` serving bench/apps/ws (a ``WEBSOCKET`` echo at
``/api/echo``) and Starlette's ``WebSocketRoute`` echo (bench/contenders/
starlette_ws.py). In alternating rounds, ``--connections`` clients (the ``websockets``
library, asyncio, in this process on the load core) each send a 32-byte text frame and
wait for its echo, again and again for ``--duration`` seconds; the medians of the
messages per second are compared: the target is routetree >= 1.0x Starlette. With
two cores, the clients (one core, in Python) can be what limits both servers; so the
server's own CPU time per message (utime + stime of its process during the timed
load) is reported beside it, and compared too.

Then ``--idle`` sockets are opened to routetree's echo and left idle; the server's
resident memory (VmRSS) with all of them open must stay under 100 MiB.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Final

from harness import (
    CONTENDERS_DIR,
    HOST,
    BenchError,
    Launch,
    Server,
    Workspace,
    free_port,
    pick_cpus,
    running,
    script,
)
from rich.console import Console
from rich.table import Table
from websockets.asyncio.client import ClientConnection, connect

BENCH: Final = Path(__file__).resolve().parent
WS_APP: Final = BENCH / "apps" / "ws"
MESSAGE: Final = "x" * 32
TARGET_RATIO: Final = 1.0
TARGET_IDLE_RSS_MIB: Final = 100.0

console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def starlette_launch(workspace: Workspace) -> Launch:
    """Starlette's echo under uvicorn, as the main benchmark serves Starlette."""
    port = free_port()
    argv = [
        *script(workspace.python, "uvicorn"),
        "starlette_ws:app",
        "--app-dir",
        str(CONTENDERS_DIR),
        "--host",
        HOST,
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    return Launch(argv, CONTENDERS_DIR, workspace._env(), port)


async def _client(url: str, stop_at: float) -> int:
    sent = 0
    async with connect(url, compression=None, max_size=None) as socket:
        while time.perf_counter() < stop_at:
            await socket.send(MESSAGE)
            if await socket.recv() != MESSAGE:
                raise BenchError("the echo answered a different message")
            sent += 1
    return sent


async def echo_load(port: int, connections: int, seconds: float) -> float:
    """Round trips per second over ``connections`` sockets for ``seconds``."""
    url = f"ws://{HOST}:{port}/api/echo"
    started = time.perf_counter()
    counts = await asyncio.gather(
        *(_client(url, started + seconds) for _ in range(connections))
    )
    return sum(counts) / (time.perf_counter() - started)


async def hold_idle(server: Server, count: int, settle: float) -> tuple[float, float]:
    """Server RSS before and with ``count`` idle sockets open (MiB)."""
    assert server.port is not None
    before = server.rss_mib()
    url = f"ws://{HOST}:{server.port}/api/echo"
    sockets: list[ClientConnection] = []
    try:
        for start in range(0, count, 100):
            batch = min(100, count - start)
            sockets += await asyncio.gather(
                *(connect(url, compression=None) for _ in range(batch))
            )
        await sockets[-1].send(MESSAGE)  # every socket is served: the last still echoes
        if await sockets[-1].recv() != MESSAGE:
            raise BenchError("the last idle socket did not echo")
        await asyncio.sleep(settle)
        return before, server.rss_mib()
    finally:
        await asyncio.gather(
            *(socket.close() for socket in sockets), return_exceptions=True
        )


def raise_file_limit(needed: int) -> None:
    """Let this process and the servers it starts hold ``needed`` sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise BenchError(f"open files are limited to {hard}; --idle needs {needed}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args(argv)
    raise_file_limit(args.idle + 256)
    server_cpu, load_cpu, pinning = pick_cpus()
    if load_cpu is not None:
        os.sched_setaffinity(0, {load_cpu})
    console.print(f"CPU pinning: {pinning}")
    workspace = Workspace(args.python)
    rates: dict[str, list[float]] = {"routetree": [], "starlette": []}
    costs: dict[str, list[float]] = {"routetree": [], "starlette": []}
    launches = {
        "routetree": workspace.routetree_launch(WS_APP),
        "starlette": starlette_launch(workspace),
    }
    logs = workspace.root / "logs"
    try:
        for round_number in range(args.repeat):
            order = list(launches) if round_number % 2 == 0 else list(launches)[::-1]
            for name in order:
                with running(name, launches[name], logs, server_cpu) as (server, _):
                    assert server.port is not None
                    asyncio.run(echo_load(server.port, args.connections, 1.0))  # warm
                    cpu_before = server.cpu_seconds()
                    rate = asyncio.run(
                        echo_load(server.port, args.connections, args.duration)
                    )
                    cpu = server.cpu_seconds() - cpu_before
                rates[name].append(rate)
                costs[name].append(cpu * 1e6 / (rate * args.duration))
                console.print(
                    f"round {round_number + 1}: {name} {rate:,.0f} msg/s, "
                    f"{costs[name][-1]:.1f} µs of server CPU per message"
                )
        with running("routetree", launches["routetree"], logs, server_cpu) as (
            server,
            _,
        ):
            before, holding = asyncio.run(hold_idle(server, args.idle, 2.0))
    finally:
        workspace.close()
    table = Table(title=f"WebSocket echo, {args.connections} connections")
    columns = (
        "Contender",
        "msg/s (median)",
        "min-max",
        "vs Starlette",
        "server CPU µs/msg",
        "msg per CPU-s vs Starlette",
    )
    for column in columns:
        table.add_column(column, justify="left" if column == "Contender" else "right")
    baseline = statistics.median(rates["starlette"])
    baseline_cost = statistics.median(costs["starlette"])
    for name, values in rates.items():
        median = statistics.median(values)
        cost = statistics.median(costs[name])
        table.add_row(
            name,
            f"{median:,.0f}",
            f"{min(values):,.0f}-{max(values):,.0f}",
            f"{median / baseline:.2f}x",
            f"{cost:.1f}",
            f"{baseline_cost / cost:.2f}x",
        )
    console.print(table)
    ratio = statistics.median(rates["routetree"]) / baseline
    per_socket = (holding - before) * 1024 / args.idle
    console.print(
        f"Idle: routetree's RSS {before:.1f} MiB -> {holding:.1f} MiB with "
        f"{args.idle:,} sockets open ({per_socket:.1f} KiB per socket)"
    )
    verdicts = [
        (f"echo >= {TARGET_RATIO:.1f}x Starlette", ratio >= TARGET_RATIO),
        (f"{args.idle:,} idle sockets under 100 MiB", holding < TARGET_IDLE_RSS_MIB),
    ]
    for label, met in verdicts:
        console.print(f"{'met' if met else 'NOT met'}: {label}")
    return 0 if all(met for _, met in verdicts) else 1


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
