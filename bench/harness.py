"""routetree's benchmark harness: throughput, latency, start-up time and memory.

Run it through ``bench/run`` (which installs wrk and the pinned peers); see
docs/performance.md. Every contender serves the same four endpoints. Each is started
pinned to one core, its answers are checked, it is warmed up, its idle RSS is read, wrk
drives each endpoint from the other core, and its answers are checked again. Rounds
are repeated (the contender order rotates each round) and medians reported, with every
figure also a ratio to raw ASGI measured in the same run.

``--smoke`` starts every contender, checks its answers and stops it: no wrk, no pinning,
no timing. The test suite runs it so that the harness cannot rot.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

BENCH: Final = Path(__file__).resolve().parent
ROOT: Final = BENCH.parent
CONTENDERS_DIR: Final = BENCH / "contenders"
ROUTETREE3: Final = BENCH / "apps" / "routetree3"
POST_LUA: Final = BENCH / "post.lua"
POST_ACCOUNTS_LUA: Final = BENCH / "post_accounts.lua"

HOST: Final = "127.0.0.1"
POST_BODY: Final = b'{"name":"Ada","email":"ada@example.com"}'
ACCOUNT: Final = {
    "name": "Ada",
    "email": "ada@example.com",
    "age": 36,
    "active": True,
    "tags": ["math", "poetry"],
}
ACCOUNT_BODY: Final = json.dumps(ACCOUNT, separators=(",", ":")).encode()
# The same fields, "age" mistyped and "tags" missing: every contender must refuse it.
BAD_ACCOUNT_BODY: Final = b'{"name":"Ada","email":"ada@example.com","age":"old"}'
EXTRA_STATIC: Final = 500
EXTRA_DYNAMIC: Final = 500
STARTUP_SIZES: Final = (1, 1000, 3000)
STARTUP_RUNS: Final = 3
WARMUP_SECONDS: Final = 1
READY_TIMEOUT: Final = 60.0
NOISE_LIMIT_PCT: Final = 10.0
# The baseline's rounds may differ by this much (max - min, in percent of the median)
# before the machine itself is called unstable: a virtual machine's neighbours can slow
# it without any process or steal time showing inside it.
SPREAD_LIMIT_PCT: Final = 12.0

console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)


class BenchError(Exception):
    """The run cannot go on: a wrong answer, a server that does not start, no wrk."""


# --- endpoints and the answers every contender must give ------------------------------


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    method: Literal["GET", "POST"]
    path: str
    script: Path | None = None  # wrk's Lua script: the method and body of a POST


ENDPOINTS: Final = (
    Endpoint("hello", "GET /api/hello", "GET", "/api/hello"),
    Endpoint("user", "GET /api/users/{id}", "GET", "/api/users/42"),
    Endpoint("create", "POST /api/users", "POST", "/api/users", POST_LUA),
    Endpoint(
        "validated", "POST /api/accounts", "POST", "/api/accounts", POST_ACCOUNTS_LUA
    ),
)
# The wrk script of each POST and the body it must send (the body its check sends).
POST_SCRIPTS: Final = ((POST_LUA, POST_BODY), (POST_ACCOUNTS_LUA, ACCOUNT_BODY))
# The first three routes have no typed handler: a project of only these never imports
# pydantic (the idle RSS target and the start-up projects).
UNTYPED_ROUTES: Final = 3
UNTYPED_RSS: Final = "routetree-untyped"

#: A check's ``json`` that accepts any JSON body (the error bodies differ).
ANY_JSON: Final = object()


@dataclass(frozen=True)
class Check:
    method: str
    path: str
    status: int
    json: object
    body: bytes | None = None


CHECKS: Final = (
    Check("GET", "/api/hello", 200, {"message": "Hello World"}),
    Check("GET", "/api/users/42", 200, {"id": "42", "name": "user 42"}),
    Check("GET", "/api/users/ada-99", 200, {"id": "ada-99", "name": "user ada-99"}),
    Check(
        "POST",
        "/api/users",
        201,
        {"name": "Ada", "email": "ada@example.com", "id": 1},
        POST_BODY,
    ),
    Check("POST", "/api/accounts", 201, {**ACCOUNT, "id": 1}, ACCOUNT_BODY),
    Check("POST", "/api/accounts", 422, ANY_JSON, BAD_ACCOUNT_BODY),
)
EXTRA_CHECKS: Final = (
    Check("GET", "/api/static0", 200, {"route": "static0"}),
    Check(
        "GET",
        f"/api/static{EXTRA_STATIC - 1}",
        200,
        {"route": f"static{EXTRA_STATIC - 1}"},
    ),
    Check("GET", "/api/dyn0/7", 200, {"route": "dyn0", "id": "7"}),
    Check(
        "GET",
        f"/api/dyn{EXTRA_DYNAMIC - 1}/x",
        200,
        {"route": f"dyn{EXTRA_DYNAMIC - 1}", "id": "x"},
    ),
)
HELLO_CHECK: Final = CHECKS[0]


def fetch(
    port: int, method: str, path: str, body: bytes | None = None
) -> tuple[int, str, bytes]:
    """One request on a new connection: status, content type, body."""
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        headers = {"content-type": "application/json"} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return (
            response.status,
            response.getheader("content-type") or "",
            response.read(),
        )
    finally:
        connection.close()


def problem_with(port: int, check: Check) -> str | None:
    """What is wrong with the answer to ``check``, or None when it is right."""
    try:
        answer = fetch(port, check.method, check.path, check.body)
    except (OSError, http.client.HTTPException) as exc:
        return f"{check.method} {check.path}: request failed: {exc!r}"
    return problem_with_answer(check, *answer)


def problem_with_answer(
    check: Check, status: int, content_type: str, body: bytes
) -> str | None:
    where = f"{check.method} {check.path}"
    if status != check.status:
        return (
            f"{where}: status {status}, expected {check.status} (body {body[:200]!r})"
        )
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != "application/json":
        return f"{where}: content type {content_type!r}, expected application/json"
    try:
        data = json.loads(body)
    except ValueError:
        return f"{where}: body is not JSON: {body[:200]!r}"
    if check.json is not ANY_JSON and data != check.json:
        return f"{where}: body {data!r}, expected {check.json!r}"
    return None


def check_answers(port: int, *, extra_routes: bool) -> list[str]:
    """Every problem with the contender's answers (empty: all correct)."""
    checks = CHECKS + EXTRA_CHECKS if extra_routes else CHECKS
    return [p for p in (problem_with(port, c) for c in checks) if p is not None]


# --- contenders -----------------------------------------------------------------------


@dataclass(frozen=True)
class Contender:
    name: str
    description: str
    kind: Literal["uvicorn", "granian", "routetree"]
    needs: tuple[str, ...]
    extra_routes: bool = False
    server: Literal["uvicorn", "granian"] = "uvicorn"


