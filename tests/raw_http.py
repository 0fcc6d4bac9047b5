"""HTTP/1.1 over a plain socket, for tests that need the exact bytes on the wire.

A client library normalises what it sends (it collapses ``//``, encodes the path,
joins headers) and what it receives (it merges repeated headers); these helpers do
neither.
"""

from __future__ import annotations

import contextlib
import socket
from urllib.parse import urlsplit


class RawResponse:
    """A response read off the socket: status, headers (repeats kept), body.

    Args:
        data: The bytes the server sent, up to the end of the connection.

    Attributes:
        head: The status line and header lines, as sent.
        status: The status code.
        headers: ``(name, value)`` pairs in order, names lower-cased.
        body: The body bytes, as sent (chunked framing included).
    """

    def __init__(self, data: bytes) -> None:
        self.head, _, self.body = data.partition(b"\r\n\r\n")
        lines = self.head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split(" ")[1])
        self.headers = [
            (name.strip().lower(), value.strip())
            for name, _, value in (line.partition(":") for line in lines[1:])
        ]

    def header(self, name: str) -> str | None:
        """The values of header ``name`` joined with ``", "``, or None."""
        values = self.get_list(name)
        return ", ".join(values) if values else None

    def get_list(self, name: str) -> list[str]:
        """Every value of header ``name``, one per header line."""
        return [value for key, value in self.headers if key == name]


def raw_request(
    base_url: str,
    method: str,
    target: str,
    body: bytes = b"",
    *,
    header_lines: bytes = b"",
) -> RawResponse:
    """Send one request with ``target`` exactly as given and read the whole answer.

    Args:
        base_url: The server's URL (``http://127.0.0.1:PORT``).
        method: The request method.
        target: The request target, sent byte for byte.
        body: The request body (``Content-Length`` is set for it).
        header_lines: More header lines, each ending with CRLF, sent as given.

    Returns:
        The answer; ``Connection: close`` makes the server end it.
    """
    address = urlsplit(base_url)
    assert address.hostname is not None and address.port is not None
    request = (
        (
            f"{method} {target} HTTP/1.1\r\nHost: {address.netloc}\r\n"
            f"Connection: close\r\nContent-Length: {len(body)}\r\n"
        ).encode()
        + header_lines
        + b"\r\n"
        + body
    )
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return RawResponse(b"".join(chunks))


def raw_exchange(base_url: str, data: bytes, *, timeout: float = 10.0) -> bytes:
    """Send ``data`` exactly as given and read until the server closes or goes quiet.

    Unlike `raw_request`, nothing is added: the request line, the headers (``Host``
    and ``Connection`` included) and any body are all in ``data``. Reading stops when
    the server closes the connection, or when it sends nothing for ``timeout``
    seconds (a server that keeps the connection open after its answer).

    Returns:
        Every byte the server sent; empty if it closed without answering.
    """
    address = urlsplit(base_url)
    assert address.hostname is not None and address.port is not None
    chunks: list[bytes] = []
    with socket.create_connection(
        (address.hostname, address.port), timeout=timeout
    ) as sock:
        # The server may answer and close before it has read everything: keep what
        # it sent. A quiet server ends the read too.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, TimeoutError):
            sock.sendall(data)
        with contextlib.suppress(TimeoutError, ConnectionResetError):
            while chunk := sock.recv(65536):
                chunks.append(chunk)
    return b"".join(chunks)


def raw_send(base_url: str, data: bytes, *, timeout: float = 10.0) -> RawResponse:
    """Send ``data`` exactly as given (see `raw_exchange`) and parse the answer.

    Raises:
        AssertionError: The server sent nothing before closing or going quiet.
    """
    answer = raw_exchange(base_url, data, timeout=timeout)
    assert answer, f"no answer to {data[:200]!r}"
    return RawResponse(answer)


def dechunk(body: bytes) -> tuple[bytes, bool]:
    """The data in the complete chunks of a chunked body, and whether it ended."""
    data = b""
    while b"\r\n" in body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            return data, True
        if len(rest) < size + 2:
            break
        data, body = data + rest[:size], rest[size + 2 :]
    return data, False
