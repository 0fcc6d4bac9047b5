"""Serve one cached route's GET: HIT, STALE or MISS, one render per key at a time.

`Dispatcher.handle` hands a route with a `RouteCache` here (GET and the automatic
HEAD). For a request:

1. ``dynamic_params = False``: a param ``generate_static_params()`` did not list is a
   404.
2. Look the path up in the store. FRESH: send it as ``HIT``. STALE (``revalidate =
   N`` passed, or ``revalidate_tag(tag, "max")``): send it as ``STALE``, then, if no
   other render of the key runs (in this process, and for a shared store on any
   instance), render it again and store the result.
3. Missing: when a render of the key is under way, wait for it and send its result;
   else render, store, and send as ``MISS``. An answer with ``Set-Cookie``, a status
   of 400 or more, or a streamed body is sent as is and not stored; concurrent
   requests for it then render their own.

Every stored answer carries the route's ``Cache-Control``, ``x-routetree-cache``,
``ETag`` and ``Age``; a matching ``If-None-Match`` gets a 304. A store that cannot be
reached means a fresh render, not stored, and a warning. In dev mode
(``store`` None) every request renders and nothing is stored or marked.
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import TYPE_CHECKING

import anyio

from .._context import current_request
from .._dispatch import _cookie_headers
from .._invoke import call_user_code, run_after_callbacks, run_handler
from .._request import ClientDisconnectedError, Request
from .._response import MiddlewareDirective
from ._entry import CacheEntry, Freshness, make_etag, path_tag
from ._memory import MemoryStore
from ._static_request import StaticOnlyRequest, guard, stripped_request
from ._store import StoreUnavailableError
from ._tags import render_tags
from ._warnings import warn_unavailable

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .._dispatch import Dispatcher
    from .._invoke import CompiledRoute
    from .._response import Response
    from .._routing._loader import Handler
    from .._types import Message, Params, Receive, Scope, Send
    from ._policy import CachePolicy
    from ._store import Store

__all__ = ["RouteCache", "etag_matches", "normalize_params"]

logger = logging.getLogger("routetree")

_NOT_STORED = frozenset({b"cache-control", b"age", b"x-routetree-cache", b"etag"})
_CLAIM_SECONDS = 60.0


class _Flight:
    """A render of one key under way; waiters get its entry (None: not storable)."""

    __slots__ = ("done", "entry")

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.entry: CacheEntry | None = None


class RouteCache:
    """The cache of one route: its policy, the store and the renders under way."""

    __slots__ = (
        "_flights",
        "_listed",
        "_listed_lock",
        "_revalidating",
        "generate_static_params",
        "handler",
        "policy",
        "store",
    )

    def __init__(
        self,
        policy: CachePolicy,
        store: Store | None,
        handler: Handler,
        generate_static_params: object = None,
    ) -> None:
        self.policy = policy
        self.store = store
        self.handler = guard(handler) if policy.static_only else handler
        # Set only with dynamic_params = False: the params served.
        self.generate_static_params = generate_static_params
        self._listed: frozenset[tuple[tuple[str, object], ...]] | None = None
        self._listed_lock = anyio.Lock()
        self._flights: dict[str, _Flight] = {}
        self._revalidating: set[str] = set()

    async def serve(
        self,
        dispatcher: Dispatcher,
        scope: Scope,
        receive: Receive,
        send: Send,
        path: str,
        route: CompiledRoute,
        params: Params,
        given: Request | None,
    ) -> None:
        """Answer a GET or HEAD of this route from the cache, or render it."""
        if self.generate_static_params is not None and not await self._is_listed(
            params
        ):
            await dispatcher.refuse(scope, receive, send, path, 404, given)
            return
        store = self.store
        if store is None:  # dev: render every time, store nothing
            await self._render_and_send(
                dispatcher, scope, receive, send, path, route, params, given, None
            )
            return
        usable = True
        try:
            # The memory store never waits: spare the HIT path a coroutine.
            entry, state, now = (
                store.lookup(path)
                if type(store) is MemoryStore
                else await store.get(path)
            )
        except StoreUnavailableError as exc:
            warn_unavailable(store.description, exc)
            entry, state, now, usable = None, Freshness.MISSING, time.time(), False
        if entry is not None:
            if state is Freshness.FRESH:
                await self._send_entry(scope, send, entry, b"HIT", now)
                return
            await self._send_entry(scope, send, entry, b"STALE", now)
            if path not in self._revalidating and path not in self._flights:
                await self._revalidate(
                    dispatcher, scope, receive, path, route, params, given, now
                )
            return
        flight = self._flights.get(path) if usable else None
        if flight is not None:
            await flight.done.wait()
            if flight.entry is not None:
                await self._send_entry(scope, send, flight.entry, b"MISS", time.time())
                return
        await self._render_and_send(
            dispatcher,
            scope,
            receive,
            send,
            path,
            route,
            params,
            given,
            now if usable else None,
        )

    async def render_for_build(
        self,
        dispatcher: Dispatcher,
        path: str,
        route: CompiledRoute,
        params: Params,
        created: float,
    ) -> tuple[CacheEntry | None, BaseException | None]:
        """Render ``path`` without a client (``routetree build``).

        Returns:
            The entry to store (None when the answer may not be stored), and the
            failure of a handler that answered a 5xx.
        """
        scope: Scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode("latin-1"),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"localhost")],
            "server": ("localhost", 80),
            "client": None,
        }

        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        request = self._request_for(scope, receive, path, route, None)
        token = current_request.set(request)
        try:
            response, error, tags = await self._render(
                dispatcher, route, request, params
            )
            entry = self._entry_of(response, request, path, tags, created)
        finally:
            try:
                await _run_after(request)
            finally:
                current_request.reset(token)
        return entry, error

    async def _revalidate(
        self,
        dispatcher: Dispatcher,
        scope: Scope,
        receive: Receive,
        path: str,
        route: CompiledRoute,
        params: Params,
        given: Request | None,
        now: float,
    ) -> None:
        """Render a stale key again, after its STALE answer is sent."""
        store = self.store
        if store is None:
            return
        self._revalidating.add(path)
        try:
            try:
                if not await store.claim(path, _CLAIM_SECONDS):
                    return
            except StoreUnavailableError as exc:
                warn_unavailable(store.description, exc)
                return
            try:
                await self._render_again(
                    dispatcher, scope, receive, path, route, params, given, now
                )
            finally:
                try:
                    await store.release(path)
                except StoreUnavailableError as exc:
                    warn_unavailable(store.description, exc)
        finally:
            self._revalidating.discard(path)

    async def _render_again(
        self,
        dispatcher: Dispatcher,
        scope: Scope,
        receive: Receive,
        path: str,
        route: CompiledRoute,
        params: Params,
        given: Request | None,
        now: float,
    ) -> None:
        request = self._request_for(scope, receive, path, route, given)
        token = current_request.set(request)
        try:
            response, error, tags = await self._render(
                dispatcher, route, request, params
            )
            entry = self._entry_of(response, request, path, tags, now)
            if entry is not None:
                await self._put(path, entry)
            if error is not None:
                await dispatcher.report_error(error, request, route.path, "route")
        except ClientDisconnectedError:
            return
        finally:
            try:
                await _run_after(request)
            finally:
                current_request.reset(token)

    async def _render_and_send(
        self,
        dispatcher: Dispatcher,
        scope: Scope,
        receive: Receive,
        send: Send,
        path: str,
        route: CompiledRoute,
        params: Params,
        given: Request | None,
        created: float | None,
    ) -> None:
        """Render for this request; store and mark the answer when ``created``."""
        flight = None
        if created is not None and path not in self._flights:
            flight = self._flights[path] = _Flight()
        request = self._request_for(scope, receive, path, route, given)
        token = current_request.set(request)
        try:
            try:
                try:
                    response, error, tags = await self._render(
                        dispatcher, route, request, params
                    )
                except ClientDisconnectedError:
                    return
                entry = (
                    None
                    if created is None
                    else self._entry_of(response, request, path, tags, created)
                )
                if flight is not None:
                    flight.entry = entry
                if entry is not None:
                    await self._put(path, entry)
            finally:
                if flight is not None:
                    del self._flights[path]
                    flight.done.set()
            if entry is not None:
                await self._send_entry(scope, send, entry, b"MISS", time.time())
            else:
                error = await _send_response(response, request, send, path, route) or (
                    error
                )
            if error is not None:
                await dispatcher.report_error(error, request, route.path, "route")
        finally:
            try:
                await _run_after(request)
            finally:
                current_request.reset(token)

    async def _render(
        self,
        dispatcher: Dispatcher,
        route: CompiledRoute,
        request: Request,
        params: Params,
    ) -> tuple[Response, BaseException | None, list[str]]:
        """Run the handler; its response, the failure to report, the tags it set."""
        tags: list[str] = []
        token = render_tags.set(tags)
        try:
            run = (
                run_handler
                if dispatcher.tracing is None
                else dispatcher.tracing.run_handler
            )
            response, error, cause = await run(
                route, self.handler, request, params, dev=dispatcher.dev
            )
            if cause is not None:
                response = await dispatcher.answer_error(cause, request, response)
        finally:
            render_tags.reset(token)
        return response, error, tags

    def _request_for(
        self,
        scope: Scope,
        receive: Receive,
        path: str,
        route: CompiledRoute,
        given: Request | None,
    ) -> Request:
        """The request the handler sees, per the route's ``dynamic`` mode."""
        if given is not None:
            scope = given.scope
        policy = self.policy
        if policy.force_static:
            request = stripped_request(scope, receive, path, route)
        elif policy.static_only:
            request = StaticOnlyRequest(scope, receive, path, route, policy.route)
        elif given is not None:
            given._set_limits(route)
            return given
        else:
            return Request(scope, receive, path, route)
        if given is not None:
            with contextlib.suppress(AttributeError):  # state never used: none to copy
                request._state = given._state
        return request

    def _entry_of(
        self,
        response: Response,
        request: Request,
        path: str,
        tags: list[str],
        created: float,
    ) -> CacheEntry | None:
        """The entry to store for ``response``, or None when it must not be stored."""
        if (
            response.status >= 400
            or response.is_streaming
            or isinstance(response, MiddlewareDirective)
        ):
            return None
        state = request._state_for_functions
        if state is not None and state.set_cookie_lines():
            return None
        raw = response.headers.raw
        if any(name == b"set-cookie" for name, _ in raw):
            return None
        body = response.body or b""
        own_etag = response.headers.get("etag")
        etag = own_etag.encode("latin-1") if own_etag else make_etag(body)
        headers = [(n, v) for n, v in raw if n not in _NOT_STORED]
        headers.append((b"etag", etag))
        all_tags = (*dict.fromkeys(tags), path_tag(path), path_tag(self.policy.route))
        return CacheEntry(
            status=response.status,
            headers=headers,
            body=body,
            etag=etag,
            created=created,
            revalidate=self.policy.revalidate,
            tags=tuple(dict.fromkeys(all_tags)),
        )

    async def _put(self, key: str, entry: CacheEntry) -> None:
        store = self.store
        if store is None:
            return
        try:
            await store.set(key, entry)
        except StoreUnavailableError as exc:
            warn_unavailable(store.description, exc)

    async def _send_entry(
        self, scope: Scope, send: Send, entry: CacheEntry, label: bytes, now: float
    ) -> None:
        """Send a stored answer, or 304 when ``If-None-Match`` names its ETag."""
        extra = [
            (b"cache-control", self.policy.cache_control),
            (b"x-routetree-cache", label),
            (b"age", b"%d" % max(0, int(now - entry.created))),
        ]
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                if entry.status == 200 and etag_matches(value, entry.etag):
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 304,
                            "headers": [(b"etag", entry.etag), *extra],
                        }
                    )
                    await send({"type": "http.response.body", "body": b""})
                    return
                break
        await send(
            {
                "type": "http.response.start",
                "status": entry.status,
                "headers": entry.headers + extra,
            }
        )
        await send(
            {
                "type": "http.response.body",
                "body": b"" if scope["method"] == "HEAD" else entry.body,
            }
        )

    async def _is_listed(self, params: Params) -> bool:
        """Whether ``generate_static_params()`` lists ``params``."""
        listed = self._listed
        if listed is None:
            async with self._listed_lock:
                if self._listed is None:
                    found = await call_user_code(self.generate_static_params)  # type: ignore[arg-type]
                    self._listed = frozenset(
                        normalize_params(p)
                        for p in found  # type: ignore[attr-defined]
                        if isinstance(p, dict)
                    )
                listed = self._listed
        return normalize_params(params) in listed


