"""``routetree dev`` as a user runs it, with a client polling throughout."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import httpx
import orjson
import pytest
from watchfiles import Change

from routetree._server._dev import ReloadFilter
from routetree.testing import LiveServer, live_server

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tests.conftest import MakeProject


def _route(body: str) -> str:
    return (
        "from routetree import Response\n\n\n"
        f"async def GET():\n    return Response({body!r})\n"
    )


def _poll_until(
    server: LiveServer,
    client: httpx.Client,
    path: str,
    done: Callable[[httpx.Response], bool],
    seen: list[int],
    timeout: float = 20.0,
    **kwargs: object,
) -> httpx.Response:
    """Request ``path`` every 50 ms until ``done`` holds; every status is recorded."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(path, **kwargs)  # type: ignore[arg-type]
        seen.append(response.status_code)
        if done(response):
            return response
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{path} never got there; last {response.status_code} {response.text}\n"
                + server.output
            )
        time.sleep(0.05)


def test_dev_reloads_edits_additions_deletions_and_recovers_from_errors(
    make_project: MakeProject,
) -> None:
    project = make_project({"app/api/hello/route.py": _route("v1")})
    hello = project / "app" / "api" / "hello" / "route.py"
    seen: list[int] = []
    with (
        live_server(project, command="dev") as server,
        httpx.Client(base_url=server, timeout=10) as client,
    ):
        assert client.get("/api/hello").text == "v1"

        hello.write_text(_route("v2"))
        _poll_until(server, client, "/api/hello", lambda r: r.text == "v2", seen)

        added = project / "app" / "api" / "added" / "route.py"
        added.parent.mkdir()
        added.write_text(_route("added"))
        _poll_until(server, client, "/api/added", lambda r: r.status_code == 200, seen)

        added.unlink()
        added.parent.rmdir()
        _poll_until(server, client, "/api/added", lambda r: r.status_code == 404, seen)

        hello.write_text("from routetree import Response\n\ndef GET(:\n")
        broken = _poll_until(
            server, client, "/api/hello", lambda r: r.status_code == 500, seen
        )
        details = broken.json()["exception"]
        assert details["type"] == "RouteImportError"
        assert details["file"] == str(hello)
        assert details["line"] == 3
        assert "SyntaxError" in details["traceback"]
        page = client.get("/api/hello", headers={"accept": "text/html"})
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert "RouteImportError" in page.text and "SyntaxError" in page.text

        hello.write_text(_route("v3"))
        _poll_until(server, client, "/api/hello", lambda r: r.text == "v3", seen)
        output = server.output
    # The port stayed open through every reload: no request failed to connect.
    assert set(seen) <= {200, 404, 500}
    assert " GET /api/hello 200 in " in output
    assert " GET /api/hello 500 in " in output
    assert "Reloading: app/api/hello/route.py" in output


def test_dev_reloads_env_files(make_project: MakeProject) -> None:
    project = make_project(
        {
            ".env": "GREETING=hello\n",
            "app/api/env/route.py": (
                "import os\n\nfrom routetree import Response\n\n\n"
                "async def GET():\n    return Response(os.environ['GREETING'])\n"
            ),
        }
    )
    seen: list[int] = []
    with (
        live_server(project, command="dev") as server,
        httpx.Client(base_url=server, timeout=10) as client,
    ):
        assert client.get("/api/env").text == "hello"
        assert "Environments: .env" in server.output
        (project / ".env.local").write_text("GREETING=from local\n")
        _poll_until(server, client, "/api/env", lambda r: r.text == "from local", seen)


