async def GET():
    raise RuntimeError("failing for on_request_error")
