"""Request through the ASGI app: URL, headers, cookies, client, body in every form."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import anyio
import pytest

from routetree import Request, RouteContext
from routetree.testing import AsyncTestClient, TestClient

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator, MutableMapping

    import httpx

    from routetree._types import Message
    from tests.conftest import MakeProject

ROUTE = "app/api/x/route.py"


def _client(make_project: MakeProject, source: str) -> TestClient:
    return TestClient(make_project({ROUTE: source}))


# --- method and URL -------------------------------------------------------------------

URL_ROUTE = """
from routetree import Request, Response

async def {method}(request: Request) -> Response:
    url = request.url
    return Response.json(
        {{
            "method": request.method,
            "url": str(url),
            "path": url.path,
            "query": url.query,
            "search": url.search,
            "scheme": url.scheme,
            "host": url.host,
            "port": url.port,
            "origin": url.origin,
        }}
    )
"""


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
def test_method_is_the_request_method(make_project: MakeProject, method: str) -> None:
    with _client(make_project, URL_ROUTE.format(method=method)) as client:
        response = client.request(method, "/api/x")
    assert response.status_code == 200
    assert response.json()["method"] == method


def test_url_path_is_kept_as_sent(make_project: MakeProject) -> None:
    project = make_project(
        {"app/api/x/[name]/route.py": URL_ROUTE.format(method="GET")}
    )
    with TestClient(project) as client:
        response = client.get("/api/x/a%20b")
    assert response.status_code == 200
    body = response.json()
    assert body["path"] == "/api/x/a%20b"
    assert body["url"] == "http://testserver/api/x/a%20b"


def test_url_query_and_search(make_project: MakeProject) -> None:
    with _client(make_project, URL_ROUTE.format(method="GET")) as client:
        response = client.get("/api/x?a=1&a=2&b=x%20y&c")
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "a=1&a=2&b=x%20y&c"
    assert body["search"] == "?a=1&a=2&b=x%20y&c"
    assert body["url"] == "http://testserver/api/x?a=1&a=2&b=x%20y&c"


def test_url_without_query_has_empty_search(make_project: MakeProject) -> None:
    with _client(make_project, URL_ROUTE.format(method="GET")) as client:
        response = client.get("/api/x")
    assert response.json()["query"] == ""
    assert response.json()["search"] == ""


def test_url_host_comes_from_the_host_header(make_project: MakeProject) -> None:
    with _client(make_project, URL_ROUTE.format(method="GET")) as client:
        response = client.get("/api/x?q=1", headers={"host": "example.com:8080"})
    assert response.status_code == 200
    body = response.json()
    assert body["url"] == "http://example.com:8080/api/x?q=1"
    assert body["host"] == "example.com"
    assert body["port"] == 8080
    assert body["origin"] == "http://example.com:8080"


def test_url_drops_the_default_port(make_project: MakeProject) -> None:
    with _client(make_project, URL_ROUTE.format(method="GET")) as client:
        response = client.get("/api/x", headers={"host": "example.com:80"})
    body = response.json()
    assert body["port"] is None
    assert body["url"] == "http://example.com/api/x"


SEARCH_PARAMS_ROUTE = """
from routetree import Request, Response

async def GET(request: Request) -> Response:
    params = request.url.search_params
    return Response.json(
        {
            "a": params.get("a"),
            "a_all": params.get_all("a"),
            "b": params.get("b"),
            "c": params.get("c"),
            "plus": params.get("plus"),
            "missing": params.get("missing"),
            "missing_all": params.get_all("missing"),
        }
    )
"""


def test_search_params_get_and_get_all(make_project: MakeProject) -> None:
    with _client(make_project, SEARCH_PARAMS_ROUTE) as client:
        response = client.get("/api/x?a=1&a=2&b=x%20y&c&plus=p+q")
    assert response.status_code == 200
    assert response.json() == {
        "a": "1",
        "a_all": ["1", "2"],
        "b": "x y",
        "c": "",
        "plus": "p q",
        "missing": None,
        "missing_all": [],
    }


# --- headers, cookies, client ---------------------------------------------------------

HEADERS_ROUTE = """
from routetree import Request, Response

