"""Property-based checks: router and middleware agree; no generated request is a 5xx.

Generated from tokens that have broken path-based guards elsewhere (doubled slashes,
dot segments, encoded ``/``, ``.``, NUL and ``%``, malformed escapes, letter case,
look-alike letters, ``;`` and ``?``, the segments of the protected route). Runs are
derandomized (the same examples on every run) and bounded in count and time.

- In-process, with many examples: for every raw path, when the router resolves it to
  the protected route, the middleware matcher matches the same path, computed the way
  `routetree._pipeline.Pipeline` does (`routetree._path_checks` first: refusals and
  the trailing-slash redirect).
- Against the real server, over raw sockets: generated targets, queries, Cookie
  headers, JSON and urlencoded bodies, with and without the token. No answer is a 5xx,
  and the protected handler's secret is only ever in the answer to a request that
  carried ``Authorization: Bearer ok``.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routetree import create_app
from routetree._path_checks import refuse_target, trailing_slash_redirect
from routetree._request import Request
from routetree._url import normalize_escapes, request_path
from tests.raw_http import RawResponse, raw_exchange
from tests.security.project import (
    AUTH,
    PROJECT,
    SECRET,
    SecurityServer,
    assert_alive,
    json_of,
)

if TYPE_CHECKING:
    from routetree._app import RouteTreeApp
    from routetree._types import Message, Scope

PROTECTED_ROUTE = "/api/protected/[...rest]"

TOKENS = (
    "api",
    "API",
    "Api",
    "protected",
    "Protected",
    "PROTECTED",
    "%70rotected",
    "prote%C4%B1cted",
    "prot\u00e9cted",
    "x",
    "hello",
    "users",
    "files",
    "forward",
    "_lib",
    "%5Flib",
    ".",
    "..",
    "%2e",
    "%2E%2e",
    "%2F",
    "%2f",
    "%00",
    "%",
    "%zz",
    "%C3%A9",
    "%C3%28",
    "%E2%80%8B",
    "\u00e9",
    "%0A",
    "%20",
    "%23",
    "%3F",
    "%5C",
    "\\",
    ";",
    ";x=1",
    "?",
    "?a=1",
    "#",
)

AFFIXES = (
    *("%00", "%20", "%09", "%0A", "%0D", ";", ";x=1", "%3B", "%2F", "%2f", "."),
    *("%2e", "\\", "%5C", "%23", "%3F", "%E2%80%8B", "~", "%25"),
)

segments = st.lists(st.sampled_from(TOKENS), max_size=3).map("".join)


def _near(word: str) -> st.SearchStrategy[str]:
    """``word``, a spelling of it that might still read as it, or any segment."""
    spellings = [
        word,
        word.upper(),
        word.capitalize(),
        f"%{ord(word[0]):02X}{word[1:]}",
        f"%{ord(word[0]):02x}{word[1:]}",
        word.replace("i", "%C4%B1").replace("e", "%C3%A9"),
    ]
    affix = st.sampled_from(["", *AFFIXES])
    return st.one_of(
        st.just(word),
        st.just(word),
        st.sampled_from(spellings),
        st.builds(lambda a, b: a + word + b, affix, affix),
        segments,
    )


# Paths near /api/protected/<rest>: each part kept, re-spelt, decorated or replaced,
# with junk segments around; paths made of tokens only; and paths below
# /api/protected/.
_LEADS = st.one_of(
    st.just("/"), st.sampled_from(["//", "/./", "/../", "/%2e%2e/", "/api/../"])
)
_TAILS = st.one_of(
    st.just(""), st.sampled_from(["/", "//", "/.", "/..", "%2F", "?q=1", "#x"])
)
near_protected = st.builds(
    lambda lead, api, gap, protected, rest, tail: (
        lead + "/".join([api, *gap, protected, *rest]) + tail
    ),
    _LEADS,
    _near("api"),
    st.one_of(st.just([]), st.lists(segments, max_size=2)),
    _near("protected"),
    st.lists(st.one_of(st.just("x"), segments), min_size=1, max_size=3) | st.just([]),
    _TAILS,
)
token_paths = st.builds(
    lambda lead, parts, tail: lead + "/".join(parts) + tail,
    _LEADS,
    st.lists(segments, max_size=6),
    _TAILS,
)
# Only a path starting /api/protected/ as sent can reach the handler (static
# segments match exactly): what follows is where a matcher could disagree.
under_protected = st.builds(
    lambda parts, tail: "/api/protected/" + "/".join(parts) + tail,
    st.lists(segments, min_size=1, max_size=4),
    _TAILS,
)
raw_paths = st.one_of(under_protected, near_protected, token_paths)


def _scope(target: bytes) -> Scope:
    path, _, query = target.partition(b"?")
    return {
        "type": "http",
        "method": "GET",
        "scheme": "http",
        "path": path.decode("latin-1"),
        "raw_path": path,
        "query_string": query,
        "headers": [(b"host", b"x")],
        "root_path": "",
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 1),
    }


async def _never_called() -> Message:
    raise AssertionError("matching a path must not read the body")


def _reaches_protected_handler(app: RouteTreeApp, scope: Scope) -> bool:
    """Whether the pipeline routes this request to the protected handler."""
    path = request_path(scope)
    if refuse_target("GET", path) is not None:
        return False
    if trailing_slash_redirect(path, scope["query_string"]) is not None:
        return False
    found = app._matcher.match(normalize_escapes(path))
    return found is not None and found.route.path == PROTECTED_ROUTE


def _middleware_runs(app: RouteTreeApp, scope: Scope) -> bool:
    middleware = app.project.middleware
    assert middleware is not None
    path = request_path(scope)
    return middleware.applies_to(path, Request(scope, _never_called, path=path))


def test_router_and_middleware_agree_on_examples() -> None:
    # The property below must see both sides: paths that reach the handler, and
    # look-alikes that do not.
    app = create_app(PROJECT)
    reaching = [b"/api/protected/x", b"/api/protected/%2e", b"/api/protected/a%2Fb"]
    for target in reaching:
        assert _reaches_protected_handler(app, _scope(target)), target
        assert _middleware_runs(app, _scope(target)), target
    assert not _reaches_protected_handler(app, _scope(b"/API/protected/x"))
    assert _middleware_runs(app, _scope(b"/API/protected/x"))


def test_router_never_reaches_the_protected_route_without_the_middleware() -> None:
    app = create_app(PROJECT)  # once: the examples share it

    @settings(
        max_examples=2000,
        derandomize=True,
        database=None,
        deadline=timedelta(milliseconds=500),
    )
    @given(target=raw_paths)
    def agree(target: str) -> None:
        scope = _scope(target.encode())
        if _reaches_protected_handler(app, scope):
            assert _middleware_runs(app, scope), target

    agree()


# --- against the real server ------------------------------------------------------

_HEADER_TEXT = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40
)
QUERY_TOKENS = (
    *("a=1", "&", "=", "%", "%zz", "%00", "+", ";", "rest=x", "?", "=="),
    *("__nextLocale=en", "_rsc=1", "a=%E2%80%8B", "%3D", "a[]=1"),
)
queries = st.lists(st.sampled_from(QUERY_TOKENS), max_size=6).map("".join)
cookies = st.one_of(
    st.none(),
    _HEADER_TEXT,
    st.lists(
        st.tuples(st.sampled_from(["a", "session", "=", "", "__Host-x"]), _HEADER_TEXT),
        max_size=4,
    ).map(lambda pairs: "; ".join(f"{n}={v}" for n, v in pairs)),
)
methods = st.sampled_from(
    ["GET", "GET", "POST", "HEAD", "OPTIONS", "DELETE", "PUT", "get", "DELETE_ALL"]
)


def _send(
    server: SecurityServer,
    method: str,
    target: str,
    *,
    authorized: bool,
    headers: list[tuple[str, str]],
    body: bytes = b"",
) -> RawResponse | None:
    lines = [f"{method} {target} HTTP/1.1", "Host: x", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers]
    lines.append(f"Content-Length: {len(body)}")
    head = "\r\n".join(lines).encode("utf-8") + b"\r\n"
    data = head + (AUTH if authorized else b"") + b"\r\n" + body
    answer = raw_exchange(server.url, data, timeout=5)
    if not answer:
        return None  # closed without answering: the parser refused the bytes
    return RawResponse(answer)


def _check(response: RawResponse | None, *, authorized: bool) -> None:
    if response is None:
        return
    assert response.status < 500, response.body[:300]
    if not authorized:
        text = (response.head + response.body).decode("latin-1")
        assert SECRET not in text


LIVE = settings(
    max_examples=250,
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=3),
    suppress_health_check=[HealthCheck.too_slow],
)


@LIVE
@given(
    method=methods,
    path=raw_paths,
    query=queries,
    cookie=cookies,
    authorized=st.booleans(),
)
def test_generated_requests_never_5xx_nor_skip_the_middleware(
    server: SecurityServer,
    method: str,
    path: str,
    query: str,
    cookie: str | None,
    authorized: bool,
) -> None:
    target = f"{path}?{query}" if query else path
    headers = [] if cookie is None else [("Cookie", cookie)]
    response = _send(server, method, target, authorized=authorized, headers=headers)
    _check(response, authorized=authorized)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
forms = st.lists(st.tuples(_HEADER_TEXT, _HEADER_TEXT), max_size=5).map(
    lambda pairs: "&".join(f"{k}={v}" for k, v in pairs)
)


@LIVE
@given(value=json_values, ascii_only=st.booleans())
def test_generated_json_bodies_echo_back(
    server: SecurityServer, value: object, ascii_only: bool
) -> None:
    body = json.dumps(value, ensure_ascii=ascii_only).encode()
    headers = [("Content-Type", "application/json")]
    response = _send(
        server, "POST", "/api/echo-json", authorized=False, headers=headers, body=body
    )
    assert response is not None
    assert response.status == 200, response.body[:300]
    assert json_of(response) == value


@LIVE
@given(
    form=forms,
    target=st.sampled_from(["/api/echo-json", "/api/protected/x", "/API/protected/x"]),
    authorized=st.booleans(),
)
def test_generated_form_bodies_never_5xx_nor_skip_the_middleware(
    server: SecurityServer, form: str, target: str, authorized: bool
) -> None:
    headers = [("Content-Type", "application/x-www-form-urlencoded")]
    response = _send(
        server,
        "POST",
        target,
        authorized=authorized,
        headers=headers,
        body=form.encode(),
    )
    _check(response, authorized=authorized)


def test_server_survives_the_generated_requests(server: SecurityServer) -> None:
    assert_alive(server)
