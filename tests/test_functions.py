"""not_found(), forbidden(), unauthorized(), redirect(), permanent_redirect()."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from routetree.testing import TestClient

if TYPE_CHECKING:
    from tests.conftest import MakeProject

ROUTE = "app/api/x/route.py"

SIGNALS = [
    pytest.param(
        "not_found()",
        404,
        [("content-type", "application/json"), ("content-length", "21")],
        b'{"error":"Not Found"}',
        id="not_found",
    ),
    pytest.param(
        "forbidden()",
        403,
        [("content-type", "application/json"), ("content-length", "21")],
        b'{"error":"Forbidden"}',
        id="forbidden",
    ),
    pytest.param(
        "unauthorized()",
        401,
        [("content-type", "application/json"), ("content-length", "24")],
        b'{"error":"Unauthorized"}',
        id="unauthorized",
    ),
    pytest.param(
        'redirect("/x")',
        307,
        [("location", "/x"), ("content-length", "0")],
        b"",
        id="redirect",
    ),
    pytest.param(
        'redirect("https://nextjs.org/")',
        307,
        [("location", "https://nextjs.org/"), ("content-length", "0")],
        b"",
        id="redirect-absolute",
    ),
    pytest.param(
        'permanent_redirect("/x")',
        308,
        [("location", "/x"), ("content-length", "0")],
        b"",
        id="permanent_redirect",
    ),
    pytest.param(
        'permanent_redirect("../x?a=1")',
        308,
        [("location", "../x?a=1"), ("content-length", "0")],
        b"",
        id="permanent_redirect-relative",
    ),
]

IMPORTS = (
    "from routetree import Response, forbidden, not_found, permanent_redirect, "
    "redirect, unauthorized"
)


def _serve(
    make_project: MakeProject, source: str, method: str = "GET"
) -> tuple[int, list[tuple[str, str]], bytes]:
    with TestClient(make_project({ROUTE: source})) as client:
        response = client.request(method, "/api/x")
    return response.status_code, response.headers.multi_items(), response.content


@pytest.mark.parametrize(
    "prefix", [pytest.param("async ", id="async"), pytest.param("", id="sync")]
)
@pytest.mark.parametrize(("call", "status", "headers", "body"), SIGNALS)
def test_function_stops_the_handler_with_its_response(
    make_project: MakeProject,
    prefix: str,
    call: str,
    status: int,
    headers: list[tuple[str, str]],
    body: bytes,
) -> None:
    source = f"""
    {IMPORTS}

    {prefix}def GET() -> Response:
        {call}
        return Response("unreachable")
    """
    assert _serve(make_project, source) == (status, headers, body)


@pytest.mark.parametrize(
    "prefix", [pytest.param("async ", id="async"), pytest.param("", id="sync")]
)
@pytest.mark.parametrize(("call", "status", "headers", "body"), SIGNALS)
def test_except_exception_does_not_swallow_it(
    make_project: MakeProject,
    prefix: str,
    call: str,
    status: int,
    headers: list[tuple[str, str]],
    body: bytes,
) -> None:
    source = f"""
    {IMPORTS}

    {prefix}def GET() -> Response:
        try:
            {call}
        except Exception:
            return Response("swallowed")
        return Response("unreachable")
    """
    assert _serve(make_project, source) == (status, headers, body)


@pytest.mark.parametrize(("call", "status", "headers", "body"), SIGNALS)
def test_function_works_from_a_helper_the_handler_calls(
    make_project: MakeProject,
    call: str,
    status: int,
    headers: list[tuple[str, str]],
    body: bytes,
) -> None:
    source = f"""
    {IMPORTS}

    def load(user_id: str) -> dict[str, str]:
        {call}

    async def GET() -> Response:
        return Response.json(load("1"))
    """
    assert _serve(make_project, source) == (status, headers, body)


@pytest.mark.parametrize(
    ("call", "status"),
    [
        pytest.param("not_found()", 404, id="not_found"),
        pytest.param('redirect("/x")', 307, id="redirect"),
    ],
)
def test_function_on_head_sends_no_body(
    make_project: MakeProject, call: str, status: int
) -> None:
    source = f"""
    {IMPORTS}

    def GET() -> Response:
        {call}
    """
    code, _, content = _serve(make_project, source, method="HEAD")
    assert (code, content) == (status, b"")


def test_redirect_to_a_url_with_crlf_is_a_500(make_project: MakeProject) -> None:
    source = f"""
    {IMPORTS}

    def GET() -> Response:
        redirect("/x\\r\\nSet-Cookie: evil=1")
    """
    status, headers, body = _serve(make_project, source)
    assert status == 500
    assert body == b'{"error":"Internal Server Error"}'
    assert "set-cookie" not in dict(headers)