def test_dev_reloads_when_public_files_come_and_go(make_project: MakeProject) -> None:
    project = make_project(
        {"app/api/hello/route.py": _route("hi"), "public/a.txt": "first\n"}
    )
    public = project / "public"
    seen: list[int] = []
    with (
        live_server(project, command="dev") as server,
        httpx.Client(base_url=server, timeout=10) as client,
    ):
        assert "Using:        public/" in server.output
        assert client.get("/a.txt").text == "first\n"
        (public / "docs").mkdir()
        (public / "docs" / "b.txt").write_text("added\n")
        _poll_until(server, client, "/docs/b.txt", lambda r: r.text == "added\n", seen)
        # An edit needs no reload: each request reads the file as it is.
        (public / "a.txt").write_text("edited\n")
        _poll_until(server, client, "/a.txt", lambda r: r.text == "edited\n", seen)
        (public / "docs" / "b.txt").unlink()
        _poll_until(server, client, "/docs/b.txt", lambda r: r.status_code == 404, seen)
        output = server.output
    assert "Reloading: public/docs" in output
    assert set(seen) <= {200, 404}


def test_reload_filter_reloads_for_public_files_added_or_removed(
    tmp_path: Path,
) -> None:
    relevant = ReloadFilter(tmp_path / "app", tmp_path / "public")
    logo = str(tmp_path / "public" / "images" / "logo.png")
    assert relevant(Change.added, logo)
    assert relevant(Change.deleted, logo)
    assert not relevant(Change.modified, logo)  # served as it is now, no reload
    assert not relevant(Change.added, str(tmp_path / "public" / ".DS_Store.tmp"))
    assert relevant(Change.added, str(tmp_path / "public" / ".well-known"))
    assert relevant(Change.added, str(tmp_path / "public"))
    assert relevant(Change.deleted, str(tmp_path / "public"))
    assert not relevant(Change.added, str(tmp_path / "publications" / "x.png"))
    assert not relevant(Change.added, str(tmp_path / "uploads" / "x.png"))
    assert not ReloadFilter(tmp_path / "app")(Change.added, logo)


def test_dev_runs_shutdown_in_each_worker_it_stops(make_project: MakeProject) -> None:
    project = make_project(
        {
            "instrumentation.py": (
                "import os\n\n\ndef shutdown():\n"
                "    with open(os.environ['SHUTDOWN_LOG'], 'a') as file:\n"
                "        file.write(f'{os.getpid()}\\n')\n"
            ),
            "app/api/pid/route.py": (
                "import os\n\nfrom routetree import Response\n\n\n"
                "async def GET():\n    return Response(str(os.getpid()))\n"
            ),
        }
    )
    log = project / "shutdown.log"
    seen: list[int] = []
    with (
        live_server(project, command="dev", env={"SHUTDOWN_LOG": str(log)}) as server,
        httpx.Client(base_url=server, timeout=10) as client,
    ):
        first = client.get("/api/pid").text
        assert not log.exists()
        (project / "app" / "api" / "pid" / "route.py").touch()
        second = _poll_until(
            server, client, "/api/pid", lambda r: r.text not in ("", first), seen
        ).text
        # The first worker ran shutdown() when the reload stopped it.
        assert log.read_text() == f"{first}\n"
    # And the second when the server stopped.
    deadline = time.monotonic() + 10
    while log.read_text() != f"{first}\n{second}\n":
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)


def test_dev_shows_handler_tracebacks(make_project: MakeProject) -> None:
    project = make_project(
        {"app/api/boom/route.py": "async def GET():\n    raise KeyError('missing')\n"}
    )
    with live_server(project, command="dev") as server:
        response = httpx.get(f"{server}/api/boom")
    assert response.status_code == 500
    details = response.json()["exception"]
    assert details["type"] == "KeyError"
    assert details["line"] == 2
    assert details["file"].endswith("app/api/boom/route.py")


def test_dev_starts_with_a_broken_project_and_serves_the_error(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "app/(a)/api/x/route.py": _route("a"),
            "app/(b)/api/x/route.py": _route("b"),
        }
    )
    with live_server(project, command="dev") as server:
        response = httpx.get(f"{server}/api/x")
    assert response.status_code == 500
    message = response.json()["exception"]["message"]
    assert "app/(a)/api/x/route.py" in message and "app/(b)/api/x/route.py" in message


