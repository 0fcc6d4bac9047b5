"""routetree._instrumentation: register() at start-up, on_request_error() on errors."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

from routetree import RouteImportError, create_app
from routetree.testing import TestClient

if TYPE_CHECKING:
    from pathlib import Path

    from routetree._types import Message
    from tests.conftest import MakeProject

RECORD = "INSTRUMENTATION_RECORD"

# Every project file appends one JSON line to the file named by $INSTRUMENTATION_RECORD.
RECORDING_INSTRUMENTATION = """
import json
import os

def record(entry):
    with open(os.environ["INSTRUMENTATION_RECORD"], "a") as file:
        file.write(json.dumps(entry) + "\\n")

def register():
    record("register")

def on_request_error(error, request, context):
    record(
        {
            "error": type(error).__name__,
            "message": str(error),
            "request": request,
            "context": context,
        }
    )
"""

ASYNC_REGISTER_INSTRUMENTATION = """
import json
import os

import anyio

async def register():
    await anyio.lowlevel.checkpoint()
    with open(os.environ["INSTRUMENTATION_RECORD"], "a") as file:
        file.write(json.dumps("async register") + "\\n")
"""

RECORDING_ROUTE = """
import json
import os

from routetree import Response

def GET() -> Response:
    with open(os.environ["INSTRUMENTATION_RECORD"], "a") as file:
        file.write(json.dumps("handler") + "\\n")
    return Response.json({"ok": True})
"""

FAILING_ROUTES = {
    "raises": """
    def GET():
        raise ValueError("boom")
    """,
    "returns-a-dict": """
    def GET():
        return {"not": "a response"}
    """,
    "exceeds-max-duration": """
    import anyio

    max_duration = 0.01

    async def GET():
        await anyio.sleep_forever()
    """,
}


@pytest.fixture
def record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file project code appends to (set before any app is created)."""
    path = tmp_path / "record.jsonl"
    path.touch()
    monkeypatch.setenv(RECORD, str(path))
    return path


def _entries(record: Path) -> list[Any]:
    return [json.loads(line) for line in record.read_text().splitlines()]


def _errors(record: Path) -> list[dict[str, Any]]:
    return [entry for entry in _entries(record) if isinstance(entry, dict)]


def test_register_runs_once_before_the_first_request(
    make_project: MakeProject, record: Path
) -> None:
    project = make_project(
        {
            "instrumentation.py": RECORDING_INSTRUMENTATION,
            "app/api/hello/route.py": RECORDING_ROUTE,
        }
    )

    with TestClient(project) as client:
        assert _entries(record) == ["register"]
        first = client.get("/api/hello")
        second = client.get("/api/hello")

    assert (first.status_code, second.status_code) == (200, 200)
    assert _entries(record) == ["register", "handler", "handler"]


def test_async_register_is_awaited_at_start_up(
    make_project: MakeProject, record: Path
) -> None:
    project = make_project(
        {
            "instrumentation.py": ASYNC_REGISTER_INSTRUMENTATION,
            "app/api/hello/route.py": RECORDING_ROUTE,
        }
    )

    with TestClient(project) as client:
        assert _entries(record) == ["async register"]
        response = client.get("/api/hello")

    assert response.status_code == 200
    assert _entries(record) == ["async register", "handler"]


THREAD_RECORDING_INSTRUMENTATION = """
import asyncio
import json
import os

def record(hook):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        on_loop = False
    else:
        on_loop = True
    with open(os.environ["INSTRUMENTATION_RECORD"], "a") as file:
        file.write(json.dumps({"hook": hook, "on_loop": on_loop}) + "\\n")

def register():
    record("register")

def on_request_error(error, request, context):
    record("on_request_error")
"""


def test_sync_register_runs_on_the_loop_and_on_request_error_in_a_thread(
    make_project: MakeProject, record: Path
) -> None:
    project = make_project(
        {
            "instrumentation.py": THREAD_RECORDING_INSTRUMENTATION,
            "app/api/throws/route.py": FAILING_ROUTES["raises"],
        }
    )

    with TestClient(project) as client:
        response = client.get("/api/throws")

    assert response.status_code == 500
    assert _entries(record) == [
        {"hook": "register", "on_loop": True},
        {"hook": "on_request_error", "on_loop": False},
    ]


