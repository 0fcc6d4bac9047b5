"""Hostile forms against a real server: bounded, answered quickly, never blocking.

``routetree start`` serves ``tests/apps/security_forms``. Each body here is one that
cost a real server seconds of a blocked event loop or hundreds of megabytes before
forms had limits: every one must be refused (or read) quickly, and the server must go
on answering other requests while a large form is parsed.
"""

from __future__ import annotations

import concurrent.futures
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from routetree.testing import LiveServer, live_server

if TYPE_CHECKING:
    from collections.abc import Iterator

APP = Path(__file__).resolve().parent.parent / "apps" / "security_forms"
BOUNDARY = "----routetreeSecurity42"
URLENCODED = {"content-type": "application/x-www-form-urlencoded"}
MULTIPART = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
CLOSE = f"--{BOUNDARY}--\r\n".encode()
# What a refusal may take, upload included: the bodies are at most 20 MB on loopback.
QUICK = 3.0

TOO_MANY_FIELDS = (
    "Too many fields in the form: the limit is max_fields = {}. Raise max_fields in "
    "the route file (or in the project config) if larger forms are expected."
)
TOO_MANY_FILES = (
    "Too many files in the form: the limit is max_files = {}. Raise max_files in "
    "the route file (or in the project config) if more files are expected."
)
PART_TOO_LARGE = (
    "Form field {!r} is larger than the limit of max_part_size = {} bytes. Raise "
    "max_part_size in the route file (or in the project config) if larger fields are "
    "expected; files are bounded by max_body_size only."
)


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(APP) as url:
        yield url


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as http:
        yield http


def _part(name: str, value: bytes, *, params: str = "", head: str = "") -> bytes:
    disposition = f'form-data; name="{name}"{params}'
    start = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n{head}\r\n"
    return start.encode() + value + b"\r\n"


def _file(name: str, filename: str, value: bytes = b"x") -> bytes:
    return _part(name, value, params=f'; filename="{filename}"')


def _post(
    client: httpx.Client, path: str, body: bytes, headers: dict[str, str]
) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = client.post(path, content=body, headers=headers)
    return response, time.perf_counter() - started


def _detail(response: httpx.Response) -> str:
    body = response.json()
    assert isinstance(body, dict)
    detail = body["detail"]
    assert isinstance(detail, str)
    return detail


# --- counts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"&".join(b"f%d=v" % i for i in range(10_000)), URLENCODED),
        (b"a&" * 5_000_000, URLENCODED),
        (b"".join(_part(f"f{i}", b"v") for i in range(10_000)) + CLOSE, MULTIPART),
    ],
    ids=["urlencoded-10k", "urlencoded-5m-names", "multipart-10k"],
)
def test_too_many_fields_is_413_quickly(
    client: httpx.Client, body: bytes, headers: dict[str, str]
) -> None:
    response, elapsed = _post(client, "/api/form", body, headers)
    assert response.status_code == 413
    assert _detail(response) == TOO_MANY_FIELDS.format(1000)
    assert elapsed < QUICK


def test_too_many_file_parts_is_413_quickly(client: httpx.Client) -> None:
    body = b"".join(_file("f", f"{i}.txt", b"") for i in range(2_000)) + CLOSE
    response, elapsed = _post(client, "/api/form", body, MULTIPART)
    assert response.status_code == 413
    assert _detail(response) == TOO_MANY_FILES.format(1000)
    assert elapsed < QUICK


def test_route_limits_name_themselves(client: httpx.Client) -> None:
    fields = b"".join(_part(f"f{i}", b"v") for i in range(4)) + CLOSE
    files = b"".join(_file("f", f"{i}.txt") for i in range(3)) + CLOSE
    large = _part("bio", b"x" * 1025) + CLOSE
    fits = (
        b"".join(_part(f"f{i}", b"x" * 1024) for i in range(3))
        + b"".join(_file("f", f"{i}.txt", b"y" * 4096) for i in range(2))
        + CLOSE
    )
    assert client.post("/api/tight", content=fits, headers=MULTIPART).json() == {
        "items": 5
    }
    for body, detail in [
        (fields, TOO_MANY_FIELDS.format(3)),
        (files, TOO_MANY_FILES.format(2)),
        (large, PART_TOO_LARGE.format("bio", 1024)),
    ]:
        response = client.post("/api/tight", content=body, headers=MULTIPART)
        assert response.status_code == 413
        assert _detail(response) == detail
    response = client.post("/api/tight", content=b"a=1&b=2&c=3&d=4", headers=URLENCODED)
    assert response.status_code == 413
    assert _detail(response) == TOO_MANY_FIELDS.format(3)


# --- sizes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (_part("text", b"x" * 20_000_000) + CLOSE, MULTIPART),
        (b"text=" + b"x" * 20_000_000, URLENCODED),
    ],
    ids=["multipart", "urlencoded"],
)
def test_20_mb_field_under_a_50_mb_body_limit_is_413(
    client: httpx.Client, body: bytes, headers: dict[str, str]
) -> None:
    response, elapsed = _post(client, "/api/big", body, headers)
    assert response.status_code == 413
    assert _detail(response) == PART_TOO_LARGE.format("text", 1024 * 1024)
    assert elapsed < QUICK


def test_20_mb_file_under_a_50_mb_body_limit_is_read(client: httpx.Client) -> None:
    body = _file("doc", "big.bin", b"x" * 20_000_000) + CLOSE
    response = client.post("/api/big", content=body, headers=MULTIPART)
    assert response.status_code == 200
    assert response.json() == {"fields": 1}


