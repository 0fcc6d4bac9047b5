"""Form bodies (``application/x-www-form-urlencoded`` and ``multipart/form-data``).

Parsing is python-multipart's; this module turns its fields and files into a `FormData`
multi-dict of ``str`` values and `UploadFile` objects, like the Fetch API's
``FormData``. Files up to 1 MiB stay in memory, larger ones spill to a temporary file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from python_multipart import create_form_parser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header

from ._errors import HTTPError

if TYPE_CHECKING:
    from io import BufferedRandom, BytesIO

    from python_multipart.multipart import Field, File

__all__ = ["FORM_CONTENT_TYPES", "FormData", "UploadFile", "parse_form_body"]

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class UploadFile:
    """A file from a multipart form, like the Fetch API's ``File``.

    Attributes:
        filename: The name the client gave the file (may be None).
        content_type: Its declared media type (``application/octet-stream`` if none).
        size: Its size in bytes.
    """

    __slots__ = ("_file", "content_type", "filename", "size")

    def __init__(
        self,
        file: BytesIO | BufferedRandom,
        *,
        filename: str | None,
        content_type: str,
        size: int,
    ) -> None:
        self._file = file
        self.filename = filename
        self.content_type = content_type
        self.size = size

    async def read(self, size: int = -1) -> bytes:
        """Read up to ``size`` bytes (all by default) from the current position."""
        return self._file.read(size)

    async def seek(self, offset: int) -> None:
        """Move the read position to ``offset``."""
        self._file.seek(offset)

    async def close(self) -> None:
        """Release the file (a spilled temporary file is deleted)."""
        self._file.close()

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


def parse_form_body(content_type: str, body: bytes) -> FormData:
    """Parse a form body.

    Raises:
        HTTPError: 415 when the content type is not a form type, 400 when the body is
            not a well-formed form.
    """
    media_type = content_type.partition(";")[0].strip().lower()
    if media_type not in FORM_CONTENT_TYPES:
        raise HTTPError(
            415,
            f"Content-Type was {media_type or 'missing'!r}; request.form() reads only "
            '"application/x-www-form-urlencoded" or "multipart/form-data" bodies.',
        )
    items: list[tuple[str, FormValue]] = []

    urlencoded = media_type == FORM_CONTENT_TYPES[0]

    def on_field(field: Field) -> None:
        name = (field.field_name or b"").decode("utf-8", "replace")
        value = (field.value or b"").decode("utf-8", "replace")
        # python-multipart splits urlencoded pairs but leaves them encoded
        if urlencoded:
            name, value = unquote_plus(name), unquote_plus(value)
        items.append((name, value))

    def on_file(file: File) -> None:
        file.file_object.seek(0)
        name = (file.field_name or b"").decode("utf-8", "replace")
        filename = file.file_name.decode("utf-8", "replace") if file.file_name else None
        upload = UploadFile(
            file.file_object,
            filename=filename,
            content_type=file.content_type or "application/octet-stream",
            size=file.size,
        )
        items.append((name, upload))

    try:
        parser = create_form_parser(
            {"Content-Type": content_type.encode("latin-1")}, on_field, on_file
        )
        parser.write(body)
        parser.finalize()
    except (FormParserError, ValueError) as exc:
        raise HTTPError(400, f"Malformed form body: {exc}") from None
    if not urlencoded and not _has_closing_boundary(content_type, body):
        # python-multipart accepts a truncated body silently, dropping its last part.
        raise HTTPError(
            400, "Malformed form body: the closing multipart boundary is missing."
        )
    return FormData(items)


def _has_closing_boundary(content_type: str, body: bytes) -> bool:
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    return boundary is not None and body.rstrip().endswith(b"--" + boundary + b"--")
