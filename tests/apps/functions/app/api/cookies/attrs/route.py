"""Every cookies().set/delete attribute (GET async def, PUT def)."""

from datetime import UTC, datetime, timedelta, timezone

from routetree import Response, cookies


def scenario():
    store = cookies()
    store.set(
        "session",
        "a b;é!~*'()",
        max_age=3600,
        domain="example.com",
        secure=True,
        httponly=True,
        samesite="Lax",
        partitioned=True,
    )
    store.set("plain", "1")
    store.set("twice", "first")
    store.set("nopath", "2", path=None)
    plus_two = timezone(timedelta(hours=2))
    store.set("dated", "3", expires=datetime(2030, 1, 2, 5, 4, 5, tzinfo=plus_two))
    store.set(
        "both", "4", max_age=60, expires=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    )
    store.set("strict", "5", samesite="strict", path="/api")
    store.set("twice", "second")
    store.delete("flash")
    store.delete("d2", path="/api", domain="example.com")
    return Response("attrs")


async def GET():
    return scenario()


def PUT():
    return scenario()
