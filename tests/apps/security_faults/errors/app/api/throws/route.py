SECRET = "sk_live_7f3a9c-not-for-clients"


async def GET():
    try:
        raise KeyError(SECRET)
    except KeyError as exc:
        raise RuntimeError(f"could not log in with {SECRET}") from exc
