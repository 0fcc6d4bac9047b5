from lib.mailboxes import MAILBOXES, new_id

from routetree import Request, Response, RouteContext
from routetree._pubsub import Mailbox, current_broker


async def POST(request: Request, context: RouteContext) -> Response:
    """Subscribes a new mailbox of this process to the topic; answers its id."""
    topic = str(context.params["topic"])
    mailbox = Mailbox()
    await current_broker().subscribe(topic, mailbox)
    mailbox_id = new_id()
    MAILBOXES[mailbox_id] = (topic, mailbox)
    return Response.json(
        {"id": mailbox_id, "subscribers": current_broker().subscriber_count(topic)}
    )
