"""Guarded by middleware.py: every answer that carries SECRET passed its check.

The uppercase function and constants are bait: a method token must never select them
(Starlette CVE-2026-48817 dispatched on any attribute named like the method).
"""

import os
from pathlib import Path

from routetree import Response

API_TOKEN = "tok-XYZ"
SECRET = "S3CRET-P"


def _answer(request, context):
    return Response.json(
        {
            "secret": SECRET,
            "method": request.method,
            "params": context.params,
            "x-user": request.headers.get("x-user"),
            "x_user": request.headers.get("x_user"),
            "cookies": dict(request.cookies),
            "query": request.url.search_params.multi_items(),
        }
    )


async def GET(request, context):
    return _answer(request, context)


async def POST(request, context):
    return _answer(request, context)


async def DELETE(request, context):
    return _answer(request, context)


def DELETE_ALL(request):
    # A side effect the tests can look for (SECURITY_MARKERS is set by the tests).
    markers = os.environ.get("SECURITY_MARKERS")
    if markers:
        (Path(markers) / "DELETE_ALL").write_text("ran")
    return Response.json({"deleted": "all", "token": API_TOKEN})


def generate_static_params():
    return [{"rest": ["x"]}]
