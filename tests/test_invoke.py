"""Calling handlers: arities, threads, bad returns, exceptions, HTTPError, 504.

And `call_user_code`, the one way every piece of project code is called.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import time
from typing import TYPE_CHECKING

import anyio
import httpx
import pytest

from routetree._invoke import call_user_code, is_async_callable
from routetree.testing import AsyncTestClient, LiveServer, TestClient, live_server
from tests.conftest import APPS

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

    from tests.conftest import MakeProject

ROUTE = "app/api/x/route.py"
INTERNAL_ERROR = b'{"error":"Internal Server Error"}'


# --- arities --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix", [pytest.param("async ", id="async"), pytest.param("", id="sync")]
)
@pytest.mark.parametrize(
    ("signature", "body", "expected"),
    [
        pytest.param("()", '{"args": 0}', {"args": 0}, id="no-arguments"),
        pytest.param(
            "(request)",
            '{"args": 1, "method": request.method}',
            {"args": 1, "method": "GET"},
            id="request",
        ),
        pytest.param(
            "(request, context)",
            '{"args": 2, "method": request.method, "params": context.params}',
            {"args": 2, "method": "GET", "params": {"id": "42"}},
            id="request-and-context",
        ),
        pytest.param(
            "(request, context, extra=None)",
            '{"args": 2, "extra": extra, "params": context.params}',
            {"args": 2, "extra": None, "params": {"id": "42"}},
            id="optional-third-parameter-left-alone",
        ),
        pytest.param(
            "(*args)",
            '{"args": len(args), "params": args[1].params}',
            {"args": 2, "params": {"id": "42"}},
            id="var-positional-gets-both",
        ),
    ],
)
def test_handler_arities(
    make_project: MakeProject,
    prefix: str,
    signature: str,
    body: str,
    expected: dict[str, object],
) -> None:
    source = f"""
    from routetree import Response

    {prefix}def GET{signature}:
        return Response.json({body})
    """
    project = make_project({"app/api/x/[id]/route.py": source})
    with TestClient(project) as client:
        response = client.get("/api/x/42")
    assert response.status_code == 200
    assert response.json() == expected


def test_static_route_context_has_empty_params(make_project: MakeProject) -> None:
    source = """
    from routetree import Response

    def GET(request, context):
        return Response.json({"params": context.params})
    """
    with TestClient(make_project({ROUTE: source})) as client:
        response = client.get("/api/x")
    assert response.status_code == 200
    assert response.json() == {"params": {}}


# --- threads --------------------------------------------------------------------------

THREADS_ROUTE = """
import asyncio
import threading

from routetree import Response


def _on_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def GET() -> Response:
    return Response.json({"thread": threading.get_ident(), "on_loop": _on_loop()})


def POST() -> Response:
    return Response.json({"thread": threading.get_ident(), "on_loop": _on_loop()})
