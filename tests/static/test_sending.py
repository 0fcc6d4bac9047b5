"""Answers for the files of public/, through ``routetree start`` (a real server)."""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import socket
import time
from email.utils import formatdate
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import pytest

from tests.raw_http import dechunk, raw_request
from tests.static.project import big_bytes, big_text

if TYPE_CHECKING:
    from pathlib import Path

    from routetree.testing import LiveServer

ROBOTS = b"User-agent: *\nAllow: /\n"
_STRONG_ETAG = re.compile(r'^"[0-9a-f]+-[0-9a-f]+"$')


def _get(server: LiveServer, path: str, **headers: str) -> httpx.Response:
    # No Accept-Encoding unless a test asks: httpx sends gzip by default.
    headers.setdefault("accept-encoding", "identity")
    return httpx.get(f"{server}{path}", headers=headers, timeout=30)


def test_a_file_is_served_at_its_path_with_next_js_headers(
    static_server: LiveServer, static_project: Path
) -> None:
    response = _get(static_server, "/robots.txt")
    assert response.status_code == 200
    assert response.content == ROBOTS
    headers = response.headers
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert headers["content-length"] == str(len(ROBOTS))
    assert headers["cache-control"] == "public, max-age=0"
    assert headers["accept-ranges"] == "bytes"
    assert headers["x-content-type-options"] == "nosniff"
    assert _STRONG_ETAG.match(headers["etag"]), headers["etag"]
    mtime = (static_project / "public" / "robots.txt").stat().st_mtime
    assert headers["last-modified"] == formatdate(int(mtime), usegmt=True)


def test_a_file_in_nested_folders_is_served_byte_for_byte(
    static_server: LiveServer, static_project: Path
) -> None:
    response = _get(static_server, "/images/nested/deep/pixel.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    expected = (static_project / "public/images/nested/deep/pixel.png").read_bytes()
    assert response.content == expected


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/data.json", "application/json; charset=utf-8"),
        ("/styles/site.css", "text/css; charset=utf-8"),
        ("/LICENSE", "application/octet-stream"),
        ("/big.bin", "application/octet-stream"),
        ("/.well-known/security.txt", "text/plain; charset=utf-8"),
    ],
)
def test_content_type_comes_from_the_extension(
    static_server: LiveServer, path: str, content_type: str
) -> None:
    response = httpx.head(f"{static_server}{path}", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/my%20file.txt", b"a space in the name\n"),
        ("/caf%C3%A9.txt", b"non-ASCII name\n"),
        ("/caf%c3%a9.txt", b"non-ASCII name\n"),
        ("/a%5B1%5D.txt", b"brackets in the name\n"),
        ("/inside-link.txt", ROBOTS),
    ],
)
def test_names_are_matched_percent_encoded(
    static_server: LiveServer, path: str, body: bytes
) -> None:
    response = raw_request(static_server, "GET", path)
    assert response.status == 200
    assert response.body == body


def test_head_sends_the_headers_of_get_and_no_body(static_server: LiveServer) -> None:
    got = _get(static_server, "/big.bin")
    head = raw_request(static_server, "HEAD", "/big.bin")
    assert head.status == 200
    assert head.body == b""
    for name in ("content-type", "content-length", "etag", "last-modified"):
        assert head.header(name) == got.headers[name], name
    assert head.header("content-length") == str(len(big_bytes()))


