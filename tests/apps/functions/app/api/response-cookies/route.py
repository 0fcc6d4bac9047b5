"""response.cookies.set/delete on the returned Response (GET async def, PUT def)."""

from datetime import UTC, datetime

from routetree import Response


def scenario():
    response = Response("r")
    response.cookies.set("session", "abc", httponly=True)
    response.cookies.set("again", "old")
    response.cookies.set(
        "full",
        "x y",
        max_age=120,
        domain="example.com",
        path="/api",
        secure=True,
        samesite="none",
    )
    response.cookies.set("nopath", "1", path=None)
    response.cookies.set("at", "2", expires=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
    response.cookies.delete("flash")
    response.cookies.delete("d2", path="/api", domain="example.com")
    response.cookies.set("again", "new")
    response.headers["x-get-session"] = response.cookies.get("session")
    response.headers["x-get-missing"] = repr(response.cookies.get("missing"))
    response.headers["x-in"] = repr(
        ["session" in response.cookies, "x" in response.cookies]
    )
    return response


async def GET():
    return scenario()


def PUT():
    return scenario()