async def GET(request: Request) -> Response:
    headers = request.headers
    return Response.json(
        {
            "lower": headers.get("x-custom"),
            "upper": headers.get("X-CUSTOM"),
            "mixed": headers["X-Custom"],
            "in": "X-CuStOm" in headers,
            "multi": headers.get("x-multi"),
            "multi_all": headers.get_all("X-Multi"),
            "missing": headers.get("x-missing"),
        }
    )
"""


def test_headers_are_case_insensitive_and_multi_valued(
    make_project: MakeProject,
) -> None:
    with _client(make_project, HEADERS_ROUTE) as client:
        response = client.get(
            "/api/x",
            headers=[("X-Custom", "hi"), ("X-Multi", "a"), ("x-multi", "b")],
        )
    assert response.status_code == 200
    assert response.json() == {
        "lower": "hi",
        "upper": "hi",
        "mixed": "hi",
        "in": True,
        "multi": "a, b",
        "multi_all": ["a", "b"],
        "missing": None,
    }


READ_ONLY_HEADERS_ROUTE = """
from routetree import Request, Response

async def GET(request: Request) -> Response:
    try:
        request.headers["x-new"] = "1"  # type: ignore[index]
    except TypeError as exc:
        return Response.json({"error": str(exc)})
    return Response.json({"error": None})
"""


def test_headers_are_read_only(make_project: MakeProject) -> None:
    with _client(make_project, READ_ONLY_HEADERS_ROUTE) as client:
        response = client.get("/api/x")
    assert response.status_code == 200
    assert "read-only" in response.json()["error"]


COOKIES_ROUTE = """
from routetree import Request, Response

async def GET(request: Request) -> Response:
    cookies = request.cookies
    return Response.json(
        {
            "all": dict(cookies),
            "names": list(cookies),
            "token": cookies.get("token"),
            "missing": cookies.get("missing"),
            "has_other": "other" in cookies,
        }
    )
"""


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param(
            "token=abc%20def; other=2",
            {"token": "abc def", "other": "2"},
            id="percent-decoded",
        ),
        pytest.param(
            "token=caf%C3%A9; other=2",
            {"token": "café", "other": "2"},
            id="utf-8-decoded",
        ),
        pytest.param(
            'token="quoted"; other=2',
            {"token": "quoted", "other": "2"},
            id="quotes-stripped",
        ),
        pytest.param(
            "garbage; token=abc; =nameless; other=2",
            {"token": "abc", "other": "2"},
            id="malformed-pairs-skipped",
        ),
        pytest.param(
            "token=%FF%ZZ; other=2",
            {"token": "%FF%ZZ", "other": "2"},
            id="undecodable-value-kept-as-sent",
        ),
        pytest.param(
            "token=first; token=second; other=2",
            {"token": "first", "other": "2"},
            id="first-of-a-repeated-name-wins",
        ),
    ],
)
def test_cookies_are_parsed_from_the_cookie_header(
    make_project: MakeProject, header: str, expected: dict[str, str]
) -> None:
    with _client(make_project, COOKIES_ROUTE) as client:
        response = client.get("/api/x", headers={"cookie": header})
    assert response.status_code == 200
    assert response.json() == {
        "all": expected,
        "names": list(expected),
        "token": expected["token"],
        "missing": None,
        "has_other": True,
    }


def test_cookies_from_several_cookie_header_lines_are_all_read(
    make_project: MakeProject,
) -> None:
    # HTTP/2 clients may split cookies over several header lines (RFC 9113, 8.2.3).
    with _client(make_project, COOKIES_ROUTE) as client:
        response = client.get(
            "/api/x", headers=[("cookie", "token=abc"), ("cookie", "other=2")]
        )
    assert response.status_code == 200
    assert response.json() == {
        "all": {"token": "abc", "other": "2"},
        "names": ["token", "other"],
        "token": "abc",
        "missing": None,
        "has_other": True,
    }


def test_cookies_are_empty_without_a_cookie_header(make_project: MakeProject) -> None:
    with _client(make_project, COOKIES_ROUTE) as client:
        response = client.get("/api/x")
    assert response.json() == {
        "all": {},
        "names": [],
        "token": None,
        "missing": None,
        "has_other": False,
    }


CLIENT_ROUTE = """
from routetree import Request, Response