CONTENDERS: Final = (
    Contender(
        "raw-asgi", "hand-written ASGI app + orjson, uvicorn", "uvicorn", ("orjson",)
    ),
    Contender("starlette", "Starlette on uvicorn", "uvicorn", ("starlette",)),
    Contender("fastapi", "FastAPI on uvicorn (pydantic body)", "uvicorn", ("fastapi",)),
    Contender("routetree", "routetree start", "routetree", ("routetree",)),
    Contender(
        "raw-asgi-granian",
        "hand-written ASGI app + orjson, granian (ASGI)",
        "granian",
        ("orjson", "granian"),
    ),
    Contender(
        "routetree-granian",
        "routetree start --server granian",
        "routetree",
        ("routetree", "granian"),
        server="granian",
    ),
    Contender(
        "starlette-1k",
        "Starlette, 1,000 extra routes in front",
        "uvicorn",
        ("starlette",),
        extra_routes=True,
    ),
    Contender(
        "routetree-1k",
        "routetree start, 1,000 extra route files",
        "routetree",
        ("routetree",),
        extra_routes=True,
    ),
)
BASELINE: Final = "raw-asgi"
SECTIONS: Final = (*(c.name for c in CONTENDERS), "startup")


def write_routetree_project(
    target: Path, *, real: int, static: int, dynamic: int
) -> Path:
    """A routetree project: the first ``real`` of the four real routes, plus extras."""
    sources = sorted((ROUTETREE3 / "app").rglob("route.py"))
    by_path = {str(p.relative_to(ROUTETREE3)): p for p in sources}
    order = [
        "app/api/hello/route.py",
        "app/api/users/[id]/route.py",
        "app/api/users/route.py",
        "app/api/accounts/route.py",  # the typed one: pydantic is imported
    ]
    for relative in order[:real]:
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(by_path[relative], destination)
    api = target / "app" / "api"
    for i in range(static):
        folder = api / f"static{i}"
        folder.mkdir(parents=True)
        (folder / "route.py").write_text(
            "from routetree import Response\n\n\n"
            "async def GET() -> Response:\n"
            f'    return Response.json({{"route": "static{i}"}})\n'
        )
    for i in range(dynamic):
        folder = api / f"dyn{i}" / "[id]"
        folder.mkdir(parents=True)
        (folder / "route.py").write_text(
            "from routetree import Request, Response, RouteContext\n\n\n"
            "async def GET(request: Request, context: RouteContext) -> Response:\n"
            f'    data = {{"route": "dyn{i}", "id": context.params["id"]}}\n'
            "    return Response.json(data)\n"
        )
    return target


def write_starlette_1k(target: Path) -> Path:
    """Module ``starlette_1k``: 1,000 extra routes in front of the real four."""
    lines = [
        "from starlette.applications import Starlette",
        "from starlette.requests import Request",
        "from starlette.responses import JSONResponse, Response",
        "from starlette.routing import Route",
        "",
        "from starlette_app import ROUTES",
        "",
    ]
    routes: list[str] = []
    for i in range(EXTRA_STATIC):
        lines += [
            "",
            f"async def static{i}(request: Request) -> Response:",
            f'    return JSONResponse({{"route": "static{i}"}})',
        ]
        routes.append(f'    Route("/api/static{i}", static{i}, methods=["GET"]),')
    for i in range(EXTRA_DYNAMIC):
        lines += [
            "",
            f"async def dyn{i}(request: Request) -> Response:",
            f'    data = {{"route": "dyn{i}", "id": request.path_params["id"]}}',
            "    return JSONResponse(data)",
        ]
        routes.append(f'    Route("/api/dyn{i}/{{id}}", dyn{i}, methods=["GET"]),')
    lines += [
        "",
        "",
        "EXTRA = [",
        *routes,
        "]",
        "app = Starlette(routes=[*EXTRA, *ROUTES])",
        "",
    ]
    target.mkdir(parents=True, exist_ok=True)
    (target / "starlette_1k.py").write_text("\n".join(lines))
    return target


@dataclass(frozen=True)
class Launch:
    argv: list[str]
    cwd: Path
    env: dict[str, str]
    port: int | None  # None: read it from the server's output (routetree --port 0)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def script(python: str, name: str) -> list[str]:
    """The console script ``name`` next to ``python``, else ``python -m name``."""
    candidate = Path(python).parent / name
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return [str(candidate)]
    return [python, "-m", name]


class Workspace:
    """Temporary files: generated projects and server logs, removed at the end."""

    def __init__(self, python: str) -> None:
        self.python = python
        self.root = Path(tempfile.mkdtemp(prefix="routetree-bench-"))
        self._generated: dict[str, Path] = {}

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def generated(self, name: str, make: Callable[[Path], Path]) -> Path:
        if name not in self._generated:
            self._generated[name] = make(self.root / name)
        return self._generated[name]

    def routetree_launch(self, project: Path, server: str = "uvicorn") -> Launch:
        argv = [
            *script(self.python, "routetree"),
            "start",
            str(project),
            "--host",
            HOST,
            "--port",
            "0",
            "--server",
            server,
        ]
        return Launch(argv, project, self._env(), None)

    def launch(self, contender: Contender) -> Launch:
        if contender.kind == "routetree":
            if contender.extra_routes:
                project = self.generated(
                    "routetree-1k",
                    lambda target: write_routetree_project(
                        target,
                        real=len(ENDPOINTS),
                        static=EXTRA_STATIC,
                        dynamic=EXTRA_DYNAMIC,
                    ),
                )
            else:
                project = ROUTETREE3
            return self.routetree_launch(project, contender.server)
        if contender.kind == "granian":
            port = free_port()
            argv = [
                *script(self.python, "granian"),
                "--interface",
                "asgi",
                "--host",
                HOST,
                "--port",
                str(port),
                "--log-level",
                "warning",
                "raw_asgi:app",
            ]
            env = self._env()
            env["PYTHONPATH"] = str(CONTENDERS_DIR)
            return Launch(argv, CONTENDERS_DIR, env, port)
        module, app_dir = {
            "raw-asgi": ("raw_asgi", CONTENDERS_DIR),
            "starlette": ("starlette_app", CONTENDERS_DIR),
            "fastapi": ("fastapi_app", CONTENDERS_DIR),
            "starlette-1k": ("starlette_1k", None),
        }[contender.name]
        if app_dir is None:
            app_dir = self.generated("starlette-1k", write_starlette_1k)
        port = free_port()
        argv = [
            *script(self.python, "uvicorn"),
            f"{module}:app",
            "--app-dir",
            str(app_dir),
            "--host",
            HOST,
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        env = self._env()
        env["PYTHONPATH"] = str(CONTENDERS_DIR)  # starlette_1k imports starlette_app
        return Launch(argv, app_dir, env, port)

    def _env(self) -> dict[str, str]:
        # Bytecode is cached as in a normal deployment (the first start of a project
        # compiles it: the "cold" start-up figure).
        dropped = ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PORT", "HOST")
        env = {k: v for k, v in os.environ.items() if k not in dropped}
        env["PYTHONUNBUFFERED"] = "1"
        return env


# --- one server process ---------------------------------------------------------------

_URL = re.compile(r"http://127\.0\.0\.1:(\d+)")


class Server:
    """One contender process: started (maybe pinned), polled until ready, stopped."""

    def __init__(self, name: str, launch: Launch, logs: Path, cpu: int | None) -> None:
        self.name = name
        self.launch = launch
        self.cpu = cpu
        self.port = launch.port
        logs.mkdir(parents=True, exist_ok=True)
        stamp = f"{name}-{time.monotonic_ns()}"
        self.stdout_path = logs / f"{stamp}.out"
        self.stderr_path = logs / f"{stamp}.err"
        self.process: subprocess.Popen[bytes] | None = None
        self.spawned_at = 0.0

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        argv = self.launch.argv
        if self.cpu is not None:
            argv = ["taskset", "-c", str(self.cpu), *argv]
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.spawned_at = time.perf_counter()
            self.process = subprocess.Popen(
                argv,
                cwd=self.launch.cwd,
                env=self.launch.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,  # Ctrl-C in a terminal reaches the harness only
            )

    def wait_until_ready(self, timeout: float = READY_TIMEOUT) -> float:
        """Poll until GET /api/hello is answered correctly; seconds since the spawn."""
        assert self.process is not None
        deadline = self.spawned_at + timeout
        last_problem = "no answer yet"
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"{self.name} exited with code {self.process.returncode} before it "
                    f"answered.\n{self.log_tail()}"
                )
            if self.port is None:
                found = _URL.search(self.stdout_path.read_text(errors="replace"))
                if found is not None:
                    self.port = int(found.group(1))
            if self.port is not None:
                try:
                    answer = fetch(self.port, "GET", HELLO_CHECK.path)
                except (OSError, http.client.HTTPException) as exc:
                    last_problem = repr(exc)  # not listening yet: poll again
                else:
                    elapsed = time.perf_counter() - self.spawned_at
                    problem = problem_with_answer(HELLO_CHECK, *answer)
                    if problem is not None:
                        raise BenchError(f"{self.name} answered wrongly: {problem}")
                    return elapsed
            time.sleep(0.002)
        raise BenchError(
            f"{self.name} did not answer GET /api/hello correctly within "
            f"{timeout:.0f} s ({last_problem}).\n{self.log_tail()}"
        )

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def log_tail(self, lines: int = 20) -> str:
        text = ""
        for path in (self.stdout_path, self.stderr_path):
            with contextlib.suppress(OSError):
                text += path.read_text(errors="replace")
        tail = text.strip().splitlines()[-lines:]
        return "\n".join(f"  | {line}" for line in tail) or "  | (no output)"

    def rss_mib(self) -> float:
        status = Path(f"/proc/{self.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise BenchError(f"no VmRSS in /proc/{self.pid}/status")

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.pid)


