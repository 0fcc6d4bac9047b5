"""Form bodies (``application/x-www-form-urlencoded`` and ``multipart/form-data``).

python-multipart splits the body (its ``QuerystringParser`` and ``MultipartParser``);
this module assembles what they find into a `FormData` multi-dict of ``str`` values and
`UploadFile` objects, like the Fetch API's ``FormData``, and enforces `FormLimits`
while it does: parsing stops at the first field, file or value past a limit, so a
hostile body costs one pass over bytes already within the body size limit, never a
million-entry list.

A multipart body is complete when python-multipart's parser has reached its closing
boundary; bytes after it (an epilogue) are ignored. Each part may have at most
`MAX_PART_HEADERS` header lines of at most `MAX_PART_HEADER_LINE` bytes each. Parts
with a ``Content-Transfer-Encoding`` other than ``7bit``, ``8bit`` or ``binary`` are
refused: RFC 7578 deprecates the header and browsers never send it.

`parse_form_body` is synchronous and may write temporary files (files over 1 MiB spill
to disk): `Request.form` runs it in a worker thread, off the event loop.
"""

from __future__ import annotations

import ntpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING
from urllib.parse import unquote_to_bytes

import anyio.to_thread
from python_multipart.exceptions import FileError, FormParserError
from python_multipart.multipart import (
    File,
    MultipartParser,
    MultipartState,
    QuerystringParser,
    parse_options_header,
)

from ._errors import HTTPError

if TYPE_CHECKING:
    from io import BufferedRandom

    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema

__all__ = [
    "DEFAULT_FORM_LIMITS",
    "FORM_CONTENT_TYPES",
    "MAX_PART_HEADERS",
    "MAX_PART_HEADER_LINE",
    "FormData",
    "FormLimits",
    "UploadFile",
    "parse_form_body",
]

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MAX_PART_HEADERS = 8
MAX_PART_HEADER_LINE = 4096
_MEMORY_FILE_SIZE = 1024 * 1024
_PLAIN_ENCODINGS = (b"7bit", b"8bit", b"binary")
_WHERE_TO_RAISE = "in the route file (or in the project config)"


@dataclass(frozen=True, slots=True)
class FormLimits:
    """How much of a form `parse_form_body` accepts.

    Attributes:
        max_fields: The most non-file fields.
        max_files: The most files.
        max_part_size: The largest non-file field in bytes, as sent: the value of a
            multipart field, the name and value of an urlencoded pair (still
            percent-encoded). A file is bounded by the body size limit only.
    """

    max_fields: int = 1000
    max_files: int = 1000
    max_part_size: int = 1024 * 1024


DEFAULT_FORM_LIMITS = FormLimits()


