r"""Next.js path patterns: the middleware matcher and config headers/redirects/rewrites.

A pattern is the path-to-regexp syntax Next.js uses for ``config["matcher"]`` and for
the ``source`` of config ``headers``, ``redirects`` and ``rewrites``:

========================  ==================================  =========================
pattern                   matches                             params
========================  ==================================  =========================
``/api/users``            that path (any letter case)         ``{}``
``/api/:id``              one segment                         ``{"id": "42"}``
``/api/:path*``           zero or more segments               ``{"path": ["a", "b"]}``
``/api/:path+``           one or more segments                ``{"path": ["a"]}``
``/api/:lang?``           an optional segment                 ``{"lang": "en"}``/``{}``
``/api/:id(\d+)``         one segment the regex matches       ``{"id": "42"}``
``/api/(.*)``             the regex; unnamed: ``"0"``, ...    ``{"0": "a/b"}``
``/((?!public).*)``       all but ``/public...``              ``{"0": "a/b"}``
========================  ==================================  =========================

A pattern compiles once (`PathPattern`) into one regular expression that is matched
against a *normalised* path, built from the raw request path like this:

1. split on ``/`` and drop empty segments, so ``//api/x`` and ``/api/x/`` match like
   ``/api/x`` (no bypass of a matcher by doubling slashes, and a trailing slash is
   optional as in Next.js);
2. percent-decode each segment exactly once with `routetree._url.decode_segment`, so
   ``/api/%78`` is ``/api/x`` and ``a%2Fb`` stays *one* segment ``"a/b"``, as routing
   sees it.

A pattern matches the whole path: ``/about`` does not match ``/about/team`` (Next.js's
docs say it does, but its compiled matcher is anchored at both ends; write
``/about/:path*``). A path with a trailing slash also matches a pattern whose last
regex group can be empty after a ``/``: ``/about/`` matches ``/about/(.*)``, as in
Next.js. In regex groups, JavaScript's ``[^]`` is read as "any character" and ``$``
as "end of the path" (Python's ``$`` would also stop before a trailing newline).

Anchors never make a pattern silently match nothing:

- ``^`` opening a group and ``$`` closing it mean the group's own start and end, which
  always hold, and are dropped: ``/:id(^\d+$)`` is ``/:id(\d+)``. A ``^`` anywhere
  else in a group is refused (the path starts with ``/``, before any group), and so is
  a ``$`` anywhere else unless the group ends the pattern (``/((?!health$).*)``).
- Outside groups ``$`` is a literal dollar sign, as in Next.js, so a pattern ending
  in ``$`` (``/about$``) is refused rather than left to match only ``/about$``; so is
  a pattern starting with ``^``. Write ``\$`` for a literal dollar sign at the end.

Regex groups that can backtrack catastrophically, such as ``(a+)+`` or ``(a|aa)+``,
are refused (see `routetree._config._regex_analysis`); so is a group repeated with
``*`` or ``+`` that would become one, such as ``/:path(.*)*``, whose group can match
``/``.

Differs from Next.js: Next.js matches the matcher against the encoded path and
case-sensitively, so ``/API/secret`` or ``/api/%73ecret`` can reach a route without
its middleware. routetree matches literal segments case-insensitively and on decoded
segments, because a matcher guards routes: a matcher that matches a little too much
runs the middleware once too often, one that matches too little skips an
authorization check. For the same reason, the regex groups a user writes are kept
exactly as written (case-sensitive, ``.`` matching any character): a negative
lookahead such as ``/((?!public).*)`` made case-insensitive would skip the middleware
for ``/PUBLIC/...``. Inside regex groups, a ``/`` or ``%`` that was percent-encoded
in a segment reads as ``%2F`` or ``%25``, so ``[^/]+`` still means "one segment".

`routetree._config._destination.Destination` fills a redirect or rewrite destination
with the params of a match; `routetree._config._conditions.Condition` checks the
``has``/``missing`` items of a rule.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._errors import ConfigError
from .._url import decode_segment
from ._regex_analysis import find_anchors, find_backtracking

if TYPE_CHECKING:
    from .._types import Params

__all__ = ["PathPattern", "js_regex"]

_NAME_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
)
_SEGMENT = "[^/]+?"  # path-to-regexp's default param pattern, within one segment
_UNESCAPE = re.compile("%(25|2F)")
_SLASHES = re.compile("/+")


def _escape(segment: str) -> str:
    # "%" first, so the result unescapes unambiguously; "/" so a segment stays one.
    return segment.replace("%", "%25").replace("/", "%2F")


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(lambda m: "%" if m.group(1) == "25" else "/", text)


# A request is matched against every config rule and matcher entry in turn; each
# normalises the same path, so the last paths seen are kept (bounded: an attacker's
# stream of unique paths only evicts).
@functools.lru_cache(maxsize=1024)
def _normalize(path: str) -> str:
    return "".join("/" + _escape(decode_segment(p)) for p in path.split("/") if p)


def js_regex(regex: str, *, keep_names: bool) -> str:
    r"""Translate the JavaScript regex syntax Next.js users write into Python's.

    ``[^]`` (any character) becomes ``[\s\S]``, ``$`` becomes ``\Z`` (Python's ``$``
    also matches before a final newline, which a decoded ``%0A`` could exploit), and
    ``(?<name>`` becomes ``(?P<name>`` or, when names are not kept, ``(?:``.
    """
    out: list[str] = []
    i, in_class = 0, False
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            out.append(regex[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif regex.startswith("[^]", i):
            out.append(r"[\s\S]")
            i += 3
            continue
        elif char == "[":
            in_class = True
        elif char == "$":
            char = r"\Z"
        elif regex.startswith("(?<", i) and regex[i + 3 : i + 4] not in ("=", "!"):
            end = regex.find(">", i)
            if end != -1:
                out.append(f"(?P<{regex[i + 3 : end]}>" if keep_names else "(?:")
                i = end + 1
                continue
        elif regex.startswith("(?P<", i) and not keep_names:
            end = regex.find(">", i)
            if end != -1:
                out.append("(?:")
                i = end + 1
                continue
        out.append(char)
        i += 1
    return "".join(out)


@dataclass(frozen=True, slots=True)
class _Group:
    body: str  # as written, for messages
    regex: str  # translated to Python, edge anchors removed
    ends_path: bool  # uses $ (the end of the path) inside, not only at its end


@dataclass(frozen=True, slots=True)
class _Param:
    name: str
    group: str
    modifier: str  # "", "?", "*" or "+"


class PathPattern:
    """A compiled Next.js path pattern (``/api/:path*``, ``/((?!public).*)``...).

    Compile it once, at start-up, and call `match` for each request::

        pattern = PathPattern("/api/users/:id")
        pattern.match("/api/users/a%2Fb")  # {"id": "a/b"}
        pattern.match("/API//users/42/")  # {"id": "42"}
        pattern.match("/api/users")  # None

    See the module docstring for the syntax and how paths are normalised.

    Differs from Next.js: literal segments match in any letter case and percent-decoded
    (Next.js compares the encoded path case-sensitively); ``{...}`` groups are not
    supported except a trailing ``{/}?``, which is redundant since a trailing slash
    always matches.

    Args:
        source: The pattern; it must start with ``/``.

    Attributes:
        source: The pattern as written.
        names: The param names in order (``"0"``, ``"1"``... for unnamed groups).

    Raises:
        ConfigError: The pattern is invalid; the message names it and the problem.
    """

    __slots__ = ("_params", "_regex", "names", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self._params: list[_Param] = []
        regex = self._compile(source)
        self.names: tuple[str, ...] = tuple(p.name for p in self._params)
        try:
            self._regex = re.compile(regex, re.DOTALL)
        except re.error as exc:
            raise self._error(f"it does not compile ({exc.msg})") from None

    def match(self, path: str) -> Params | None:
        """Match a raw request path (percent-encoded, without the query string).

        Returns:
            The params (lists for ``*`` and ``+``, strings otherwise; an unmatched
            ``:name?`` is absent), or None when the path does not match.
        """
        subject = _normalize(path)
        found = self._regex.fullmatch(subject)
        if found is None and path.endswith("/"):
            # As in Next.js, "/about/" also matches "/about/(.*)" (with "").
            found = self._regex.fullmatch(subject + "/")
        if found is None:
            return None
        params: Params = {}
        for param in self._params:
            value = found.group(param.group)
            if param.modifier in ("*", "+"):
                params[param.name] = (
                    [_unescape(v) for v in value.split("/")] if value else []
                )
            elif value is not None:
                params[param.name] = _unescape(value)
        return params

    def __repr__(self) -> str:
        return f"PathPattern({self.source!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PathPattern):
            return self.source == other.source
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.source)

    def _error(self, problem: str) -> ConfigError:
        return ConfigError(f"Invalid path pattern {self.source!r}: {problem}.")

    def _compile(self, source: str) -> str:
        if isinstance(source, str) and source.startswith("^"):
            raise self._error(
                'it must start with "/", not "^": a pattern always matches the '
                'whole path, so drop the "^"'
            )
        if not isinstance(source, str) or not source.startswith("/"):
            raise self._error('it must start with "/"')
        if source.endswith("{/}?"):
            source = source[:-4]
        out: list[str] = []
        literal: list[str] = []
        unnamed = 0
        i = 0
        while i < len(source):
            char = source[i]
            if char == "\\":
                if i + 1 == len(source):
                    raise self._error("it ends with a lone backslash")
                literal.append(source[i + 1])
                i += 2
            elif char == ":":
                start = i
                i += 1
                while i < len(source) and source[i] in _NAME_CHARS:
                    i += 1
                name = source[start + 1 : i]
                if not name:
                    raise self._error(
                        f'":" at position {start} is not followed by a parameter '
                        "name (write :name, or \\\\: for a literal colon)"
                    )
                group = None
                if i < len(source) and source[i] == "(":
                    group, i = self._read_group(source, i)
                i = self._add_param(source, i, name, group, literal, out)
            elif char == "(":
                group, i = self._read_group(source, i)
                i = self._add_param(source, i, str(unnamed), group, literal, out)
                unnamed += 1
            elif char in "*+?":
                raise self._error(
                    f'"{char}" at position {i} must follow a :name or a (group); '
                    'for "everything below /x" write /x/:path*'
                )
            elif char == ")":
                raise self._error(
                    f'unbalanced parentheses: ")" at position {i} closes nothing'
                )
            elif char in "{}":
                raise self._error(
                    f'"{char}" at position {i} is not supported (only a trailing '
                    "{/}? is); write \\\\{ for a literal brace"
                )
            elif char == "$" and not source[i + 1 :].strip("/"):
                # As in Next.js, "$" outside a group is a literal dollar sign, so
                # "/about$" would match only "/about$": refused, not a silent miss.
                raise self._error(
                    '"$" outside a group is a literal dollar sign, not the end of '
                    "the path: a pattern always matches the whole path, so drop the "
                    '"$" (write \\\\$ for a literal dollar sign)'
                )
            else:
                literal.append(char)
                i += 1
        text = _SLASHES.sub("/", "".join(literal))
        self._flush(text[:-1] if text.endswith("/") else text, out)
        return "".join(out)

    def _read_group(self, source: str, start: int) -> tuple[_Group, int]:
        depth, i, in_class = 1, start + 1, False
        while i < len(source) and depth:
            char = source[i]
            if char == "\\":
                i += 2
                continue
            if in_class:
                in_class = char != "]"
            elif char == "[":
                in_class = True
            elif char == "(":
                depth += 1
                if not source.startswith("(?", i) or source.startswith("(?P<", i):
                    raise self._error(
                        f"capturing group at position {i} inside a group: use "
                        "(?:...) for grouping, or a :name for a value"
                    )
            elif char == ")":
                depth -= 1
            i += 1
        if depth:
            raise self._error(
                f'unbalanced parentheses: "(" at position {start} is never closed'
            )
        body = source[start + 1 : i - 1]
        if not body:
            raise self._error(f"empty group () at position {start}")
        if body.startswith("?"):
            raise self._error(
                f"the group at position {start} starts with "
                f'"?": wrap a lookahead in a group that consumes, '
                "e.g. /((?!public).*) instead of /(?!public)"
            )
        regex = js_regex(body, keep_names=False)
        try:
            re.compile(regex)
        except re.error as exc:
            raise self._error(
                f"the group ({body}) is not a valid regular expression ({exc.msg})"
            ) from None
        return self._strip_anchors(body, regex), i

    def _strip_anchors(self, body: str, regex: str) -> _Group:
        # A group's match always starts where the pattern before it ends and ends
        # where the rest begins, so a "^" opening it and a "$" closing it say
        # nothing more: they are removed. Anywhere else, "^" (the start of the
        # path, which always begins with "/") could never match.
        anchors = find_anchors(regex)
        if anchors.leading_start and regex.startswith(("^", "\\A")):
            regex = regex[1:] if regex.startswith("^") else regex[2:]
        if anchors.trailing_end and regex.endswith("\\Z"):
            regex = regex[:-2]
        anchors = find_anchors(regex)
        if anchors.other_start or anchors.leading_start:
            raise self._error(
                f'the group ({body}) uses "^" after its first character, where it '
                'would never match (the path starts with the "/" before any '
                'group): drop the "^"'
            )
        return _Group(body, regex, anchors.other_end or anchors.trailing_end)

    def _add_param(
        self,
        source: str,
        i: int,
        name: str,
        group: _Group | None,
        literal: list[str],
        out: list[str],
    ) -> int:
        if any(p.name == name for p in self._params):
            raise self._error(f"the parameter name {name!r} is used twice")
        text = _SLASHES.sub("/", "".join(literal))
        literal.clear()
        prefix = text.endswith("/")
        self._flush(text[:-1] if prefix else text, out)
        modifier = ""
        if i < len(source) and source[i] in "*+?":
            modifier = source[i]
            i += 1
        key = f"p{len(self._params)}"
        self._params.append(_Param(name, key, modifier))
        slash = "/" if prefix else ""
        if group is None:
            if modifier in ("", "?"):
                unit = _SEGMENT
            elif prefix:
                unit = f"{_SEGMENT}(?:/{_SEGMENT})*"
            else:
                # Not (?:[^/]+?)*: that splits a segment in exponentially many ways.
                unit = f"[^/]{modifier}"
        else:
            unit = f"(?:{group.regex})"
            if modifier in ("*", "+"):
                unit = f"{unit}(?:/{unit})*" if prefix else f"(?:{unit}){modifier}"
            self._check_group(source, i, group, modifier, unit, prefix=prefix)
        if modifier == "?" or (modifier == "*" and prefix):
            out.append(f"(?:{slash}(?P<{key}>{unit}))?")
        else:
            out.append(f"{slash}(?P<{key}>{unit})")
        return i

    def _check_group(
        self,
        source: str,
        i: int,
        group: _Group,
        modifier: str,
        regex: str,
        *,
        prefix: bool,
    ) -> None:
        """Refuse a group whose "$" cannot match, or which backtracks badly.

        ``regex`` is the group as the pattern uses it, repeated when ``modifier``
        is ``*`` or ``+``: a group that is fine alone can be ambiguous repeated.
        """
        shown = f"({group.body}){modifier}"
        rest = source[i:]
        if group.ends_path and (modifier in ("*", "+") or rest.strip("/")):
            where = (
                "the group repeats" if rest.strip("/") == "" else f"{rest!r} follows"
            )
            raise self._error(
                f'the group {shown} uses "$" (the end of the path) where the path '
                f'goes on ({where}), so that part could never match: drop the "$", '
                'or make the group the last part of the pattern, without "*" or "+"'
            )
        problem = find_backtracking(regex, re.DOTALL)
        if problem is None:
            return
        fix = (
            "rewrite it so that each character can be matched in only one way, "
            "for example a+ rather than (?:a+)+"
        )
        if modifier in ("*", "+") and prefix:
            fix += (
                f'; "{modifier}" repeats the group once per path segment, so it '
                'must not match "/" either (use [^/] rather than .)'
            )
        elif modifier in ("*", "+"):
            fix += f', and drop the "{modifier}" after the group'
        raise self._error(
            f"the group {shown} {problem}: a path that almost matches would keep "
            f"the server busy for minutes (catastrophic backtracking); {fix}"
        )

    @staticmethod
    def _flush(text: str, out: list[str]) -> None:
        for index, piece in enumerate(text.split("/")):
            if index:
                out.append("/")
            if piece:
                decoded = decode_segment(piece)
                escaped = re.escape(_escape(decoded))
                # Literal segments match in any letter case: see the module docstring.
                out.append(
                    f"(?i:{escaped})" if decoded.lower() != decoded.upper() else escaped
                )