def test_a_large_file_is_streamed_whole(static_server: LiveServer) -> None:
    with httpx.stream(
        "GET",
        f"{static_server}/big.bin",
        headers={"accept-encoding": "identity"},
        timeout=30,
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-length"] == str(len(big_bytes()))
        chunks = list(response.iter_raw())
    assert b"".join(chunks) == big_bytes()


def test_if_none_match_gets_304_with_the_validators(static_server: LiveServer) -> None:
    etag = _get(static_server, "/robots.txt").headers["etag"]
    for value in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = _get(static_server, "/robots.txt", **{"if-none-match": value})
        assert response.status_code == 304, value
        assert response.content == b""
        assert response.headers["etag"] == etag
        assert response.headers["cache-control"] == "public, max-age=0"
        assert "last-modified" in response.headers
        assert "content-type" not in response.headers
    changed = _get(static_server, "/robots.txt", **{"if-none-match": '"other"'})
    assert changed.status_code == 200
    assert changed.content == ROBOTS


def test_if_modified_since_gets_304_unless_the_file_is_newer(
    static_server: LiveServer,
) -> None:
    last_modified = _get(static_server, "/robots.txt").headers["last-modified"]
    same = _get(static_server, "/robots.txt", **{"if-modified-since": last_modified})
    assert same.status_code == 304
    older = "Thu, 01 Jan 1970 00:00:00 GMT"
    assert _get(static_server, "/robots.txt", **{"if-modified-since": older}).content
    bad_date = _get(static_server, "/robots.txt", **{"if-modified-since": "soon"})
    assert bad_date.status_code == 200
    # If-None-Match decides when both are sent (RFC 9110 13.2.2).
    both = _get(
        static_server,
        "/robots.txt",
        **{"if-none-match": '"other"', "if-modified-since": last_modified},
    )
    assert both.status_code == 200


def test_if_match_and_if_unmodified_since_fail_with_412(
    static_server: LiveServer,
) -> None:
    etag = _get(static_server, "/robots.txt").headers["etag"]
    assert _get(static_server, "/robots.txt", **{"if-match": etag}).status_code == 200
    failed = _get(static_server, "/robots.txt", **{"if-match": '"other"'})
    assert failed.status_code == 412
    assert failed.json() == {"error": "Precondition Failed"}
    weak = _get(static_server, "/robots.txt", **{"if-match": f"W/{etag}"})
    assert weak.status_code == 412  # If-Match compares strongly
    old = "Thu, 01 Jan 1970 00:00:00 GMT"
    unmodified = _get(static_server, "/robots.txt", **{"if-unmodified-since": old})
    assert unmodified.status_code == 412


@pytest.mark.parametrize(
    ("range_value", "first", "last"),
    [
        ("bytes=0-4", 0, 4),
        ("bytes=5-", 5, len(ROBOTS) - 1),
        ("bytes=-3", len(ROBOTS) - 3, len(ROBOTS) - 1),
        ("bytes=2-99999", 2, len(ROBOTS) - 1),
        ("bytes=0-3,2-6", 0, 6),  # overlapping ranges merge into one
        ("bytes=0-1,2-3", 0, 3),  # so do adjacent ones
        ("BYTES = 1-2", 1, 2),
    ],
)
def test_a_single_range_gets_206(
    static_server: LiveServer, range_value: str, first: int, last: int
) -> None:
    response = _get(static_server, "/robots.txt", range=range_value)
    assert response.status_code == 206
    assert response.content == ROBOTS[first : last + 1]
    assert response.headers["content-range"] == f"bytes {first}-{last}/{len(ROBOTS)}"
    assert response.headers["content-length"] == str(last - first + 1)


def test_a_range_of_a_large_file_crosses_chunks(static_server: LiveServer) -> None:
    first, last = 60_000, 200_000
    response = _get(static_server, "/big.bin", range=f"bytes={first}-{last}")
    assert response.status_code == 206
    assert response.content == big_bytes()[first : last + 1]


@pytest.mark.parametrize(
    "range_value",
    [
        "bytes=0-1,5-6",  # two separate ranges: the whole file, no multipart
        "bytes=5-2",  # malformed
        "bytes=a-b",
        "items=0-5",  # another unit
        "bytes=" + ",".join(f"{i}-{i}" for i in range(0, 404, 4)),  # too many
    ],
)
def test_other_range_headers_get_the_whole_file(
    static_server: LiveServer, range_value: str
) -> None:
    response = _get(static_server, "/robots.txt", range=range_value)
    assert response.status_code == 200
    assert response.content == ROBOTS
    assert "content-range" not in response.headers


@pytest.mark.parametrize("range_value", ["bytes=1000-", "bytes=-0", "bytes=50-60"])
def test_an_unsatisfiable_range_gets_416(
    static_server: LiveServer, range_value: str
) -> None:
    response = _get(static_server, "/robots.txt", range=range_value)
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(ROBOTS)}"
    assert response.json() == {"error": "Range Not Satisfiable"}


def test_head_ignores_range(static_server: LiveServer) -> None:
    response = raw_request(
        static_server, "HEAD", "/robots.txt", header_lines=b"Range: bytes=0-4\r\n"
    )
    assert response.status == 200
    assert response.header("content-length") == str(len(ROBOTS))


def test_if_range_keeps_the_range_only_for_the_current_version(
    static_server: LiveServer,
) -> None:
    current = _get(static_server, "/robots.txt").headers
    for validator in (current["etag"], current["last-modified"]):
        same = _get(
            static_server, "/robots.txt", range="bytes=0-4", **{"if-range": validator}
        )
        assert same.status_code == 206, validator
    for stale in ('"old"', f"W/{current['etag']}", "Thu, 01 Jan 1970 00:00:00 GMT"):
        other = _get(
            static_server, "/robots.txt", range="bytes=0-4", **{"if-range": stale}
        )
        assert other.status_code == 200, stale
        assert other.content == ROBOTS


