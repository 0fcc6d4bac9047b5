async def GET():
    raise ValueError("boom")