"""


@pytest.mark.anyio
async def test_async_handler_runs_on_the_event_loop(make_project: MakeProject) -> None:
    # AsyncTestClient runs the app on this test's event loop, in this thread.
    async with AsyncTestClient(make_project({ROUTE: THREADS_ROUTE})) as client:
        response = await client.get("/api/x")
    assert response.status_code == 200
    assert response.json() == {"thread": threading.get_ident(), "on_loop": True}


@pytest.mark.anyio
async def test_sync_handler_runs_in_a_worker_thread(make_project: MakeProject) -> None:
    async with AsyncTestClient(make_project({ROUTE: THREADS_ROUTE})) as client:
        response = await client.post("/api/x")
    assert response.status_code == 200
    body = response.json()
    assert body["thread"] != threading.get_ident()
    assert body["on_loop"] is False


def test_sync_and_async_handlers_run_in_different_threads(
    make_project: MakeProject,
) -> None:
    with TestClient(make_project({ROUTE: THREADS_ROUTE})) as client:
        on_loop = client.get("/api/x").json()
        in_worker = client.post("/api/x").json()
    assert on_loop["on_loop"] is True
    assert in_worker["on_loop"] is False
    assert on_loop["thread"] != in_worker["thread"]


# --- a handler that returns something else --------------------------------------------


@pytest.mark.parametrize(
    ("source", "received"),
    [
        pytest.param("def GET():\n    return None", "NoneType", id="sync-none"),
        pytest.param("async def GET():\n    pass", "NoneType", id="async-none"),
        pytest.param("def GET():\n    return {'a': 1}", "dict", id="sync-dict"),
        pytest.param("async def GET():\n    return 'text'", "str", id="async-str"),
    ],
)
def test_handler_returning_a_non_response_is_a_logged_500(
    make_project: MakeProject,
    caplog: pytest.LogCaptureFixture,
    source: str,
    received: str,
) -> None:
    with (
        caplog.at_level(logging.ERROR),
        TestClient(make_project({ROUTE: source})) as client,
    ):
        response = client.get("/api/x")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.content == INTERNAL_ERROR
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any(
        "No response is returned from route handler app/api/x/route.py "
        "(method: GET, url: /api/x)"
        in message
        and received in message
        for message in messages
    ), messages


def test_non_response_log_names_the_method_and_path(
    make_project: MakeProject, caplog: pytest.LogCaptureFixture
) -> None:
    project = make_project(
        {"app/api/x/[id]/route.py": "def POST(request):\n    pass\n"}
    )
    with caplog.at_level(logging.ERROR), TestClient(project) as client:
        response = client.post("/api/x/7?q=1")
    assert response.status_code == 500
    assert any(
        "No response is returned from route handler app/api/x/[id]/route.py "
        "(method: POST, url: /api/x/7)" in r.getMessage()
        for r in caplog.records
    )


# --- a handler that raises ------------------------------------------------------------

RAISING_ROUTE = """
from routetree import Response


def GET() -> Response:
    secret = "s3cr3t-token"
    raise ValueError(f"boom from handler {secret}")


async def POST() -> Response:
    raise KeyError("missing")
