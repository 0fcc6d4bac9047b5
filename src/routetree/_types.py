"""Type aliases shared across the package: ASGI, JSON values and route params."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["ASGIApp", "JSONValue", "Message", "Params", "Receive", "Scope", "Send"]

# ASGI messages are heterogeneous dicts by specification; Any is the honest type here.
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

JSONValue = None | bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"]

# The params of a match, by name: a string for ``[id]`` or ``:id``, a list of segments
# for a catch-all (``[...slug]``, ``:path*``).
Params = dict[str, str | list[str]]
