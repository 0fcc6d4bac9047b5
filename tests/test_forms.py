"""Form bodies: urlencoded and multipart into FormData, the limits, and the failures."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from routetree._errors import HTTPError
from routetree._forms import (
    MAX_PART_HEADER_LINE,
    MAX_PART_HEADERS,
    FormData,
    FormLimits,
    UploadFile,
    parse_form_body,
)

URLENCODED = "application/x-www-form-urlencoded"
BOUNDARY = "----routetreeBoundary7MA4YWxk"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def _part(
    name: str,
    value: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    extra: tuple[str, ...] = (),
) -> bytes:
    disposition = f'Content-Disposition: form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    headers = [disposition, *extra]
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


@pytest.mark.anyio
async def test_file_spilled_to_disk_reads_seeks_and_closes() -> None:
    data = bytes(range(256)) * 8192  # 2 MiB: past the 1 MiB kept in memory
    form = parse_form_body(MULTIPART, _multipart(_part("f", data, filename="a.bin")))
    upload = form["f"]
    assert isinstance(upload, UploadFile)
    assert await upload.read(3) == b"\x00\x01\x02"
    await upload.seek(len(data) - 2)
    assert await upload.read() == b"\xfe\xff"
    await upload.close()
    with pytest.raises(ValueError, match="closed file"):
        await upload.read()


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


def _refusal(
    body: bytes, content_type: str = MULTIPART, limits: FormLimits | None = None
) -> HTTPError:
    with pytest.raises(HTTPError) as caught:
        parse_form_body(content_type, body, limits or FormLimits())
    return caught.value


@pytest.mark.parametrize(
    "body",
    [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\ncut'.encode(),
        _part("a", b"1"),
        _part("a", b"1") + f"--{BOUNDARY}".encode(),
        b"",
    ],
    ids=["inside-a-part", "after-a-part", "no-final-hyphens", "empty"],
)
def test_multipart_without_closing_boundary_is_400(body: bytes) -> None:
    refused = _refusal(body)
    assert refused.status == 400
    assert refused.detail == (
        "Malformed form body: the body ends before the closing boundary (--boundary--)."
    )


def test_multipart_without_boundary_parameter_is_400() -> None:
    refused = _refusal(_multipart(_part("a", b"1")), "multipart/form-data; charset=x")
    assert refused.status == 400
    assert refused.detail == (
        "Malformed form body: the Content-Type has no boundary parameter "
        "(multipart/form-data; boundary=...)."
    )


@pytest.mark.parametrize(
    "epilogue",
    [b"", b"\r\n", b"trailing words\r\n", b"\r\n" + _part("late", b"ignored")],
    ids=["none", "crlf", "text", "a-part-after-the-end"],
)
def test_bytes_after_the_closing_boundary_are_ignored(epilogue: bytes) -> None:
    form = parse_form_body(MULTIPART, _multipart(_part("a", b"1")) + epilogue)
    assert form.multi_items() == [("a", "1")]


def test_blank_lines_before_the_first_boundary_are_skipped() -> None:
    form = parse_form_body(MULTIPART, b"\r\n" * 50_000 + _multipart(_part("a", b"1")))
    assert form.multi_items() == [("a", "1")]


def test_empty_multipart_form() -> None:
    assert parse_form_body(MULTIPART, f"--{BOUNDARY}--\r\n".encode()) == FormData()


def test_part_without_a_name_is_400() -> None:
    body = f"--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nx\r\n--{BOUNDARY}--"
    refused = _refusal(body.encode())
    assert refused.status == 400
    assert refused.detail == (
        "Malformed form body: a part has no name: its Content-Disposition header must "
        'be like form-data; name="field".'
    )


# --- limits ---------------------------------------------------------------------------

TOO_MANY_FIELDS = (
    "Too many fields in the form: the limit is max_fields = {}. Raise max_fields in "
    "the route file (or in the project config) if larger forms are expected."
)
TOO_MANY_FILES = (
    "Too many files in the form: the limit is max_files = {}. Raise max_files in "
    "the route file (or in the project config) if more files are expected."
)
PART_TOO_LARGE = (
    "{} is larger than the limit of max_part_size = {} bytes. Raise max_part_size in "
    "the route file (or in the project config) if larger fields are expected; files "
    "are bounded by max_body_size only."
)


def test_default_limits_are_starlettes() -> None:
    assert FormLimits() == FormLimits(
        max_fields=1000, max_files=1000, max_part_size=1024 * 1024
    )


def test_urlencoded_fields_up_to_max_fields_are_read() -> None:
    form = parse_form_body(URLENCODED, b"a=1&b=2&c=3", FormLimits(max_fields=3))
    assert len(form) == 3


@pytest.mark.parametrize(
    "body",
    [b"a=1&b=2&c=3&d=4", b"a&b&c&d", b"a&" * 5_000_000],
    ids=["pairs", "names", "five-million-names"],
)
def test_urlencoded_fields_past_max_fields_are_413(body: bytes) -> None:
    refused = _refusal(body, URLENCODED, FormLimits(max_fields=3))
    assert refused.status == 413
    assert refused.detail == TOO_MANY_FIELDS.format(3)


def test_multipart_fields_past_max_fields_are_413() -> None:
    body = _multipart(*(_part(f"f{i}", b"x") for i in range(4)))
    assert len(parse_form_body(MULTIPART, body, FormLimits(max_fields=4))) == 4
    refused = _refusal(body, limits=FormLimits(max_fields=3))
    assert refused.status == 413
    assert refused.detail == TOO_MANY_FIELDS.format(3)


def test_files_past_max_files_are_413() -> None:
    body = _multipart(*(_part("f", b"x", filename=f"{i}.txt") for i in range(3)))
    assert (
        len(parse_form_body(MULTIPART, body, FormLimits(max_files=3)).get_all("f")) == 3
    )
    refused = _refusal(body, limits=FormLimits(max_files=2))
    assert refused.status == 413
    assert refused.detail == TOO_MANY_FILES.format(2)


def test_max_files_zero_refuses_any_file_but_not_fields() -> None:
    limits = FormLimits(max_files=0)
    assert parse_form_body(MULTIPART, _multipart(_part("a", b"1")), limits)["a"] == "1"
    refused = _refusal(_multipart(_part("f", b"", filename="")), limits=limits)
    assert refused.detail == TOO_MANY_FILES.format(0)


def test_fields_and_files_are_counted_apart() -> None:
    body = _multipart(
        _part("a", b"1"), _part("f", b"x", filename="x"), _part("b", b"2")
    )
    form = parse_form_body(MULTIPART, body, FormLimits(max_fields=2, max_files=1))
    assert [name for name, _ in form.multi_items()] == ["a", "f", "b"]


def test_multipart_field_up_to_max_part_size_is_read() -> None:
    body = _multipart(_part("bio", b"x" * 100))
    form = parse_form_body(MULTIPART, body, FormLimits(max_part_size=100))
    assert form["bio"] == "x" * 100


def test_multipart_field_past_max_part_size_is_413() -> None:
    body = _multipart(_part("bio", b"x" * 101))
    refused = _refusal(body, limits=FormLimits(max_part_size=100))
    assert refused.status == 413
    assert refused.detail == PART_TOO_LARGE.format("Form field 'bio'", 100)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"bio=" + b"x" * 98, "Form field 'bio'"),
        (b"ok=1&bio=" + b"%41" * 33, "Form field 'bio'"),
        (b"n" * 101, "A form field"),
        (b"n" * 101 + b"=1", "A form field"),
    ],
    ids=["value", "escaped-value", "name-alone", "name"],
)
def test_urlencoded_pair_past_max_part_size_is_413(body: bytes, field: str) -> None:
    refused = _refusal(body, URLENCODED, FormLimits(max_part_size=100))
    assert refused.status == 413
    assert refused.detail == PART_TOO_LARGE.format(field, 100)


def test_urlencoded_pair_up_to_max_part_size_is_read() -> None:
    # the name and the value count, "=" does not
    form = parse_form_body(
        URLENCODED, b"bio=" + b"x" * 97, FormLimits(max_part_size=100)
    )
    assert form["bio"] == "x" * 97


@pytest.mark.anyio
async def test_file_larger_than_max_part_size_is_read() -> None:
    body = _multipart(_part("f", b"x" * 5000, filename="big.txt"))
    upload = parse_form_body(MULTIPART, body, FormLimits(max_part_size=100))["f"]
    assert isinstance(upload, UploadFile)
    assert upload.size == 5000
    assert await upload.read() == b"x" * 5000


def test_part_with_too_many_header_lines_is_400() -> None:
    extra = tuple(f"X-Pad-{i}: y" for i in range(MAX_PART_HEADERS))
    refused = _refusal(_multipart(_part("a", b"1", extra=extra)))
    assert refused.status == 400
    assert refused.detail is not None
    assert refused.detail.startswith(
        "Malformed form body: Maximum header count exceeded (at byte "
    )
    fits = extra[: MAX_PART_HEADERS - 1]
    assert (
        parse_form_body(MULTIPART, _multipart(_part("a", b"1", extra=fits)))["a"] == "1"
    )


def test_part_with_a_header_line_too_long_is_400() -> None:
    line = "X-Pad: " + "y" * MAX_PART_HEADER_LINE
    refused = _refusal(_multipart(_part("a", b"1", extra=(line,))))
    assert refused.status == 400
    assert refused.detail is not None
    assert refused.detail.startswith(
        "Malformed form body: Maximum header size exceeded (at byte "
    )


# --- transfer encodings and charsets --------------------------------------------------


@pytest.mark.parametrize("encoding", ["base64", "quoted-printable", "x-custom"])
def test_part_with_a_transfer_encoding_is_400(encoding: str) -> None:
    extra = (f"Content-Transfer-Encoding: {encoding}",)
    refused = _refusal(_multipart(_part("doc", b"aGk=", extra=extra)))
    assert refused.status == 400
    assert refused.detail == (
        f"Malformed form body: part 'doc' has Content-Transfer-Encoding: {encoding}; "
        "request.form() does not decode it (RFC 7578 deprecates the header). Send the "
        "part's bytes as they are."
    )


@pytest.mark.parametrize("encoding", ["7bit", "8bit", "binary", "BINARY"])
def test_part_with_an_identity_transfer_encoding_is_read(encoding: str) -> None:
    extra = (f"Content-Transfer-Encoding: {encoding}",)
    form = parse_form_body(MULTIPART, _multipart(_part("doc", b"aGk=", extra=extra)))
    assert form["doc"] == "aGk="


def test_charset_field_is_an_ordinary_field_and_changes_no_decoding() -> None:
    form = parse_form_body(URLENCODED, b"_charset_=iso-8859-1&name=caf%E9")
    assert form.multi_items() == [("_charset_", "iso-8859-1"), ("name", "caf\ufffd")]
    body = _multipart(_part("_charset_", b"iso-8859-1"), _part("name", b"caf\xe9"))
    assert parse_form_body(MULTIPART, body)["name"] == "caf\ufffd"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"a=1;b=2", [("a", "1;b=2")]),
        (b"a=%zz&b=%E0%A4", [("a", "%zz"), ("b", "\ufffd")]),
        (b"name=caf%C3\xa9", [("name", "caf\u00e9")]),
        (b"a&&b=&=c", [("a", ""), ("b", ""), ("", "c")]),
    ],
    ids=["semicolon-is-not-a-separator", "bad-escapes", "half-escaped-utf8", "blanks"],
)
def test_urlencoded_edge_cases(body: bytes, expected: list[tuple[str, str]]) -> None:
    assert parse_form_body(URLENCODED, body).multi_items() == expected


# --- filenames ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "filename"),
    [
        ("notes.txt", "notes.txt"),
        ("../../etc/cron.d/x", "x"),
        ("/etc/passwd", "passwd"),
        ("C:\\x\\y.txt", "y.txt"),
        ("C:\\\\x\\\\y.txt", "y.txt"),
        ("\\\\host\\share\\x", "x"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("C:x.txt", "x.txt"),
        ("dir/", None),
        ("..", None),
        (".", None),
        ("a/..", None),
        (". .", None),
        ("", None),
        (".profile", ".profile"),
        ("caf\u00e9.txt", "caf\u00e9.txt"),
    ],
    ids=[
        "plain",
        "posix-traversal",
        "posix-absolute",
        "windows-raw",
        "windows-escaped",
        "unc",
        "windows-traversal",
        "drive-relative",
        "trailing-slash",
        "dot-dot",
        "dot",
        "ends-in-dot-dot",
        "dots-and-spaces",
        "empty",
        "dotfile",
        "utf8",
    ],
)
def test_filename_is_reduced_to_a_base_name(sent: str, filename: str | None) -> None:
    form = parse_form_body(MULTIPART, _multipart(_part("f", b"x", filename=sent)))
    upload = form["f"]
    assert isinstance(upload, UploadFile)
    assert upload.filename == filename


def test_filename_with_a_nul_byte_is_400() -> None:
    refused = _refusal(_multipart(_part("f", b"x", filename="a.txt\x00.jpg")))
    assert refused.status == 400
    assert refused.detail == (
        "Malformed form body: the filename of part 'f' holds a NUL byte."
    )


@pytest.mark.parametrize(
    "disposition",
    [
        'form-data; name="f"; filename="a.txt"; filename*=UTF-8\'\'..%2Fevil.sh',
        'form-data; name="f"; filename*=UTF-8\'\'..%2Fevil.sh; filename="a.txt"',
    ],
    ids=["after", "before"],
)
def test_extended_filename_never_overrides_the_plain_one(disposition: str) -> None:
    body = _multipart(
        f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\nx\r\n".encode()
    )
    upload = parse_form_body(MULTIPART, body)["f"]
    assert isinstance(upload, UploadFile)
    assert upload.filename == "a.txt"


def test_part_with_only_an_extended_filename_is_a_field() -> None:
    disposition = "form-data; name=\"f\"; filename*=UTF-8''evil.sh"
    body = _multipart(
        f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\nx\r\n".encode()
    )
    assert parse_form_body(MULTIPART, body)["f"] == "x"


# --- UploadFile in a pydantic model ---------------------------------------------------


class _Upload(BaseModel):
    file: UploadFile
    more: list[UploadFile] = []


@pytest.mark.anyio
async def test_upload_file_validates_in_a_pydantic_model() -> None:
    body = _multipart(
        _part("file", b"abc", filename="a.txt", content_type="text/plain"),
        _part("more", b"d", filename="d.bin"),
    )
    form = parse_form_body(MULTIPART, body)
    model = _Upload.model_validate({"file": form["file"], "more": form.get_all("more")})
    assert model.file is form["file"]
    assert await model.file.read() == b"abc"
    assert [upload.filename for upload in model.more] == ["d.bin"]


def test_upload_file_field_refuses_a_text_value() -> None:
    with pytest.raises(ValidationError) as caught:
        _Upload(file="just text")  # type: ignore[arg-type]
    [error] = caught.value.errors(include_url=False)
    assert error["type"] == "is_instance_of"
    assert error["loc"] == ("file",)
    assert error["msg"] == "Input should be an instance of UploadFile"


def test_upload_file_is_a_binary_string_in_json_schema() -> None:
    for mode in ("validation", "serialization"):
        schema = TypeAdapter(_Upload).json_schema(mode=mode)
        assert schema["properties"]["file"] == {
            "type": "string",
            "format": "binary",
            "title": "File",
        }
        assert schema["properties"]["more"]["items"] == {
            "type": "string",
            "format": "binary",
        }
