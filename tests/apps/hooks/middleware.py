"""Sets request.state.user from the x-user header, for every path but /api/plain.

``x-middleware: raise`` makes it fail: a 500, for handle_error and on_request_error.
"""

from routetree import Request

config = {"matcher": ["/((?!api/plain).*)"]}


async def middleware(request: Request) -> None:
    if request.headers.get("x-middleware") == "raise":
        raise RuntimeError("middleware broke")
    user = request.headers.get("x-user")
    if user is not None:
        request.state.user = user
        request.state.seen_by = ["middleware"]