@contextlib.contextmanager
def running(
    name: str, launch: Launch, logs: Path, cpu: int | None
) -> Iterator[tuple[Server, float]]:
    """A started, ready server and its start-up time; stopped on the way out."""
    server = Server(name, launch, logs, cpu)
    try:
        server.start()
        yield server, server.wait_until_ready()
    finally:
        server.stop()


# --- CPU accounting for the noise flag ------------------------------------------------

CLOCK_TICKS: Final = os.sysconf("SC_CLK_TCK")


def _read_stat(pid: int | str) -> tuple[str, list[str]]:
    """/proc/<pid>/stat: the command name, and the fields from 3 (state) on."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    close = stat.rindex(")")
    return stat[stat.index("(") + 1 : close], stat[close + 2 :].split()


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc/<pid>/stat."""
    fields = _read_stat(pid)[1]
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def steal_seconds() -> float:
    """CPU time the hypervisor gave to other guests (all cores), from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = stat.readline().split()
    return int(fields[8]) / CLOCK_TICKS if len(fields) > 8 else 0.0


@dataclass(frozen=True)
class ProcessCPU:
    own: float  # utime + stime
    reaped: float  # cutime + cstime: children that exited and were waited for


def cpu_by_process(exclude: set[int]) -> dict[tuple[int, int], ProcessCPU]:
    """CPU seconds of every process but ``exclude``, by (pid, start time)."""
    found: dict[tuple[int, int], ProcessCPU] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) in exclude:
            continue
        try:
            fields = _read_stat(entry.name)[1]
        except (OSError, ValueError):
            continue  # gone meanwhile
        own = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        reaped = (int(fields[13]) + int(fields[14])) / CLOCK_TICKS
        found[(int(entry.name), int(fields[19]))] = ProcessCPU(own, reaped)
    return found


class NoiseMeter:
    """CPU used during a run by everything but the server, wrk and the harness.

    The CPU time of all other processes plus the steal time of the virtual machine, in
    percent of one core over the wall time of the run. A process that starts and ends
    during the run is found in its parent's reaped-children time.
    """

    def __init__(self, ours: set[int]) -> None:
        self.ours = {os.getpid(), *ours}
        self.before = cpu_by_process(self.ours)
        self.steal_before = steal_seconds()
        self.started = time.perf_counter()

    def exclude(self, pid: int) -> None:
        self.ours.add(pid)

    def measure(self) -> tuple[float, str]:
        """Percent of a core used by others, and the biggest users."""
        wall = max(time.perf_counter() - self.started, 1e-9)
        after = cpu_by_process(self.ours)
        zero = ProcessCPU(0.0, 0.0)
        used = {
            key: max(0.0, cpu.own - self.before.get(key, zero).own)
            for key, cpu in after.items()
        }
        # Everything, reaped children included, now less before: a process that exited
        # during the run is in its reaper's time, less what it had used before the run.
        everything = sum(c.own + c.reaped for c in after.values()) - sum(
            c.own + c.reaped for c in self.before.values()
        )
        total = max(sum(used.values()), everything)
        steal = steal_seconds() - self.steal_before
        top = sorted(used.items(), key=lambda item: -item[1])[:3]
        culprits = [
            f"{describe_process(pid)} {seconds / wall * 100:.0f}%"
            for (pid, _), seconds in top
            if seconds / wall * 100 >= 1
        ]
        gone = (everything - sum(used.values())) / wall * 100
        if gone >= 1:
            culprits.append(f"processes that exited {gone:.0f}%")
        if steal / wall * 100 >= 1:
            culprits.append(f"steal {steal / wall * 100:.0f}%")
        return (total + steal) / wall * 100, ", ".join(culprits)


def describe_process(pid: int) -> str:
    """``pid 123 python -m pytest`` (short), for the noise report."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        raw = b""
    words = [w.decode(errors="replace") for w in raw.split(b"\0") if w]
    if not words:
        return f"pid {pid} (exited)"
    text = " ".join([Path(words[0]).name, *words[1:4]])
    return f"pid {pid} {text[:50]}"


# --- wrk ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrkOutput:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int


_UNITS_MS: Final = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _latency_ms(value: str, unit: str) -> float:
    return float(value) * _UNITS_MS[unit]


