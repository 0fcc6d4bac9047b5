"""Decorators as users write them, all with functools.wraps."""

import functools

from pydantic import BaseModel


def with_auth(handler):
    """Add a third argument, the user: routetree calls the two-argument wrapper."""

    @functools.wraps(handler)
    async def wrapper(request, context):
        user = request.headers.get("x-user", "anonymous")
        return await handler(request, context, user)

    return wrapper


def timed(handler):
    """A two-argument wrapper around a one-argument handler."""

    @functools.wraps(handler)
    async def wrapper(request, context):
        response = await handler(request)
        response.headers["x-timed"] = "1"
        return response

    return wrapper


def passing(handler):
    """A pure pass-through: the wrapped handler's signature decides."""

    @functools.wraps(handler)
    async def wrapper(*args, **kwargs):
        response = await handler(*args, **kwargs)
        response.headers["x-passed"] = "1"
        return response

    return wrapper


def passing_typed(handler):
    """A pure pass-through around a typed handler (it may return a model)."""

    @functools.wraps(handler)
    async def wrapper(*args, **kwargs):
        return await handler(*args, **kwargs)

    return wrapper


def in_thread(handler):
    """A plain def wrapper returning the async handler's coroutine."""

    @functools.wraps(handler)
    def wrapper(request):
        return handler(request)

    return wrapper


class Greeting(BaseModel):
    name: str


def with_greeting(handler):
    """Fill the typed-looking `body` itself: the wrapped annotations do not apply."""

    @functools.wraps(handler)
    async def wrapper(request, context):
        return await handler(request, context, body=Greeting(name="from the wrapper"))

    return wrapper