class UploadFile:
    r"""A file from a multipart form, like the Fetch API's ``File``.

    ``read``, ``seek`` and ``close`` are coroutines: on a file that spilled to disk
    (over 1 MiB) they run in a worker thread, so a large upload never blocks the event
    loop.

    Attributes:
        filename: The name the client gave the file, reduced to its last path
            component (``../../etc/passwd`` and ``C:\docs\passwd`` are both
            ``"passwd"``), or None when the client sent none, or one made only of
            dots and spaces (``..``). It is client data: check it before using it in
            a path of your own.
        content_type: Its declared media type (``application/octet-stream`` if none).
        size: Its size in bytes.
    """

    __slots__ = ("_file", "_on_disk", "content_type", "filename", "size")

    def __init__(
        self,
        file: BytesIO | BufferedRandom,
        *,
        filename: str | None,
        content_type: str,
        size: int,
    ) -> None:
        self._file = file
        self._on_disk = not isinstance(file, BytesIO)
        self.filename = filename
        self.content_type = content_type
        self.size = size

    async def read(self, size: int = -1) -> bytes:
        """Read up to ``size`` bytes (all by default) from the current position."""
        if self._on_disk:
            return await anyio.to_thread.run_sync(self._file.read, size)
        return self._file.read(size)

    async def seek(self, offset: int) -> None:
        """Move the read position to ``offset``."""
        if self._on_disk:
            await anyio.to_thread.run_sync(self._file.seek, offset)
        else:
            self._file.seek(offset)

    async def close(self) -> None:
        """Release the file (a spilled temporary file is deleted)."""
        if self._on_disk:
            await anyio.to_thread.run_sync(self._file.close)
        else:
            self._file.close()

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: object, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        """Validate as an `UploadFile` instance, so ``file: UploadFile`` works.

        A field of a ``form`` model takes the uploaded file as it is; a field that
        got a plain text value instead fails with ``is_instance_of``.
        """
        # Only pydantic calls this: a project that never uses it never imports it.
        from pydantic_core import core_schema

        return core_schema.is_instance_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Describe an upload as OpenAPI does: a binary string."""
        return {"type": "string", "format": "binary"}

    def __repr__(self) -> str:
        return (
            f"UploadFile(filename={self.filename!r}, "
            f"content_type={self.content_type!r}, size={self.size})"
        )


FormValue = str | UploadFile


class FormData(Mapping[str, FormValue]):
    """A parsed form.

    ``form["name"]`` is the first value, ``get_all("name")`` every one.
    """

    __slots__ = ("_first", "_items")

    def __init__(self, items: list[tuple[str, FormValue]] | None = None) -> None:
        self._items = items or []
        self._first: dict[str, FormValue] = {}
        for key, value in self._items:
            self._first.setdefault(key, value)

    def __getitem__(self, key: str) -> FormValue:
        return self._first[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._first)

    def __len__(self) -> int:
        return len(self._first)

    def get_all(self, key: str) -> list[FormValue]:
        """Return every value of ``key`` in order (empty if absent)."""
        return [v for k, v in self._items if k == key]

    def multi_items(self) -> list[tuple[str, FormValue]]:
        """Return every ``(name, value)`` pair in order."""
        return list(self._items)

    def __repr__(self) -> str:
        return f"FormData({self._items!r})"


def parse_form_body(
    content_type: str, body: bytes, limits: FormLimits = DEFAULT_FORM_LIMITS
) -> FormData:
    """Parse a form body within ``limits``.

    Blocking: it may write temporary files. Call it off the event loop.

    Raises:
        HTTPError: 415 when the content type is not a form type; 413 when the form
            passes one of ``limits`` (the message names it); 400 when the body is not
            a well-formed form.
    """
    media_type = content_type.partition(";")[0].strip().lower()
    if media_type not in FORM_CONTENT_TYPES:
        raise HTTPError(
            415,
            f"Content-Type was {media_type or 'missing'!r}; request.form() reads only "
            '"application/x-www-form-urlencoded" or "multipart/form-data" bodies.',
        )
    if media_type == FORM_CONTENT_TYPES[0]:
        return _UrlencodedReader(limits).read(body)
    boundary = parse_options_header(content_type)[1].get(b"boundary")
    if not boundary:
        raise _malformed(
            "the Content-Type has no boundary parameter "
            "(multipart/form-data; boundary=...)."
        )
    return _MultipartReader(limits).read(boundary, body)


class _UrlencodedReader:
    """The callbacks of a ``QuerystringParser``: one pair at a time, counted."""

    def __init__(self, limits: FormLimits) -> None:
        self._limits = limits
        self._items: list[tuple[str, FormValue]] = []
        self._name = bytearray()
        self._value = bytearray()

    def read(self, body: bytes) -> FormData:
        parser = QuerystringParser(
            {
                "on_field_start": self._on_field_start,
                "on_field_name": self._on_field_name,
                "on_field_data": self._on_field_data,
                "on_field_end": self._on_field_end,
            }
        )
        parser.write(body)
        parser.finalize()
        return FormData(self._items)

    def _on_field_start(self) -> None:
        if len(self._items) >= self._limits.max_fields:
            raise _too_many_fields(self._limits)
        self._name.clear()
        self._value.clear()

    def _on_field_name(self, data: bytes, start: int, end: int) -> None:
        if len(self._name) + end - start > self._limits.max_part_size:
            raise _part_too_large(self._limits, None)
        self._name += data[start:end]

    def _on_field_data(self, data: bytes, start: int, end: int) -> None:
        size = len(self._name) + len(self._value) + end - start
        if size > self._limits.max_part_size:
            raise _part_too_large(self._limits, _unquote(self._name))
        self._value += data[start:end]

    def _on_field_end(self) -> None:
        self._items.append((_unquote(self._name), _unquote(self._value)))


def _unquote(raw: bytearray) -> str:
    # Decoding the bytes once, after unescaping, keeps a UTF-8 sequence whole when
    # some of its bytes are escaped and some are not.
    return unquote_to_bytes(bytes(raw).replace(b"+", b" ")).decode("utf-8", "replace")


class _MultipartReader:
    """The callbacks of a ``MultipartParser``: parts counted and bounded as they go."""

    def __init__(self, limits: FormLimits) -> None:
        self._limits = limits
        self._items: list[tuple[str, FormValue]] = []
        self._fields = 0
        self._files: list[File] = []
        self._headers: dict[bytes, bytes] = {}
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._name = ""
        self._file: File | None = None
        self._value = bytearray()

    def read(self, boundary: bytes, body: bytes) -> FormData:
        try:
            parser = MultipartParser(
                boundary,
                {
                    "on_part_begin": self._headers.clear,
                    "on_header_field": self._on_header_field,
                    "on_header_value": self._on_header_value,
                    "on_header_end": self._on_header_end,
                    "on_headers_finished": self._on_headers_finished,
                    "on_part_data": self._on_part_data,
                    "on_part_end": self._on_part_end,
                },
                max_header_count=MAX_PART_HEADERS,
                max_header_size=MAX_PART_HEADER_LINE,
            )
            parser.write(body)
            parser.finalize()
            if parser.state != MultipartState.END:
                raise _malformed(
                    "the body ends before the closing boundary (--boundary--)."
                )
        except FileError:  # no temporary file could be made: a server problem
            self._close_files()
            raise
        except FormParserError as exc:
            self._close_files()
            offset = getattr(exc, "offset", -1)
            where = f" (at byte {offset})" if offset >= 0 else ""
            raise _malformed(f"{exc}{where}.") from None
        except BaseException:
            self._close_files()
            raise
        return FormData(self._items)

    def _close_files(self) -> None:
        for file in self._files:
            file.close()

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _on_header_end(self) -> None:
        name = bytes(self._header_name).lower()
        self._headers[name] = bytes(self._header_value).strip(b" \t")
        self._header_name.clear()
        self._header_value.clear()

    def _on_headers_finished(self) -> None:
        headers = self._headers
        options = parse_options_header(headers.get(b"content-disposition"))[1]
        raw_name = options.get(b"name")
        if raw_name is None:
            raise _malformed(
                "a part has no name: its Content-Disposition header must be like "
                'form-data; name="field".'
            )
        self._name = name = raw_name.decode("utf-8", "replace")
        encoding = headers.get(b"content-transfer-encoding")
        if encoding is not None and encoding.lower() not in _PLAIN_ENCODINGS:
            raise _malformed(
                f"part {name!r} has Content-Transfer-Encoding: "
                f"{encoding.decode('latin-1')}; request.form() does not decode it "
                "(RFC 7578 deprecates the header). Send the part's bytes as they are."
            )
        raw_filename = options.get(b"filename")
        if raw_filename is None:
            self._fields += 1
            if self._fields > self._limits.max_fields:
                raise _too_many_fields(self._limits)
            self._file = None
            self._value.clear()
            return
        if len(self._files) >= self._limits.max_files:
            raise HTTPError(
                413,
                "Too many files in the form: the limit is max_files = "
                f"{self._limits.max_files}. Raise max_files {_WHERE_TO_RAISE} if "
                "more files are expected.",
            )
        if b"\x00" in raw_filename:
            raise _malformed(f"the filename of part {name!r} holds a NUL byte.")
        content_type = headers.get(b"content-type")
        self._file = File(
            raw_filename,
            raw_name,
            config={"MAX_MEMORY_FILE_SIZE": _MEMORY_FILE_SIZE},
            content_type=None
            if content_type is None
            else content_type.decode("latin-1"),
        )
        self._files.append(self._file)

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._file is not None:
            self._file.write(data[start:end])
            return
        if len(self._value) + end - start > self._limits.max_part_size:
            raise _part_too_large(self._limits, self._name)
        self._value += data[start:end]

    def _on_part_end(self) -> None:
        file = self._file
        if file is None:
            self._items.append((self._name, self._value.decode("utf-8", "replace")))
            return
        file.finalize()
        file.file_object.seek(0)
        upload = UploadFile(
            file.file_object,
            filename=_base_name(file.file_name or b""),
            content_type=file.content_type or "application/octet-stream",
            size=file.size,
        )
        self._items.append((self._name, upload))


def _base_name(raw: bytes) -> str | None:
    # ntpath splits on both "/" and "\" and drops a drive ("C:") or UNC share, so a
    # path from any client OS reduces the same way.
    name = ntpath.basename(raw.decode("utf-8", "replace"))
    return name if name.strip(". ") else None


def _malformed(detail: str) -> HTTPError:
    return HTTPError(400, f"Malformed form body: {detail}")


def _too_many_fields(limits: FormLimits) -> HTTPError:
    return HTTPError(
        413,
        f"Too many fields in the form: the limit is max_fields = {limits.max_fields}. "
        f"Raise max_fields {_WHERE_TO_RAISE} if larger forms are expected.",
    )


def _part_too_large(limits: FormLimits, name: str | None) -> HTTPError:
    field = "A form field" if name is None else f"Form field {name[:64]!r}"
    return HTTPError(
        413,
        f"{field} is larger than the limit of max_part_size = "
        f"{limits.max_part_size} bytes. Raise max_part_size {_WHERE_TO_RAISE} if "
        "larger fields are expected; files are bounded by max_body_size only.",
    )
