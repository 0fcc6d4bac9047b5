"""The ``routetree`` command line: CliRunner, then the real executable."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from click.testing import CliRunner, Result
from openapi_spec_validator import validate

from routetree import __version__
from routetree._server._cli import cli
from routetree.testing import LiveServer, _serve_command

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from tests.conftest import MakeProject

GET = """
from routetree import Response

def GET():
    return Response("x")
"""

GET_POST = """
from routetree import Response

def GET():
    return Response("x")

def POST():
    return Response("y")
"""

FORCE_STATIC = """
from routetree import Response

dynamic = "force-static"

def GET():
    return Response("x")
"""

TREE = {
    "app/api/users/route.py": GET_POST,
    "app/api/users/[id]/route.py": GET,
    "app/api/files/[...path]/route.py": GET,
    "app/api/static/route.py": FORCE_STATIC,
}

ROWS = [
    {
        "path": "/api/files/[...path]",
        "methods": ["GET"],
        "kind": "dynamic",
        "file": "app/api/files/[...path]/route.py",
    },
    {
        "path": "/api/static",
        "methods": ["GET"],
        "kind": "static",
        "file": "app/api/static/route.py",
    },
    {
        "path": "/api/users",
        "methods": ["GET", "POST"],
        "kind": "dynamic",
        "file": "app/api/users/route.py",
    },
    {
        "path": "/api/users/[id]",
        "methods": ["GET"],
        "kind": "dynamic",
        "file": "app/api/users/[id]/route.py",
    },
]


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    """The CLI configures the root logger; don't let its handlers outlive the test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="routetree")


def test_help_lists_the_commands() -> None:
    result = _invoke("--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: routetree [OPTIONS] COMMAND [ARGS]...")
    assert "  routes" in result.stdout
    assert "  start" in result.stdout


@pytest.mark.parametrize("command", ["routes", "start"])
def test_command_help(command: str) -> None:
    result = _invoke(command, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: routetree {command} [OPTIONS] [DIRECTORY]")


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str) -> None:
    result = _invoke(flag)
    assert result.exit_code == 0
    assert result.stdout == f"routetree, version {__version__}\n"


def test_routes_prints_the_table_in_folder_notation(make_project: MakeProject) -> None:
    result = _invoke("routes", str(make_project(TREE)))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for row in ROWS:
        [line] = [
            line
            for line in lines
            if f" {row['path']} " in line or line.endswith(f" {row['path']}")
        ]
        assert ", ".join(row["methods"]) in line
        assert f" {row['kind']} " in line
        assert str(row["file"]) in line
    assert "dynamic" in result.stdout
    assert "Traceback" not in result.output


