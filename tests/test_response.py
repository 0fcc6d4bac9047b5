"""Response through the ASGI app: bodies, status, headers, JSON, redirects, streams."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from routetree import Response
from routetree.testing import TestClient

if TYPE_CHECKING:
    from tests.conftest import MakeProject

ROUTE = "app/api/x/route.py"


def _get(
    make_project: MakeProject, source: str, method: str = "GET", path: str = "/api/x"
) -> tuple[int, list[tuple[str, str]], bytes]:
    """Serve ``source`` as app/api/x/route.py; return status, header pairs and body."""
    with TestClient(make_project({ROUTE: source})) as client:
        response = client.request(method, path)
    return response.status_code, response.headers.multi_items(), response.content


# --- plain bodies ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "headers", "content"),
    [
        pytest.param(
            '"hello, wörld"',
            200,
            [
                ("content-type", "text/plain; charset=utf-8"),
                ("content-length", "13"),
            ],
            "hello, wörld".encode(),
            id="str-is-utf-8-text",
        ),
        pytest.param(
            'b"\\x00\\x01\\xff"',
            200,
            [("content-length", "3")],
            b"\x00\x01\xff",
            id="bytes-have-no-content-type",
        ),
        pytest.param(
            "None",
            200,
            [("content-length", "0")],
            b"",
            id="none-is-empty",
        ),
        pytest.param(
            '"I\'m a teapot", status=418',
            418,
            [
                ("content-type", "text/plain; charset=utf-8"),
                ("content-length", "12"),
            ],
            b"I'm a teapot",
            id="custom-status",
        ),
        pytest.param(
            "None, status=204",
            204,
            [],
            b"",
            id="204-has-no-content-length",
        ),
        pytest.param(
            '"<p>hi</p>", headers={"Content-Type": "text/html"}',
            200,
            [("content-type", "text/html"), ("content-length", "9")],
            b"<p>hi</p>",
            id="str-with-a-given-content-type",
        ),
    ],
)
def test_response_body_and_status(
    make_project: MakeProject,
    body: str,
    status: int,
    headers: list[tuple[str, str]],
    content: bytes,
) -> None:
    source = f"""
    from routetree import Response

    def GET() -> Response:
        return Response({body})
    """
    assert _get(make_project, source) == (status, headers, content)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param(
            '{"X-One": "1", "x-two": "2"}',
            [("x-one", "1"), ("x-two", "2")],
            id="mapping",
        ),
        pytest.param(
            '[("x-multi", "a"), ("X-Multi", "b"), ("x-one", "1")]',
            [("x-multi", "a"), ("x-multi", "b"), ("x-one", "1")],
            id="list-of-pairs-repeats-a-name",
        ),
    ],
)
def test_response_headers(
    make_project: MakeProject, headers: str, expected: list[tuple[str, str]]
) -> None:
    source = f"""
    from routetree import Response

    def GET() -> Response:
        return Response(b"ok", headers={headers})
    """
    assert _get(make_project, source) == (
        200,
        [*expected, ("content-length", "2")],
        b"ok",
    )


MUTATED_ROUTE = """
from routetree import Response

def GET() -> Response:
    response = Response("created")
    response.status = 201
    response.headers["x-added"] = "1"
    response.headers.append("x-added", "2")
    response.headers["content-type"] = "text/csv"
    return response