def test_part_with_10_000_header_lines_is_400(client: httpx.Client) -> None:
    body = _part("a", b"1", head="X-Pad: y\r\n" * 10_000) + CLOSE
    response, elapsed = _post(client, "/api/form", body, MULTIPART)
    assert response.status_code == 400
    assert _detail(response).startswith(
        "Malformed form body: Maximum header count exceeded (at byte "
    )
    assert elapsed < QUICK


# --- framing --------------------------------------------------------------------------


def test_5_mb_of_blank_lines_before_the_first_boundary_is_read(
    client: httpx.Client,
) -> None:
    body = b"\r\n" * 2_500_000 + _part("a", b"1") + CLOSE
    response, elapsed = _post(client, "/api/form", body, MULTIPART)
    assert response.status_code == 200
    assert response.json() == [["a", "1"]]
    assert elapsed < QUICK


def test_epilogue_after_the_closing_boundary_is_accepted(client: httpx.Client) -> None:
    body = _part("a", b"1") + CLOSE + b"an epilogue\r\n" * 1000
    response = client.post("/api/form", content=body, headers=MULTIPART)
    assert response.status_code == 200
    assert response.json() == [["a", "1"]]


def test_body_without_its_closing_boundary_is_400(client: httpx.Client) -> None:
    response = client.post("/api/form", content=_part("a", b"1"), headers=MULTIPART)
    assert response.status_code == 400
    assert _detail(response) == (
        "Malformed form body: the body ends before the closing boundary (--boundary--)."
    )


def test_multipart_without_a_boundary_is_400(client: httpx.Client) -> None:
    response = client.post(
        "/api/form",
        content=_part("a", b"1") + CLOSE,
        headers={"content-type": "multipart/form-data"},
    )
    assert response.status_code == 400
    assert _detail(response) == (
        "Malformed form body: the Content-Type has no boundary parameter "
        "(multipart/form-data; boundary=...)."
    )


@pytest.mark.parametrize("encoding", ["base64", "quoted-printable"])
def test_transfer_encoded_part_is_400_naming_the_header(
    client: httpx.Client, encoding: str
) -> None:
    head = f"Content-Transfer-Encoding: {encoding}\r\n"
    body = _part("doc", b"aGVsbG8=", head=head) + CLOSE
    response = client.post("/api/form", content=body, headers=MULTIPART)
    assert response.status_code == 400
    assert f"Content-Transfer-Encoding: {encoding}" in _detail(response)


# --- values and filenames -------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (b"a=1;b=2", [["a", "1;b=2"]]),
        (b"a=%zz&b=%E0%A4", [["a", "%zz"], ["b", "\ufffd"]]),
    ],
    ids=["semicolon", "bad-escapes"],
)
def test_urlencoded_values(
    client: httpx.Client, body: bytes, fields: list[list[str]]
) -> None:
    response = client.post("/api/form", content=body, headers=URLENCODED)
    assert response.status_code == 200
    assert response.json() == fields


@pytest.mark.parametrize(
    ("sent", "filename"),
    [
        ("../../etc/cron.d/x", "x"),
        ("C:\\x\\y.txt", "y.txt"),
        ("\\\\host\\share\\x", "x"),
        ("..", None),
        (".", None),
        ("", None),
    ],
    ids=["posix-traversal", "windows-path", "unc-path", "dot-dot", "dot", "empty"],
)
def test_upload_filename_is_a_base_name(
    client: httpx.Client, sent: str, filename: str | None
) -> None:
    response = client.post(
        "/api/form", content=_file("f", sent) + CLOSE, headers=MULTIPART
    )
    assert response.status_code == 200
    assert response.json() == [["f", {"filename": filename, "size": 1}]]


def test_upload_filename_with_nul_is_400(client: httpx.Client) -> None:
    body = _file("f", "a.txt\x00.jpg") + CLOSE
    response = client.post("/api/form", content=body, headers=MULTIPART)
    assert response.status_code == 400
    assert _detail(response) == (
        "Malformed form body: the filename of part 'f' holds a NUL byte."
    )


def test_extended_filename_does_not_override_the_plain_one(
    client: httpx.Client,
) -> None:
    params = "; filename=\"a.txt\"; filename*=UTF-8''..%2F..%2Fevil.sh"
    body = _part("f", b"x", params=params) + CLOSE
    response = client.post("/api/form", content=body, headers=MULTIPART)
    assert response.json() == [["f", {"filename": "a.txt", "size": 1}]]


# --- the event loop -------------------------------------------------------------------


def test_other_requests_are_answered_while_a_large_form_is_parsed(
    server: LiveServer, client: httpx.Client
) -> None:
    # 80,000 fields, about 9 MB: seconds of parsing, which once held up
    # every request.
    count, size = 80_000, 30
    body = b"".join(_part(f"f{i}", b"v" * size) for i in range(count)) + CLOSE
    assert 8_000_000 < len(body) < 10 * 1024 * 1024

    def post() -> tuple[httpx.Response, float]:
        with httpx.Client(base_url=server, timeout=30) as http:
            response = http.post("/api/many", content=body, headers=MULTIPART)
        return response, time.perf_counter()

    hellos: list[tuple[float, float]] = []  # (started, latency)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        posted = pool.submit(post)
        while not posted.done():
            started = time.perf_counter()
            hello = client.get("/api/hello")
            hellos.append((started, time.perf_counter() - started))
            assert hello.json() == {"message": "Hello World"}
            time.sleep(0.02)
        response, answered = posted.result()

    assert response.status_code == 200
    assert response.json() == {"fields": count, "bytes": count * size}
    during = [latency for started, latency in hellos if started < answered]
    assert max(during) < 0.5, sorted(during)[-5:]
    # The POST took long enough for the comparison to mean something.
    assert len(during) >= 10
