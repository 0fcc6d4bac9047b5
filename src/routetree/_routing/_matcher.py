"""Match a raw request path against the route tree.

The tree is a trie of segments, built once. A lookup first tries a dict of the fully
static paths (a static route always wins when it matches), then walks the trie trying,
at each level, the static child, then the ``[param]`` child, then the catch-all, then
the optional catch-all, **backtracking** when a branch leads to no route: with
``bt/static/route.py`` and ``bt/[id]/edit/route.py``, ``/bt/static/edit`` is served by
``[id]/edit``.

Matching runs on the raw, percent-encoded path split on ``/``; only param values are
decoded, exactly once. The cost of a lookup depends on the depth of the path, not on the
number of routes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

from .._url import decode_segment
from ._segments import SegmentKind

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .._types import Params
    from ._segments import Segment

__all__ = ["Matcher", "RouteMatch"]

T = TypeVar("T")


class RouteMatch(NamedTuple, Generic[T]):
    """A route found for a path, and the values of its dynamic segments.

    ``params`` maps each ``[name]`` to a ``str`` and each catch-all to a
    ``list[str]``, decoded once; a new dict for every match.
    """

    route: T
    params: Params


class _Node(Generic[T]):
    __slots__ = (
        "catch_all",
        "catch_all_name",
        "dynamic",
        "dynamic_name",
        "optional",
        "optional_name",
        "route",
        "static",
    )

    def __init__(self) -> None:
        self.static: dict[str, _Node[T]] = {}
        self.dynamic: _Node[T] | None = None
        self.dynamic_name = ""
        self.catch_all: T | None = None
        self.catch_all_name = ""
        self.optional: T | None = None
        self.optional_name = ""
        self.route: T | None = None


class Matcher(Generic[T]):
    """A segment trie mapping raw URL paths to routes.

    Build it from ``(segments, route)`` pairs of a validated tree (see
    `routetree._routing._routetable.validate_route_tree`); `match` returns a
    `RouteMatch`.
    """

    def __init__(self, routes: Iterable[tuple[tuple[Segment, ...], T]]) -> None:
        self._root: _Node[T] = _Node()
        self._static: dict[str, T] = {}
        for segments, route in routes:
            self._insert(segments, route)

    def _insert(self, segments: tuple[Segment, ...], route: T) -> None:
        if all(s.kind is SegmentKind.STATIC for s in segments):
            self._static["/" + "/".join(s.match_key for s in segments)] = route
        node = self._root
        for segment in segments:
            if segment.kind is SegmentKind.STATIC:
                node = node.static.setdefault(segment.match_key, _Node())
            elif segment.kind is SegmentKind.DYNAMIC:
                if node.dynamic is None:
                    node.dynamic = _Node()
                    node.dynamic_name = segment.name
                node = node.dynamic
            elif segment.kind is SegmentKind.CATCH_ALL:
                node.catch_all, node.catch_all_name = route, segment.name
                return
            else:
                node.optional, node.optional_name = route, segment.name
                return
        node.route = route

    def match(self, path: str) -> RouteMatch[T] | None:
        """Find the route for a raw path (``/api/users/a%2Fb``), or None.

        The path must start with ``/`` and have valid percent escapes (see
        `routetree._url.check_percent_escapes`); param values come back decoded once.
        """
        params: Params = {}
        route = self.find(path, params)
        return None if route is None else RouteMatch(route, params)

    def find(self, path: str, params: Params) -> T | None:
        """Find the route for a raw path, putting its params in ``params``; or None.

        `match` without the `RouteMatch`: the short request path calls this, because
        building and freeing a tuple subclass per request costs more than the rest of
        routing a static path. ``params`` must be empty; it is left empty when there
        is no route.
        """
        static = self._static.get(path)
        if static is not None:
            return static
        parts = path.split("/")
        if parts[0] or not path:  # not a path ("*", "api/x", "@evil"): never routed
            return None
        del parts[0]
        if parts == [""]:  # "/"
            parts = []
        # Most paths end where the search's first branch leads (the static child,
        # else the [param] child, at every level): follow it without recursion, and
        # search with backtracking only when it reaches no route.
        node = self._root
        for part in parts:
            child = node.static.get(part)
            if child is None:
                child = node.dynamic
                if child is None or not part:
                    break
                params[node.dynamic_name] = decode_segment(part)
            node = child
        else:
            found = node.route if node.route is not None else node.optional
            if found is not None:
                return found
        params.clear()
        return self._walk(self._root, parts, 0, params)

    def match_static(self, path: str) -> T | None:
        """Find the route of a path among the routes without params, or None."""
        return self._static.get(path)

    def _walk(
        self, node: _Node[T], parts: list[str], index: int, params: Params
    ) -> T | None:
        if index == len(parts):
            if node.route is not None:
                return node.route
            return node.optional  # an empty optional catch-all binds no key
        part = parts[index]
        child = node.static.get(part)
        if child is not None:
            found = self._walk(child, parts, index + 1, params)
            if found is not None:
                return found
        if not part:
            return None  # an empty segment ("//") is never a param
        if node.dynamic is not None:
            params[node.dynamic_name] = decode_segment(part)
            found = self._walk(node.dynamic, parts, index + 1, params)
            if found is not None:
                return found
            del params[node.dynamic_name]
        rest = parts[index:]
        if "" in rest:
            return None
        if node.catch_all is not None:
            params[node.catch_all_name] = [decode_segment(p) for p in rest]
            return node.catch_all
        if node.optional is not None:
            params[node.optional_name] = [decode_segment(p) for p in rest]
            return node.optional
        return None
