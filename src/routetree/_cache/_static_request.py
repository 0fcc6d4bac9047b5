"""The request of a cached handler: stripped (force-static) or guarded ("error").

Next.js (nextjs-behaviour.md F31, F32): a ``force-static`` handler sees an empty query,
no headers and no cookies, so its one answer cannot depend on who asked; with
``dynamic = "error"``, reading request data is an error that names what was read,
which fails ``routetree build`` and is a 500 at run time.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, cast

from .._context import current_request
from .._request import Request

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from .._cookies import RequestCookies
    from .._forms import FormData
    from .._headers import Headers
    from .._request import Address, RequestLimits
    from .._routing._loader import Handler
    from .._types import Receive, Scope
    from .._url import URL

__all__ = ["DynamicUsageError", "StaticOnlyRequest", "guard", "stripped_request"]


class DynamicUsageError(Exception):
    """A ``dynamic = "error"`` handler read request data."""


def stripped_request(
    scope: Scope, receive: Receive, path: str, limits: RequestLimits
) -> Request:
    """The request of a ``force-static`` handler: no query, headers or cookies."""
    return Request({**scope, "headers": [], "query_string": b""}, receive, path, limits)


class StaticOnlyRequest(Request):
    """The request of a ``dynamic = "error"`` handler: reading its data raises.

    Only while the handler runs (`guard`): routetree's own error handling reads
    the request afterwards.
    """

    __slots__ = ("_guarded", "_route")

    def __init__(
        self,
        scope: Scope,
        receive: Receive,
        path: str,
        limits: RequestLimits,
        route: str,
    ) -> None:
        super().__init__(scope, receive, path, limits)
        self._route = route
        self._guarded = False

    def _check(self, name: str) -> None:
        if self._guarded:
            raise DynamicUsageError(
                f'Route {self._route} with `dynamic = "error"` couldn\'t be rendered '
                f"statically because it used `request.{name}`. Remove "
                '`dynamic = "error"`, or do not read request data in the handler.'
            )

    @property
    def headers(self) -> Headers:
        """Refused while the handler runs: raises `DynamicUsageError`."""
        self._check("headers")
        return cast("Headers", Request.headers.__get__(self))

    @property
    def cookies(self) -> RequestCookies:
        """Refused while the handler runs: raises `DynamicUsageError`."""
        self._check("cookies")
        return cast("RequestCookies", Request.cookies.__get__(self))

    @property
    def url(self) -> URL:
        """Refused while the handler runs: raises `DynamicUsageError`."""
        self._check("url")
        return cast("URL", Request.url.__get__(self))

    @property
    def client(self) -> Address | None:
        """Refused while the handler runs: raises `DynamicUsageError`."""
        self._check("client")
        return cast("Address | None", Request.client.__get__(self))

    @property
    def ip(self) -> str | None:
        """Refused while the handler runs: raises `DynamicUsageError`."""
        self._check("ip")
        return cast("str | None", Request.ip.__get__(self))

    async def body(self) -> bytes:
        """Refused while the handler runs: raises `DynamicUsageError`."""
        self._check("body()")
        return await super().body()

    async def text(self) -> str:
        """Refused while the handler runs: raises `DynamicUsageError`."""
        self._check("text()")
        return await super().text()

    async def json(self) -> object:
        """Refused while the handler runs: raises `DynamicUsageError`."""
        self._check("json()")
        return await super().json()

    async def form(self) -> FormData:
        """Refused while the handler runs: raises `DynamicUsageError`."""
        self._check("form()")
        return await super().form()

    def stream(self) -> AsyncIterator[bytes]:
        """Refused while the handler runs: raises `DynamicUsageError`."""
        self._check("stream()")
        return super().stream()


def guard(handler: Handler) -> Handler:
    """``handler`` run with its `StaticOnlyRequest` refusing reads of request data."""
    func = handler.func

    def enter() -> StaticOnlyRequest | None:
        request = current_request.get(None)
        if isinstance(request, StaticOnlyRequest):
            request._guarded = True
            return request
        return None

    if handler.is_async:

        async def guarded_async(*args: object) -> object:
            request = enter()
            try:
                return await func(*args)  # type: ignore[misc]
            finally:
                if request is not None:
                    request._guarded = False

        return dataclasses.replace(handler, func=guarded_async)

    def guarded(*args: object) -> object:
        request = enter()
        try:
            return func(*args)
        finally:
            if request is not None:
                request._guarded = False

    return dataclasses.replace(handler, func=guarded)