def normalize_params(params: Mapping[str, object]) -> tuple[tuple[str, object], ...]:
    """Params as a hashable value, lists as tuples, to compare with listed ones."""
    return tuple(
        sorted(
            (str(name), tuple(value) if isinstance(value, list | tuple) else str(value))
            for name, value in params.items()
        )
    )


def etag_matches(if_none_match: bytes, etag: bytes) -> bool:
    """Weak comparison of an ``If-None-Match`` list with ``etag`` (RFC 9110 13.1.2)."""
    if if_none_match.strip() == b"*":
        return True
    opaque = etag.removeprefix(b"W/")
    return any(
        candidate.strip().removeprefix(b"W/") == opaque
        for candidate in if_none_match.split(b",")
    )


async def _send_response(
    response: Response, request: Request, send: Send, path: str, route: CompiledRoute
) -> BaseException | None:
    """Send an answer that is not stored, as `Dispatcher.handle` does."""
    state = request._state_for_functions
    if state is not None and state.pending:
        await state.settle()
    streaming = response.is_streaming
    try:
        await response.send(
            send,
            head_only=request.method == "HEAD",
            wait_for_disconnect=request._disconnect_waiter() if streaming else None,
            extra_headers=None if state is None else _cookie_headers(response, state),
        )
    except Exception as exc:
        if not streaming:
            raise
        logger.error(
            "Error while streaming the response of route handler %s "
            "(method: %s, url: %s)",
            route.file,
            request.method,
            path,
            exc_info=exc,
        )
        return exc
    return None


async def _run_after(request: Request) -> None:
    state = request._state_for_functions
    if state is not None and state.after:
        await run_after_callbacks(state.after)
