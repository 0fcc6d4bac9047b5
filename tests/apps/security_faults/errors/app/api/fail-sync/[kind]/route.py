"""The same failures as ../fail, from a def handler (it runs in a worker thread)."""

import asyncio
import sys


def recurse(depth):
    return recurse(depth + 1) + 1


async def make_response():
    return None


def GET(request, context):
    kind = context.params["kind"]
    if kind == "system-exit":
        raise SystemExit(1)
    if kind == "sys-exit":
        sys.exit()
    if kind == "keyboard-interrupt":
        raise KeyboardInterrupt
    if kind == "cancelled":
        raise asyncio.CancelledError
    if kind == "recursion":
        recurse(0)
    if kind == "coroutine":
        # a def handler's awaitable is awaited: this one gives None, not a Response
        return make_response()
    raise LookupError(kind)