def test_register_is_not_called_when_the_app_is_built(
    make_project: MakeProject, record: Path
) -> None:
    project = make_project(
        {
            "instrumentation.py": RECORDING_INSTRUMENTATION,
            "app/api/hello/route.py": RECORDING_ROUTE,
        }
    )

    create_app(project)

    assert _entries(record) == []


def test_register_runs_on_the_first_request_without_lifespan(
    make_project: MakeProject, record: Path
) -> None:
    project = make_project(
        {
            "instrumentation.py": RECORDING_INSTRUMENTATION,
            "app/api/hello/route.py": RECORDING_ROUTE,
        }
    )
    client = TestClient(project)
    try:
        first = client.get("/api/hello")
        second = client.get("/api/hello")
    finally:
        client.close()

    assert (first.status_code, second.status_code) == (200, 200)
    assert _entries(record) == ["register", "handler", "handler"]


def _http_scope(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


@pytest.mark.anyio
async def test_register_runs_before_the_handler_when_called_as_plain_asgi(
    make_project: MakeProject, record: Path
) -> None:
    project = make_project(
        {
            "instrumentation.py": ASYNC_REGISTER_INSTRUMENTATION,
            "app/api/hello/route.py": RECORDING_ROUTE,
        }
    )
    app = create_app(project)
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(_http_scope("/api/hello"), receive, send)
    await app(_http_scope("/api/hello"), receive, send)

    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [
        200,
        200,
    ]
    assert _entries(record) == ["async register", "handler", "handler"]


def _failing_project(make_project: MakeProject, source: str) -> Path:
    return make_project(
        {
            "instrumentation.py": RECORDING_INSTRUMENTATION,
            "app/api/throws/route.py": source,
        }
    )


@pytest.mark.parametrize(
    ("route", "status", "error", "message_start"),
    [
        pytest.param("raises", 500, "ValueError", "boom", id="raises"),
        pytest.param(
            "returns-a-dict",
            500,
            "TypeError",
            "No response is returned",
            id="returns-a-non-response",
        ),
        pytest.param(
            "exceeds-max-duration",
            504,
            "TimeoutError",
            "Route handler app/api/throws/route.py (method: GET, url: /api/throws) "
            "exceeded max_duration",
            id="max-duration-timeout",
        ),
    ],
)
def test_on_request_error_receives_error_request_and_context(
    make_project: MakeProject,
    record: Path,
    route: str,
    status: int,
    error: str,
    message_start: str,
) -> None:
    project = _failing_project(make_project, FAILING_ROUTES[route])

    with TestClient(project) as client:
        response = client.get("/api/throws", headers={"x-probe": "probe-value"})

    assert response.status_code == status
    [reported] = _errors(record)
    assert reported["error"] == error
    assert reported["message"].startswith(message_start)
    assert reported["request"]["path"] == "/api/throws"
    assert reported["request"]["method"] == "GET"
    assert reported["request"]["headers"]["x-probe"] == "probe-value"
    assert reported["request"]["headers"]["host"] == "testserver"
    assert set(reported["request"]) == {"path", "method", "headers"}
    assert reported["context"] == {
        "router_kind": "App Router",
        "route_path": "/api/throws",
        "route_type": "route",
    }


def test_client_gets_the_plain_500_body_when_an_error_is_reported(
    make_project: MakeProject, record: Path
) -> None:
    project = _failing_project(make_project, FAILING_ROUTES["raises"])

    with TestClient(project) as client:
        response = client.get("/api/throws")

    assert response.status_code == 500
    assert response.json() == {"error": "Internal Server Error"}
    assert _entries(record)[0] == "register"
    assert len(_errors(record)) == 1


def test_on_request_error_route_path_is_in_folder_notation(
    make_project: MakeProject, record: Path
) -> None:
    project = make_project(
        {
            "instrumentation.py": RECORDING_INSTRUMENTATION,
            "app/api/users/[id]/route.py": FAILING_ROUTES["raises"],
        }
    )

    with TestClient(project) as client:
        response = client.get("/api/users/42")

    assert response.status_code == 500
    [reported] = _errors(record)
    assert reported["request"]["path"] == "/api/users/42"
    assert reported["context"]["route_path"] == "/api/users/[id]"


def test_async_on_request_error_is_awaited(
    make_project: MakeProject, record: Path
) -> None:
    instrumentation = """
    import json
    import os

    import anyio

    async def on_request_error(error, request, context):
        await anyio.lowlevel.checkpoint()
        with open(os.environ["INSTRUMENTATION_RECORD"], "a") as file:
            file.write(json.dumps({"error": str(error)}) + "\\n")
    """
    project = make_project(
        {
            "instrumentation.py": instrumentation,
            "app/api/throws/route.py": FAILING_ROUTES["raises"],
        }
    )

    with TestClient(project) as client:
        response = client.get("/api/throws")

    assert response.status_code == 500
    assert _errors(record) == [{"error": "boom"}]


NOT_REPORTED_ROUTE = """
from routetree import Request, Response, not_found

def GET() -> Response:
    not_found()

async def POST(request: Request) -> Response:
    return Response.json(await request.json())
"""


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        pytest.param("GET", "/api/nothing-here", None, 404, id="no-route-404"),
        pytest.param("DELETE", "/api/throws", None, 405, id="method-not-allowed-405"),
        pytest.param("GET", "/api/throws", None, 404, id="not-found-call"),
        pytest.param("POST", "/api/throws", b"{bad json", 400, id="malformed-json-400"),
    ],
)
def test_on_request_error_is_not_called_for_client_errors(
    make_project: MakeProject,
    record: Path,
    method: str,
    path: str,
    body: bytes | None,
    status: int,
) -> None:
    project = _failing_project(make_project, NOT_REPORTED_ROUTE)

    with TestClient(project) as client:
        response = client.request(
            method,
            path,
            content=body,
            headers={"content-type": "application/json"},
        )

    assert response.status_code == status
    assert _entries(record) == ["register"]


