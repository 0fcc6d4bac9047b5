from routetree import Request

config = {"matcher": ["/api/mw/:path*"]}


def middleware(request: Request) -> object:
    if request.url.path == "/api/mw/raise":
        raise PermissionError("token store unreachable")
    if request.url.path == "/api/mw/wrong":
        return "not a response"
    return None