async def GET(request: Request) -> Response:
    client = request.client
    return Response.json(
        {
            "host": client.host if client else None,
            "port": client.port if client else None,
            "ip": request.ip,
        }
    )
"""


def test_client_is_the_peer_address(make_project: MakeProject) -> None:
    with TestClient(
        make_project({ROUTE: CLIENT_ROUTE}), client=("203.0.113.7", 4321)
    ) as client:
        response = client.get("/api/x", headers={"x-forwarded-for": "198.51.100.1"})
    assert response.status_code == 200
    assert response.json() == {"host": "203.0.113.7", "port": 4321, "ip": "203.0.113.7"}


# --- the body, in every form ----------------------------------------------------------

BODY_ROUTE = """
from routetree import Request, Response

async def POST(request: Request) -> Response:
    body = await request.body()
    return Response(body, headers={"content-type": "application/octet-stream"})
"""

TEXT_ROUTE = """
from routetree import Request, Response

async def POST(request: Request) -> Response:
    return Response.json({"text": await request.text()})
"""

JSON_ROUTE = """
from routetree import Request, Response

async def POST(request: Request) -> Response:
    return Response.json({"data": await request.json()})
"""

FORM_ROUTE = """
from routetree import Request, Response, UploadFile

async def POST(request: Request) -> Response:
    form = await request.form()
    fields = {}
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            fields[name] = {
                "filename": value.filename,
                "content_type": value.content_type,
                "size": value.size,
                "content": (await value.read()).decode(),
            }
        else:
            fields[name] = value
    return Response.json(fields)
"""

STREAM_ROUTE = """
from routetree import Request, Response

async def POST(request: Request) -> Response:
    chunks = [chunk async for chunk in request.stream()]
    return Response.json({"joined": b"".join(chunks).decode()})
"""


def test_body_returns_the_bytes_sent(make_project: MakeProject) -> None:
    payload = bytes(range(256))
    with _client(make_project, BODY_ROUTE) as client:
        response = client.post("/api/x", content=payload)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.content == payload


def test_body_of_a_request_without_one_is_empty(make_project: MakeProject) -> None:
    with _client(make_project, BODY_ROUTE) as client:
        response = client.post("/api/x")
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize(
    ("content_type", "payload", "expected"),
    [
        pytest.param(None, "hello, wörld".encode(), "hello, wörld", id="utf-8-default"),
        pytest.param(
            "text/plain; charset=utf-8",
            "hello, wörld".encode(),
            "hello, wörld",
            id="utf-8-declared",
        ),
        pytest.param(
            "text/plain; charset=latin-1",
            "café".encode("latin-1"),
            "café",
            id="latin-1",
        ),
        pytest.param(
            'text/plain; charset="ISO-8859-1"',
            "café".encode("latin-1"),
            "café",
            id="quoted-charset",
        ),
        pytest.param(
            "text/plain; charset=utf-16",
            "hé".encode("utf-16"),
            "hé",
            id="utf-16",
        ),
        pytest.param(
            "text/plain; charset=no-such-charset",
            "wörld".encode(),
            "wörld",
            id="unknown-charset-falls-back-to-utf-8",
        ),
    ],
)
def test_text_honours_the_charset(
    make_project: MakeProject, content_type: str | None, payload: bytes, expected: str
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    with _client(make_project, TEXT_ROUTE) as client:
        response = client.post("/api/x", content=payload, headers=headers)
    assert response.status_code == 200
    assert response.json() == {"text": expected}


def test_json_parses_the_body(make_project: MakeProject) -> None:
    with _client(make_project, JSON_ROUTE) as client:
        response = client.post("/api/x", json={"ping": "pong", "n": 1, "l": [1, None]})
    assert response.status_code == 200
    assert response.json() == {"data": {"ping": "pong", "n": 1, "l": [1, None]}}


def test_form_parses_an_urlencoded_body(make_project: MakeProject) -> None:
    with _client(make_project, FORM_ROUTE) as client:
        response = client.post(
            "/api/x", data={"name": "Ada", "email": "ada@example.com"}
        )
    assert response.status_code == 200
    assert response.json() == {"name": "Ada", "email": "ada@example.com"}


def test_form_parses_a_multipart_body_with_a_file(make_project: MakeProject) -> None:
    with _client(make_project, FORM_ROUTE) as client:
        response = client.post(
            "/api/x",
            data={"name": "Ada"},
            files={"file": ("notes.txt", b"line one\n", "text/plain")},
        )
    assert response.status_code == 200
    assert response.json() == {
        "name": "Ada",
        "file": {
            "filename": "notes.txt",
            "content_type": "text/plain",
            "size": 9,
            "content": "line one\n",
        },
    }


def test_stream_yields_the_body(make_project: MakeProject) -> None:
    with _client(make_project, STREAM_ROUTE) as client:
        response = client.post("/api/x", content=b"streamed body")
    assert response.status_code == 200
    assert response.json() == {"joined": "streamed body"}


PARTIAL_STREAM_ROUTE = """
from routetree import Request, Response

