import anyio
from lib.renders import count

from routetree import Request, Response, RouteContext

revalidate = False


async def GET(request: Request, context: RouteContext) -> Response:
    n = count(f"slow/{context.params['id']}")
    await anyio.sleep(0.5)
    return Response.json({"renders": n})
