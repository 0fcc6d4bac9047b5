"""Test clients for a routetree app, built on httpx.

- `TestClient`: synchronous, for plain ``def test_...`` functions.
- `AsyncTestClient`: for async tests (anyio/pytest-asyncio).
- `live_server`: a real ``routetree start`` process on 127.0.0.1 and a free port.

Both clients open WebSocket sessions with ``websocket_connect(path)``
(`WebSocketSession`, `AsyncWebSocketSession`).

The clients take a project folder (or an already built ASGI app), run the app's lifespan
when used as a context manager, and talk to it in-process, without a network::

    from routetree.testing import TestClient

    def test_create_user() -> None:
        with TestClient("examples/users") as client:
            response = client.post(
                "/api/users", json={"name": "Ada", "email": "ada@example.com"}
            )
            assert response.status_code == 201
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import anyio
import anyio.from_thread
import httpx

from ._app import create_app
from ._testing_websocket import (
    DEFAULT_WEBSOCKET_TIMEOUT,
    AsyncWebSocketSession,
    WebSocketClosedError,
    WebSocketDeniedError,
    WebSocketSession,
    upgrade_headers,
    websocket_scope,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
    from types import TracebackType

    from anyio.from_thread import BlockingPortal

    from ._types import ASGIApp, Message

__all__ = [
    "AsyncTestClient",
    "AsyncWebSocketSession",
    "LiveServer",
    "TestClient",
    "WebSocketClosedError",
    "WebSocketDeniedError",
    "WebSocketSession",
    "live_server",
]

_READY_LINE = re.compile(r"(https?://[\w.\-\[\]:]+:\d+)")


def _as_app(app: ASGIApp | str | Path, dev: bool) -> ASGIApp:
    if isinstance(app, str | Path):
        return create_app(app, dev=dev, mode="test")
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: ASGIApp) -> AsyncIterator[dict[str, object]]:
    """Run the app's lifespan; yield its state, which WebSocket scopes get a copy of."""
    state: dict[str, object] = {}
    to_app, app_inbox = anyio.create_memory_object_stream[dict[str, Any]](4)
    app_outbox, from_app = anyio.create_memory_object_stream[dict[str, Any]](4)

    async def receive() -> Message:
        return await app_inbox.receive()

    async def send(message: Message) -> None:
        await app_outbox.send(dict(message))

    async with (
        to_app,
        app_inbox,
        app_outbox,
        from_app,
        anyio.create_task_group() as group,
    ):

        async def run_app() -> None:
            scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": state}
            await app(scope, receive, send)

        group.start_soon(run_app)
        await to_app.send({"type": "lifespan.startup"})
        started = await from_app.receive()
        failed = started["type"] == "lifespan.startup.failed"
        if not failed:
            try:
                yield state
            finally:
                await to_app.send({"type": "lifespan.shutdown"})
                await from_app.receive()
        group.cancel_scope.cancel()
    # Raised outside the task group, so the caller sees it, not an ExceptionGroup.
    if failed:
        raise RuntimeError(f"Application startup failed: {started.get('message', '')}")


class _PortalTransport(httpx.BaseTransport):
    """Run each request through httpx's ASGI transport.

    Requests run on an event loop in another thread.
    """

    def __init__(self, app: ASGIApp, client: tuple[str, int]) -> None:
        self._transport = httpx.ASGITransport(app=app, client=client)
        self.portal: BlockingPortal | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        # The body is read whole, so it is sent with a Content-Length: keeping a
        # "Transfer-Encoding: chunked" too would make the request ambiguous (a 400).
        headers = [
            (name, value)
            for name, value in request.headers.raw
            if name.lower() != b"transfer-encoding"
        ]

        async def call() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            inner = httpx.Request(
                request.method, request.url, headers=headers, content=body
            )
            response = await self._transport.handle_async_request(inner)
            chunks = [chunk async for chunk in response.aiter_raw()]
            return response.status_code, response.headers.raw, b"".join(chunks)

        if self.portal is not None:
            status, headers, content = self.portal.call(call)
        else:
            with anyio.from_thread.start_blocking_portal() as portal:
                status, headers, content = portal.call(call)
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(content))


