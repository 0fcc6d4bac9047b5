"""``/``: the chat page lives in ``public/chat.html``."""

from routetree import Response, redirect


def GET() -> Response:
    """Send the browser to the chat page."""
    redirect("/chat.html")
