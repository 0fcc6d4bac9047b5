from pathlib import Path

from routetree import Response


async def POST(request):
    marker = request.url.search_params.get("marker")
    try:
        body = await request.body()
    except BaseException as exc:
        if marker:  # shows the test that the handler got its answer and returned
            Path(marker).write_text(type(exc).__name__)
        raise
    return Response.json({"length": len(body)})