class TestClient(httpx.Client):
    """A synchronous httpx client wired to a routetree app, no network involved.

    Args:
        app: A project folder (``create_app`` is called on it) or an ASGI app.
        base_url: The URL requests are made against.
        dev: With a project folder: build the app in dev mode (tracebacks in 500s).
        client: The peer address the app sees.
        headers: Headers sent with every request.
        cookies: Cookies sent with every request.
        timeout: Seconds a request may take.

    Use it as a context manager to run the app's lifespan (startup and shutdown).
    """

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        app: ASGIApp | str | Path,
        *,
        base_url: str = "http://testserver",
        dev: bool = False,
        client: tuple[str, int] = ("127.0.0.1", 50000),
        headers: Mapping[str, str] | None = None,
        cookies: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.app = _as_app(app, dev)
        self._portal_transport = _PortalTransport(self.app, client)
        self._exit_stack = contextlib.ExitStack()
        self._client_address = client
        self._lifespan_state: dict[str, object] = {}
        super().__init__(
            base_url=base_url,
            transport=self._portal_transport,
            follow_redirects=False,
            headers=headers,
            cookies=cookies,
            timeout=timeout,
        )

    def __enter__(self) -> Self:
        super().__enter__()
        try:
            portal = self._exit_stack.enter_context(
                anyio.from_thread.start_blocking_portal()
            )
            self._portal_transport.portal = portal
            self._lifespan_state = self._exit_stack.enter_context(
                portal.wrap_async_context_manager(_lifespan(self.app))
            )
        except BaseException:
            # A failed start-up must not leave the event loop thread running.
            self._exit_stack.close()
            self._portal_transport.portal = None
            super().__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        self._exit_stack.close()
        self._portal_transport.portal = None
        self._lifespan_state = {}
        super().__exit__(exc_type, exc_value, traceback)

    def websocket_connect(
        self,
        path: str,
        *,
        subprotocols: Sequence[str] = (),
        headers: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_WEBSOCKET_TIMEOUT,
    ) -> WebSocketSession:
        """Open a WebSocket session with the app; use it in a ``with`` block.

        The app sees a ``websocket`` scope for ``base_url`` + ``path`` (``ws://`` or
        ``wss://``), with the upgrade headers, the client's headers and cookies for
        that URL, ``headers``, the lifespan's state and ``subprotocols`` (also sent
        as ``Sec-WebSocket-Protocol``). Entering the block runs the handshake;
        leaving it closes the socket with 1000 and waits for the app to finish.

        Args:
            path: The path (and query) to connect to.
            subprotocols: The subprotocols offered, in order of preference.
            headers: Headers for this upgrade request, over the client's.
            timeout: Seconds to wait for the app at each step: the handshake, each
                receive (unless it gives its own), the app's end after a close.

        Raises:
            WebSocketDeniedError: (on entering) The app refused the upgrade: its HTTP
                status, headers and body.

        Example::

            with client.websocket_connect("/api/echo") as ws:
                ws.send_text("hi")
                assert ws.receive_text() == "hi"
        """
        request = self.build_request(
            "GET", path, headers=_with_upgrade(headers, subprotocols)
        )
        scope = websocket_scope(
            request,
            subprotocols=subprotocols,
            client=self._client_address,
            state=self._lifespan_state,
        )
        session = AsyncWebSocketSession(self.app, scope, timeout=timeout)
        return WebSocketSession(session, self._portal_transport.portal)


def _with_upgrade(
    headers: Mapping[str, str] | None, subprotocols: Sequence[str]
) -> httpx.Headers:
    """The upgrade request's headers, the caller's overriding ours."""
    merged = httpx.Headers(upgrade_headers(subprotocols))
    merged.update(headers or {})
    return merged


