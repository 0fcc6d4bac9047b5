"""How many sockets of this process are subscribed to a room."""

from routetree import Response
from routetree._pubsub import current_broker


async def GET(request, context) -> Response:
    topic = f"room:{context.params['room']}"
    return Response.json({"count": current_broker().subscriber_count(topic)})
