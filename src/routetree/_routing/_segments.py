"""Parse one folder name of the ``app/`` tree into a route segment.

Next.js folder conventions, in precedence order among siblings (lower rank wins):

====================  ===================  ==================================
folder                kind                 matches
====================  ===================  ==================================
``users``             static               exactly ``users``
``[id]``              dynamic              one non-empty segment
``[...path]``         catch-all            one or more segments
``[[...slug]]``       optional catch-all   zero or more segments
``(admin)``           group                nothing: left out of the URL
``_lib``              private              never routed, nor anything below it
``%5Fname``           static               ``_name`` (escape for a leading underscore)
====================  ===================  ==================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from urllib.parse import quote

from .._errors import InvalidSegmentError

__all__ = ["Segment", "SegmentKind", "is_private_folder", "parse_segment"]

_BRACKETED = re.compile(r"^\[(\[)?(\.\.\.)?([^\[\]]*)\]?\]$")
# Characters a browser leaves unescaped in a path segment (RFC 3986 pchar), so a static
# folder name is compared with the raw request path in the form a client sends it.
_PCHAR_SAFE = "!$&'()*+,;=:@-._~"


class SegmentKind(IntEnum):
    """The kind of a URL segment.

    The value is its precedence rank (lower is tried first).
    """

    STATIC = 0
    DYNAMIC = 1
    CATCH_ALL = 2
    OPTIONAL_CATCH_ALL = 3
    GROUP = 4


@dataclass(frozen=True, slots=True)
class Segment:
    """One folder of a route path.

    Attributes:
        kind: What the folder matches.
        name: The param name for dynamic kinds, the literal URL text for static ones
            (``%5F`` already turned into ``_``), the group name for groups.
        folder: The folder name exactly as on disk.
    """

    kind: SegmentKind
    name: str
    folder: str

    @property
    def is_dynamic(self) -> bool:
        """Whether the segment binds a param."""
        return self.kind in (
            SegmentKind.DYNAMIC,
            SegmentKind.CATCH_ALL,
            SegmentKind.OPTIONAL_CATCH_ALL,
        )

    @property
    def match_key(self) -> str:
        """The raw (percent-encoded) path text a static segment matches."""
        return quote(self.name, safe=_PCHAR_SAFE)

    def notation(self) -> str:
        """Return the segment in folder notation as in route tables (``[id]``...)."""
        if self.kind is SegmentKind.DYNAMIC:
            return f"[{self.name}]"
        if self.kind is SegmentKind.CATCH_ALL:
            return f"[...{self.name}]"
        if self.kind is SegmentKind.OPTIONAL_CATCH_ALL:
            return f"[[...{self.name}]]"
        return self.name


def is_private_folder(folder: str) -> bool:
    """Return whether a folder (and everything below it) is excluded from routing."""
    return folder.startswith("_")


def parse_segment(folder: str, *, where: str) -> Segment:
    """Parse a folder name into a `Segment`.

    Args:
        folder: The folder name as on disk (not private; check `is_private_folder`
            first).
        where: The folder's path relative to the project, named in error messages.

    Raises:
        InvalidSegmentError: The name is bracketed but malformed, or its param name is
            not a Python identifier.
    """
    if folder.startswith("(") and folder.endswith(")") and len(folder) > 2:
        return Segment(SegmentKind.GROUP, folder[1:-1], folder)
    if "[" not in folder and "]" not in folder:
        return Segment(SegmentKind.STATIC, _unescape_underscore(folder), folder)

    found = _BRACKETED.match(folder)
    if found is None or (found.group(1) is not None) != folder.endswith("]]"):
        raise InvalidSegmentError(
            f"Invalid folder name {folder!r} in {where}: a dynamic segment is written "
            "[name], [...name] or [[...name]]. Rename the folder to one of these forms."
        )
    optional, spread, name = found.group(1), found.group(2), found.group(3)
    if optional and not spread:
        raise InvalidSegmentError(
            f"Invalid folder name {folder!r} in {where}: double brackets are only for "
            f"an optional catch-all. Rename it to [[...{name}]] or [{name}]."
        )
    if not name.isidentifier():
        raise InvalidSegmentError(
            f"Invalid param name {name!r} in folder {folder!r} ({where}): param names "
            "must be Python identifiers so handlers can read context.params. Rename "
            "the folder, e.g. [user_id]."
        )
    if optional:
        return Segment(SegmentKind.OPTIONAL_CATCH_ALL, name, folder)
    if spread:
        return Segment(SegmentKind.CATCH_ALL, name, folder)
    return Segment(SegmentKind.DYNAMIC, name, folder)


def _unescape_underscore(folder: str) -> str:
    # Next.js: "%5F" in a folder name is an underscore in the URL, which lets a URL
    # segment start with "_" although such folders are private.
    return re.sub("%5[Ff]", "_", folder)
