"""Type aliases shared across the package: ASGI callables, messages and JSON values."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["ASGIApp", "JSONValue", "Message", "Receive", "Scope", "Send"]

# ASGI messages are heterogeneous dicts by specification; Any is the honest type here.
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

JSONValue = None | bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"]