def test_reload_filter_ignores_data_files(tmp_path: Path) -> None:
    relevant = ReloadFilter(tmp_path / "app")
    for name, expected in [
        ("app/api/x/route.py", True),
        ("lib/db.py", True),
        (".env.local", True),
        ("routetree.toml", True),
        ("users.db", False),
        ("users.db-journal", False),
        ("notes.txt", False),
        ("app/api/x/__pycache__/route.cpython-311.pyc", False),
        (".routetree/manifest.json", False),
    ]:
        assert relevant(Change.added, str(tmp_path / name)) is expected, name


def test_reload_filter_reloads_for_folders_added_under_app(tmp_path: Path) -> None:
    relevant = ReloadFilter(tmp_path / "app")
    new_route_dir = tmp_path / "app" / "api" / "new"
    new_route_dir.mkdir(parents=True)
    data_dir = tmp_path / "uploads"
    data_dir.mkdir()
    assert relevant(Change.added, str(new_route_dir))
    assert not relevant(Change.modified, str(new_route_dir))
    assert not relevant(Change.added, str(data_dir))  # outside app/: data, not routes
    assert not ReloadFilter()(Change.added, str(new_route_dir))


# --- a broken route file breaks only its own route ------------------------------------

OK_ROUTE = _route("ok")
FAILING_FILES = {
    "app/api/ok/route.py": OK_ROUTE,
    "app/api/broken/route.py": (
        "from routetree import Response\n\nimport lib.db\n\n\n"
        "async def GET():\n    return Response('never')\n"
    ),
    "lib/db.py": (
        "def connect():\n    raise RuntimeError('database is down')\n\n\nconnect()\n"
    ),
    "app/api/arity/route.py": (
        "from routetree import Response\n\n\n"
        "def GET(request, context, user):\n    return Response('never')\n"
    ),
    "app/api/config/route.py": _route("never") + "\nmax_duration = 'soon'\n",
}
EVERY_METHOD = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def test_dev_serves_the_other_routes_when_a_route_file_is_broken(
    make_project: MakeProject,
) -> None:
    project = make_project(FAILING_FILES)
    with (
        live_server(project, command="dev") as server,
        httpx.Client(base_url=server, timeout=10) as client,
    ):
        ok = client.get("/api/ok")
        broken = {m: client.request(m, "/api/broken") for m in EVERY_METHOD}
        head = client.head("/api/broken")
        page = client.get("/api/broken", headers={"accept": "text/html"})
        arity = client.get("/api/arity")
        config = client.get("/api/config")
        missing = client.get("/api/missing")
        output = server.output
    assert (ok.status_code, ok.text) == (200, "ok")
    assert missing.status_code == 404
    # The route is in the tree: every method, OPTIONS included, is the error, and
    # no Allow says which methods it has (they are unknown).
    for method, response in broken.items():
        assert response.status_code == 500, method
        assert "allow" not in response.headers, method
        assert response.json() == broken["GET"].json(), method
    assert (head.status_code, head.content) == (500, b"")
    details = broken["GET"].json()["exception"]
    assert details["type"] == "RouteImportError"
    assert details["message"].startswith("Failed to import app/api/broken/route.py:")
    assert "RuntimeError: database is down" in details["message"]
    # The innermost frame of the project's code: the helper module that raised.
    assert (details["file"], details["line"]) == (str(project / "lib/db.py"), 2)
    assert (
        f'File "{project / "app/api/broken/route.py"}", line 3'
        in (details["traceback"])
    )
    assert "/routetree/_" not in details["traceback"]
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "database is down" in page.text
    assert f"{project / 'lib/db.py'}, line 2" in page.text
    # A handler routetree cannot call, and a bad segment config: the route file.
    arity_details = arity.json()["exception"]
    assert arity_details["type"] == "RouteImportError"
    assert (
        "GET in app/api/arity/route.py takes more than two parameters"
        in (arity_details["message"])
    )
    assert arity_details["file"] == str(project / "app/api/arity/route.py")
    assert arity_details["line"] == 4  # def GET(...)
    config_details = config.json()["exception"]
    assert config_details["type"] == "ConfigError"
    assert config_details["file"] == str(project / "app/api/config/route.py")
    # The terminal says it once, at start-up, with the path it breaks.
    assert "✓ Ready: 4 routes (3 failed to load)" in output
    assert "Error: Failed to import app/api/broken/route.py" in output
    assert "Requests to /api/broken answer 500 with this error" in output
    assert output.count("Failed to import app/api/broken/route.py:") == 1


