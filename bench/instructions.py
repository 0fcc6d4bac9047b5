"""Instructions per request, counted by valgrind: a measure no busy neighbour can move.

wrk's req/s depend on the machine's speed during the run; on a shared virtual machine
that speed changes without any process inside it to blame (docs/performance.md). This
script counts the CPU instructions each contender's ASGI app executes per request,
called in-process in a loop (no server, no sockets), with callgrind, which counts the
same for the same code whatever else the host does::

    bench/run --instructions

For each contender and endpoint it runs the app twice under
``valgrind --tool=callgrind``, with ``LOOPS_SHORT`` and ``LOOPS_LONG`` requests after
the same warm-up, and reports the difference divided by the extra requests: the
steady-state cost of one request in the app, start-up and warm-up cancelled out.
The server's own work (uvicorn's parsing and socket writes, the same for every
contender) is not in it, so the ratios to raw ASGI here are larger than wrk's.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Final

from rich.console import Console
from rich.table import Table

BENCH = Path(__file__).resolve().parent
CONTENDERS: Final = ("raw-asgi", "starlette", "fastapi", "routetree")
ENDPOINTS: Final = (
    ("GET /api/hello", "GET", "/api/hello", b"", 200),
    ("GET /api/users/{id}", "GET", "/api/users/42", b"", 200),
    ("POST /api/users", "POST", "/api/users", b'{"name":"Ada","email":"a@b.c"}', 201),
    (
        "POST /api/accounts",
        "POST",
        "/api/accounts",
        b'{"name":"Ada","email":"a@b.c","age":36,"active":true,"tags":["math","poetry"]}',
        201,
    ),
)
WARM_UP: Final = 200
LOOPS_SHORT: Final = 200
LOOPS_LONG: Final = 1200

console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def load_app(contender: str) -> Any:
    """The contender's ASGI app, as the wrk benchmark serves it."""
    if contender == "routetree":
        from routetree import create_app

        return create_app(BENCH / "apps" / "routetree3")
    sys.path.insert(0, str(BENCH / "contenders"))
    module = {"raw-asgi": "raw_asgi", "starlette": "starlette_app"}.get(
        contender, "fastapi_app"
    )
    return importlib.import_module(module).app


async def serve_requests(app: Any, endpoint: int, loops: int) -> None:
    """Send ``WARM_UP + loops`` requests for ``endpoint`` to ``app``; check each."""
    _, method, path, body, expected = ENDPOINTS[endpoint]
    headers = [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"wrk")]
    if body:
        headers += [
            (b"content-type", b"application/json"),
            (b"content-length", b"%d" % len(body)),
        ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    request = {"type": "http.request", "body": body, "more_body": False}
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return request

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    for _ in range(WARM_UP + loops):
        await app(dict(scope), receive, send)
    if set(statuses) != {expected}:
        raise SystemExit(f"{path}: answered {sorted(set(statuses))}, not {expected}")


def count(python: str, contender: str, endpoint: int, loops: int) -> int:
    """Instructions executed by one process serving ``loops`` requests (callgrind)."""
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            python,
            __file__,
            "--inner",
            contender,
            str(endpoint),
            str(loops),
        ],
        capture_output=True,
        text=True,
        check=False,
        # A fixed hash seed: dict and set layouts, and so the count, then repeat
        # exactly (other seeds move it by about 1%).
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    for line in done.stderr.splitlines():
        if "Collected :" in line:
            return int(line.rsplit(":", 1)[1].strip())
    raise SystemExit(f"valgrind failed for {contender}:\n{done.stderr[-2000:]}")


def main() -> None:
    """Count every contender and endpoint and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--inner", nargs=3, metavar=("CONTENDER", "ENDPOINT", "N"))
    parser.add_argument("--only", help="comma-separated contenders")
    args = parser.parse_args()
    if args.inner:
        contender, endpoint, loops = args.inner
        asyncio.run(serve_requests(load_app(contender), int(endpoint), int(loops)))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian package valgrind).")
    names = args.only.split(",") if args.only else list(CONTENDERS)
    per_request: dict[tuple[str, int], int] = {}
    for name in names:
        for index, (label, *_) in enumerate(ENDPOINTS):
            short = count(sys.executable, name, index, LOOPS_SHORT)
            long = count(sys.executable, name, index, LOOPS_LONG)
            per_request[name, index] = (long - short) // (LOOPS_LONG - LOOPS_SHORT)
            console.print(f"{name:10} {label:22} {per_request[name, index]:>8,}")
    table = Table(title="Instructions per request in the app (callgrind; x raw ASGI)")
    table.add_column("Contender")
    for label, *_ in ENDPOINTS:
        table.add_column(label, justify="right")
    for name in names:
        cells = []
        for index in range(len(ENDPOINTS)):
            mine, raw = per_request[name, index], per_request.get(("raw-asgi", index))
            cells.append(f"{mine:,}" + (f" ({mine / raw:.2f}x)" if raw else ""))
        table.add_row(name, *cells)
    console.print(table)
    console.print(f"Python {sys.version.split()[0]}, {os.uname().machine}")


if __name__ == "__main__":
    main()
