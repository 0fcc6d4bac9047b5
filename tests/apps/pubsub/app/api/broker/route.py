import os

from routetree import Request, Response
from routetree._pubsub import current_broker


async def GET(request: Request) -> Response:
    """Which broker `publish` uses in this process, and the process."""
    return Response.json({"broker": current_broker().description, "pid": os.getpid()})