def test_error_inside_on_request_error_is_logged_not_sent(
    make_project: MakeProject, caplog: pytest.LogCaptureFixture
) -> None:
    instrumentation = """
    def on_request_error(error, request, context):
        raise RuntimeError("the reporter broke")
    """
    project = make_project(
        {
            "instrumentation.py": instrumentation,
            "app/api/throws/route.py": FAILING_ROUTES["raises"],
        }
    )

    with (
        caplog.at_level(logging.ERROR, logger="routetree"),
        TestClient(project) as client,
    ):
        response = client.get("/api/throws")

    assert response.status_code == 500
    assert response.json() == {"error": "Internal Server Error"}
    [logged] = [
        r for r in caplog.records if r.getMessage().startswith("Error in on_request")
    ]
    assert logged.getMessage() == "Error in on_request_error of instrumentation.py"
    assert logged.levelno == logging.ERROR
    assert logged.exc_info is not None
    assert isinstance(logged.exc_info[1], RuntimeError)
    assert str(logged.exc_info[1]) == "the reporter broke"


def test_register_raising_fails_start_up(make_project: MakeProject) -> None:
    instrumentation = """
    def register():
        raise RuntimeError("database unreachable")
    """
    project = make_project(
        {
            "instrumentation.py": instrumentation,
            "app/api/hello/route.py": RECORDING_ROUTE,
        }
    )
    client = TestClient(project)

    try:
        with pytest.raises(RuntimeError, match="database unreachable"), client:
            pass
    finally:
        # Stops the client's event-loop thread even if a failed __enter__ left it up.
        client.__exit__(None, None, None)


def test_instrumentation_with_a_syntax_error_fails_create_app(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "instrumentation.py": "def register(:\n    pass\n",
            "app/api/hello/route.py": RECORDING_ROUTE,
        }
    )

    with pytest.raises(RouteImportError) as caught:
        create_app(project)

    assert str(caught.value).startswith("Failed to import instrumentation.py:")
    assert "SyntaxError" in str(caught.value)


