"""A route's place in the OpenAPI document: path templates, tags, ``operationId``.

Everything here is read from the route's URL segments (route groups are not in
them), never from a request:

- the path template writes each dynamic segment as ``{name}``: ``[id]`` and a
  catch-all ``[...slug]`` alike, since OpenAPI has no parameter for several
  segments; an optional catch-all ``[[...slug]]`` gives two paths, without it and
  with it;
- the default tag is the first segment after a leading ``api`` (else the first
  segment; none for ``/``);
- the default ``operationId`` is the method and the template's segments, each
  reduced to letters, digits and ``_``: ``get_api_users_id``; ``/`` is ``index``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._routing._segments import SegmentKind

if TYPE_CHECKING:
    from .._routing._segments import Segment

__all__ = ["PathTemplate", "default_operation_id", "default_tags", "path_templates"]

_NOT_WORD = re.compile(r"[^0-9A-Za-z]+")


@dataclass(frozen=True, slots=True)
class PathTemplate:
    """One OpenAPI path of a route.

    Attributes:
        template: The path in OpenAPI template form: ``/api/users/{id}``.
        parameters: The dynamic segments in it, in URL order.
    """

    template: str
    parameters: tuple[Segment, ...]


def path_templates(segments: tuple[Segment, ...]) -> list[PathTemplate]:
    """The OpenAPI paths of a route with these URL segments.

    One path, or two for a route ending in an optional catch-all: the path without
    the segment, then the path with it.
    """
    if segments and segments[-1].kind is SegmentKind.OPTIONAL_CATCH_ALL:
        return [_template(segments[:-1]), _template(segments)]
    return [_template(segments)]


def _template(segments: tuple[Segment, ...]) -> PathTemplate:
    parts = [
        f"{{{s.name}}}" if s.is_dynamic else _escape_braces(s.name) for s in segments
    ]
    return PathTemplate(
        "/" + "/".join(parts), tuple(s for s in segments if s.is_dynamic)
    )


def _escape_braces(name: str) -> str:
    # A folder named "{x}" is static text, not a template parameter.
    return name.replace("{", "%7B").replace("}", "%7D")


def default_tags(segments: tuple[Segment, ...]) -> list[str]:
    """The tag of a route: its first segment after ``api``, else its first segment.

    A dynamic segment gives its param name; a route at ``/`` has no tag.
    """
    if (
        segments
        and segments[0].kind is SegmentKind.STATIC
        and segments[0].name == "api"
    ):
        segments = segments[1:] or segments
    return [segments[0].name] if segments else []


def default_operation_id(method: str, template: str) -> str:
    """``<method>_<segments>`` in lower-case method and word characters.

    ``GET /api/users/{id}`` is ``get_api_users_id``, ``GET /rss.xml`` is
    ``get_rss_xml`` and ``GET /`` is ``get_index``.
    """
    words = _NOT_WORD.sub("_", template).strip("_") or "index"
    return f"{method.lower()}_{words}"