def test_routes_json_writes_only_json_to_stdout(make_project: MakeProject) -> None:
    result = _invoke("routes", str(make_project(TREE)), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert sorted(rows, key=lambda row: row["path"]) == ROWS


def test_routes_json_sends_warnings_to_stderr(make_project: MakeProject) -> None:
    lowercase = """
    from routetree import Response

    def get():
        return Response("x")
    """
    project = make_project(
        {"app/api/users/route.py": GET, "app/api/lower/route.py": lowercase}
    )
    result = _invoke("routes", str(project), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {row["path"]: row["methods"] for row in rows} == {
        "/api/lower": [],
        "/api/users": ["GET"],
    }
    assert (
        "Detected lowercase method 'get' in 'app/api/lower/route.py'" in result.stderr
    )


@pytest.mark.parametrize("command", ["dev", "start"])
def test_http_parser_is_httptools_or_h11(command: str, tmp_path: Path) -> None:
    result = _invoke(command, str(tmp_path), "--http", "zttp")
    assert result.exit_code == 2
    assert "'zttp' is not one of 'httptools', 'h11'" in result.output


def test_start_with_workers_checks_the_server_config_first(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {"app/api/users/route.py": GET, "routetree.toml": "[server]\nmax_headers = 0\n"}
    )
    result = _invoke("start", str(project), "--port", "0", "--workers", "2")
    assert result.exit_code == 1
    assert "routetree.toml: server.max_headers: Input should be greater" in (
        result.stderr
    )


def test_routes_lists_websocket_and_does_not_warn_about_a_websocket_only_file(
    make_project: MakeProject,
) -> None:
    socket_only = """
    async def WEBSOCKET(socket):
        await socket.accept()
    """
    project = make_project(
        {"app/api/users/route.py": GET, "app/api/live/route.py": socket_only}
    )
    result = _invoke("routes", str(project), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {row["path"]: row["methods"] for row in rows} == {
        "/api/live": ["WEBSOCKET"],
        "/api/users": ["GET"],
    }
    assert result.stderr == ""
    table = _invoke("routes", str(project))
    assert "WEBSOCKET" in table.stdout
    assert "No HTTP methods" not in table.output


def test_routes_of_a_folder_without_app_is_one_clear_error(tmp_path: Path) -> None:
    result = _invoke("routes", str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Error: No app/ folder in")
    assert str(tmp_path) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_routes_of_a_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    result = _invoke("routes", str(tmp_path / "missing"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "as_json", [pytest.param((), id="table"), pytest.param(("--json",), id="json")]
)
def test_routes_of_a_conflicting_tree_names_both_files(
    make_project: MakeProject, as_json: tuple[str, ...]
) -> None:
    project = make_project(
        {"app/(a)/api/x/route.py": GET, "app/(b)/api/x/route.py": GET}
    )
    result = _invoke("routes", str(project), *as_json)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Error: ")
    assert "app/(a)/api/x/route.py" in result.stderr
    assert "app/(b)/api/x/route.py" in result.stderr


def test_routes_defaults_to_the_current_folder(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_project(TREE))
    result = _invoke("routes", "--json")
    assert result.exit_code == 0, result.output
    assert sorted(json.loads(result.stdout), key=lambda row: row["path"]) == ROWS


def test_openapi_prints_the_document_sorted_with_two_space_indent(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            **TREE,
            "routetree.toml": '[openapi]\ntitle = "Files"\nversion = "1.2.3"\n',
        }
    )
    result = _invoke("openapi", str(project))
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    validate(document)
    assert result.stdout == (
        json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )
    assert document["info"] == {"title": "Files", "version": "1.2.3"}
    assert list(document["paths"]) == [
        "/api/files/{path}",
        "/api/static",
        "/api/users",
        "/api/users/{id}",
    ]


def test_openapi_output_writes_the_file(make_project: MakeProject) -> None:
    project = make_project(TREE)
    target = project / "out" / "openapi.json"
    target.parent.mkdir()
    result = _invoke("openapi", str(project), "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"✓ Wrote {target} (4 paths)\n"
    assert json.loads(target.read_text())["openapi"] == "3.1.0"
    assert target.read_text() == _invoke("openapi", str(project)).stdout


def test_openapi_output_that_cannot_be_written_is_one_clear_error(
    make_project: MakeProject,
) -> None:
    project = make_project(TREE)
    target = project / "missing" / "openapi.json"
    result = _invoke("openapi", str(project), "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Cannot write {target}: No such file or directory.\n"
    )


def test_openapi_of_a_broken_document_is_one_clear_error(
    make_project: MakeProject,
) -> None:
    handler = """
    from routetree import operation

    @operation(operation_id="same")
    def GET(): ...
    """
    project = make_project({"app/a/route.py": handler, "app/b/route.py": handler})
    result = _invoke("openapi", str(project))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: operation_id 'same' is declared by app/a/route.py: GET and by "
        "app/b/route.py: GET. An operationId names one operation in the OpenAPI "
        "document: change one of them.\n"
    )


def test_python_m_routetree_routes_json(make_project: MakeProject) -> None:
    project = make_project(TREE)
    completed = subprocess.run(
        [sys.executable, "-m", "routetree", "routes", str(project), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert sorted(json.loads(completed.stdout), key=lambda row: row["path"]) == ROWS
    assert completed.stderr == ""


def test_python_m_routetree_error_exit_code(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "routetree", "routes", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    assert completed.stdout == ""
    assert "Traceback" not in completed.stderr
    assert completed.stderr.startswith("Error: No app/ folder in")


# The real executable, as a user runs it: the console script installed beside this
# Python, in its own process, with its own stdout, stderr and exit code.

ROUTETREE = Path(sys.executable).parent / "routetree"
_LOCAL_URL = re.compile(r"http://127\.0\.0\.1:(\d+)")
# Variables of the test run that would change what a server reads or where it listens.
_SCRUBBED = frozenset({"PORT", "HOST", "ROUTETREE_ENV", "GREETING", "COLUMNS", "LINES"})
LOWERCASE_GET = """
from routetree import Response

def get():
    return Response("x")
"""


def _environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in _SCRUBBED and not name.startswith("PROBE_")
    }
    return {**env, "NO_COLOR": "1", **(extra or {})}


def _run(
    *args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``routetree *args`` to completion."""
    assert ROUTETREE.is_file(), f"no console script at {ROUTETREE}"
    return subprocess.run(
        [str(ROUTETREE), *args],
        capture_output=True,
        encoding="utf-8",
        timeout=60,
        check=False,
        cwd=cwd,
        env=_environment(env),
    )


@contextlib.contextmanager
def _serve(
    *args: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> Iterator[LiveServer]:
    """Run ``routetree *args`` until the URL it prints is up; stop it on exit."""
    assert ROUTETREE.is_file(), f"no console script at {ROUTETREE}"
    with _serve_command(
        [str(ROUTETREE), *args], env=_environment(env), cwd=cwd, timeout=timeout
    ) as server:
        yield server


def _wait_for_json(path: Path, timeout: float = 10.0) -> object:
    """Poll ``path`` until it holds a whole JSON document (written by a server)."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError, ValueError):
            return json.loads(path.read_text())
        assert time.monotonic() < deadline, f"{path} was never written"
        time.sleep(0.02)


def test_the_console_script_is_installed() -> None:
    assert ROUTETREE.is_file()
    assert os.access(ROUTETREE, os.X_OK)


@pytest.mark.parametrize(
    "command",
    [
        pytest.param("", id="group"),
        "dev",
        "build",
        "start",
        "routes",
        "openapi",
        "new",
    ],
)
def test_real_help_of_every_command_shows_an_example(command: str) -> None:
    result = _run(*([command] if command else []), "--help")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    usage = f"Usage: routetree {command} " if command else "Usage: routetree "
    assert result.stdout.startswith(usage)
    # click's no-rewrap marker is the \b character; printed as text it means the
    # examples were rewrapped into one paragraph.
    assert "\\b" not in result.stdout
    lines = result.stdout.splitlines()
    [heading] = [
        i for i, line in enumerate(lines) if line.strip().startswith("Example")
    ]
    assert lines[heading].strip() in ("Example:", "Examples:")
    example = lines[heading + 1]
    assert example.startswith("    routetree "), result.stdout
    if command:
        assert example.split()[1] == command


def test_real_openapi_prints_a_valid_document(make_project: MakeProject) -> None:
    result = _run("openapi", str(make_project(TREE)))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    validate(json.loads(result.stdout))


def test_real_openapi_of_a_folder_without_app_is_one_clear_error(
    tmp_path: Path,
) -> None:
    result = _run("openapi", str(tmp_path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: No app/ folder in")
    assert len(result.stderr.strip().splitlines()) == 1


def test_real_version_is_the_package_version() -> None:
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout == f"routetree, version {__version__}\n"


def test_real_build_prints_the_table_and_writes_the_manifest(
    make_project: MakeProject,
) -> None:
    project = make_project({**TREE, "app/api/lower/route.py": LOWERCASE_GET})
    result = _run("build", str(project))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for row in ROWS:
        [line] = [line for line in lines if f" {row['path']} " in line]
        symbol = "○" if row["kind"] == "static" else "ƒ"
        assert f"{symbol} {row['path']} " in line
        assert ", ".join(row["methods"]) in line
        assert f" {row['kind']} " in line
        assert str(row["file"]) in line
    assert "ƒ /api/users/[id] " in result.stdout
    for kind in ("○  (Static)", "●  (Prerendered)", "ƒ  (Dynamic)"):
        assert any(line.startswith(kind) for line in lines), kind
    # The force-static route is rendered by build.
    assert (
        "✓ Built 5 routes, prerendered 1 answer; manifest: .routetree/manifest.json"
        in lines
    )
    assert any(
        line.startswith(
            "⚠ Detected lowercase method 'get' in 'app/api/lower/route.py'."
        )
        for line in lines
    ), result.stdout
    manifest = json.loads((project / ".routetree" / "manifest.json").read_text())
    assert sorted(manifest["routes"]) == sorted(
        [*(str(row["file"]) for row in ROWS), "app/api/lower/route.py"]
    )


BROKEN_TREES: dict[str, tuple[dict[str, str], list[str]]] = {
    "syntax-error": (
        {"app/api/x/route.py": "def GET(:\n"},
        ["Failed to import app/api/x/route.py", "SyntaxError"],
    ),
    "raises-on-import": (
        {"app/api/db/route.py": "raise RuntimeError('database is down')\n"},
        ["Failed to import app/api/db/route.py", "RuntimeError: database is down"],
    ),
    "two-groups-one-url": (
        {"app/(a)/api/x/route.py": GET, "app/(b)/api/x/route.py": GET},
        [
            "Conflicting routes at /api/x",
            "app/(a)/api/x/route.py",
            "app/(b)/api/x/route.py",
            "remove one or move it",
        ],
    ),
    "no-app-folder": (
        {"lib/db.py": "DB = None\n"},
        ["No app/ folder in", "create app/api/hello/route.py"],
    ),
}


@pytest.mark.parametrize("case", list(BROKEN_TREES))
def test_real_build_of_a_broken_tree_is_one_clear_error(
    make_project: MakeProject, case: str
) -> None:
    files, expected = BROKEN_TREES[case]
    project = make_project(files)
    result = _run("build", str(project))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    for text in expected:
        assert text in result.stderr, result.stderr
    if case == "no-app-folder":
        assert str(project) in result.stderr
    # The failing route's own frames are quoted (they say where it failed);
    # routetree's and click's never are.
    if case != "raises-on-import":
        assert "Traceback" not in result.stderr
    assert "site-packages" not in result.stderr
    assert "/routetree/_" not in result.stderr
    assert not (project / ".routetree" / "manifest.json").exists()


def test_real_build_warns_of_method_names_in_another_case_it_defines(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "lib/sql.py": "def delete(table):\n    return table\n",
            "app/api/posts/route.py": (
                "from lib.sql import delete\n\nfrom routetree import Response\n\n\n"
                "class Post:\n    pass\n\n\n"
                "async def GET():\n    return Response(delete('posts'))\n\n\n"
                "async def Patch():\n    return Response('never')\n"
            ),
        }
    )
    result = _run("build", str(project))
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())  # as printed, wrapped to the terminal
    assert text.count("⚠") == 1, result.stdout  # not the imported delete, nor Post
    assert (
        "⚠ Detected mixed-case method 'Patch' in 'app/api/posts/route.py'. Export "
        "the uppercase 'PATCH' method name to fix this error."
    ) in text


def test_real_build_table_keeps_long_paths_on_one_line(
    make_project: MakeProject,
) -> None:
    # Piped output (CI logs, grep) has no terminal width to fit: a route's path and
    # file must still print whole, each on the route's line.
    folder = "app/api/organizations/[organizationId]/members/[memberId]"
    project = make_project({f"{folder}/route.py": GET})
    result = _run("build", str(project))
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stdout.splitlines() if line.startswith(" ƒ ")]
    assert "ƒ /api/organizations/[organizationId]/members/[memberId] " in line
    assert line.rstrip().endswith(f" {folder}/route.py"), result.stdout


def test_real_debug_build_shows_the_traceback(make_project: MakeProject) -> None:
    project = make_project({"app/api/x/route.py": "def GET(:\n"})
    result = _run("--debug", "build", str(project))
    assert result.returncode != 0
    assert "Traceback (most recent call last):" in result.stderr
    assert "RouteImportError" in result.stderr
    assert "app/api/x/route.py" in result.stderr


def _version(body: str) -> str:
    return (
        f"from routetree import Response\n\ndef GET():\n    return Response({body!r})\n"
    )


def test_real_start_never_serves_a_stale_manifest(make_project: MakeProject) -> None:
    project = make_project(
        {
            "app/api/users/[id]/route.py": _version("user"),
            "app/api/gone/route.py": _version("gone"),
        }
    )
    assert _run("build", str(project)).returncode == 0
    assert (project / ".routetree" / "manifest.json").is_file()
    flags = ("--host", "127.0.0.1", "--port", "0")
    with _serve("start", str(project), *flags) as server:
        assert httpx.get(f"{server}/api/users/7", timeout=10).text == "user"
        assert httpx.get(f"{server}/api/gone", timeout=10).text == "gone"
        assert "  - Routes:       2" in server.output.splitlines()

    # Changed after the build: one route added, one removed.
    added = project / "app" / "api" / "added" / "route.py"
    added.parent.mkdir()
    added.write_text(_version("added"))
    (project / "app" / "api" / "gone" / "route.py").unlink()
    (project / "app" / "api" / "gone").rmdir()
    with _serve("start", str(project), *flags) as server:
        assert httpx.get(f"{server}/api/added", timeout=10).text == "added"
        assert httpx.get(f"{server}/api/gone", timeout=10).status_code == 404
        assert httpx.get(f"{server}/api/users/7", timeout=10).text == "user"

    # Changed after the build into an invalid tree: start validates it again.
    assert _run("build", str(project)).returncode == 0
    clash = project / "app" / "(b)" / "api" / "users" / "[id]" / "route.py"
    clash.parent.mkdir(parents=True)
    clash.write_text(_version("clash"))
    result = _run("start", str(project), *flags)
    assert result.returncode == 1
    assert "app/(b)/api/users/[id]/route.py" in result.stderr
    assert "app/api/users/[id]/route.py" in result.stderr
    assert "Traceback" not in result.stderr


def test_real_new_then_dev_then_a_request(tmp_path: Path) -> None:
    created = _run("new", "myapi", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert "Next: routetree dev myapi" in created.stdout
    with _serve("dev", "myapi", "--port", "0", cwd=tmp_path) as server:
        response = httpx.get(f"{server}/api/hello", params={"name": "Ada"}, timeout=10)
        assert response.status_code == 200
        assert response.json() == {"message": "Hello, Ada!"}
        assert "  - Environments: .env" in server.output.splitlines()


def test_real_port_0_prints_the_port_it_listens_on(make_project: MakeProject) -> None:
    project = make_project({"app/api/ping/route.py": _version("pong")})
    # The flags win over the environment.
    env = {"PORT": "not-a-port", "HOST": "not-a-host"}
    with _serve(
        "start", str(project), "--host", "127.0.0.1", "--port", "0", env=env
    ) as server:
        match = _LOCAL_URL.fullmatch(server)
        assert match is not None
        assert 0 < int(match.group(1)) < 65536
        assert f"  - Local:        {server}" in server.output.splitlines()
        assert httpx.get(f"{server}/api/ping", timeout=10).text == "pong"


@pytest.mark.parametrize("command", ["dev", "start"])
@pytest.mark.parametrize(
    ("args", "env", "shown"),
    [
        pytest.param(("--port", "99999"), {}, "99999", id="flag-too-high"),
        pytest.param(("--port", "-1"), {}, "-1", id="flag-negative"),
        pytest.param(
            (),
            {"PORT": "-1"},
            "-1 (from the PORT environment variable)",
            id="env-negative",
        ),
        pytest.param(
            (),
            {"PORT": "abc"},
            "abc (from the PORT environment variable)",
            id="env-not-a-number",
        ),
    ],
)
def test_real_invalid_port_is_a_one_line_usage_error(
    make_project: MakeProject,
    command: str,
    args: tuple[str, ...],
    env: dict[str, str],
    shown: str,
) -> None:
    project = make_project({"app/api/ping/route.py": _version("pong")})
    result = _run(command, str(project), *args, env=env)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '--port': {shown} is not a port: use a number "
        "from 0 to 65535 (0 picks a free port)."
    )
    assert "Traceback" not in result.stderr


def test_real_start_honours_port_and_host_variables(
    make_project: MakeProject,
) -> None:
    project = make_project({"app/api/ping/route.py": _version("pong")})
    env = {"PORT": "0", "HOST": "127.0.0.1"}
    with _serve("start", str(project), env=env) as server:
        match = _LOCAL_URL.fullmatch(server)
        assert match is not None and int(match.group(1)) > 0
        assert httpx.get(f"{server}/api/ping", timeout=10).text == "pong"


ENV_ROUTE = """
import os

from routetree import Response

def GET():
    names = ["A", "B", "C", "EXP", "REAL"]
    values = {name: os.environ.get(f"PROBE_{name}") for name in names}
    return Response.json({**values, "ROUTETREE_ENV": os.environ["ROUTETREE_ENV"]})
"""


def test_real_start_loads_env_files_in_nextjs_order(make_project: MakeProject) -> None:
    # nextjs-behaviour C96, plus a .env.development that start must not read and a
    # variable of the real environment, which beats every file.
    project = make_project(
        {
            ".env": (
                "PROBE_A=from-.env\nPROBE_B=from-.env\nPROBE_C=from-.env\n"
                "PROBE_EXP=$PROBE_A-expanded\nPROBE_REAL=from-.env\n"
            ),
            ".env.local": "PROBE_A=from-.env.local\n",
            ".env.production": "PROBE_B=from-.env.production\n",
            ".env.development": "PROBE_C=from-.env.development\n",
            "app/api/env/route.py": ENV_ROUTE,
        }
    )
    env = {"PORT": "0", "HOST": "127.0.0.1", "PROBE_REAL": "from-the-environment"}
    with _serve("start", str(project), env=env) as server:
        response = httpx.get(f"{server}/api/env", timeout=10)
        output = server.output
    assert response.status_code == 200
    assert response.json() == {
        "A": "from-.env.local",
        "B": "from-.env.production",
        "C": "from-.env",
        "EXP": "from-.env.local-expanded",
        "REAL": "from-the-environment",
        "ROUTETREE_ENV": "production",
    }
    assert "  - Environments: .env.local, .env.production, .env" in output.splitlines()


INSTRUMENTATION = """
import json
import os
from pathlib import Path

def register():
    with Path(os.environ["RT_REGISTERED"]).open("a") as file:
        file.write("registered\\n")

def on_request_error(error, request, context):
    report = {
        "route_path": context["route_path"],
        "path": request["path"],
        "method": request["method"],
        "error": f"{type(error).__name__}: {error}",
    }
    Path(os.environ["RT_ERRORS"]).write_text(json.dumps(report))
"""

THROWS = """
def GET():
    raise RuntimeError("kaboom")
"""


def test_real_start_runs_the_instrumentation_hooks(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project = make_project(
        {
            "instrumentation.py": INSTRUMENTATION,
            "app/api/throws/[id]/route.py": THROWS,
            "app/api/ok/route.py": _version("ok"),
        }
    )
    registered = tmp_path / "registered.txt"
    errors = tmp_path / "errors.json"
    env = {
        "PORT": "0",
        "HOST": "127.0.0.1",
        "RT_REGISTERED": str(registered),
        "RT_ERRORS": str(errors),
    }
    with _serve("start", str(project), env=env) as server:
        assert httpx.get(f"{server}/api/ok", timeout=10).text == "ok"
        # register() ran before the first request was answered.
        assert registered.read_text() == "registered\n"
        response = httpx.get(f"{server}/api/throws/7", timeout=10)
        assert response.status_code == 500
        assert response.json() == {"error": "Internal Server Error"}
        report = _wait_for_json(errors)
        assert httpx.get(f"{server}/api/ok", timeout=10).text == "ok"
    assert report == {
        "route_path": "/api/throws/[id]",
        "path": "/api/throws/7",
        "method": "GET",
        "error": "RuntimeError: kaboom",
    }
    assert registered.read_text() == "registered\n"


def test_real_build_lists_the_middleware_and_the_config(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            **TREE,
            "proxy.py": (
                "config = {'matcher': ['/api/admin/:path*', '/api/me']}\n\n\n"
                "def proxy(request):\n    return None\n"
            ),
            "pyproject.toml": (
                "[tool.routetree]\nbase_path = '/v1'\nmax_body_size = '1kb'\n"
                "trusted_proxies = ['127.0.0.1']\n\n"
                "[[tool.routetree.redirects]]\nsource = '/a'\ndestination = '/b'\n"
                "permanent = true\n"
            ),
        }
    )
    result = _run("build", str(project))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "ƒ Middleware  proxy.py, for /api/admin/:path*, /api/me" in lines
    assert (
        "⚙ Config      pyproject.toml [tool.routetree]: base_path /v1, "
        "max_body_size 1,024 bytes, 1 trusted proxy, 1 redirect"
    ) in lines
    plain = _run("routes", str(make_project(TREE)))
    assert "Middleware" not in plain.stdout and "Config" not in plain.stdout
