"""redirect(): control flow, not an error."""

from routetree import redirect


async def GET():
    redirect("/api/state")