def test_instrumentation_raising_on_import_fails_create_app(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "instrumentation.py": "raise ImportError('no tracing library')\n",
            "app/api/hello/route.py": RECORDING_ROUTE,
        }
    )

    with pytest.raises(RouteImportError) as caught:
        create_app(project)

    assert str(caught.value).startswith("Failed to import instrumentation.py:")
    assert "ImportError: no tracing library" in str(caught.value)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param(
            "register = 5\n",
            "register in instrumentation.py is a int, not a function. "
            "Define `def register(...)` or remove the name.",
            id="register",
        ),
        pytest.param(
            "on_request_error = 'sentry'\n",
            "on_request_error in instrumentation.py is a str, not a function. "
            "Define `def on_request_error(...)` or remove the name.",
            id="on_request_error",
        ),
        pytest.param(
            "shutdown = 1\n",
            "shutdown in instrumentation.py is a int, not a function. "
            "Define `def shutdown(...)` or remove the name.",
            id="shutdown",
        ),
        pytest.param(
            "handle_error = {}\n",
            "handle_error in instrumentation.py is a dict, not a function. "
            "Define `def handle_error(...)` or remove the name.",
            id="handle_error",
        ),
    ],
)
def test_a_hook_that_is_not_callable_fails_create_app(
    make_project: MakeProject, source: str, message: str
) -> None:
    project = make_project(
        {"instrumentation.py": source, "app/api/hello/route.py": RECORDING_ROUTE}
    )

    with pytest.raises(RouteImportError) as caught:
        create_app(project)

    assert str(caught.value) == message


def test_instrumentation_without_hooks_is_fine(
    make_project: MakeProject, record: Path
) -> None:
    project = make_project(
        {
            "instrumentation.py": "TRACING = False\n",
            "app/api/hello/route.py": RECORDING_ROUTE,
        }
    )

    with TestClient(project) as client:
        response = client.get("/api/hello")

    assert response.status_code == 200
    assert _entries(record) == ["handler"]


def test_instrumentation_is_found_only_beside_app(
    make_project: MakeProject, record: Path
) -> None:
    project = make_project(
        {
            "app/instrumentation.py": RECORDING_INSTRUMENTATION,
            "app/api/hello/route.py": RECORDING_ROUTE,
        }
    )

    with TestClient(project) as client:
        response = client.get("/api/hello")

    assert response.status_code == 200
    assert _entries(record) == ["handler"]


def test_a_5xx_http_error_raised_on_purpose_is_reported(
    make_project: MakeProject, record: Path
) -> None:
    project = make_project(
        {
            "instrumentation.py": RECORDING_INSTRUMENTATION,
            "app/api/busy/route.py": (
                "from routetree import HTTPError\n\n\n"
                "def GET():\n    raise HTTPError(503, 'database is down')\n"
            ),
        }
    )
    with TestClient(project) as client:
        response = client.get("/api/busy")
    assert response.status_code == 503
    assert response.json() == {
        "error": "Service Unavailable",
        "detail": "database is down",
    }
    [entry] = _errors(record)
    assert entry["error"] == "HTTPError"
    assert entry["context"]["route_path"] == "/api/busy"


def test_register_failing_in_dev_mode_is_shown_on_every_request(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "instrumentation.py": (
                "def register():\n    raise RuntimeError('db down')\n"
            ),
            "app/api/x/route.py": (
                "from routetree import Response\n\n\n"
                "async def GET():\n    return Response('x')\n"
            ),
        }
    )
    with TestClient(project, dev=True) as client:
        first = client.get("/api/x")
        page = client.get("/api/x", headers={"accept": "text/html"})
    assert first.status_code == 500
    details = first.json()["exception"]
    assert (details["type"], details["message"]) == ("RuntimeError", "db down")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "db down" in page.text


@pytest.mark.parametrize("file", ["middleware.py", "proxy.py"])
def test_a_middleware_that_raises_is_reported_as_proxy(
    make_project: MakeProject, record: Path, file: str
) -> None:
    function = file.removesuffix(".py")
    project = make_project(
        {
            "instrumentation.py": RECORDING_INSTRUMENTATION,
            file: f"def {function}(request):\n    raise KeyError('no session')\n",
            "app/api/x/route.py": FAILING_ROUTES["raises"],
        }
    )

    with TestClient(project) as client:
        response = client.get("/api/x")

    assert response.status_code == 500
    [reported] = _errors(record)
    assert reported["error"] == "KeyError"
    assert reported["request"]["path"] == "/api/x"
    assert reported["context"] == {
        "router_kind": "App Router",
        "route_path": f"/{function}",
        "route_type": "proxy",
    }