async def POST(request: Request) -> Response:
    async for chunk in request.stream():
        first = chunk
        break
    body = await request.body()
    return Response.json({"first": first.decode(), "body": body.decode()})
"""


def test_body_after_a_partial_stream_read_is_the_whole_body(
    make_project: MakeProject,
) -> None:
    with _client(make_project, PARTIAL_STREAM_ROUTE) as client:
        response = client.post("/api/x", content=b"whole body")
    assert response.status_code == 200
    assert response.json() == {"first": "whole body", "body": "whole body"}


REREAD_ROUTE = """
from routetree import Request, Response

async def POST(request: Request) -> Response:
    first = request.url.search_params["first"]
    if first == "body":
        raw = await request.body()
    elif first == "text":
        raw = (await request.text()).encode()
    elif first == "stream":
        raw = b"".join([chunk async for chunk in request.stream()])
    else:
        raw = repr(await request.json()).encode()
    return Response.json(
        {
            "first": raw.decode(),
            "body": (await request.body()).decode(),
            "text": await request.text(),
            "json": await request.json(),
            "stream": b"".join([c async for c in request.stream()]).decode(),
        }
    )
"""


@pytest.mark.parametrize(
    ("first", "first_value"),
    [
        pytest.param("body", '{"a": [1, 2]}', id="body-then-others"),
        pytest.param("text", '{"a": [1, 2]}', id="text-then-others"),
        pytest.param("stream", '{"a": [1, 2]}', id="stream-then-others"),
        pytest.param("json", "{'a': [1, 2]}", id="json-then-others"),
    ],
)
def test_body_can_be_read_again_in_another_form(
    make_project: MakeProject, first: str, first_value: str
) -> None:
    with _client(make_project, REREAD_ROUTE) as client:
        response = client.post(f"/api/x?first={first}", content=b'{"a": [1, 2]}')
    assert response.status_code == 200
    assert response.json() == {
        "first": first_value,
        "body": '{"a": [1, 2]}',
        "text": '{"a": [1, 2]}',
        "json": {"a": [1, 2]},
        "stream": '{"a": [1, 2]}',
    }


FORM_TWICE_ROUTE = """
from routetree import Request, Response

async def POST(request: Request) -> Response:
    raw = await request.body()
    form = await request.form()
    again = await request.form()
    same = again == form
    return Response.json({"raw": raw.decode(), "name": form["name"], "same": same})
