from routetree import Response


def _answer(value: object) -> Response:
    try:
        return Response.json(value)  # no JSON for it: raises inside routetree
    except TypeError as exc:
        raise LookupError("cannot answer an object") from exc


async def GET() -> Response:
    return _answer(object())