class AsyncTestClient(httpx.AsyncClient):
    """An async httpx client wired to a routetree app.

    See `TestClient` for the arguments. Use
    ``async with AsyncTestClient(...) as client:`` to run the lifespan.
    """

    __test__ = False

    def __init__(
        self,
        app: ASGIApp | str | Path,
        *,
        base_url: str = "http://testserver",
        dev: bool = False,
        client: tuple[str, int] = ("127.0.0.1", 50000),
        headers: Mapping[str, str] | None = None,
        cookies: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.app = _as_app(app, dev)
        self._lifespan_stack = contextlib.AsyncExitStack()
        self._client_address = client
        self._lifespan_state: dict[str, object] = {}
        super().__init__(
            base_url=base_url,
            transport=httpx.ASGITransport(app=self.app, client=client),
            follow_redirects=False,
            headers=headers,
            cookies=cookies,
            timeout=timeout,
        )

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self._lifespan_state = await self._lifespan_stack.enter_async_context(
            _lifespan(self.app)
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self._lifespan_stack.aclose()
        self._lifespan_state = {}
        await super().__aexit__(exc_type, exc_value, traceback)

    def websocket_connect(
        self,
        path: str,
        *,
        subprotocols: Sequence[str] = (),
        headers: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_WEBSOCKET_TIMEOUT,
    ) -> AsyncWebSocketSession:
        """Open a WebSocket session with the app; use it in an ``async with`` block.

        See `TestClient.websocket_connect`; the app runs as a task in the caller's
        event loop.

        Example::

            async with client.websocket_connect("/api/echo") as ws:
                await ws.send_text("hi")
                assert await ws.receive_text() == "hi"
        """
        request = self.build_request(
            "GET", path, headers=_with_upgrade(headers, subprotocols)
        )
        scope = websocket_scope(
            request,
            subprotocols=subprotocols,
            client=self._client_address,
            state=self._lifespan_state,
        )
        return AsyncWebSocketSession(self.app, scope, timeout=timeout)


class LiveServer(str):
    """The base URL of a running `live_server` (a ``str``), its process and output."""

    __slots__ = ("_output", "process")
    _output: list[str]
    process: subprocess.Popen[str]

    def __new__(
        cls, url: str, output: list[str], process: subprocess.Popen[str]
    ) -> Self:
        """Make the URL string and attach the server's process and output."""
        instance = super().__new__(cls, url)
        instance._output = output
        instance.process = process
        return instance

    @property
    def output(self) -> str:
        """Everything the server printed so far (stdout and stderr)."""
        return "".join(self._output)


@contextlib.contextmanager
def live_server(
    project_dir: str | Path,
    *,
    command: str = "start",
    env: Mapping[str, str] | None = None,
    args: tuple[str, ...] = (),
    timeout: float = 30.0,
) -> Iterator[LiveServer]:
    """Run ``routetree <command> project_dir`` on 127.0.0.1 and a free port.

    Yields its URL. The server is a real uvicorn process; it is stopped (SIGTERM, then
    SIGKILL) on exit. What it printed is kept in the `RuntimeError` raised if it does
    not come up.

    Example::

        with live_server("examples/users") as base_url:
            httpx.get(f"{base_url}/api/users")
    """
    argv = [
        sys.executable,
        "-m",
        "routetree",
        command,
        str(project_dir),
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        *args,
    ]
    with _serve_command(
        argv, env={**os.environ, "NO_COLOR": "1", **(env or {})}, timeout=timeout
    ) as server:
        yield server


@contextlib.contextmanager
def _serve_command(
    argv: list[str],
    *,
    env: Mapping[str, str],
    cwd: Path | None = None,
    timeout: float = 30.0,
) -> Iterator[LiveServer]:
    """Run a command that starts a server; yield once it prints its URL; stop it.

    The machinery under `live_server`, for tests that run ``routetree`` some other
    way (the console script, another working folder). The first ``http://host:port``
    the process prints is its URL; everything it prints is kept in
    `LiveServer.output`. On exit it gets SIGTERM, then SIGKILL after 10 s.

    Raises:
        RuntimeError: No URL was printed within ``timeout`` seconds; the message
            holds what the process printed.
    """
    process = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=dict(env),
        cwd=cwd,
        encoding="utf-8",
    )
    output: list[str] = []
    ready = threading.Event()
    url: list[str] = []

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if not ready.is_set() and (found := _READY_LINE.search(line)):
                url.append(found.group(1))
                ready.set()
        ready.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + timeout
        while not ready.wait(0.05):
            if time.monotonic() > deadline:
                break
        if not url:
            raise RuntimeError(
                f"{' '.join(argv)} did not start within {timeout} s:\n"
                + "".join(output)
            )
        yield LiveServer(url[0], output, process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(5)
        if process.stdout is not None:
            process.stdout.close()
