"""Validate a whole route tree and order it by precedence.

The rules are Next.js's (``sorted-routes.ts``), checked before anything is imported so
that `routetree build` and start-up report every broken tree with both files named:

- two route files for the same URL (typically through route groups);
- two ``[param]`` siblings with different names;
- a route at the same URL as an optional catch-all's empty match;
- a required and an optional catch-all at the same level;
- a catch-all that is not the last segment;
- the same param name twice in one path.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from .._errors import RouteConflictError, locate
from ._segments import Segment, SegmentKind

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ._discovery import RouteDefinition

__all__ = ["precedence_key", "url_key", "validate_route_tree"]

_CATCH_ALLS = (SegmentKind.CATCH_ALL, SegmentKind.OPTIONAL_CATCH_ALL)
_UrlKey = tuple[tuple[int, str], ...]


def url_key(segments: Sequence[Segment]) -> _UrlKey:
    """Return a key equal for two routes that answer exactly the same URLs."""
    return tuple(
        (s.kind, s.match_key if s.kind is SegmentKind.STATIC else "") for s in segments
    )


def precedence_key(definition: RouteDefinition) -> tuple[tuple[int, str], ...]:
    """Sort key that lists routes the way the matcher prefers them (static first)."""
    return tuple((s.kind, s.name) for s in definition.segments)


def validate_route_tree(definitions: Sequence[RouteDefinition]) -> None:
    """Check a route tree against Next.js's rules.

    Raises:
        RouteConflictError: The first rule broken, naming both files and the fix.
    """
    by_url: dict[_UrlKey, RouteDefinition] = {}
    # For each parent URL: the dynamic children by kind, then by param name.
    children: defaultdict[_UrlKey, dict[SegmentKind, dict[str, RouteDefinition]]] = (
        defaultdict(dict)
    )
    duplicates: list[tuple[RouteDefinition, RouteDefinition]] = []
    for definition in definitions:
        segments = definition.segments
        _check_single_path(definition)
        key = url_key(segments)
        if key in by_url:
            duplicates.append((by_url[key], definition))
        by_url[key] = definition
        for index, segment in enumerate(segments):
            if segment.is_dynamic:
                kinds = children[url_key(segments[:index])]
                kinds.setdefault(segment.kind, {}).setdefault(segment.name, definition)

    for parent, kinds in children.items():
        params = kinds.get(SegmentKind.DYNAMIC, {})
        if len(params) > 1:
            (name_a, file_a), (name_b, file_b) = list(params.items())[:2]
            raise _conflict(
                file_b,
                f"You cannot use different slug names for the same dynamic path "
                f"('{name_a}' !== '{name_b}'): {file_a.relative_file} and "
                f"{file_b.relative_file}. Rename one folder so both use [{name_a}].",
            )
        required = kinds.get(SegmentKind.CATCH_ALL, {})
        optional = kinds.get(SegmentKind.OPTIONAL_CATCH_ALL, {})
        if required and optional:
            req, opt = next(iter(required.values())), next(iter(optional.values()))
            raise _conflict(
                opt,
                "You cannot use both a required and optional catch-all route at the "
                f"same level: {req.relative_file} and {opt.relative_file}. "
                "Keep one of them.",
            )
        if optional and parent in by_url:
            opt, plain = next(iter(optional.values())), by_url[parent]
            raise _conflict(
                plain,
                "You cannot define a route with the same specificity as an optional "
                f'catch-all route ("{plain.path}" and "{opt.path}"): '
                f"{plain.relative_file} and {opt.relative_file}. The optional "
                f"catch-all already answers {plain.path}; remove {plain.relative_file} "
                "or make the catch-all required.",
            )
    # Reported after the sibling checks, which explain [id] beside [slug] better.
    for other, definition in duplicates:
        raise _conflict(
            definition,
            f"Conflicting routes at {definition.path}: route at "
            f"{other.relative_file} and route at {definition.relative_file}. "
            "Both answer the same URL (route groups are left out of URLs); "
            "remove one or move it to another path.",
        )


def _check_single_path(definition: RouteDefinition) -> None:
    segments = definition.segments
    names: set[str] = set()
    for index, segment in enumerate(segments):
        if segment.kind in _CATCH_ALLS and index != len(segments) - 1:
            raise _conflict(
                definition,
                f"Catch-all segment {segment.folder} must be the last part of the URL, "
                f"but {definition.relative_file} is below it. Move route.py into the "
                f"{segment.folder} folder itself.",
            )
        if segment.is_dynamic:
            if segment.name in names:
                raise _conflict(
                    definition,
                    f'You cannot have the same slug name "{segment.name}" repeat '
                    f"within a single dynamic path: {definition.relative_file}. "
                    "Rename one of the folders.",
                )
            names.add(segment.name)


def _conflict(definition: RouteDefinition, message: str) -> RouteConflictError:
    """The error, pointing at the route file that breaks the rule (the later one)."""
    error = RouteConflictError(message)
    locate(error, definition.file)
    return error