"""


def test_response_status_and_headers_can_be_changed_before_returning(
    make_project: MakeProject,
) -> None:
    assert _get(make_project, MUTATED_ROUTE) == (
        201,
        [
            ("content-length", "7"),  # known from the body at construction
            ("x-added", "1"),
            ("x-added", "2"),
            ("content-type", "text/csv"),
        ],
        b"created",
    )


# --- Response.json --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "status", "content_type", "content"),
    [
        pytest.param(
            'Response.json({"message": "Hello World"})',
            200,
            "application/json",
            b'{"message":"Hello World"}',
            id="compact",
        ),
        pytest.param(
            'Response.json({"msg": "café ☕", "n": 1, "f": 1.5, '
            '"nested": {"list": [1, "two", None]}})',
            200,
            "application/json",
            '{"msg":"café ☕","n":1,"f":1.5,"nested":{"list":[1,"two",null]}}'.encode(),
            id="utf-8-without-escapes",
        ),
        pytest.param(
            'Response.json({"error": "teapot"}, status=418)',
            418,
            "application/json",
            b'{"error":"teapot"}',
            id="custom-status",
        ),
        pytest.param(
            'Response.json({"title": "x"}, '
            'headers={"Content-Type": "application/problem+json"})',
            200,
            "application/problem+json",
            b'{"title":"x"}',
            id="given-content-type-kept",
        ),
        pytest.param(
            "Response.json([1, (2, 3)])",
            200,
            "application/json",
            b"[1,[2,3]]",
            id="tuple-as-array",
        ),
    ],
)
def test_response_json(
    make_project: MakeProject,
    call: str,
    status: int,
    content_type: str,
    content: bytes,
) -> None:
    source = f"""
    from routetree import Response

    def GET() -> Response:
        return {call}
    """
    assert _get(make_project, source) == (
        status,
        [("content-type", content_type), ("content-length", str(len(content)))],
        content,
    )


def test_response_json_keeps_other_headers(make_project: MakeProject) -> None:
    source = """
    from routetree import Response

    def GET() -> Response:
        return Response.json({"ok": True}, headers={"x-custom": "1"})
    """
    assert _get(make_project, source) == (
        200,
        [
            ("x-custom", "1"),
            ("content-type", "application/json"),
            ("content-length", "11"),
        ],
        b'{"ok":true}',
    )


def test_response_json_of_an_unencodable_value_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="object"):
        Response.json({"x": object()})


# --- Response.redirect ----------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_statuses(make_project: MakeProject, status: int) -> None:
    source = f"""
    from routetree import Response

    def GET() -> Response:
        return Response.redirect("/api/hello", status={status})
    """
    assert _get(make_project, source) == (
        status,
        [("location", "/api/hello"), ("content-length", "0")],
        b"",
    )


def test_redirect_defaults_to_307(make_project: MakeProject) -> None:
    source = """
    from routetree import Response

    def GET() -> Response:
        return Response.redirect("/api/hello")
    """
    assert _get(make_project, source) == (
        307,
        [("location", "/api/hello"), ("content-length", "0")],
        b"",
    )


@pytest.mark.parametrize("status", [200, 300, 304, 404])
def test_redirect_with_a_non_redirect_status_is_a_value_error(status: int) -> None:
    with pytest.raises(ValueError, match="301, 302, 303, 307 or 308"):
        Response.redirect("/api/hello", status=status)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/api/hello", id="absolute-path"),
        pytest.param("/api/hello?x=1&y=a%20b#top", id="query-and-fragment"),
        pytest.param("login", id="relative-path"),
        pytest.param("../up", id="parent-relative"),
        pytest.param("https://nextjs.org/", id="absolute-url"),
    ],
)
def test_redirect_location_keeps_an_ascii_url_as_given(
    make_project: MakeProject, url: str
) -> None:
    source = f"""
    from routetree import Response

    def GET() -> Response:
        return Response.redirect({url!r})
    """
    status, headers, content = _get(make_project, source)
    assert (status, dict(headers)["location"], content) == (307, url, b"")


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/x\r\nSet-Cookie: a=1", id="crlf"),
        pytest.param("/x\nx-injected: 1", id="lf"),
        pytest.param("/x\rx", id="cr"),
        pytest.param("/x\x00", id="nul"),
    ],
)
def test_redirect_url_with_a_control_character_is_a_value_error(url: str) -> None:
    with pytest.raises(ValueError, match="control character"):
        Response.redirect(url)


@pytest.mark.parametrize(
    ("url", "location"),
    [
        pytest.param("/café?q=ü", b"/caf%C3%A9?q=%C3%BC", id="latin-1"),
        pytest.param("/日本", b"/%E6%97%A5%E6%9C%AC", id="not-latin-1"),
        pytest.param("/search?q=a b#top", b"/search?q=a%20b#top", id="space"),
        pytest.param(
            "https://bücher.example/", b"https://b%C3%BCcher.example/", id="idn"
        ),
        pytest.param("/\\evil.example", b"/%5Cevil.example", id="backslash"),
    ],
)
def test_redirect_location_is_percent_encoded_to_ascii(
    url: str, location: bytes
) -> None:
    response = Response.redirect(url, status=308)
    assert response.status == 308
    assert response.headers.get_all("location") == [location.decode("ascii")]
    assert (b"location", location) in response.headers.raw


def test_redirect_url_with_a_lone_surrogate_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="lone surrogate"):
        Response.redirect("/x\udcff")


# --- streaming ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            """
            from routetree import Response

            async def chunks():
                yield "data: 1\\n\\n"
                yield b"data: 2\\n\\n"
                yield ""
                yield "data: 3\\n\\n"

            async def GET() -> Response:
                return Response(chunks(), headers={"content-type": "text/event-stream"})
            """,
            id="async-generator",
        ),
        pytest.param(
            """
            from routetree import Response

            def chunks():
                yield "data: 1\\n\\n"
                yield b"data: 2\\n\\n"
                yield ""
                yield "data: 3\\n\\n"

            def GET() -> Response:
                return Response(chunks(), headers={"content-type": "text/event-stream"})
            """,
            id="sync-generator",
        ),
        pytest.param(
            """
            from routetree import Response

            def GET() -> Response:
                chunks = ["data: 1\\n\\n", b"data: 2\\n\\n", "", "data: 3\\n\\n"]
                return Response(chunks, headers={"content-type": "text/event-stream"})
            """,
            id="list",
        ),
    ],
)
def test_streamed_body_is_sent_in_order_without_content_length(
    make_project: MakeProject, source: str
) -> None:
    assert _get(make_project, source) == (
        200,
        [("content-type", "text/event-stream")],
        b"data: 1\n\ndata: 2\n\ndata: 3\n\n",
    )


def test_empty_stream_is_an_empty_body(make_project: MakeProject) -> None:
    source = """
    from routetree import Response

    async def nothing():
        return
        yield b""

    async def GET() -> Response:
        return Response(nothing())
    """
    assert _get(make_project, source) == (200, [], b"")


# --- HEAD -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        pytest.param(
            '"hello"',
            [
                ("x-custom", "1"),
                ("content-type", "text/plain; charset=utf-8"),
                ("content-length", "5"),
            ],
            id="text",
        ),
        pytest.param(
            '(c for c in ["a", "b"])',
            [("x-custom", "1")],
            id="stream",
        ),
    ],
)
def test_head_sends_no_body_but_keeps_headers(
    make_project: MakeProject, body: str, headers: list[tuple[str, str]]
) -> None:
    source = f"""
    from routetree import Response

    def GET() -> Response:
        return Response({body}, headers={{"x-custom": "1"}})
    """
    assert _get(make_project, source, method="HEAD") == (200, headers, b"")


# --- invalid bodies -------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(42, id="int"),
        pytest.param(1.5, id="float"),
        pytest.param(object(), id="object"),
        pytest.param({"a": 1}, id="dict"),
    ],
)
def test_invalid_body_type_is_a_type_error_pointing_at_response_json(
    body: object,
) -> None:
    with pytest.raises(TypeError, match=r"Response\.json") as caught:
        Response(body)  # type: ignore[arg-type]
    assert type(body).__name__ in str(caught.value)


def test_invalid_body_in_a_handler_is_a_500(make_project: MakeProject) -> None:
    source = """
    from routetree import Response

    def GET() -> Response:
        return Response(42)
    """
    assert _get(make_project, source) == (
        500,
        [("content-type", "application/json"), ("content-length", "33")],
        b'{"error":"Internal Server Error"}',
    )


@pytest.mark.parametrize("status", [99, 1000, "200"])
def test_invalid_status_is_a_value_error(status: object) -> None:
    with pytest.raises(ValueError, match="status"):
        Response("x", status=status)  # type: ignore[arg-type]


# --- cookies --------------------------------------------------------------------------

COOKIES_ROUTE = """
from routetree import Response