"""
RAISE_LINE = (
    RAISING_ROUTE.lstrip()
    .splitlines()
    .index('    raise ValueError(f"boom from handler {secret}")')
    + 1
)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_handler_raising_is_a_500_that_reveals_nothing(
    make_project: MakeProject, caplog: pytest.LogCaptureFixture, method: str
) -> None:
    with (
        caplog.at_level(logging.ERROR),
        TestClient(make_project({ROUTE: RAISING_ROUTE})) as client,
    ):
        response = client.request(method, "/api/x")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-length"] == str(len(INTERNAL_ERROR))
    assert response.content == INTERNAL_ERROR
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors, "the exception is logged"
    assert any(r.exc_info is not None for r in errors)


def test_handler_raising_in_dev_mode_shows_the_exception(
    make_project: MakeProject,
) -> None:
    project = make_project({ROUTE: RAISING_ROUTE})
    with TestClient(project, dev=True) as client:
        response = client.get("/api/x")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "exception"}
    assert body["error"] == "Internal Server Error"
    exception = body["exception"]
    assert set(exception) == {"type", "message", "file", "line", "traceback"}
    assert exception["type"] == "ValueError"
    assert exception["message"] == "boom from handler s3cr3t-token"
    assert exception["file"] == str(project / "app/api/x/route.py")
    assert exception["line"] == RAISE_LINE
    assert exception["traceback"].startswith("Traceback (most recent call last):")
    assert exception["traceback"].endswith(
        "ValueError: boom from handler s3cr3t-token\n"
    )


def test_head_of_a_raising_get_has_no_body(make_project: MakeProject) -> None:
    with TestClient(make_project({ROUTE: RAISING_ROUTE})) as client:
        response = client.head("/api/x")
    assert response.status_code == 500
    assert response.content == b""


# --- HTTPError ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raise_", "status", "headers", "content"),
    [
        pytest.param(
            'HTTPError(422, "x")',
            422,
            [("content-type", "application/json"), ("content-length", "46")],
            b'{"error":"Unprocessable Content","detail":"x"}',
            id="422-with-detail",
        ),
        pytest.param(
            "HTTPError(409)",
            409,
            [("content-type", "application/json"), ("content-length", "20")],
            b'{"error":"Conflict"}',
            id="409-without-detail",
        ),
        pytest.param(
            'HTTPError(429, "slow down", headers={"retry-after": "30"})',
            429,
            [
                ("retry-after", "30"),
                ("content-type", "application/json"),
                ("content-length", "50"),
            ],
            b'{"error":"Too Many Requests","detail":"slow down"}',
            id="429-with-headers",
        ),
    ],
)
def test_http_error_becomes_its_json_error_body(
    make_project: MakeProject,
    raise_: str,
    status: int,
    headers: list[tuple[str, str]],
    content: bytes,
) -> None:
    source = f"""
    from routetree import HTTPError

    async def GET():
        raise {raise_}
    """
    with TestClient(make_project({ROUTE: source})) as client:
        response = client.get("/api/x")
    assert response.status_code == status
    assert response.headers.multi_items() == headers
    assert response.content == content


# --- max_duration ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            """
            import asyncio
            from routetree import Response

            max_duration = 0.2

            async def GET() -> Response:
                await asyncio.sleep(5)
                return Response("too late")
            """,
            id="async",
        ),
        pytest.param(
            """
            import threading
            from routetree import Response

            max_duration = 0.2
            _never = threading.Event()

            def GET() -> Response:
                _never.wait(5)
                return Response("too late")
            """,
            id="sync",
        ),
    ],
)
def test_handler_past_max_duration_is_504(
    make_project: MakeProject, caplog: pytest.LogCaptureFixture, source: str
) -> None:
    with (
        caplog.at_level(logging.ERROR),
        TestClient(make_project({ROUTE: source})) as client,
    ):
        response = client.get("/api/x")
    assert response.status_code == 504
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "detail"}
    assert body["error"] == "Gateway Timeout"
    assert "max_duration" in body["detail"]
    assert any("max_duration" in r.getMessage() for r in caplog.records)


def test_handler_within_max_duration_answers(make_project: MakeProject) -> None:
    source = """
    import asyncio
    from routetree import Response

    max_duration = 0.2

    async def GET() -> Response:
        await asyncio.sleep(0)
        return Response("in time")
    """
    with TestClient(make_project({ROUTE: source})) as client:
        response = client.get("/api/x")
    assert response.status_code == 200
    assert response.text == "in time"


# --- call_user_code -------------------------------------------------------------------


def _where_called(tag: str) -> dict[str, object]:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        on_loop = False
    else:
        on_loop = True
    return {"tag": tag, "thread": threading.get_ident(), "on_loop": on_loop}


async def _async_where(tag: str) -> dict[str, object]:
    return _where_called(tag)


def _sync_where(tag: str) -> dict[str, object]:
    return _where_called(tag)


def _sync_returning_awaitable(tag: str) -> Awaitable[dict[str, object]]:
    return _async_where(f"{tag} (awaited)")


def _here(tag: str) -> dict[str, object]:
    return {"tag": tag, "thread": threading.get_ident(), "on_loop": True}


@pytest.mark.anyio
async def test_call_user_code_awaits_an_async_function_on_the_loop() -> None:
    assert await call_user_code(_async_where, ("a",)) == _here("a")


@pytest.mark.anyio
async def test_call_user_code_runs_a_plain_def_in_a_worker_thread() -> None:
    result = await call_user_code(_sync_where, ("s",))
    assert isinstance(result, dict)
    assert result["tag"] == "s"
    assert result["thread"] != threading.get_ident()
    assert result["on_loop"] is False


@pytest.mark.anyio
async def test_call_user_code_awaits_an_awaitable_a_plain_def_returns() -> None:
    # The coroutine runs on the loop, though the function ran in a thread.
    result = await call_user_code(_sync_returning_awaitable, ("s",))
    assert result == _here("s (awaited)")


@pytest.mark.anyio
async def test_call_user_code_not_in_thread_runs_a_plain_def_on_the_loop() -> None:
    assert await call_user_code(_sync_where, ("s",), in_thread=False) == _here("s")
    awaited = await call_user_code(_sync_returning_awaitable, ("s",), in_thread=False)
    assert awaited == _here("s (awaited)")


@pytest.mark.anyio
async def test_call_user_code_trusts_a_given_is_async() -> None:
    # Taken as async, a plain def is called on the loop and its result awaited.
    called_in: list[int] = []

    def tracked() -> Awaitable[dict[str, object]]:
        called_in.append(threading.get_ident())
        return _async_where("t")

    assert await call_user_code(tracked, is_async=True) == _here("t")
    # Taken as sync, it runs in a thread; what it returns is awaited on the loop.
    assert await call_user_code(tracked, is_async=False) == _here("t")
    assert called_in[0] == threading.get_ident()
    assert called_in[1] != threading.get_ident()


def _boom(tag: str) -> None:
    raise ValueError(tag)


async def _async_boom(tag: str) -> None:
    raise ValueError(tag)


@pytest.mark.anyio
@pytest.mark.parametrize("user_function", [_async_boom, _boom], ids=["async", "sync"])
async def test_call_user_code_lets_exceptions_propagate(
    user_function: Callable[[str], object],
) -> None:
    with pytest.raises(ValueError, match="raised"):
        await call_user_code(user_function, ("raised",))


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("abandon", "waits"), [(True, False), (False, True)], ids=["abandon", "wait"]
)
async def test_call_user_code_abandon_on_cancel(abandon: bool, waits: bool) -> None:
    finished = threading.Event()

    def slow() -> None:
        time.sleep(0.5)
        finished.set()

    started = time.monotonic()
    with anyio.move_on_after(0.01):
        await call_user_code(slow, abandon_on_cancel=abandon)
    elapsed = time.monotonic() - started
    assert (elapsed >= 0.5) is waits
    assert finished.is_set() is waits
    finished.wait(5)  # leave no thread running into the next test


class _AsyncCallable:
    async def __call__(self) -> None:
        return None


class _SyncCallable:
    def __call__(self) -> None:
        return None


async def _coroutine_function(a: int, b: int) -> None:
    return None


def _plain_function() -> None:
    return None


@pytest.mark.parametrize(
    ("func", "expected"),
    [
        pytest.param(_coroutine_function, True, id="async-def"),
        pytest.param(
            functools.partial(_coroutine_function, 1), True, id="partial-of-async"
        ),
        pytest.param(_AsyncCallable(), True, id="object-with-async-call"),
        pytest.param(_plain_function, False, id="def"),
        pytest.param(lambda: None, False, id="lambda"),
        pytest.param(_SyncCallable(), False, id="object-with-sync-call"),
        pytest.param(len, False, id="builtin"),
    ],
)
def test_is_async_callable(func: object, expected: bool) -> None:
    assert is_async_callable(func) is expected


# --- decorated handlers: the wrapper's arity ------------------------------------------

DECORATED = APPS / "decorated"


@pytest.fixture(scope="module")
def decorated_server() -> Iterator[LiveServer]:
    """``routetree start tests/apps/decorated`` (it fails to start if build refuses)."""
    with live_server(DECORATED) as server:
        yield server


def test_a_wrapper_adding_an_argument_is_called_with_its_own_arity(
    decorated_server: LiveServer,
) -> None:
    response = httpx.get(
        f"{decorated_server}/api/auth/7", headers={"x-user": "ada"}, timeout=10
    )
    assert response.status_code == 200
    assert response.json() == {"user": "ada", "id": "7"}


def test_a_two_argument_wrapper_of_a_one_argument_handler_gets_two(
    decorated_server: LiveServer,
) -> None:
    response = httpx.get(f"{decorated_server}/api/timed", timeout=10)
    assert (response.status_code, response.text) == (200, "GET")
    assert response.headers["x-timed"] == "1"


@pytest.mark.parametrize(
    ("method", "path", "text"),
    [
        pytest.param("GET", "/api/passing/3", "GET", id="one-argument"),
        pytest.param("POST", "/api/passing/3", "3", id="two-arguments"),
        pytest.param("GET", "/api/zero", "no arguments", id="no-arguments"),
    ],
)
def test_a_pass_through_wrapper_takes_the_wrapped_arity(
    decorated_server: LiveServer, method: str, path: str, text: str
) -> None:
    response = httpx.request(method, f"{decorated_server}{path}", timeout=10)
    assert (response.status_code, response.text) == (200, text)
    if path != "/api/zero":
        assert response.headers["x-passed"] == "1"


def test_a_plain_def_wrapper_returning_a_coroutine_is_awaited(
    decorated_server: LiveServer,
) -> None:
    response = httpx.get(f"{decorated_server}/api/sync", timeout=10)
    assert (response.status_code, response.text) == (200, "/api/sync")
