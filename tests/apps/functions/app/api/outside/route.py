"""cookies(), headers() and after() from a thread the handler started itself."""

import threading

from routetree import Response, after, cookies, headers


async def GET():
    errors = {}

    def run():
        for name, call in (
            ("cookies", cookies),
            ("headers", headers),
            ("after", lambda: after(print, "never")),
        ):
            try:
                call()
            except RuntimeError as exc:
                errors[name] = str(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return Response.json(errors)
