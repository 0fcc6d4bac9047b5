"""Refused cookies: bad names and attributes raise ValueError (?case=...).

GET is async def, PUT def.
"""

from routetree import Response, cookies

BAD_CALLS = {
    "name with space": lambda s: s.set("a b", "1"),
    "name with semicolon": lambda s: s.set("a;b", "1"),
    "empty name": lambda s: s.set("", "1"),
    "name with CRLF": lambda s: s.set("a\r\nSet-Cookie: evil", "1"),
    "name with equals": lambda s: s.set("a=b", "1"),
    "path with semicolon": lambda s: s.set("p", "1", path="/a;b"),
    "path with CRLF": lambda s: s.set("p", "1", path="/\r\nSet-Cookie: evil=1"),
    "domain with semicolon": lambda s: s.set("d", "1", domain="example.com; evil"),
    "domain with NUL": lambda s: s.set("d", "1", domain="exa\x00mple.com"),
    "bad samesite": lambda s: s.set("s", "1", samesite="Foo"),
    "delete bad name": lambda s: s.delete("a b"),
    "delete bad path": lambda s: s.delete("p", path="/a;b"),
}


def scenario(request):
    case = request.url.search_params.get("case")
    store = cookies()
    if case == "refused":
        errors = {}
        for label, call in BAD_CALLS.items():
            try:
                call(store)
            except ValueError as exc:
                errors[label] = str(exc)
        stored = {name: store.get(name) for name in ("a b", "p", "d", "s")}
        return Response.json({"errors": errors, "stored": stored, "names": list(store)})
    if case == "value":
        store.set("v", 'a\r\nSet-Cookie: evil=1; Path=/\x00"q",é')
        return Response.json({"v": store.get("v")})
    if case == "uncaught":
        store.set("good", "1")
        store.set("bad name\r\nX-Evil: 1", "x")
        return Response("unreachable")
    if case == "uncaught-response":
        response = Response("unreachable")
        response.cookies.set("bad;name", "x")
        return response
    raise AssertionError(case)


async def GET(request):
    return scenario(request)


def PUT(request):
    return scenario(request)
