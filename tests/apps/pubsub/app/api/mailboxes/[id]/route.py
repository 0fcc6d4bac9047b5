import asyncio

from lib.mailboxes import MAILBOXES

from routetree import Request, Response, RouteContext
from routetree._pubsub import current_broker


async def GET(request: Request, context: RouteContext) -> Response:
    """The mailbox's next frame, waiting for one up to ``?wait=`` seconds (10).

    204 when none came; ``?wait=0`` answers at once.
    """
    _, mailbox = MAILBOXES[str(context.params["id"])]
    wait = float(request.url.search_params.get("wait") or 10)
    try:
        async with asyncio.timeout(wait):
            frame = await mailbox.get()
    except TimeoutError:
        return Response(status=204)
    if isinstance(frame, bytes):
        return Response.json({"binary": frame.hex()})
    return Response.json({"text": frame})


async def DELETE(request: Request, context: RouteContext) -> Response:
    """Unsubscribes the mailbox (still readable: what it holds, and no more)."""
    topic, mailbox = MAILBOXES[str(context.params["id"])]
    await current_broker().unsubscribe(topic, mailbox)
    return Response(status=204)