def parse_wrk(text: str) -> WrkOutput:
    """Read wrk --latency output: Requests/sec, the 50% and 99% lines, errors."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s|m)\b", text, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\b", text, re.M)
    total = re.search(r"^\s+(\d+) requests in ", text, re.M)
    if rps is None or p50 is None or p99 is None or total is None:
        raise ValueError(f"cannot read wrk's output:\n{text}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    return WrkOutput(
        requests_per_s=float(rps.group(1)),
        p50_ms=_latency_ms(p50.group(1), p50.group(2)),
        p99_ms=_latency_ms(p99.group(1), p99.group(2)),
        requests=int(total.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(g) for g in errors.groups()) if errors else 0,
    )


SAMPLE_WRK_OUTPUT: Final = """\
Running 2s test @ http://127.0.0.1:41234/api/hello
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.10ms  410.22us  12.04ms   91.20%
    Req/Sec    20.71k   612.80    21.49k    85.00%
  Latency Distribution
     50%    3.02ms
     75%    3.15ms
     90%    3.41ms
     99%    4.87ms
  41203 requests in 2.00s, 6.13MB read
  Socket errors: connect 0, read 0, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:  20595.31
Transfer/sec:      3.06MB
"""


def check_parser() -> list[str]:
    """The parser still reads wrk's format (run by --smoke, which has no wrk)."""
    parsed = parse_wrk(SAMPLE_WRK_OUTPUT)
    expected = WrkOutput(20595.31, 3.02, 4.87, 41203, 3, 2)
    return (
        []
        if parsed == expected
        else [f"wrk parser: read {parsed}, expected {expected}"]
    )


def check_post_scripts() -> list[str]:
    """Each POST's wrk script (bench/post*.lua) sends the body its check expects."""
    problems = []
    for script, body in POST_SCRIPTS:
        text = script.read_text()
        if f"wrk.body = '{body.decode()}'" not in text:
            problems.append(f"{script.name} does not send {body.decode()}")
        if 'wrk.method = "POST"' not in text:
            problems.append(f"{script.name} does not set wrk.method to POST")
    return problems


@dataclass
class Run:
    contender: str
    endpoint: str
    round: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    socket_errors: int
    other_cpu_pct: float
    noisy: bool
    other_cpu_from: str


