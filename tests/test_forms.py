"""Form bodies: urlencoded and multipart into FormData, and the 415/400 failures."""

from __future__ import annotations

import pytest

from routetree._errors import HTTPError
from routetree._forms import FormData, UploadFile, parse_form_body

URLENCODED = "application/x-www-form-urlencoded"
BOUNDARY = "----routetreeBoundary7MA4YWxk"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _part(
    name: str,
    value: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
) -> bytes:
    disposition = f'Content-Disposition: form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    headers = [disposition]
    if content_type is not None:
        headers.append(f"Content-Type: {content_type}")
    return (
        f"--{BOUNDARY}\r\n".encode()
        + "\r\n".join(headers).encode()
        + b"\r\n\r\n"
        + value
        + b"\r\n"
    )


def _multipart(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def test_urlencoded_fields_are_decoded() -> None:
    form = parse_form_body(URLENCODED, b"email=ada%40example.com&q=a+b&name=caf%C3%A9")
    assert dict(form) == {"email": "ada@example.com", "q": "a b", "name": "caf\u00e9"}


def test_urlencoded_values_are_decoded_exactly_once() -> None:
    form = parse_form_body(URLENCODED, b"v=a%2540b&plus=%2B&raw=a+%2B+b")
    assert dict(form) == {"v": "a%40b", "plus": "+", "raw": "a + b"}


def test_urlencoded_repeated_keys_keep_every_value() -> None:
    form = parse_form_body(URLENCODED, b"tag=x&tag=y&other=1&tag=z")
    assert form["tag"] == "x"
    assert form.get_all("tag") == ["x", "y", "z"]
    assert list(form) == ["tag", "other"]
    assert len(form) == 2
    assert form.multi_items() == [
        ("tag", "x"),
        ("tag", "y"),
        ("other", "1"),
        ("tag", "z"),
    ]


def test_urlencoded_blank_values_and_encoded_names() -> None:
    form = parse_form_body(URLENCODED, b"blank=&first%20name=Ada&a%26b=%3D")
    assert form.multi_items() == [("blank", ""), ("first name", "Ada"), ("a&b", "=")]


def test_urlencoded_content_type_with_charset() -> None:
    form = parse_form_body(f"{URLENCODED}; charset=UTF-8", b"a=1")
    assert dict(form) == {"a": "1"}


def test_empty_urlencoded_body_is_an_empty_form() -> None:
    form = parse_form_body(URLENCODED, b"")
    assert len(form) == 0
    assert form.get("a") is None
    assert form.get_all("a") == []


@pytest.mark.anyio
async def test_multipart_field_and_file() -> None:
    body = _multipart(
        _part("title", "hello caf\u00e9".encode()),
        _part(
            "upload",
            b"line one\nline two",
            filename="notes.txt",
            content_type="text/plain",
        ),
    )
    form = parse_form_body(MULTIPART, body)
    assert list(form) == ["title", "upload"]
    assert form["title"] == "hello caf\u00e9"
    upload = form["upload"]
    assert isinstance(upload, UploadFile)
    assert upload.filename == "notes.txt"
    assert upload.content_type == "text/plain"
    assert upload.size == 17
    assert await upload.read() == b"line one\nline two"
    assert (
        repr(upload)
        == "UploadFile(filename='notes.txt', content_type='text/plain', size=17)"
    )


@pytest.mark.anyio
async def test_upload_file_reads_in_pieces_and_seeks() -> None:
    form = parse_form_body(
        MULTIPART, _multipart(_part("f", b"abcdef", filename="a.bin"))
    )
    upload = form["f"]
    assert isinstance(upload, UploadFile)
    assert await upload.read(2) == b"ab"
    assert await upload.read() == b"cdef"
    assert await upload.read() == b""
    await upload.seek(1)
    assert await upload.read(3) == b"bcd"
    await upload.close()


@pytest.mark.anyio
async def test_binary_file_without_content_type_is_octet_stream() -> None:
    data = bytes(range(256))
    form = parse_form_body(
        MULTIPART, _multipart(_part("blob", data, filename="data.bin"))
    )
    upload = form["blob"]
    assert isinstance(upload, UploadFile)
    assert upload.content_type == "application/octet-stream"
    assert upload.size == 256
    assert await upload.read() == data


@pytest.mark.anyio
async def test_large_file_is_read_back_whole() -> None:
    data = b"x" * (2 * 1024 * 1024 + 3)
    form = parse_form_body(
        MULTIPART, _multipart(_part("big", data, filename="big.bin"))
    )
    upload = form["big"]
    assert isinstance(upload, UploadFile)
    assert upload.size == len(data)
    assert await upload.read() == data
    await upload.close()


def test_multipart_repeated_fields_keep_every_value() -> None:
    body = _multipart(_part("tag", b"x"), _part("tag", b"y"), _part("empty", b""))
    form = parse_form_body(MULTIPART, body)
    assert form.get_all("tag") == ["x", "y"]
    assert form["empty"] == ""


def test_multipart_content_type_is_case_insensitive() -> None:
    form = parse_form_body(
        f"Multipart/Form-Data; boundary={BOUNDARY}", _multipart(_part("a", b"1"))
    )
    assert dict(form) == {"a": "1"}


def test_form_data_repr() -> None:
    assert repr(FormData([("a", "1")])) == "FormData([('a', '1')])"


@pytest.mark.parametrize(
    ("content_type", "named"),
    [
        ("", "'missing'"),
        ("application/json", "'application/json'"),
        ("text/plain; charset=utf-8", "'text/plain'"),
        ("multipart/mixed; boundary=x", "'multipart/mixed'"),
    ],
    ids=["missing", "json", "text", "multipart-mixed"],
)
def test_non_form_content_type_is_415(content_type: str, named: str) -> None:
    with pytest.raises(HTTPError) as caught:
        parse_form_body(content_type, b"a=1")
    assert caught.value.status == 415
    assert caught.value.detail == (
        f"Content-Type was {named}; request.form() reads only "
        '"application/x-www-form-urlencoded" or "multipart/form-data" bodies.'
    )


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", _multipart(_part("a", b"1"))),
        (MULTIPART, b"this is not multipart"),
        ("multipart/form-data; boundary=other", _multipart(_part("a", b"1"))),
        (
            MULTIPART,
            f"--{BOUNDARY}\r\nbad header line\r\n\r\nx\r\n--{BOUNDARY}--\r\n".encode(),
        ),
    ],
    ids=["no-boundary", "garbage", "wrong-boundary", "bad-part-header"],
)
def test_malformed_multipart_is_400(content_type: str, body: bytes) -> None:
    with pytest.raises(HTTPError) as caught:
        parse_form_body(content_type, body)
    assert caught.value.status == 400
    assert caught.value.detail is not None
    assert caught.value.detail.startswith("Malformed form body: ")


def test_multipart_without_closing_boundary_is_400() -> None:
    body = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\ntruncated'
    with pytest.raises(HTTPError) as caught:
        parse_form_body(MULTIPART, body.encode())
    assert caught.value.status == 400