def test_start_still_refuses_a_project_with_a_broken_route_file(
    make_project: MakeProject,
) -> None:
    broken = ("app/api/ok/route.py", "app/api/broken/route.py", "lib/db.py")
    project = make_project({name: FAILING_FILES[name] for name in broken})
    result = subprocess.run(
        [sys.executable, "-m", "routetree", "start", str(project), "--port", "0"],
        capture_output=True,
        encoding="utf-8",
        timeout=60,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 1
    assert result.stderr.startswith(
        "Error: Failed to import app/api/broken/route.py:"
    ), result.stderr
    assert "RuntimeError: database is down" in result.stderr


# --- the whole project broken: the 500 points at the user's file ----------------------


@pytest.mark.parametrize(
    ("files", "file", "line", "message"),
    [
        pytest.param(
            {
                "app/(a)/api/x/route.py": OK_ROUTE,
                "app/(b)/api/x/route.py": OK_ROUTE,
            },
            "app/(b)/api/x/route.py",
            None,
            "Conflicting routes at /api/x",
            id="route-conflict",
        ),
        pytest.param(
            {
                "app/api/[a.b]/route.py": OK_ROUTE,
            },
            "app/api/[a.b]/route.py",
            None,
            "Invalid param name 'a.b'",
            id="invalid-segment",
        ),
        pytest.param(
            {
                "app/api/x/route.py": OK_ROUTE,
                "middleware.py": (
                    "config = {'matchers': ['/api/:path*']}\n\n\n"
                    "def middleware(request):\n    return None\n"
                ),
            },
            "middleware.py",
            None,
            'did you mean "matcher"?',
            id="middleware-config",
        ),
        pytest.param(
            {
                "app/api/x/route.py": OK_ROUTE,
                "middleware.py": (
                    "from routetree import Response\n\nsecret = settings.SECRET\n"
                ),
            },
            "middleware.py",
            3,
            "NameError: name 'settings' is not defined",
            id="middleware-import",
        ),
        pytest.param(
            {
                "app/api/x/route.py": OK_ROUTE,
                "instrumentation.py": "register = 'not a function'\n",
            },
            "instrumentation.py",
            None,
            "register in instrumentation.py is a str, not a function",
            id="instrumentation",
        ),
        pytest.param(
            {
                "app/api/x/route.py": OK_ROUTE,
                "routetree.toml": "trailing_slash = 'yes'\n",
            },
            "routetree.toml",
            None,
            "trailing_slash",
            id="config-file",
        ),
    ],
)
def test_dev_shows_a_broken_project_at_the_users_file(
    make_project: MakeProject,
    files: dict[str, str],
    file: str,
    line: int | None,
    message: str,
) -> None:
    project = make_project(files)
    with live_server(project, command="dev") as server:
        response = httpx.get(f"{server}/api/x", timeout=10)
    assert response.status_code == 500
    details = response.json()["exception"]
    assert message in details["message"], details["message"]
    assert details["file"] == str(project / file)
    assert details["line"] == line
    assert "/routetree/_" not in details["traceback"]
    assert "site-packages" not in details["traceback"]


def test_dev_answers_a_websocket_upgrade_with_the_load_error(
    make_project: MakeProject,
) -> None:
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    broken_route = make_project(FAILING_FILES)
    broken_project = make_project(
        {
            "app/(a)/api/x/route.py": _route("a"),
            "app/(b)/api/x/route.py": _route("b"),
        }
    )
    for project, path, expected in [
        (broken_route, "/api/broken", "RouteImportError"),
        (broken_project, "/api/x", "RouteConflictError"),
    ]:
        with live_server(project, command="dev") as server:
            url = server.replace("http://", "ws://", 1) + path
            with pytest.raises(InvalidStatus) as refused, connect(url):
                pass
        response = refused.value.response
        assert response.status_code == 500
        assert (
            orjson.loads(bytes(response.body or b""))["exception"]["type"] == expected
        )
