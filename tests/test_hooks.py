"""Project hooks through a real server: request.state, handle_error and shutdown().

tests/apps/hooks has every hook: ``middleware.py`` sets ``request.state.user`` from
``x-user``, and ``instrumentation.py``'s ``handle_error`` answers every error in
RealWorld's shape, ``{"errors": {"body": [...]}}``, plus the error's type (``kind``)
and the ``request.state.user`` it saw. Each test of the module-wide server runs twice:
against the project as it is (the configured request path, async hooks), and against
a copy without ``middleware.py`` and ``routetree.toml`` (the short path of a plain
project, with the plain ``def`` hooks: $HOOKS_SYNC=1).
"""

from __future__ import annotations

import concurrent.futures
import json
import shutil
import signal
import time
from typing import TYPE_CHECKING, NamedTuple

import httpx
import orjson
import pytest

from routetree.testing import LiveServer, live_server
from tests.conftest import APPS
from tests.raw_http import raw_send

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.conftest import MakeProject

HOOKS = APPS / "hooks"


class HooksServer(NamedTuple):
    """A running server of tests/apps/hooks, and what its hooks record."""

    url: LiveServer
    markers: Path
    configured: bool


def _plain_copy(destination: Path) -> Path:
    """tests/apps/hooks without middleware.py and routetree.toml: the short path."""
    project = destination / "hooks"
    shutil.copytree(HOOKS, project, ignore=shutil.ignore_patterns("__pycache__"))
    (project / "middleware.py").unlink()
    (project / "routetree.toml").unlink()
    return project


@pytest.fixture(scope="module", params=["configured", "plain"])
def hooks(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HooksServer]:
    """tests/apps/hooks served by ``routetree start``, for the whole module."""
    configured = request.param == "configured"
    markers = tmp_path_factory.mktemp("markers")
    project = HOOKS if configured else _plain_copy(tmp_path_factory.mktemp("plain"))
    env = {"HOOKS_MARKERS": str(markers), "HOOKS_SYNC": "" if configured else "1"}
    with live_server(project, env=env) as url:
        yield HooksServer(url, markers, configured)


@pytest.fixture(scope="module")
def configured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HooksServer]:
    """tests/apps/hooks as it is, middleware included: for the middleware's tests."""
    markers = tmp_path_factory.mktemp("markers")
    with live_server(HOOKS, env={"HOOKS_MARKERS": str(markers)}) as url:
        yield HooksServer(url, markers, configured=True)


@pytest.fixture
def client(hooks: HooksServer) -> Iterator[httpx.Client]:
    """An HTTP client of the module's server."""
    with httpx.Client(base_url=hooks.url, timeout=30) as client:
        yield client


def _realworld(messages: list[str], kind: str, user: str | None = None) -> object:
    return {"errors": {"body": messages}, "kind": kind, "user": user}


def _records(markers: Path, name: str) -> list[dict[str, object]]:
    file = markers / name
    if not file.exists():
        return []
    return [json.loads(line) for line in file.read_text().splitlines()]