"""


def test_form_after_body(make_project: MakeProject) -> None:
    with _client(make_project, FORM_TWICE_ROUTE) as client:
        response = client.post("/api/x", data={"name": "Ada"})
    assert response.status_code == 200
    assert response.json() == {"raw": "name=Ada", "name": "Ada", "same": True}


# --- body errors ----------------------------------------------------------------------


def _error(response: httpx.Response) -> dict[str, str]:
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert isinstance(body, dict)
    assert set(body) == {"error", "detail"}
    return body


@pytest.mark.parametrize(
    ("payload", "location"),
    [
        pytest.param(b"{bad json", "line 1, column 2", id="bad-property-name"),
        pytest.param(b'{\n  "a": 1,\n  "b": }', "line 3", id="error-on-line-3"),
        pytest.param(b'{"a": 1', "line 1", id="unterminated"),
        pytest.param(b'{"a": "\xff"}', "line 1", id="not-utf-8"),
    ],
)
def test_malformed_json_is_a_located_400(
    make_project: MakeProject, payload: bytes, location: str
) -> None:
    with _client(make_project, JSON_ROUTE) as client:
        response = client.post(
            "/api/x", content=payload, headers={"content-type": "application/json"}
        )
    assert response.status_code == 400
    body = _error(response)
    assert body["error"] == "Bad Request"
    assert location in body["detail"]
    assert "column" in body["detail"]


@pytest.mark.parametrize(
    "payload",
    [pytest.param(b"", id="empty"), pytest.param(b"  \n ", id="whitespace")],
)
def test_empty_json_body_is_400(make_project: MakeProject, payload: bytes) -> None:
    with _client(make_project, JSON_ROUTE) as client:
        response = client.post(
            "/api/x", content=payload, headers={"content-type": "application/json"}
        )
    assert response.status_code == 400
    body = _error(response)
    assert body["error"] == "Bad Request"
    assert "empty" in body["detail"]


def test_too_deeply_nested_json_is_400(make_project: MakeProject) -> None:
    payload = b"[" * 100_000 + b"]" * 100_000
    with _client(make_project, JSON_ROUTE) as client:
        response = client.post(
            "/api/x", content=payload, headers={"content-type": "application/json"}
        )
    assert response.status_code == 400
    body = _error(response)
    assert body["error"] == "Bad Request"
    assert body["detail"]


def test_form_on_a_json_body_is_415(make_project: MakeProject) -> None:
    with _client(make_project, FORM_ROUTE) as client:
        response = client.post("/api/x", json={"a": 1})
    assert response.status_code == 415
    body = _error(response)
    assert body["error"] == "Unsupported Media Type"
    assert "application/json" in body["detail"]


def test_form_without_a_content_type_is_415(make_project: MakeProject) -> None:
    with _client(make_project, FORM_ROUTE) as client:
        response = client.post("/api/x", content=b"name=Ada")
    assert response.status_code == 415
    assert _error(response)["error"] == "Unsupported Media Type"


@pytest.mark.parametrize(
    "content_type",
    [
        pytest.param("multipart/form-data", id="no-boundary"),
        pytest.param("multipart/form-data; boundary=zz", id="wrong-boundary"),
    ],
)
def test_malformed_multipart_body_is_400(
    make_project: MakeProject, content_type: str
) -> None:
    with _client(make_project, FORM_ROUTE) as client:
        response = client.post(
            "/api/x", content=b"garbage", headers={"content-type": content_type}
        )
    assert response.status_code == 400
    body = _error(response)
    assert body["error"] == "Bad Request"
    assert "form" in body["detail"]


# --- max_body_size --------------------------------------------------------------------

LIMITED_ROUTE = """
from routetree import Request, Response

max_body_size = "1kb"

async def POST(request: Request) -> Response:
    size = len(await request.body())
    declared = request.headers.get("content-length")
    return Response.json({"size": size, "declared": declared})
"""

LIMITED_STREAM_ROUTE = """
from routetree import Request, Response

max_body_size = "1kb"

async def POST(request: Request) -> Response:
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
    return Response.json({"size": size})
