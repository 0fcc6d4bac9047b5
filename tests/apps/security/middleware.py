"""The guard of /api/protected/*, and the CVE-2025-57822 shape on /api/forward.

Any path the matcher selects that is not exactly /api/forward needs the token, so a
variant of /api/forward that the matcher selects fails closed.
"""

from routetree import Request, Response

config = {"matcher": ["/api/protected/:path*", "/api/forward"]}


async def middleware(request: Request) -> Response | None:
    if request.url.path == "/api/forward":
        # Copies every client header onto the response, Location included: routetree
        # must not read that as a redirect, nor fetch anything.
        return Response.next(headers=dict(request.headers))
    if request.headers.get("authorization") != "Bearer ok":
        return Response.json({"error": "unauthorized"}, status=401)
    return Response.next(request_headers={"x-user": "ada"})