SHUTDOWN_INSTRUMENTATION = """
import json
import os

def register():
    record("register")

def shutdown():
    record("shutdown")

def record(entry):
    with open(os.environ["INSTRUMENTATION_RECORD"], "a") as file:
        file.write(json.dumps(entry) + "\\n")
"""


def test_shutdown_runs_once_when_the_test_client_block_ends(
    make_project: MakeProject, record: Path
) -> None:
    project = make_project(
        {
            "instrumentation.py": SHUTDOWN_INSTRUMENTATION,
            "app/api/hello/route.py": RECORDING_ROUTE,
        }
    )

    with TestClient(project) as client:
        assert client.get("/api/hello").status_code == 200
        assert _entries(record) == ["register", "handler"]

    assert _entries(record) == ["register", "handler", "shutdown"]


def test_shutdown_is_skipped_when_register_failed_in_dev_mode(
    make_project: MakeProject, record: Path
) -> None:
    project = make_project(
        {
            "instrumentation.py": SHUTDOWN_INSTRUMENTATION.replace(
                'record("register")', 'raise RuntimeError("no database")'
            ),
            "app/api/hello/route.py": RECORDING_ROUTE,
        }
    )

    with TestClient(project, dev=True) as client:
        assert client.get("/api/hello").status_code == 500

    assert _entries(record) == []  # nothing was opened, so nothing to close


def test_handle_error_is_called_in_process_too(make_project: MakeProject) -> None:
    project = make_project(
        {
            "instrumentation.py": """
            from routetree import Response

            def handle_error(error, request):
                return Response.json({"status": error.status}, status=error.status)
            """,
            "app/api/hello/route.py": RECORDING_ROUTE,
        }
    )

    with TestClient(project) as client:
        response = client.get("/api/nowhere")

    assert response.status_code == 404
    assert response.json() == {"status": 404}


def test_handle_error_answers_the_configured_paths_errors(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "routetree.toml": 'base_path = "/base"\n',
            "instrumentation.py": """
            from routetree import Response

            async def handle_error(error, request):
                return Response.json(
                    {"status": error.status, "path": request.url.path},
                    status=error.status,
                )
            """,
            "app/api/hello/route.py": RECORDING_ROUTE,
        }
    )

    with TestClient(project) as client:
        outside = client.get("/elsewhere")
        no_route = client.get("/base/api/nowhere")
        wrong_method = client.post("/base/api/hello")

    assert outside.status_code == 404
    assert outside.json() == {"status": 404, "path": "/elsewhere"}
    assert no_route.json() == {"status": 404, "path": "/api/nowhere"}
    assert wrong_method.status_code == 405
    assert wrong_method.json() == {"status": 405, "path": "/api/hello"}
    assert wrong_method.headers["allow"] == "GET, HEAD, OPTIONS"


MISSPELLED_HOOKS = """
from lib.hooks import Register


def Shutdown():
    pass


async def onRequestError(error, request, context):
    pass


def on_request_errors(error, request, context):
    pass


def handleError(error, request):
    pass


def registry():
    return {}


def _register():
    pass


def register():
    pass
"""


def test_build_warns_of_functions_named_almost_like_a_hook(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "app/api/x/route.py": NOT_REPORTED_ROUTE,
            "lib/hooks.py": "def Register():\n    pass\n",
            "instrumentation.py": MISSPELLED_HOOKS,
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "routetree", "build", str(project)],
        capture_output=True,
        encoding="utf-8",
        timeout=60,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())  # as printed, wrapped to the terminal
    expected = [
        ("Shutdown", "shutdown"),
        ("onRequestError", "on_request_error"),
        ("on_request_errors", "on_request_error"),
        ("handleError", "handle_error"),
    ]
    for name, hook in expected:
        assert (
            f"⚠ instrumentation.py defines {name}(), which routetree never calls. "
            f"Rename it to {hook}() if it is meant as that hook."
        ) in text, result.stdout
    # Not the imported Register, the helper registry() or the private _register().
    assert text.count("⚠") == len(expected), result.stdout