"""


@pytest.mark.parametrize(
    "size", [pytest.param(1, id="tiny"), pytest.param(1024, id="exactly-the-limit")]
)
def test_body_under_max_body_size_is_read(make_project: MakeProject, size: int) -> None:
    with _client(make_project, LIMITED_ROUTE) as client:
        response = client.post("/api/x", content=b"x" * size)
    assert response.status_code == 200
    assert response.json() == {"size": size, "declared": str(size)}


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(LIMITED_ROUTE, id="body"),
        pytest.param(LIMITED_STREAM_ROUTE, id="stream"),
    ],
)
def test_body_over_max_body_size_with_content_length_is_413(
    make_project: MakeProject, source: str
) -> None:
    with _client(make_project, source) as client:
        response = client.post("/api/x", content=b"x" * 1025)
    assert response.status_code == 413
    body = _error(response)
    assert body["error"] == "Content Too Large"
    assert "1024" in body["detail"]


def _chunks(count: int, size: int) -> Iterator[bytes]:
    for _ in range(count):
        yield b"x" * size


async def _async_chunks(count: int, size: int) -> AsyncIterator[bytes]:
    for _ in range(count):
        yield b"x" * size


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(LIMITED_ROUTE, id="body"),
        pytest.param(LIMITED_STREAM_ROUTE, id="stream"),
    ],
)
def test_generator_body_through_the_sync_client_over_the_limit_is_413(
    make_project: MakeProject, source: str
) -> None:
    # The request is sent chunked; TestClient's transport may buffer it on the way.
    with _client(make_project, source) as client:
        request = client.build_request("POST", "/api/x", content=_chunks(8, 256))
        assert "content-length" not in request.headers
        assert request.headers["transfer-encoding"] == "chunked"
        response = client.send(request)
    assert response.status_code == 413
    body = _error(response)
    assert body["error"] == "Content Too Large"


@pytest.mark.anyio
@pytest.mark.parametrize(
    "source",
    [
        pytest.param(LIMITED_ROUTE, id="body"),
        pytest.param(LIMITED_STREAM_ROUTE, id="stream"),
    ],
)
async def test_streamed_body_without_content_length_over_the_limit_is_413(
    make_project: MakeProject, source: str
) -> None:
    # AsyncTestClient hands the body to the app chunk by chunk, without Content-Length.
    async with AsyncTestClient(make_project({ROUTE: source})) as client:
        request = client.build_request("POST", "/api/x", content=_async_chunks(8, 256))
        assert "content-length" not in request.headers
        response = await client.send(request)
    assert response.status_code == 413
    body = _error(response)
    assert body["error"] == "Content Too Large"


@pytest.mark.anyio
async def test_streamed_body_under_the_limit_is_read(make_project: MakeProject) -> None:
    async with AsyncTestClient(make_project({ROUTE: LIMITED_ROUTE})) as client:
        response = await client.post("/api/x", content=_async_chunks(4, 256))
    assert response.status_code == 200
    assert response.json() == {"size": 1024, "declared": None}


@pytest.mark.anyio
async def test_body_over_the_limit_is_not_read_to_the_end(
    make_project: MakeProject,
) -> None:
    sent: list[int] = []

    async def endless_upload() -> AsyncIterator[bytes]:
        for index in range(10_000):
            sent.append(index)
            yield b"x" * 256

    async with AsyncTestClient(make_project({ROUTE: LIMITED_ROUTE})) as client:
        response = await client.post("/api/x", content=endless_upload())
    assert response.status_code == 413
    # 1 KiB is 4 chunks of 256 bytes: the app stops soon after the fifth.
    assert len(sent) < 100


def test_default_limit_allows_a_large_body(make_project: MakeProject) -> None:
    source = LIMITED_ROUTE.replace('max_body_size = "1kb"', "")
    with _client(make_project, source) as client:
        response = client.post("/api/x", content=b"x" * (1024 * 1024))
    assert response.status_code == 200
    assert json.loads(response.content) == {"size": 1024 * 1024, "declared": "1048576"}


@pytest.mark.anyio
async def test_streamed_echo_keeps_data_in_the_final_body_message(
    make_project: MakeProject,
) -> None:
    # A server may deliver the last bytes together with the end of the body
    # (more_body False): piping request.stream() into the response must keep them.
    from routetree import create_app

    project = make_project(
        {
            "app/api/pipe/route.py": (
                "from routetree import Response\n\n\n"
                "async def POST(request):\n"
                "    return Response(request.stream())\n"
            )
        }
    )
    app = create_app(project)
    messages = [
        {"type": "http.request", "body": b"first,", "more_body": True},
        {"type": "http.request", "body": b"second,", "more_body": True},
        {"type": "http.request", "body": b"last", "more_body": False},
    ]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        if messages:
            return messages.pop(0)
        await anyio.sleep(10)  # the client stays connected until the response is done
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, object]) -> None:
        sent.append(dict(message))

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/pipe",
        "raw_path": b"/api/pipe",
        "query_string": b"",
        "http_version": "1.1",
        "headers": [(b"host", b"testserver")],
    }
    with anyio.fail_after(5):
        await app(scope, receive, send)
    body = b"".join(
        bytes(m["body"])  # type: ignore[call-overload]
        for m in sent
        if m["type"] == "http.response.body"
    )
    assert sent[0]["status"] == 200
    assert body == b"first,second,last"


# --- form limits ----------------------------------------------------------------------

COUNTING_FORM_ROUTE = """
from routetree import Request, Response

