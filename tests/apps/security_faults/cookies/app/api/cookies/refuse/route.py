"""Try to set cookies a client could use to rewrite Set-Cookie; report what is refused.

Only ValueError is caught: any other exception escapes, and the request is a 500.
"""

from routetree import Response, cookies

NAMES = [
    "a=b; Domain=evil.example",
    "a,b",
    "a\tb",
    "a\x7fb",
    "caf\u00e9",
    "__Host-a\x00",
]
ATTRIBUTES = {
    "path": {"path": "/; Domain=evil.example"},
    "domain": {"domain": "evil.example; HttpOnly"},
    "samesite with attribute": {"samesite": "Lax; Domain=evil"},
    "samesite bogus": {"samesite": "bogus"},
    "max_age with attribute": {"max_age": "1; Secure"},
    "expires not a date": {"expires": "Thu, 01 Jan 2099 00:00:00 GMT; Domain=evil"},
}


def _refusal(setter, *args, **kwargs):
    try:
        setter(*args, **kwargs)
    except ValueError as exc:
        return str(exc)
    return None


async def GET(request):
    response = Response.json({})
    store = cookies()
    refused = {}
    if request.url.search_params.get("case") == "names":
        for name in NAMES:
            refused[name] = [
                _refusal(response.cookies.set, name, "v"),
                _refusal(store.set, name, "v"),
            ]
    else:
        for what, attributes in ATTRIBUTES.items():
            refused[what] = [
                _refusal(response.cookies.set, "a", "v", **attributes),
                _refusal(store.set, "a", "v", **attributes),
            ]
    answer = Response.json(refused)
    for line in response.headers.get_all("set-cookie"):
        answer.headers.append("set-cookie", line)
    return answer
