"""Answer a GET or HEAD of one file of ``public/``.

`FileHandler.serve` is the route handler of one file (`routetree._static._routes`
makes it one). Per request it opens the file by the path found at start-up, in a
worker thread, with ``O_NOFOLLOW`` (a file replaced by a link since start-up is not
followed), reads its size and time from the open file, and decides the answer
(`routetree._static._conditional`): 200, 206, 304, 412 or 416. A body up to
`CHUNK_SIZE` is read in that same thread call; a larger one is streamed
`CHUNK_SIZE` bytes at a time, each read in a worker thread, so a file is never held in
memory whole and the event loop never waits on the disk. A file that can no longer be
opened (deleted since start-up) is a 404.

Headers of a 200 or 206: ``Content-Type``, ``Content-Length``, ``Accept-Ranges:
bytes``, ``ETag``, ``Last-Modified``, ``Cache-Control: public, max-age=0`` (what
Next.js sends for ``public/`` files) and ``X-Content-Type-Options: nosniff``; a 206
adds ``Content-Range``. A 304 keeps ``ETag``, ``Last-Modified`` and
``Cache-Control``. As in Next.js (whose file server sets a header only when none is
set yet), a header that config ``headers`` or middleware's ``Response.next(headers=)``
add replaces the file's own of the same name (`routetree._pipeline.ADDED_HEADERS`
lists them), except the framing (``Content-Length``, ``Content-Range``).

The ASGI ``http.response.pathsend`` extension is not used: uvicorn, routetree's
server, does not offer it, and a thread read per chunk keeps every server alike.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from typing import TYPE_CHECKING, Final

import anyio.to_thread

from .._error_responses import error_response
from .._pipeline import ADDED_HEADERS
from .._response import Response
from ._conditional import Decision, Preconditions, Validators, decide

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from .._request import Request
    from ._scan import PublicFile

__all__ = ["CACHE_CONTROL", "CHUNK_SIZE", "FileHandler"]

logger = logging.getLogger("routetree")

CHUNK_SIZE: Final = 64 * 1024
CACHE_CONTROL: Final = "public, max-age=0"
_OPEN_FLAGS: Final = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
# Headers added by config or middleware never replace these: they frame the body.
_FRAMING: Final = frozenset({b"content-length", b"content-range"})


class FileHandler:
    """The GET handler of one file of ``public/`` (HEAD runs it too)."""

    __slots__ = ("_file",)

    def __init__(self, file: PublicFile) -> None:
        self._file = file

    async def serve(self, request: Request) -> Response:
        """Answer with the file, a part of it, 304, 412 or 416."""
        is_get = request.method == "GET"
        preconditions = Preconditions.of(request.headers)
        try:
            opened = await anyio.to_thread.run_sync(
                _open, self._file.real_path, preconditions, is_get
            )
        except OSError as exc:
            if exc.errno not in (errno.ENOENT, errno.ENOTDIR):
                logger.warning(
                    "%s cannot be read (%s): answered 404.",
                    self._file.relative_file,
                    exc.strerror or exc,
                )
            return error_response(404)
        decision, validators, size, body = opened
        status = decision.status
        if status == 412:
            return error_response(412)
        if status == 416:
            return error_response(416, headers={"content-range": f"bytes */{size}"})
        added: list[tuple[bytes, bytes]] | None = request.scope.get(ADDED_HEADERS)
        replaced = {name for name, _ in added} - _FRAMING if added else set()
        headers = [
            ("etag", validators.etag),
            ("last-modified", validators.last_modified),
            ("cache-control", CACHE_CONTROL),
        ]
        if status == 304:
            return Response(None, status=304, headers=_without(headers, replaced))
        headers += [
            ("content-type", self._file.content_type),
            ("accept-ranges", "bytes"),
            ("x-content-type-options", "nosniff"),
            ("content-length", str(decision.length)),
        ]
        if status == 206:
            last = decision.start + decision.length - 1
            headers.append(("content-range", f"bytes {decision.start}-{last}/{size}"))
        return Response(body, status=status, headers=_without(headers, replaced))


def _without(
    headers: list[tuple[str, str]], replaced: set[bytes]
) -> list[tuple[str, str]]:
    if not replaced:
        return headers
    return [pair for pair in headers if pair[0].encode("latin-1") not in replaced]


def _open(
    path: str, preconditions: Preconditions, is_get: bool
) -> tuple[Decision, Validators, int, bytes | _FileChunks]:
    """Open, stat and decide; read a small body now. Runs in a worker thread."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "not a regular file", path)
        size = info.st_size
        validators = Validators.of(size, info.st_mtime_ns)
        decision = decide(preconditions, validators, size, is_get=is_get)
        if not is_get or decision.status not in (200, 206) or not decision.length:
            return decision, validators, size, b""
        if decision.start:
            os.lseek(fd, decision.start, os.SEEK_SET)
        if decision.length <= CHUNK_SIZE:
            return decision, validators, size, _read(fd, decision.length)
        chunks = _FileChunks(fd, decision.length)
        fd = -1  # the chunks own it now
        return decision, validators, size, chunks
    finally:
        if fd >= 0:
            os.close(fd)


def _read(fd: int, length: int) -> bytes:
    """Read exactly ``length`` bytes, or fail: the file shrank since its stat."""
    data = os.read(fd, length)
    while len(data) < length:
        more = os.read(fd, length - len(data))
        if not more:
            raise OSError(errno.EIO, "the file became shorter while it was being sent")
        data += more
    return data


class _FileChunks:
    """The body of a large file: ``length`` bytes from the open ``fd``, by chunks.

    An async iterable with ``aclose``, which `routetree._response.Response` calls
    once the body is sent or abandoned (HEAD, a client gone): the file is closed
    then, or when this is collected if it never was sent.
    """

    __slots__ = ("_fd", "_left")

    def __init__(self, fd: int, length: int) -> None:
        self._fd = fd
        self._left = length

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self._left > 0:
            chunk = await anyio.to_thread.run_sync(
                _read, self._fd, min(CHUNK_SIZE, self._left)
            )
            self._left -= len(chunk)
            yield chunk
        await self.aclose()

    async def aclose(self) -> None:
        """Close the file."""
        self._close()

    def _close(self) -> None:
        fd, self._fd = self._fd, -1
        if fd >= 0:
            os.close(fd)

    def __del__(self) -> None:
        self._close()