def test_compressible_files_are_gzipped_and_revalidate(
    static_server: LiveServer, static_project: Path
) -> None:
    css = (static_project / "public/styles/site.css").read_bytes()
    response = _get(static_server, "/styles/site.css", **{"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.content == css  # httpx decodes it
    etag = response.headers["etag"]
    assert etag.startswith('W/"')  # not the identity bytes: a weak tag
    again = _get(
        static_server,
        "/styles/site.css",
        **{"accept-encoding": "gzip", "if-none-match": etag},
    )
    assert again.status_code == 304


def test_a_large_text_file_is_gzipped_as_a_stream(static_server: LiveServer) -> None:
    response = raw_request(
        static_server, "GET", "/big.txt", header_lines=b"Accept-Encoding: gzip\r\n"
    )
    assert response.status == 200
    assert response.header("content-encoding") == "gzip"
    assert response.header("transfer-encoding") == "chunked"
    data, ended = dechunk(response.body)
    assert ended
    assert gzip.decompress(data) == big_text().encode()


def test_ranges_and_images_are_never_gzipped(static_server: LiveServer) -> None:
    ranged = _get(
        static_server,
        "/styles/site.css",
        range="bytes=0-9",
        **{"accept-encoding": "gzip"},
    )
    assert ranged.status_code == 206
    assert "content-encoding" not in ranged.headers
    image = _get(static_server, "/big.bin", **{"accept-encoding": "gzip"})
    assert "content-encoding" not in image.headers


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_other_methods_get_405_with_allow(
    static_server: LiveServer, method: str
) -> None:
    response = httpx.request(method, f"{static_server}/robots.txt", timeout=30)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"
    assert response.json() == {"error": "Method Not Allowed"}


def test_options_lists_the_methods(static_server: LiveServer) -> None:
    response = httpx.options(f"{static_server}/robots.txt", timeout=30)
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"


def test_each_request_reads_the_file_as_it_is_now(
    static_server: LiveServer, static_project: Path
) -> None:
    mutable = static_project / "public" / "mutable.txt"
    before = _get(static_server, "/mutable.txt")
    assert before.content == b"version 1\n"
    mutable.write_text("version 2, longer\n")  # another size: another tag
    after = _get(static_server, "/mutable.txt")
    assert after.content == b"version 2, longer\n"
    assert after.headers["etag"] != before.headers["etag"]
    stale = _get(
        static_server, "/mutable.txt", **{"if-none-match": before.headers["etag"]}
    )
    assert stale.status_code == 200


def test_a_file_deleted_after_start_up_is_404(
    static_server: LiveServer, static_project: Path
) -> None:
    assert _get(static_server, "/deleted.txt").status_code == 200
    (static_project / "public" / "deleted.txt").unlink()
    response = _get(static_server, "/deleted.txt")
    assert response.status_code == 404
    assert response.json() == {"error": "Not Found"}


def test_a_file_added_after_start_up_is_not_served(
    static_server: LiveServer, static_project: Path
) -> None:
    # The table is read at start-up; routetree start never looks at the disk for a
    # path it does not know.
    (static_project / "public" / "added-later.txt").write_text("new\n")
    assert _get(static_server, "/added-later.txt").status_code == 404


@pytest.mark.parametrize("path", ["/images", "/images/nested", "/missing.txt"])
def test_folders_and_missing_files_are_404(
    static_server: LiveServer, path: str
) -> None:
    response = _get(static_server, path)
    assert response.status_code == 404
    assert response.json() == {"error": "Not Found"}


def _open_files(server: LiveServer, name: str) -> list[str]:
    """The files named ``name`` the server process holds open (Linux ``/proc``)."""
    fd_dir = f"/proc/{server.process.pid}/fd"
    found = []
    for fd in os.listdir(fd_dir):
        with contextlib.suppress(OSError):  # closed while listed
            target = os.readlink(os.path.join(fd_dir, fd))
            if target.endswith(name):
                found.append(target)
    return found


def test_a_download_the_client_abandons_closes_the_file(
    static_server: LiveServer,
) -> None:
    address = urlsplit(static_server)
    assert address.hostname is not None and address.port is not None
    for _ in range(3):
        with socket.create_connection((address.hostname, address.port)) as sock:
            sock.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
    deadline = time.monotonic() + 10
    while _open_files(static_server, "/big.bin") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _open_files(static_server, "/big.bin") == []
    assert _get(static_server, "/big.bin").content == big_bytes()
