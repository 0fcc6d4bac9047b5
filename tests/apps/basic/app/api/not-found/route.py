from routetree import not_found


async def GET():
    try:
        not_found()
    except Exception:  # a user's broad except must not swallow the signal
        raise AssertionError("swallowed") from None
