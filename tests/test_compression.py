"""routetree._compression: gzip as an ASGI send wrapper, never for event streams."""

from __future__ import annotations

import gzip
import json
import random
import zlib
from typing import TYPE_CHECKING

import pytest

from routetree import Response
from routetree._compression import GzipSend, accepts_gzip, is_compressible_type

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from routetree._types import Message


LARGE_JSON = json.dumps(
    [{"id": i, "name": f"user {i}", "email": f"u{i}@example.com"} for i in range(200)]
).encode()
SMALL_JSON = b'{"ok":true}'
JSON = (b"content-type", b"application/json")
SSE = (b"content-type", b"text/event-stream")


class Collector:
    """A fake ASGI send that keeps every message."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def __call__(self, message: Message) -> None:
        self.messages.append(message)

    @property
    def start(self) -> Message:
        assert self.messages[0]["type"] == "http.response.start"
        return self.messages[0]

    @property
    def headers(self) -> dict[bytes, bytes]:
        names = [name for name, _ in self.start["headers"]]
        assert len(names) == len(set(names)), f"repeated header in {names}"
        return dict(self.start["headers"])

    @property
    def bodies(self) -> list[bytes]:
        return [m["body"] for m in self.messages[1:]]

    @property
    def body(self) -> bytes:
        return b"".join(self.bodies)


def start(status: int = 200, *headers: tuple[bytes, bytes]) -> Message:
    return {"type": "http.response.start", "status": status, "headers": list(headers)}


def body(data: bytes, more: bool = False) -> Message:
    return {"type": "http.response.body", "body": data, "more_body": more}


async def send_single(
    status: int,
    headers: list[tuple[bytes, bytes]],
    data: bytes,
    *,
    accepted: bool = True,
) -> Collector:
    sent = Collector()
    wrapper = GzipSend(sent, accepted=accepted)
    length = (b"content-length", b"%d" % len(data))
    await wrapper(start(status, *headers, length))
    await wrapper(body(data))
    return sent


# --- accepts_gzip ---


@pytest.mark.parametrize(
    ("accept_encoding", "expected"),
    [
        (None, False),
        ("", False),
        ("gzip", True),
        ("GZIP", True),
        ("gzip, deflate, br", True),
        ("br, gzip;q=0.5", True),
        ("gzip;q=0", False),
        ("gzip; q=0.0", False),
        ("gzip;q=0.001", True),
        ("br;q=1, gzip;q=0", False),
        ("*", True),
        ("*;q=0", False),
        ("br, *", True),
        ("*, gzip;q=0", False),
        ("gzip;q=0, *", False),
        ("*;q=0, gzip", True),
        ("identity", False),
        ("identity, br", False),
        ("x-gzip", True),
        ("gzip;q=2", False),
        ("gzip;q=abc", False),
        ("gzip;level=1", True),
        ("deflate", False),
    ],
)
def test_accepts_gzip(accept_encoding: str | None, expected: bool) -> None:
    assert accepts_gzip(accept_encoding) is expected


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        (None, False),
        ("text/plain; charset=utf-8", True),
        ("text/html", True),
        ("TEXT/CSV", True),
        ("text/event-stream", False),
        ("text/event-stream; charset=utf-8", False),
        ("application/json", True),
        ("application/problem+json", True),
        ("application/atom+xml", True),
        ("application/xml", True),
        ("application/javascript", True),
        ("image/svg+xml", True),
        ("image/png", False),
        ("application/octet-stream", False),
        ("application/zip", False),
        ("video/mp4+json", False),
    ],
)
def test_is_compressible_type(content_type: str | None, expected: bool) -> None:
    assert is_compressible_type(content_type) is expected


# --- single-message bodies ---


@pytest.mark.anyio
async def test_large_json_is_compressed_and_decompresses_to_the_original() -> None:
    sent = await send_single(200, [JSON], LARGE_JSON)

    assert sent.start["status"] == 200
    assert sent.headers[b"content-encoding"] == b"gzip"
    assert sent.headers[b"vary"] == b"Accept-Encoding"
    assert sent.headers[b"content-length"] == b"%d" % len(sent.body)
    assert len(sent.body) < len(LARGE_JSON)
    assert gzip.decompress(sent.body) == LARGE_JSON
    assert len(sent.messages) == 2


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("status", "headers", "data"),
    [
        (200, [JSON], SMALL_JSON),
        (200, [JSON], b"x" * 499),
        (200, [(b"content-type", b"image/png")], LARGE_JSON),
        (200, [], LARGE_JSON),
        (200, [SSE], LARGE_JSON),
        (200, [JSON, (b"content-encoding", b"br")], LARGE_JSON),
        (200, [JSON], b""),
        (206, [JSON, (b"content-range", b"bytes 0-9/100")], LARGE_JSON),
    ],
    ids=[
        "small-body",
        "just-under-minimum",
        "not-compressible",
        "no-content-type",
        "event-stream",
        "already-encoded",
        "head-like-empty-body",
        "partial-content",
    ],
)
async def test_single_message_left_alone(
    status: int, headers: list[tuple[bytes, bytes]], data: bytes
) -> None:
    sent = await send_single(status, headers, data)

    assert sent.start["headers"] == [*headers, (b"content-length", b"%d" % len(data))]
    assert sent.body == data
    assert b"vary" not in sent.headers


@pytest.mark.anyio
async def test_head_like_empty_body_keeps_the_get_length() -> None:
    sent = Collector()
    wrapper = GzipSend(sent)

    await wrapper(start(200, JSON, (b"content-length", b"5000")))
    await wrapper(body(b""))

    assert sent.headers == {
        b"content-type": b"application/json",
        b"content-length": b"5000",
    }
    assert sent.body == b""


@pytest.mark.anyio
async def test_body_at_minimum_size_is_compressed() -> None:
    sent = await send_single(200, [(b"content-type", b"text/plain")], b"a" * 500)

    assert sent.headers[b"content-encoding"] == b"gzip"
    assert gzip.decompress(sent.body) == b"a" * 500


@pytest.mark.anyio
@pytest.mark.parametrize("status", [204, 304, 101])
async def test_bodiless_statuses_pass_through_untouched(status: int) -> None:
    sent = Collector()
    wrapper = GzipSend(sent, minimum_size=0)
    original = start(status, JSON)

    await wrapper(original)
    # Passed on at once, not held back for a body message.
    assert sent.messages == [original]

    await wrapper(body(b""))
    assert sent.messages == [original, body(b"")]


@pytest.mark.anyio
async def test_error_statuses_are_compressed_too() -> None:
    sent = await send_single(404, [JSON], LARGE_JSON)

    assert sent.start["status"] == 404
    assert gzip.decompress(sent.body) == LARGE_JSON


@pytest.mark.anyio
async def test_incompressible_body_is_sent_as_is_but_varies() -> None:
    noise = random.Random(0).randbytes(2000)  # deflate cannot shrink random bytes
    sent = await send_single(200, [(b"content-type", b"text/plain")], noise)

    assert b"content-encoding" not in sent.headers
    assert sent.headers[b"vary"] == b"Accept-Encoding"
    assert sent.headers[b"content-length"] == b"%d" % len(noise)
    assert sent.body == noise


@pytest.mark.anyio
async def test_start_is_held_until_the_first_body_message() -> None:
    sent = Collector()
    wrapper = GzipSend(sent)

    await wrapper(start(200, JSON))
    assert sent.messages == []

    await wrapper(body(LARGE_JSON))
    assert [m["type"] for m in sent.messages] == [
        "http.response.start",
        "http.response.body",
    ]


# --- Vary and ETag ---


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("vary_lines", "expected"),
    [
        ([], b"Accept-Encoding"),
        ([b"Origin"], b"Origin, Accept-Encoding"),
        ([b"Origin", b"Cookie"], b"Origin, Cookie, Accept-Encoding"),
        ([b"Origin, accept-encoding"], b"Origin, accept-encoding"),
        ([b"*"], b"*"),
    ],
    ids=["none", "one", "two-lines-merged", "already-there", "star"],
)
async def test_vary_is_merged(vary_lines: list[bytes], expected: bytes) -> None:
    vary = [(b"vary", line) for line in vary_lines]
    sent = await send_single(200, [JSON, *vary], LARGE_JSON)

    assert sent.headers[b"vary"] == expected


@pytest.mark.anyio
async def test_client_without_gzip_gets_vary_but_no_compression() -> None:
    sent = await send_single(200, [JSON], LARGE_JSON, accepted=False)

    assert b"content-encoding" not in sent.headers
    assert sent.headers[b"vary"] == b"Accept-Encoding"
    assert sent.headers[b"content-length"] == b"%d" % len(LARGE_JSON)
    assert sent.body == LARGE_JSON


@pytest.mark.anyio
async def test_client_without_gzip_small_body_gets_no_vary() -> None:
    sent = await send_single(200, [JSON], SMALL_JSON, accepted=False)

    assert b"vary" not in sent.headers


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("etag", "expected"),
    [(b'"abc"', b'W/"abc"'), (b'W/"abc"', b'W/"abc"')],
    ids=["strong-becomes-weak", "weak-stays"],
)
async def test_etag_is_weakened_when_compressed(etag: bytes, expected: bytes) -> None:
    sent = await send_single(200, [JSON, (b"etag", etag)], LARGE_JSON)

    assert sent.headers[b"etag"] == expected


@pytest.mark.anyio
async def test_other_headers_are_kept() -> None:
    cookies = [(b"set-cookie", b"a=1"), (b"set-cookie", b"b=2")]
    sent = await send_single(200, [JSON, *cookies, (b"x-id", b"7")], LARGE_JSON)

    headers = sent.start["headers"]
    assert [h for h in headers if h[0] == b"set-cookie"] == cookies
    assert (b"x-id", b"7") in headers
    assert (b"content-type", b"application/json") in headers


# --- streamed bodies ---

CHUNKS = [b'{"event": %d, "pad": "%s"}\n' % (i, b"x" * 40) for i in range(5)]


@pytest.mark.anyio
async def test_stream_is_compressed_and_each_chunk_decodes_on_arrival() -> None:
    sent = Collector()
    wrapper = GzipSend(sent)
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    received = b""

    await wrapper(start(200, JSON))
    for index, chunk in enumerate(CHUNKS):
        await wrapper(body(chunk, more=True))
        # The client can decode everything sent so far, without waiting for the end.
        received += decoder.decompress(sent.messages[-1]["body"])
        assert received == b"".join(CHUNKS[: index + 1])
        assert sent.messages[-1]["more_body"] is True
    await wrapper(body(b""))

    received += decoder.decompress(sent.messages[-1]["body"])
    assert decoder.eof
    assert received == b"".join(CHUNKS)
    assert sent.messages[-1]["more_body"] is False
    assert sent.headers[b"content-encoding"] == b"gzip"
    assert sent.headers[b"vary"] == b"Accept-Encoding"
    assert gzip.decompress(sent.body) == b"".join(CHUNKS)


@pytest.mark.anyio
async def test_stream_drops_content_length() -> None:
    sent = Collector()
    wrapper = GzipSend(sent)

    await wrapper(
        start(200, (b"content-type", b"text/plain"), (b"content-length", b"9"))
    )
    await wrapper(body(b"abc", more=True))
    await wrapper(body(b"def", more=True))
    await wrapper(body(b"ghi"))

    assert b"content-length" not in sent.headers
    assert gzip.decompress(sent.body) == b"abcdefghi"


@pytest.mark.anyio
async def test_stream_compressed_whatever_its_size() -> None:
    sent = Collector()
    wrapper = GzipSend(sent, minimum_size=10_000)

    await wrapper(start(200, (b"content-type", b"text/plain")))
    await wrapper(body(b"hi", more=True))
    await wrapper(body(b""))

    assert sent.headers[b"content-encoding"] == b"gzip"
    assert gzip.decompress(sent.body) == b"hi"


@pytest.mark.anyio
async def test_empty_chunks_in_a_stream_are_forwarded_empty() -> None:
    sent = Collector()
    wrapper = GzipSend(sent)

    await wrapper(start(200, (b"content-type", b"text/plain")))
    await wrapper(body(b"", more=True))
    await wrapper(body(b"data", more=True))
    await wrapper(body(b"", more=True))
    await wrapper(body(b""))

    assert sent.bodies[0] == b""
    assert sent.bodies[2] == b""
    assert gzip.decompress(sent.body) == b"data"


@pytest.mark.anyio
async def test_event_stream_is_never_compressed_nor_delayed() -> None:
    sent = Collector()
    wrapper = GzipSend(sent, minimum_size=0)
    original = start(200, SSE, (b"cache-control", b"no-cache"))

    await wrapper(original)
    # Headers go out at once: EventSource.onopen must not wait for the first event.
    assert sent.messages == [original]

    events = [b"data: %d\n\n" % i for i in range(3)]
    for event in events:
        await wrapper(body(event, more=True))
    await wrapper(body(b""))

    assert sent.bodies == [*events, b""]
    assert b"content-encoding" not in sent.headers
    assert b"vary" not in sent.headers


@pytest.mark.anyio
async def test_stream_for_client_without_gzip_varies_only() -> None:
    sent = Collector()
    wrapper = GzipSend(sent, accepted=False)

    await wrapper(start(200, (b"content-type", b"text/plain")))
    await wrapper(body(b"abc", more=True))
    await wrapper(body(b""))

    assert sent.headers == {b"content-type": b"text/plain", b"vary": b"Accept-Encoding"}
    assert sent.bodies == [b"abc", b""]


@pytest.mark.anyio
async def test_already_encoded_stream_is_untouched() -> None:
    sent = Collector()
    wrapper = GzipSend(sent)
    encoded = gzip.compress(b"payload")
    original = start(200, JSON, (b"content-encoding", b"gzip"))

    await wrapper(original)
    await wrapper(body(encoded[:5], more=True))
    await wrapper(body(encoded[5:]))

    assert sent.messages[0] == original
    assert sent.body == encoded


@pytest.mark.anyio
async def test_non_body_first_message_releases_the_start_unchanged() -> None:
    sent = Collector()
    wrapper = GzipSend(sent)
    original = start(200, (b"content-type", b"text/plain"))
    pathsend: Message = {"type": "http.response.pathsend", "path": "/tmp/x.txt"}

    await wrapper(original)
    await wrapper(pathsend)

    assert sent.messages == [original, pathsend]


@pytest.mark.anyio
async def test_level_zero_still_produces_valid_gzip_for_streams() -> None:
    sent = Collector()
    wrapper = GzipSend(sent, level=0)

    await wrapper(start(200, (b"content-type", b"text/plain")))
    await wrapper(body(b"abc", more=True))
    await wrapper(body(b"def"))

    assert gzip.decompress(sent.body) == b"abcdef"


@pytest.mark.parametrize(
    ("minimum_size", "level", "message"),
    [(-1, 6, "minimum_size"), (500, 10, "level"), (500, -1, "level")],
)
def test_invalid_settings_raise(minimum_size: int, level: int, message: str) -> None:
    async def discard(message: Message) -> None:
        return None

    with pytest.raises(ValueError, match=message):
        GzipSend(discard, minimum_size, level)


# --- with routetree's Response ---


@pytest.mark.anyio
async def test_response_json_through_gzip() -> None:
    sent = Collector()
    data = json.loads(LARGE_JSON)

    await Response.json(data).send(GzipSend(sent))

    assert sent.headers[b"content-encoding"] == b"gzip"
    assert sent.headers[b"content-length"] == b"%d" % len(sent.body)
    assert json.loads(gzip.decompress(sent.body)) == data


@pytest.mark.anyio
async def test_streamed_response_through_gzip_arrives_chunk_by_chunk() -> None:
    sent = Collector()
    seen: list[bytes] = []

    async def lines() -> AsyncIterator[str]:
        for i in range(3):
            # Everything yielded before is already decodable by the client.
            decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
            seen.append(b"".join(decoder.decompress(b) for b in sent.bodies))
            yield f"line {i}\n"

    await Response(lines(), headers={"content-type": "text/plain"}).send(GzipSend(sent))

    assert seen == [b"", b"line 0\n", b"line 0\nline 1\n"]
    assert gzip.decompress(sent.body) == b"line 0\nline 1\nline 2\n"
