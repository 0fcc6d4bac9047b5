"""The id of the worker process that answers."""

import os

from routetree import Response


def GET() -> Response:
    return Response(str(os.getpid()), headers={"connection": "close"})