def _wait_for(condition: object, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not callable(condition) or not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _wait_for_output(server: LiveServer, text: str) -> None:
    _wait_for(lambda: text in server.output, f"{text!r} in:\n{server.output}")


# --- request.state ----------------------------------------------------------------


def test_state_set_by_middleware_reaches_the_handler_of_its_request_only(
    configured: HooksServer,
) -> None:
    client = httpx.Client(base_url=configured.url, timeout=30)
    with client, concurrent.futures.ThreadPoolExecutor(2) as pool:
        ada, bob = (
            pool.submit(
                client.get, "/api/me", params={"pause": "0.5"}, headers={"x-user": user}
            )
            for user in ("ada", "bob")
        )
        answers = ada.result(), bob.result()
        # A later request starts from an empty state: nothing of those two is left.
        later = client.get("/api/state")
        carol = client.get("/api/state", headers={"x-user": "carol"})
    for answer, user in zip(answers, ("ada", "bob"), strict=True):
        assert answer.status_code == 200
        assert answer.json() == {
            "before": user,
            "after": user,
            "state": {"user": user, "seen_by": ["middleware", "handler"]},
        }
    assert later.json() == {}
    assert carol.json() == {"user": "carol", "seen_by": ["middleware"]}


def test_state_is_empty_and_writable_where_no_middleware_runs(
    client: httpx.Client,
) -> None:
    answer = client.get("/api/plain/state", headers={"x-user": "ada"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["state"] == {"mine": 1}
    assert body["missing"].startswith(
        "request.state has no attribute 'user': nothing set it for this request."
    )


def test_handle_error_sees_the_state_middleware_set(
    hooks: HooksServer, client: httpx.Client
) -> None:
    answer = client.get("/api/nowhere", headers={"x-user": "ada"})
    assert answer.status_code == 404
    user = "ada" if hooks.configured else None
    assert answer.json() == _realworld(["Not Found"], "HTTPError", user)


# --- handle_error: every kind of error, in the project's shape --------------------


def test_no_route_is_answered_by_handle_error(
    hooks: HooksServer, client: httpx.Client
) -> None:
    answer = client.get("/api/nowhere")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == _realworld(["Not Found"], "HTTPError")
    if hooks.configured:  # config headers are added to the hook's answer too
        assert answer.headers["x-served-by"] == "hooks"


@pytest.mark.parametrize(
    ("slug", "status", "phrase"),
    [
        ("missing", 404, "Not Found"),
        ("secret", 403, "Forbidden"),
        ("private", 401, "Unauthorized"),
    ],
    ids=["not_found", "forbidden", "unauthorized"],
)
def test_stop_functions_are_answered_by_handle_error(
    client: httpx.Client, slug: str, status: int, phrase: str
) -> None:
    answer = client.get(f"/api/articles/{slug}")
    assert answer.status_code == status
    assert answer.json() == _realworld([phrase], "HTTPError")
    # What cookies() set before the stop still reaches the client.
    assert answer.headers["set-cookie"] == f"visited={slug}; Path=/"


def test_405_keeps_its_allow_header(client: httpx.Client) -> None:
    answer = client.delete("/api/articles/x")
    assert answer.status_code == 405
    assert answer.json() == _realworld(["Method Not Allowed"], "HTTPError")
    assert answer.headers["allow"] == "GET, HEAD, OPTIONS"


def test_malformed_json_is_answered_by_handle_error(client: httpx.Client) -> None:
    own = client.post(
        "/api/articles", content=b'{"title": ', headers={"x-handle-error": "none"}
    )
    answer = client.post("/api/articles", content=b'{"title": ')
    assert answer.status_code == own.status_code == 400
    detail = own.json()["detail"]
    assert "line 1" in detail
    assert answer.json() == _realworld([detail], "InvalidJSONError")


def test_body_too_large_is_answered_by_handle_error(client: httpx.Client) -> None:
    answer = client.post("/api/articles", content=b"[" + b"1," * 1000 + b"1]")
    assert answer.status_code == 413
    assert answer.json() == _realworld(
        [
            "Request body is larger than the limit of 1024 bytes. Raise max_body_size "
            "in the route file (or in the project config) if larger bodies are "
            "expected."
        ],
        "HTTPError",
    )


def test_typed_validation_422_is_answered_by_handle_error(
    client: httpx.Client,
) -> None:
    own = client.post(
        "/api/users", json={"username": "ada"}, headers={"x-handle-error": "none"}
    )
    assert own.status_code == 422
    assert own.json()["detail"][0]["loc"] == ["body", "email"]
    answer = client.post("/api/users", json={"username": "ada"})
    assert answer.status_code == 422
    assert answer.json() == _realworld(
        ["email Field required"], "RequestValidationError"
    )


def test_handler_exception_is_passed_to_handle_error_and_still_reported(
    hooks: HooksServer, client: httpx.Client
) -> None:
    answer = client.get("/api/articles/broken")
    assert answer.status_code == 500
    assert answer.json() == _realworld(["something went wrong"], "LookupError")
    # on_request_error still gets the failure, after the answer is sent.
    reported = {"error": "LookupError", "path": "/api/articles/broken"}
    _wait_for(
        lambda: reported in _records(hooks.markers, "reported"), "on_request_error"
    )


def test_non_response_is_a_type_error_for_handle_error(client: httpx.Client) -> None:
    answer = client.get("/api/not-a-response")
    assert answer.status_code == 500
    assert answer.json() == _realworld(["something went wrong"], "TypeError")


def test_max_duration_504_is_an_http_error_for_handle_error(
    hooks: HooksServer, client: httpx.Client
) -> None:
    answer = client.get("/api/slow")
    assert answer.status_code == 504
    assert answer.json() == _realworld(
        ["The handler did not answer within max_duration (0.2 s)."], "HTTPError"
    )
    reported = {"error": "TimeoutError", "path": "/api/slow"}
    _wait_for(
        lambda: reported in _records(hooks.markers, "reported"), "on_request_error"
    )


def test_handlers_own_http_error_is_answered_by_handle_error(
    client: httpx.Client,
) -> None:
    answer = client.put("/api/conflict")
    assert answer.status_code == 409
    assert answer.json() == _realworld(["username is taken"], "HTTPError")
    assert answer.headers["x-conflict"] == "username"


@pytest.mark.parametrize(
    ("method", "target", "detail"),
    [
        ("GET", "/api/%zz", "Malformed URL"),
        ("PROPFIND", "/api/state", "Unsupported method 'PROPFIND'"),
    ],
    ids=["bad-escape", "unknown-method"],
)
def test_refused_targets_are_answered_by_handle_error(
    hooks: HooksServer, method: str, target: str, detail: str
) -> None:
    answer = raw_send(
        hooks.url,
        f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Connection: close\r\n\r\n".encode(),
    )
    assert answer.status == 400
    body = orjson.loads(answer.body)
    assert body["kind"] == "HTTPError"
    assert body["errors"]["body"][0].startswith(detail)


def test_a_refused_host_is_not_passed_to_handle_error(hooks: HooksServer) -> None:
    # Stage 1: no request is trusted enough to hand to project code yet.
    answer = raw_send(
        hooks.url,
        b"GET /api/state HTTP/1.1\r\nHost: evil.example#x\r\nConnection: close\r\n\r\n",
    )
    assert answer.status == 400
    assert orjson.loads(answer.body)["error"] == "Bad Request"


def test_a_redirect_is_not_an_error(client: httpx.Client) -> None:
    answer = client.get("/api/go")
    assert answer.status_code == 307
    assert answer.headers["location"] == "/api/state"
    assert b"errors" not in answer.content


def test_head_of_an_error_has_no_body(client: httpx.Client) -> None:
    answer = client.head("/api/nowhere")
    assert answer.status_code == 404
    assert answer.content == b""


def test_handle_error_returning_none_keeps_routetrees_answer(
    client: httpx.Client,
) -> None:
    headers = {"x-handle-error": "none"}
    missing = client.get("/api/nowhere", headers=headers)
    assert missing.status_code == 404
    assert missing.content == b'{"error":"Not Found"}'
    broken = client.get("/api/articles/broken", headers=headers)
    assert broken.status_code == 500
    assert broken.content == b'{"error":"Internal Server Error"}'


@pytest.mark.parametrize("path", ["/api/nowhere", "/api/articles/broken"])
def test_handle_error_that_raises_is_logged_and_routetrees_answer_sent(
    hooks: HooksServer, client: httpx.Client, path: str
) -> None:
    answer = client.get(path, headers={"x-handle-error": "raise"})
    expected = {"/api/nowhere": 404, "/api/articles/broken": 500}[path]
    assert answer.status_code == expected
    assert answer.json() == {
        "error": "Not Found" if expected == 404 else "Internal Server Error"
    }
    _wait_for_output(
        hooks.url,
        "Error in handle_error of instrumentation.py; answering GET "
        f"{path} with routetree's {expected}",
    )
    assert "RuntimeError: handle_error broke" in hooks.url.output


def test_handle_error_returning_something_else_is_logged(
    hooks: HooksServer, client: httpx.Client
) -> None:
    answer = client.get("/api/nowhere", headers={"x-handle-error": "dict"})
    assert answer.status_code == 404
    assert answer.content == b'{"error":"Not Found"}'
    _wait_for_output(
        hooks.url,
        "handle_error of instrumentation.py returned dict: return a Response, or None "
        "to keep routetree's answer (404 for GET /api/nowhere).",
    )


def test_failing_middleware_is_answered_by_handle_error(
    configured: HooksServer,
) -> None:
    answer = httpx.get(
        f"{configured.url}/api/state", headers={"x-middleware": "raise"}, timeout=30
    )
    assert answer.status_code == 500
    assert answer.json() == _realworld(["something went wrong"], "RuntimeError")
    reported = {"error": "RuntimeError", "path": "/api/state"}
    _wait_for(
        lambda: reported in _records(configured.markers, "reported"),
        "on_request_error",
    )


# --- shutdown() -------------------------------------------------------------------


@pytest.mark.parametrize("sync", [False, True], ids=["async", "sync"])
def test_shutdown_runs_once_after_the_drain(tmp_path: Path, sync: bool) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    env = {"HOOKS_MARKERS": str(markers), "HOOKS_SYNC": "1" if sync else ""}
    with live_server(HOOKS, env=env) as server:
        with httpx.Client(base_url=server, timeout=30) as client:
            assert client.get("/api/state").status_code == 200
            assert _records(markers, "events") == []  # not before the server stops
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                in_flight = pool.submit(client.get, "/api/drain")
                time.sleep(0.3)
                server.process.send_signal(signal.SIGTERM)
                drained = in_flight.result(timeout=20)
        assert drained.text == "drained"
        # A single uvicorn process exits through the signal it drained for.
        assert server.process.wait(timeout=20) in (0, -signal.SIGTERM)
    pid = server.process.pid  # one process: no --workers
    assert _records(markers, "events") == [
        {"event": "request finished", "pid": pid},
        {"event": "shutdown", "pid": pid, "sync": sync},
    ]


def test_shutdown_runs_once_in_each_worker(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    env = {"HOOKS_MARKERS": str(markers), "HOOKS_SYNC": ""}
    with live_server(HOOKS, env=env, args=("--workers", "2")) as server:
        # Both workers have started (lifespan done) once both have answered.
        pids: set[str] = set()
        deadline = time.monotonic() + 30
        while len(pids) < 2:
            assert time.monotonic() < deadline, server.output
            pids.add(httpx.get(f"{server}/api/pid", timeout=10).text)
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=30) == 0
    events = _records(markers, "events")
    assert sorted(str(event["pid"]) for event in events) == sorted(pids)
    assert all(event["event"] == "shutdown" for event in events)


def test_shutdown_that_raises_is_logged_and_the_server_stops_as_usual(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "instrumentation.py": """
            def shutdown():
                raise RuntimeError("pool already closed")
            """,
            "app/api/x/route.py": """
            from routetree import Response

            def GET():
                return Response("x")
            """,
        }
    )
    with live_server(project) as server:
        assert httpx.get(f"{server}/api/x").text == "x"
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=20) in (0, -signal.SIGTERM)
        _wait_for_output(server, "Error in shutdown of instrumentation.py")
        assert "RuntimeError: pool already closed" in server.output