{constants}

async def POST(request: Request) -> Response:
    form = await request.form()
    return Response.json({{"items": len(form.multi_items())}})
"""


def test_route_form_limits_apply(make_project: MakeProject) -> None:
    source = COUNTING_FORM_ROUTE.format(
        constants='max_fields = 2\nmax_part_size = "8b"'
    )
    with _client(make_project, source) as client:
        fits = client.post("/api/x", data={"a": "1234567", "b": "2"})
        too_many = client.post("/api/x", data={"a": "1", "b": "2", "c": "3"})
        too_large = client.post("/api/x", data={"a": "12345678"})
    assert fits.status_code == 200
    assert fits.json() == {"items": 2}
    assert too_many.status_code == 413
    assert "the limit is max_fields = 2." in _error(too_many)["detail"]
    assert too_large.status_code == 413
    assert "max_part_size = 8 bytes" in _error(too_large)["detail"]


def test_config_form_limits_apply_unless_the_route_sets_its_own(
    make_project: MakeProject,
) -> None:
    project = make_project(
        {
            "routetree.toml": "max_files = 1\n",
            "app/api/x/route.py": COUNTING_FORM_ROUTE.format(constants=""),
            "app/api/y/route.py": COUNTING_FORM_ROUTE.format(constants="max_files = 3"),
        }
    )
    files = [("f", ("a.txt", b"a")), ("f", ("b.txt", b"b"))]
    with TestClient(project) as client:
        refused = client.post("/api/x", files=files)
        allowed = client.post("/api/y", files=files)
    assert refused.status_code == 413
    assert _error(refused)["detail"] == (
        "Too many files in the form: the limit is max_files = 1. Raise max_files in "
        "the route file (or in the project config) if more files are expected."
    )
    assert allowed.status_code == 200
    assert allowed.json() == {"items": 2}


# --- public surface -------------------------------------------------------------------


def _public_members(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


def test_request_exposes_only_what_the_docs_describe() -> None:
    # What the framework itself needs (rewrites, limits, trusted proxies, the
    # disconnect watcher, per-request state) is private: a handler cannot reach it.
    assert _public_members(Request) == {
        "body",
        "client",
        "cookies",
        "form",
        "headers",
        "ip",
        "json",
        "method",
        "scope",
        "state",
        "stream",
        "text",
        "url",
    }


def test_route_context_exposes_only_params() -> None:
    assert _public_members(RouteContext) == {"params"}


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def test_state_is_made_on_first_use_and_says_what_is_missing() -> None:
    request = Request({"type": "http", "method": "GET", "headers": []}, _no_body)
    state = request.state
    assert state is request.state
    assert vars(state) == {}
    state.user = "ada"
    assert request.state.user == "ada"
    with pytest.raises(AttributeError) as caught:
        _ = request.state.role
    assert str(caught.value) == (
        "request.state has no attribute 'role': nothing set it for this request. "
        "Set it first (request.state.role = ..., in middleware.py or earlier in the "
        "handler), or read it with getattr(request.state, 'role', None)."
    )
    assert getattr(request.state, "role", None) is None
