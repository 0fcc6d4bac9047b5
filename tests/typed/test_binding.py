"""Reading each typed input's raw value from its part of a request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from pydantic import BaseModel, Field, TypeAdapter

from routetree import UploadFile
from routetree._errors import HTTPError
from routetree._json import InvalidJSONError
from routetree._request import Request
from routetree._typed._binding import input_reader
from routetree._typed._signature import Source, TypedInput

if TYPE_CHECKING:
    from routetree._types import Message

OWNER = "GET in app/api/x/route.py"
BOUNDARY = "xyzBoundary"


class _Page(BaseModel):
    limit: int = 20
    tags: list[str] = []


class _Headers(BaseModel):
    x_request_id: str = ""
    token: str = Field(default="", alias="X-Api-Token")
    accept: list[str] = []
    via: str = ""


class _Cookies(BaseModel):
    theme: str = "light"


class _Upload(BaseModel):
    title: str
    files: list[UploadFile]


def _request(
    *,
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    body: bytes = b"",
) -> Request:
    scope: dict[str, Any] = {
        "type": "http",
        "method": "POST",
        "path": "/api/x",
        "raw_path": b"/api/x",
        "query_string": query,
        "headers": [(b"host", b"example.com"), *(headers or [])],
        "http_version": "1.1",
        "scheme": "http",
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(scope, receive)


async def _read(
    source: Source,
    annotation: Any,
    request: Request,
    lists: frozenset[str] = frozenset(),
    params: dict[str, str | list[str]] | None = None,
) -> object:
    typed = TypedInput(source, annotation, TypeAdapter(annotation), lists)
    return await input_reader(typed, OWNER)(request, params or {})


@pytest.mark.anyio
async def test_query_takes_the_first_value_and_every_value_for_a_list() -> None:
    request = _request(query=b"limit=5&limit=9&tags=a&tags=b+c&empty=")
    raw = await _read("query", _Page, request, frozenset({"tags"}))
    assert raw == {"limit": "5", "tags": ["a", "b c"], "empty": ""}
    # The first value, as request.url.search_params.get() gives it.
    assert isinstance(raw, dict)
    assert raw["limit"] == request.url.search_params.get("limit")


@pytest.mark.anyio
async def test_query_of_a_mapping_takes_every_key_once() -> None:
    raw = await _read("query", dict[str, str], _request(query=b"a=1&b=2&a=3"))
    assert raw == {"a": "1", "b": "2"}


@pytest.mark.anyio
async def test_an_urlencoded_form_reads_like_the_query() -> None:
    request = _request(
        headers=[(b"content-type", b"application/x-www-form-urlencoded")],
        body=b"limit=5&tags=a&tags=b&limit=7",
    )
    raw = await _read("form", _Page, request, frozenset({"tags"}))
    assert raw == {"limit": "5", "tags": ["a", "b"]}


@pytest.mark.anyio
async def test_a_multipart_form_gives_files_as_upload_files() -> None:
    parts = [
        ("title", None, b"Notes"),
        ("files", "a.txt", b"first"),
        ("files", "b.txt", b"second"),
    ]
    body = (
        b"".join(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"'.encode()
            + (f'; filename="{filename}"'.encode() if filename else b"")
            + b"\r\n\r\n"
            + value
            + b"\r\n"
            for name, filename, value in parts
        )
        + f"--{BOUNDARY}--\r\n".encode()
    )
    request = _request(
        headers=[
            (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode())
        ],
        body=body,
    )
    raw = await _read("form", _Upload, request, frozenset({"files"}))
    assert isinstance(raw, dict)
    assert raw["title"] == "Notes"
    files = raw["files"]
    assert [type(f) for f in files] == [UploadFile, UploadFile]
    assert [await f.read() for f in files] == [b"first", b"second"]


@pytest.mark.anyio
async def test_a_form_on_a_body_that_is_not_a_form_is_415() -> None:
    request = _request(headers=[(b"content-type", b"application/json")], body=b"{}")
    with pytest.raises(HTTPError) as caught:
        await _read("form", _Page, request)
    assert caught.value.status == 415


@pytest.mark.anyio
async def test_headers_match_fields_with_underscores_as_dashes_in_any_case() -> None:
    request = _request(
        headers=[
            (b"x-request-id", b"r-1"),
            (b"x-api-token", b"secret"),
            (b"accept", b"text/html"),
            (b"accept", b"application/json"),
            (b"via", b"1.1 a"),
            (b"via", b"1.1 b"),
            (b"authorization", b"Bearer not-a-field"),
        ]
    )
    raw = await _read("headers", _Headers, request, frozenset({"accept"}))
    assert raw == {
        "x_request_id": "r-1",
        "X-Api-Token": "secret",  # the alias, as the model reads it
        "accept": ["text/html", "application/json"],
        "via": "1.1 a, 1.1 b",  # joined, as request.headers.get() gives it
    }


@pytest.mark.anyio
async def test_headers_of_a_mapping_take_every_header() -> None:
    request = _request(headers=[(b"x-a", b"1"), (b"x-a", b"2")])
    raw = await _read("headers", dict[str, str], request)
    assert raw == {"host": "example.com", "x-a": "1, 2"}


@pytest.mark.anyio
async def test_cookies_give_only_the_fields_of_a_model() -> None:
    request = _request(headers=[(b"cookie", b"theme=dark; session=s3cr3t")])
    assert await _read("cookies", _Cookies, request) == {"theme": "dark"}
    assert await _read("cookies", dict[str, str], request) == {
        "theme": "dark",
        "session": "s3cr3t",
    }


@pytest.mark.anyio
async def test_params_are_the_route_params() -> None:
    params: dict[str, str | list[str]] = {"id": "42", "path": ["a", "b"]}
    raw = await _read("params", dict[str, Any], _request(), params=params)
    assert raw == {"id": "42", "path": ["a", "b"]}


@pytest.mark.anyio
async def test_body_is_the_parsed_json() -> None:
    raw = await _read("body", dict[str, int], _request(body=b'{"a": 1}'))
    assert raw == {"a": 1}


@pytest.mark.anyio
@pytest.mark.parametrize("body", [b"", b"{nope"], ids=["empty", "malformed"])
async def test_an_empty_or_malformed_body_is_the_usual_400(body: bytes) -> None:
    with pytest.raises(InvalidJSONError) as caught:
        await _read("body", dict[str, int], _request(body=body))
    assert caught.value.status == 400
