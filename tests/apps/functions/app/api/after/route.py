"""after() in every way a request can end; ?key= names the test, ?mode= the case.

GET is an ``async def`` handler, PUT the same scenario in a plain ``def`` one (it runs
in a worker thread).
"""

import threading

from app._lib.probe import (
    await_released,
    in_event_loop,
    record,
    wait_released,
)

from routetree import Response, after, cookies, headers, not_found, redirect


def sync_note(key, event, *args):
    record(
        key,
        event=event,
        args=list(args),
        in_loop=in_event_loop(),
        thread=threading.get_ident(),
    )


async def async_note(key, event, *args):
    record(
        key,
        event=event,
        args=list(args),
        in_loop=in_event_loop(),
        thread=threading.get_ident(),
    )


def sync_held(key):
    released = wait_released(key)
    record(key, event="sync-held", released=released)


async def async_held(key):
    released = await await_released(key)
    record(key, event="async-held", released=released)


def read_context(key):
    store = cookies()
    store.set("late", "1")  # goes nowhere: the response is sent
    record(
        key,
        event="context",
        token=store.get("token"),
        has_token="token" in store,
        late=store.get("late"),
        probe=headers().get("x-probe"),
    )


async def async_read_context(key):
    record(
        key,
        event="async-context",
        token=cookies().get("token"),
        probe=headers().get("X-Probe"),
    )


def boom(key):
    raise RuntimeError(f"after broke {key}")


async def async_boom(key):
    raise LookupError(f"async after broke {key}")


def stops(key):
    not_found()  # a mistake in a callback: the response is sent already


async def async_stops(key):
    redirect(f"/api/{key}")


def scenario(request):
    params = request.url.search_params
    key = params.get("key")
    mode = params.get("mode")
    after(sync_note, key, "first", "a", 2)
    if mode == "order":
        after(async_note, key, "second", "b")
        after(sync_note, key, "third")
        after(async_note, key, "fourth", 4, None)
    elif mode == "held":
        after(sync_held, key)
        after(async_held, key)
    elif mode == "context":
        after(read_context, key)
        after(async_read_context, key)
    elif mode == "raise":
        raise ValueError(f"handler broke {key}")
    elif mode == "redirect":
        redirect("/api/elsewhere")
    elif mode == "not_found":
        not_found()
    elif mode == "boom":
        after(boom, key)
        after(async_boom, key)
        after(sync_note, key, "after-boom")
    elif mode == "stops":
        after(stops, key)
        after(async_stops, key)
        after(sync_note, key, "after-stops")
    return Response(f"sent {mode}", headers={"x-client-port": str(request.client.port)})


async def GET(request):
    return scenario(request)


def PUT(request):
    return scenario(request)