def GET() -> Response:
    response = Response.json({"ok": True})
    response.cookies.set("session", "abc", httponly=True)
    response.cookies.set("theme", "dark mode", path="/api", samesite="lax", secure=True)
    response.cookies.set("gone", "soon")
    response.cookies.delete("gone")
    return response
"""


def test_response_cookies_set_one_set_cookie_line_each(
    make_project: MakeProject,
) -> None:
    status, headers, content = _get(make_project, COOKIES_ROUTE)
    assert status == 200
    assert content == b'{"ok":true}'
    assert [value for name, value in headers if name == "set-cookie"] == [
        "session=abc; Path=/; HttpOnly",
        "theme=dark%20mode; Path=/api; Secure; SameSite=lax",
        "gone=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    ]


def test_setting_a_cookie_again_replaces_its_line(make_project: MakeProject) -> None:
    source = """
    from routetree import Response

    def GET() -> Response:
        response = Response("ok")
        response.cookies.set("a", "1")
        response.cookies.set("b", "2")
        response.cookies.set("a", "3")
        return response
    """
    _, headers, _ = _get(make_project, source)
    assert [value for name, value in headers if name == "set-cookie"] == [
        "b=2; Path=/",
        "a=3; Path=/",
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param("x-a", "1\r\nSet-Cookie: evil=1", id="crlf-in-value"),
        pytest.param("x-a", "1\nx", id="lf-in-value"),
        pytest.param("x a", "1", id="space-in-name"),
        pytest.param("x-a\r\n", "1", id="crlf-in-name"),
    ],
)
def test_header_that_could_split_the_response_is_a_value_error(
    name: str, value: str
) -> None:
    with pytest.raises(ValueError, match="Invalid"):
        Response("x", headers={name: value})
    response = Response("x")
    with pytest.raises(ValueError, match="Invalid"):
        response.headers[name] = value