def run_wrk(
    server: Server,
    endpoint: Endpoint,
    *,
    duration: int,
    connections: int,
    cpu: int | None,
    round_index: int,
) -> Run:
    assert server.port is not None
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    if endpoint.script is not None:
        argv += ["-s", str(endpoint.script)]
    argv.append(f"http://{HOST}:{server.port}{endpoint.path}")
    if cpu is not None:
        argv = ["taskset", "-c", str(cpu), *argv]
    meter = NoiseMeter({server.pid})
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    meter.exclude(process.pid)
    try:
        stdout, stderr = process.communicate(timeout=duration + 60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise BenchError(f"wrk did not finish: {shlex.join(argv)}") from None
    other_pct, culprits = meter.measure()
    if process.returncode != 0:
        raise BenchError(f"wrk failed ({process.returncode}): {stderr or stdout}")
    output = parse_wrk(stdout)
    if output.non_2xx:
        raise BenchError(
            f"{server.name}, {endpoint.label}: {output.non_2xx} of {output.requests} "
            "answers under load were not 2xx"
        )
    return Run(
        contender=server.name,
        endpoint=endpoint.key,
        round=round_index,
        requests_per_s=output.requests_per_s,
        p50_ms=output.p50_ms,
        p99_ms=output.p99_ms,
        requests=output.requests,
        socket_errors=output.socket_errors,
        other_cpu_pct=round(other_pct, 1),
        noisy=other_pct > NOISE_LIMIT_PCT,
        other_cpu_from=culprits,
    )


def warm_up(
    server: Server,
    connections: int,
    cpu: int | None,
    endpoints: Sequence[Endpoint] = ENDPOINTS,
) -> None:
    assert server.port is not None
    for endpoint in endpoints:
        argv = ["wrk", "-t1", f"-c{connections}", f"-d{WARMUP_SECONDS}s"]
        if endpoint.script is not None:
            argv += ["-s", str(endpoint.script)]
        argv.append(f"http://{HOST}:{server.port}{endpoint.path}")
        if cpu is not None:
            argv = ["taskset", "-c", str(cpu), *argv]
        subprocess.run(
            argv, capture_output=True, timeout=WARMUP_SECONDS + 60, check=True
        )


# --- the machine ----------------------------------------------------------------------

_PROBE = """
import importlib.metadata as m, importlib.util as u, json, platform, sys
names = ["routetree", "uvicorn", "uvloop", "httptools", "starlette", "fastapi",
         "pydantic", "orjson", "granian"]
versions = {}
for name in names:
    try:
        versions[name] = m.version(name)
    except m.PackageNotFoundError:
        versions[name] = None
importable = {name: u.find_spec(name) is not None for name in names}
print(json.dumps({"python": platform.python_version(), "implementation":
    platform.python_implementation(), "versions": versions, "importable": importable}))
"""


@dataclass
class Machine:
    cpu_model: str
    cores: int
    python: str
    python_path: str
    versions: dict[str, str | None]
    importable: dict[str, bool]
    kernel: str
    command: str
    pinning: str = ""


def probe_machine(python: str) -> Machine:
    done = subprocess.run(
        [python, "-c", _PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"cannot run {python}: {done.stderr.strip()}")
    info: dict[str, Any] = json.loads(done.stdout)
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    command = os.environ.get("BENCH_COMMAND") or shlex.join([sys.executable, *sys.argv])
    return Machine(
        cpu_model=model,
        cores=os.cpu_count() or 1,
        python=f"{info['implementation']} {info['python']}",
        python_path=python,
        versions=info["versions"],
        importable=info["importable"],
        kernel=platform.release(),
        command=command,
    )


def print_machine(machine: Machine) -> None:
    versions = ", ".join(
        f"{k} {v}" for k, v in machine.versions.items() if v is not None
    )
    console.print(
        f"[bold]Machine[/]  {machine.cpu_model}, {machine.cores} cores, "
        f"Linux {machine.kernel}"
    )
    console.print(f"[bold]Python[/]   {machine.python} ({machine.python_path})")
    console.print(f"[bold]Packages[/] {versions}")
    if machine.pinning:
        console.print(f"[bold]Pinning[/]  {machine.pinning}")
    console.print(f"[bold]Command[/]  {machine.command}")
    console.print()


# --- smoke ----------------------------------------------------------------------------


def smoke(
    contenders: Sequence[Contender],
    with_startup: bool,
    machine: Machine,
    workspace: Workspace,
) -> int:
    table = Table(
        title="Smoke: each contender started and its answers checked (no load)"
    )
    for column in ("Contender", "What", "Checks", "Result"):
        table.add_column(column)
    failures = 0
    for problem in check_parser() + check_post_scripts():
        console.print(f"[red]FAIL[/] {problem}")
        failures += 1
    for contender in contenders:
        missing = [n for n in contender.needs if not machine.importable.get(n, False)]
        if missing:
            table.add_row(
                contender.name,
                contender.description,
                "-",
                Text(f"skipped ({', '.join(missing)} not installed)", style="yellow"),
            )
            continue
        checks = len(CHECKS) + (len(EXTRA_CHECKS) if contender.extra_routes else 0)
        try:
            launch = workspace.launch(contender)
            with running(contender.name, launch, workspace.root / "logs", None) as (
                server,
                _,
            ):
                assert server.port is not None
                problems = check_answers(
                    server.port, extra_routes=contender.extra_routes
                )
                if server.rss_mib() <= 0:
                    problems.append("VmRSS of the server process is not positive")
        except BenchError as exc:
            problems = [str(exc)]
        if problems:
            failures += 1
            table.add_row(
                contender.name,
                contender.description,
                str(checks),
                Text("FAIL", style="red"),
            )
            for problem in problems:
                console.print(f"[red]FAIL[/] {contender.name}: {problem}")
        else:
            table.add_row(
                contender.name,
                contender.description,
                str(checks),
                Text("ok", style="green"),
            )
    if with_startup:
        # The start-up measurement's own path: a generated one-route project, served.
        try:
            project = workspace.generated("startup-1", startup_project(1))
            launch = workspace.routetree_launch(project)
            with running("startup-1", launch, workspace.root / "logs", None) as (
                server,
                _,
            ):
                assert server.port is not None
                wrong = problem_with(server.port, HELLO_CHECK)
            result = (
                Text("ok", style="green")
                if wrong is None
                else Text("FAIL", style="red")
            )
            if wrong is not None:
                failures += 1
                console.print(f"[red]FAIL[/] startup project: {wrong}")
        except BenchError as exc:
            failures += 1
            result = Text("FAIL", style="red")
            console.print(f"[red]FAIL[/] startup project: {exc}")
        table.add_row("startup", "generated 1-route routetree project", "1", result)
    console.print(table)
    if failures:
        console.print(f"[bold red]{failures} failure(s)[/]")
        return 1
    console.print("[bold green]All contenders answered correctly.[/]")
    return 0


# --- the measured run -----------------------------------------------------------------


@dataclass
class StartupResult:
    route_files: int
    cold_s: float
    runs_s: list[float]


@dataclass
class Results:
    machine: Machine
    settings: dict[str, object]
    runs: list[Run] = field(default_factory=list)
    rss_mib: dict[str, list[float]] = field(default_factory=dict)
    startup: list[StartupResult] = field(default_factory=list)
    targets: list[dict[str, object]] = field(default_factory=list)


def pick_cpus() -> tuple[int | None, int | None, str]:
    """(server core, wrk core, description); None, None when pinning is impossible."""
    cores = sorted(os.sched_getaffinity(0))
    if shutil.which("taskset") is None:
        return None, None, "none (taskset not found): results are noisier"
    if len(cores) < 2:
        return None, None, "none (only one core available): results are noisier"
    server, load = cores[0], cores[1]
    return server, load, f"server on core {server}, wrk and the harness on core {load}"


def measure(
    contenders: Sequence[Contender],
    with_startup: bool,
    args: argparse.Namespace,
    machine: Machine,
    workspace: Workspace,
) -> Results:
    server_cpu, load_cpu, pinning = pick_cpus()
    if server_cpu is None:
        console.print(f"[yellow]warning:[/] no pinning: {pinning}")
    machine.pinning = pinning
    if load_cpu is not None:
        os.sched_setaffinity(0, {load_cpu})
    results = Results(
        machine,
        {
            "duration_s": args.duration,
            "repeat": args.repeat,
            "connections": args.connections,
            "wrk": f"wrk -t1 -c{args.connections} -d{args.duration}s --latency",
            "warmup": f"{WARMUP_SECONDS} s of wrk per endpoint",
            "noise_limit_pct_of_a_core": NOISE_LIMIT_PCT,
            "spread_limit_pct_of_the_median": SPREAD_LIMIT_PCT,
        },
    )
    logs = workspace.root / "logs"
    for round_index in range(args.repeat):
        shift = round_index % max(1, len(contenders))
        order = [*contenders[shift:], *contenders[:shift]]
        for contender in order:
            launch = workspace.launch(contender)
            with running(contender.name, launch, logs, server_cpu) as (server, _):
                assert server.port is not None
                fail_on(
                    check_answers(server.port, extra_routes=contender.extra_routes),
                    contender,
                    "before the load",
                )
                warm_up(server, args.connections, load_cpu)
                time.sleep(0.5)
                results.rss_mib.setdefault(contender.name, []).append(
                    round(server.rss_mib(), 1)
                )
                for endpoint in ENDPOINTS:
                    run = run_wrk(
                        server,
                        endpoint,
                        duration=args.duration,
                        connections=args.connections,
                        cpu=load_cpu,
                        round_index=round_index,
                    )
                    results.runs.append(run)
                    mark = (
                        f" [yellow]! noisy: {run.other_cpu_from}[/]"
                        if run.noisy
                        else ""
                    )
                    console.print(
                        f"[dim]round {round_index + 1}/{args.repeat}  "
                        f"{contender.name:<13} "
                        f"{endpoint.label:<20} {run.requests_per_s:>10,.0f} req/s  "
                        f"p50 {run.p50_ms:.2f} ms  p99 {run.p99_ms:.2f} ms  "
                        f"others' CPU {run.other_cpu_pct:.0f}%[/]{mark}"
                    )
                fail_on(
                    check_answers(server.port, extra_routes=contender.extra_routes),
                    contender,
                    "after the load",
                )
            if contender.name == "routetree":
                results.rss_mib.setdefault(UNTYPED_RSS, []).append(
                    untyped_rss(workspace, args.connections, server_cpu, load_cpu)
                )
    if with_startup:
        results.startup = measure_startup(workspace, server_cpu)
    return results


def fail_on(problems: list[str], contender: Contender, when: str) -> None:
    if problems:
        raise BenchError(
            f"{contender.name} answered wrongly {when}:\n"
            + "\n".join(f"  {p}" for p in problems)
        )


def untyped_rss(
    workspace: Workspace, connections: int, cpu: int | None, load_cpu: int | None
) -> float:
    """Idle RSS (MiB) of the untyped routes alone, warmed up: routetree sans pydantic.

    The routetree contender's typed route imports pydantic (about 9 MiB); the idle RSS
    target is about routetree's own footprint, as a project without typed handlers
    has it.
    """
    project = workspace.generated(UNTYPED_RSS, startup_project(UNTYPED_ROUTES))
    launch = workspace.routetree_launch(project)
    with running(UNTYPED_RSS, launch, workspace.root / "logs", cpu) as (server, _):
        warm_up(server, connections, load_cpu, ENDPOINTS[:UNTYPED_ROUTES])
        time.sleep(0.5)
        return round(server.rss_mib(), 1)


def startup_project(route_files: int) -> Callable[[Path], Path]:
    """Make a project of exactly ``route_files`` route files (the real ones first).

    Only the untyped real routes: start-up measures loading and routing the files, as
    it did before the typed route joined the benchmark, not pydantic's import.
    """
    real = min(route_files, UNTYPED_ROUTES)
    static = (route_files - real) // 2
    dynamic = route_files - real - static

    def make(target: Path) -> Path:
        return write_routetree_project(
            target, real=real, static=static, dynamic=dynamic
        )

    return make


def measure_startup(workspace: Workspace, cpu: int | None) -> list[StartupResult]:
    found: list[StartupResult] = []
    for size in STARTUP_SIZES:
        project = workspace.generated(f"startup-{size}", startup_project(size))
        times: list[float] = []
        for _ in range(STARTUP_RUNS + 1):  # the first one compiles __pycache__: cold
            with running(
                f"startup-{size}",
                workspace.routetree_launch(project),
                workspace.root / "logs",
                cpu,
            ) as (_, elapsed):
                times.append(elapsed)
        result = StartupResult(
            size, round(times[0], 3), [round(t, 3) for t in times[1:]]
        )
        console.print(
            f"[dim]start-up with {size:>5} route file(s): cold {result.cold_s:.3f} s, "
            f"then {', '.join(f'{t:.3f}' for t in result.runs_s)} s[/]"
        )
        found.append(result)
    return found


# --- summary --------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def runs_of(results: Results, contender: str, endpoint: str) -> list[Run]:
    return [
        r for r in results.runs if r.contender == contender and r.endpoint == endpoint
    ]


def ratio(
    results: Results, contender: str, baseline: str, endpoint: str, metric: str
) -> float | None:
    """Median over rounds of contender/baseline, each round's pair measured together."""
    mine = {
        r.round: float(getattr(r, metric))
        for r in runs_of(results, contender, endpoint)
    }
    base = {
        r.round: float(getattr(r, metric)) for r in runs_of(results, baseline, endpoint)
    }
    pairs = [mine[k] / base[k] for k in mine if k in base and base[k] > 0]
    return median(pairs) if pairs else None


def endpoint_ratio(
    results: Results, contender: str, endpoint: str, other: str
) -> float | None:
    """Median over rounds of one endpoint's req/s over another's, same server."""
    mine = {r.round: r.requests_per_s for r in runs_of(results, contender, endpoint)}
    base = {r.round: r.requests_per_s for r in runs_of(results, contender, other)}
    pairs = [mine[k] / base[k] for k in mine if k in base and base[k] > 0]
    return median(pairs) if pairs else None


def fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def summarise(results: Results) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    names = list(dict.fromkeys(r.contender for r in results.runs))
    for endpoint in ENDPOINTS:
        for name in names:
            runs = runs_of(results, name, endpoint.key)
            if not runs:
                continue
            rps = [r.requests_per_s for r in runs]
            summary[f"{name} {endpoint.key}"] = {
                "spread_pct": (max(rps) - min(rps)) / median(rps) * 100,
                "contender": name,
                "endpoint": endpoint.label,
                "requests_per_s": median(rps),
                "requests_per_s_min": min(rps),
                "requests_per_s_max": max(rps),
                "ratio_requests_per_s": ratio(
                    results, name, BASELINE, endpoint.key, "requests_per_s"
                ),
                "p50_ms": median([r.p50_ms for r in runs]),
                "ratio_p50": ratio(results, name, BASELINE, endpoint.key, "p50_ms"),
                "p99_ms": median([r.p99_ms for r in runs]),
                "ratio_p99": ratio(results, name, BASELINE, endpoint.key, "p99_ms"),
                "noisy_runs": sum(r.noisy for r in runs),
                "runs": len(runs),
            }
    return summary


def unstable_baselines(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The baseline's rows whose rounds differ by more than `SPREAD_LIMIT_PCT`."""
    return [
        row
        for row in summary.values()
        if row["contender"] == BASELINE
        and row["runs"] > 1
        and row["spread_pct"] > SPREAD_LIMIT_PCT
    ]


def print_results(results: Results, summary: dict[str, Any]) -> None:
    console.print()
    for endpoint in ENDPOINTS:
        rows = [v for v in summary.values() if v["endpoint"] == endpoint.label]
        if not rows:
            continue
        table = Table(
            title=f"{endpoint.label}  (ratios: to raw-asgi in the same round, median)"
        )
        table.add_column("Contender")
        for column in (
            "req/s",
            "min-max",
            "x raw",
            "p50 ms",
            "x raw",
            "p99 ms",
            "x raw",
            "noisy",
        ):
            table.add_column(column, justify="right")
        for row in rows:
            noisy = f"{row['noisy_runs']}/{row['runs']}"
            table.add_row(
                row["contender"],
                f"{row['requests_per_s']:,.0f}",
                f"{row['requests_per_s_min']:,.0f}-{row['requests_per_s_max']:,.0f}",
                fmt_ratio(row["ratio_requests_per_s"]),
                f"{row['p50_ms']:.2f}",
                fmt_ratio(row["ratio_p50"]),
                f"{row['p99_ms']:.2f}",
                fmt_ratio(row["ratio_p99"]),
                Text(
                    noisy + (" !" if row["noisy_runs"] else ""),
                    style="yellow" if row["noisy_runs"] else "",
                ),
            )
        console.print(table)
    if any(r.noisy for r in results.runs):
        console.print(
            "[yellow]![/] noisy: other processes used more than "
            f"{NOISE_LIMIT_PCT:.0f}% of a core during the run (the CPU time of every "
            "process but the server, wrk and the harness, plus steal time). "
            "Repeat on a quiet machine before trusting these figures."
        )
    for row in unstable_baselines(summary):
        console.print(
            f"[yellow]![/] unstable: {BASELINE}'s rounds on {row['endpoint']} differ "
            f"by {row['spread_pct']:.0f}% (limit {SPREAD_LIMIT_PCT:.0f}%), with no "
            "other process to blame: the machine's own speed changed during the run "
            "(a busy host). The ratios are not comparable: run again later, or compare "
            "instruction counts, which do not move (bench/run --instructions)."
        )
    if results.startup:
        table = Table(title="Start-up: spawn of `routetree start` -> first correct 200")
        for column in ("Route files", "median s", "min-max s", "cold s (first start)"):
            table.add_column(column, justify="right")
        for item in results.startup:
            table.add_row(
                f"{item.route_files:,}",
                f"{median(item.runs_s):.3f}",
                f"{min(item.runs_s):.3f}-{max(item.runs_s):.3f}",
                f"{item.cold_s:.3f}",
            )
        console.print(table)
    if results.rss_mib:
        table = Table(title="Idle RSS after warm-up (VmRSS of the server process)")
        for column in ("Contender", "median MiB", "min-max MiB"):
            table.add_column(
                column, justify="right" if column != "Contender" else "left"
            )
        for name, values in results.rss_mib.items():
            table.add_row(
                name, f"{median(values):.1f}", f"{min(values):.1f}-{max(values):.1f}"
            )
        console.print(table)


def evaluate_targets(
    results: Results, summary: dict[str, Any]
) -> list[dict[str, object]]:
    targets: list[dict[str, object]] = []

    def add(
        name: str, value: float | None, limit: float, figure: str, higher: bool = True
    ) -> None:
        if value is None:
            targets.append({"target": name, "status": "not measured", "figure": "-"})
            return
        met = value >= limit if higher else value < limit
        targets.append(
            {
                "target": name,
                "status": "met" if met else "missed",
                "figure": figure.format(value),
            }
        )

    def rps_ratio(
        contender: str, endpoint: str, baseline: str = BASELINE
    ) -> float | None:
        return ratio(results, contender, baseline, endpoint, "requests_per_s")

    for key, label, limit in (
        ("hello", "GET /api/hello", 0.90),
        ("user", "GET /api/users/{id}", 0.90),
        ("create", "POST /api/users", 0.85),
    ):
        add(
            f"routetree {label} >= {limit:.2f}x raw ASGI",
            rps_ratio("routetree", key),
            limit,
            "{:.2f}x",
        )
    for endpoint in ENDPOINTS:
        add(
            f"routetree ahead of Starlette on {endpoint.label}",
            rps_ratio("routetree", endpoint.key, "starlette"),
            1.0,
            "{:.2f}x Starlette's req/s",
        )
    add(
        "routetree validated POST /api/accounts >= 2.00x FastAPI's req/s",
        rps_ratio("routetree", "validated", "fastapi"),
        2.0,
        "{:.2f}x FastAPI's req/s",
    )
    add(
        "routetree validated POST >= 0.85x its unvalidated POST /api/users",
        endpoint_ratio(results, "routetree", "validated", "create"),
        0.85,
        "{:.2f}x",
    )
    add(
        "1,000 extra routes: routetree GET /api/users/{id} >= 0.95x its own figure",
        rps_ratio("routetree-1k", "user", "routetree"),
        0.95,
        "{:.2f}x",
    )
    startup = {s.route_files: s for s in results.startup}
    add(
        "start-up with 1,000 route files < 1.5 s",
        median(startup[1000].runs_s) if 1000 in startup else None,
        1.5,
        "{:.3f} s",
        higher=False,
    )
    rss = results.rss_mib.get(UNTYPED_RSS)
    add(
        "idle RSS, three-route app (no typed route) < 45 MiB",
        median(rss) if rss else None,
        45.0,
        "{:.1f} MiB",
        higher=False,
    )
    return targets


def print_targets(targets: list[dict[str, object]]) -> None:
    table = Table(
        title="Targets (medians; ratios to raw ASGI on uvicorn in the same run)"
    )
    for column in ("Target", "Figure", "Status"):
        table.add_column(column)
    styles = {"met": "green", "missed": "red", "not measured": "dim"}
    for target in targets:
        status = str(target["status"])
        table.add_row(
            str(target["target"]),
            str(target["figure"]),
            Text(status, style=styles[status]),
        )
    console.print(table)


# --- soak -----------------------------------------------------------------------------

SOAK_SECONDS: Final = 60
SOAK_EARLY_SAMPLE_S: Final = 10.0
SOAK_RSS_GROWTH_LIMIT_PCT: Final = 5.0
SOAK_ENDPOINTS: Final = (ENDPOINTS[0], ENDPOINTS[2])  # GET /api/hello, POST /api/users


@dataclass
class SoakEndpoint:
    endpoint: str
    connections: int
    requests: int
    requests_per_s: float
    p99_ms: float
    non_2xx_3xx: int
    socket_errors: int


@dataclass
class SoakResult:
    duration_s: int
    connections: int
    endpoints: list[SoakEndpoint]
    requests: int
    errors: int
    rss_early_at_s: float
    rss_early_mib: float
    rss_end_at_s: float
    rss_end_mib: float
    rss_ratio: float
    rss_growth_limit_pct: float
    rss_samples_mib: list[tuple[float, float]]  # (seconds since the load began, MiB)
    problems: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems


def split_connections(total: int, parts: int) -> list[int]:
    """``total`` connections over ``parts`` wrk processes, the first ones rounded up."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def soak_endpoints(
    outputs: Sequence[tuple[Endpoint, int, WrkOutput]],
) -> list[SoakEndpoint]:
    return [
        SoakEndpoint(
            endpoint=endpoint.label,
            connections=connections,
            requests=output.requests,
            requests_per_s=output.requests_per_s,
            p99_ms=output.p99_ms,
            non_2xx_3xx=output.non_2xx,
            socket_errors=output.socket_errors,
        )
        for endpoint, connections, output in outputs
    ]


def soak_verdict(
    endpoints: Sequence[SoakEndpoint],
    early_mib: float,
    end_mib: float,
    answer_problems: Sequence[str] = (),
) -> list[str]:
    """What makes a soak fail: errors, RSS growth past the limit, wrong answers."""
    problems = list(answer_problems)
    errors = sum(e.non_2xx_3xx + e.socket_errors for e in endpoints)
    if errors:
        problems.append(
            f"{errors} error(s) under load (non-2xx/3xx answers and socket errors)"
        )
    growth_pct = (end_mib / early_mib - 1) * 100 if early_mib > 0 else float("inf")
    if growth_pct > SOAK_RSS_GROWTH_LIMIT_PCT:
        problems.append(
            f"RSS grew {growth_pct:.1f}% from {early_mib:.1f} to {end_mib:.1f} MiB "
            f"(limit {SOAK_RSS_GROWTH_LIMIT_PCT:.0f}%)"
        )
    return problems


def soak(args: argparse.Namespace, machine: Machine, workspace: Workspace) -> int:
    """Load GET /api/hello and POST /api/users together; watch errors and RSS."""
    server_cpu, load_cpu, pinning = pick_cpus()
    machine.pinning = pinning
    if load_cpu is not None:
        os.sched_setaffinity(0, {load_cpu})
    duration: int = args.duration
    shares = split_connections(args.connections, len(SOAK_ENDPOINTS))
    early_at = min(SOAK_EARLY_SAMPLE_S, duration / 2)
    console.print(
        f"Soak: routetree start {ROUTETREE3.relative_to(ROOT)}, {duration} s, "
        f"{args.connections} connections ("
        + ", ".join(
            f"{n} on {e.label}" for e, n in zip(SOAK_ENDPOINTS, shares, strict=True)
        )
        + f"); RSS sampled every second, compared at {early_at:g} s and at the end"
    )
    launch = workspace.routetree_launch(ROUTETREE3)
    with running("routetree", launch, workspace.root / "logs", server_cpu) as (
        server,
        _,
    ):
        assert server.port is not None
        before = check_answers(server.port, extra_routes=False)
        processes = []
        for endpoint, connections in zip(SOAK_ENDPOINTS, shares, strict=True):
            argv = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
            if endpoint.script is not None:
                argv += ["-s", str(endpoint.script)]
            argv.append(f"http://{HOST}:{server.port}{endpoint.path}")
            if load_cpu is not None:
                argv = ["taskset", "-c", str(load_cpu), *argv]
            processes.append(
                subprocess.Popen(
                    argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
                )
            )
        started = time.perf_counter()
        samples: list[tuple[float, float]] = []
        early: tuple[float, float] | None = None
        next_sample = 1.0
        try:
            while any(p.poll() is None for p in processes):
                elapsed = time.perf_counter() - started
                if early is None and elapsed >= early_at:
                    early = (elapsed, server.rss_mib())
                if elapsed >= next_sample:
                    samples.append((round(elapsed, 1), round(server.rss_mib(), 2)))
                    next_sample += 1.0
                if elapsed > duration + 60:
                    raise BenchError("wrk did not finish within a minute of its end")
                time.sleep(0.05)
            end = (time.perf_counter() - started, server.rss_mib())
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
        outputs = []
        for endpoint, connections, process in zip(
            SOAK_ENDPOINTS, shares, processes, strict=True
        ):
            stdout, stderr = process.communicate()
            if process.returncode != 0:
                raise BenchError(f"wrk failed ({process.returncode}): {stderr}")
            outputs.append((endpoint, connections, parse_wrk(stdout)))
        after = check_answers(server.port, extra_routes=False)
    if early is None:  # the load ended before the early sample was due
        early = end
    early_mib, end_mib = round(early[1], 2), round(end[1], 2)
    endpoints = soak_endpoints(outputs)
    answer_problems = [f"before the load: {p}" for p in before] + [
        f"after the load: {p}" for p in after
    ]
    result = SoakResult(
        duration_s=duration,
        connections=args.connections,
        endpoints=endpoints,
        requests=sum(e.requests for e in endpoints),
        errors=sum(e.non_2xx_3xx + e.socket_errors for e in endpoints),
        rss_early_at_s=round(early[0], 1),
        rss_early_mib=early_mib,
        rss_end_at_s=round(end[0], 1),
        rss_end_mib=end_mib,
        rss_ratio=round(end_mib / early_mib, 4),
        rss_growth_limit_pct=SOAK_RSS_GROWTH_LIMIT_PCT,
        rss_samples_mib=samples,
        problems=soak_verdict(endpoints, early_mib, end_mib, answer_problems),
    )
    print_soak(result)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"machine": asdict(machine), "soak": asdict(result)}
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        console.print(f"Results written to {args.json}")
    return 0 if result.passed else 1


def print_soak(result: SoakResult) -> None:
    for e in result.endpoints:
        console.print(
            f"  {e.endpoint:<18} {e.requests:>12,} requests  "
            f"{e.requests_per_s:>10,.0f} req/s  p99 {e.p99_ms:.2f} ms  "
            f"non-2xx/3xx {e.non_2xx_3xx}  socket errors {e.socket_errors}"
        )
    console.print(f"requests: {result.requests}")
    console.print(f"errors: {result.errors}")
    console.print(
        f"RSS at {result.rss_early_at_s:.1f} s: {result.rss_early_mib:.2f} MiB"
    )
    console.print(f"RSS at {result.rss_end_at_s:.1f} s: {result.rss_end_mib:.2f} MiB")
    console.print(
        f"RSS ratio (end / early): {result.rss_ratio:.4f} "
        f"(limit {1 + result.rss_growth_limit_pct / 100:.2f})"
    )
    if result.passed:
        console.print("[bold green]Soak passed.[/]")
    else:
        for problem in result.problems:
            console.print(f"[red]FAIL[/] {problem}")
        console.print("[bold red]Soak failed.[/]")


# --- command line ---------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run",
        description="Benchmark routetree against raw ASGI, Starlette and FastAPI "
        "on uvicorn, and routetree and raw ASGI on granian.",
    )
    parser.add_argument(
        "--duration",
        type=int,
        default=None,
        help=f"seconds per wrk run (10; with --soak, {SOAK_SECONDS})",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="rounds over every contender (3)"
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=64,
        help="wrk connections (64; with --soak, shared by the two endpoints)",
    )
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated subset of: {', '.join(SECTIONS)} (default: all)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="start each contender, check its answers, stop it; no load, no timing",
    )
    parser.add_argument(
        "--soak",
        action="store_true",
        help="routetree alone under GET and POST load for --duration (60) seconds; "
        f"fails on any error or RSS growth over {SOAK_RSS_GROWTH_LIMIT_PCT:.0f}%%",
    )
    parser.add_argument(
        "--json", type=Path, help="also write the results to this JSON file"
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter whose environment serves the contenders (default: this one)",
    )
    args = parser.parse_args(argv)
    if args.smoke and args.soak:
        parser.error("--smoke and --soak do not go together")
    if args.duration is None:
        args.duration = SOAK_SECONDS if args.soak else 10
    if args.duration < 1 or args.repeat < 1 or args.connections < 1:
        parser.error("--duration, --repeat and --connections must be at least 1")
    if args.soak and args.connections < len(SOAK_ENDPOINTS):
        parser.error(f"--soak needs at least {len(SOAK_ENDPOINTS)} connections")
    chosen = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        parser.error(
            f"--only: unknown {', '.join(unknown)}; choose from {', '.join(SECTIONS)}"
        )
    args.sections = chosen or list(SECTIONS)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    machine = probe_machine(args.python)
    print_machine(machine)
    contenders = [c for c in CONTENDERS if c.name in args.sections]
    workspace = Workspace(args.python)
    try:
        if args.smoke:
            return smoke(contenders, "startup" in args.sections, machine, workspace)
        if args.soak:
            if not machine.importable.get("routetree", False):
                raise BenchError(f"routetree is not installed for {args.python}")
            if shutil.which("wrk") is None:
                raise BenchError(
                    "wrk not found: run bench/run, which installs it "
                    "(apt-get install wrk)"
                )
            return soak(args, machine, workspace)
        missing = sorted(
            {
                n
                for c in contenders
                for n in c.needs
                if not machine.importable.get(n, False)
            }
            | {
                n
                for n in ("uvloop", "httptools")
                if not machine.importable.get(n, False)
            }
        )
        if missing:
            raise BenchError(
                f"{', '.join(missing)} not installed for {args.python}: run bench/run, "
                "which installs bench/requirements.txt into bench/.venv"
            )
        if shutil.which("wrk") is None:
            raise BenchError(
                "wrk not found: run bench/run, which installs it (apt-get install wrk)"
            )
        results = measure(
            contenders, "startup" in args.sections, args, machine, workspace
        )
        summary = summarise(results)
        print_results(results, summary)
        results.targets = evaluate_targets(results, summary)
        print_targets(results.targets)
        if args.json is not None:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            payload = {**asdict(results), "summary": summary}
            args.json.write_text(json.dumps(payload, indent=2) + "\n")
            console.print(f"Results written to {args.json}")
        return 0
    except BenchError as exc:
        console.print(f"[bold red]Benchmark failed:[/] {exc}")
        return 1
    except KeyboardInterrupt:
        console.print("[red]interrupted[/]")
        return 130
    finally:
        workspace.close()


if __name__ == "__main__":
    sys.exit(main())
