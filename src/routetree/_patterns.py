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

`Destination` fills a redirect or rewrite destination (``/api/users/:id``) with the
params of a match, `Condition` checks a ``has``/``missing`` item against a request, and
`compile_matcher` turns a middleware file's ``config["matcher"]`` into `MatcherRule`\s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol, get_args
from urllib.parse import quote

from ._errors import ConfigError
from ._url import decode_segment

__all__ = [
    "CONDITION_TYPES",
    "Condition",
    "ConditionType",
    "Destination",
    "MatcherRule",
    "Params",
    "PathPattern",
    "RequestView",
    "check_conditions",
    "compile_matcher",
    "fill_destination",
]

Params = dict[str, str | list[str]]
ConditionType = Literal["header", "cookie", "query", "host"]
CONDITION_TYPES: tuple[ConditionType, ...] = get_args(ConditionType)

_NAME_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
)
_SEGMENT = "[^/]+?"  # path-to-regexp's default param pattern, within one segment
_UNESCAPE = re.compile("%(25|2F)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DEST_TOKEN = re.compile(r"\\(.)|:(\w+)([*+])?", re.DOTALL)
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_LEADING_SLASHES = re.compile(r"^[/\\]+")
_SLASHES = re.compile("/+")


def _escape(segment: str) -> str:
    # "%" first, so the result unescapes unambiguously; "/" so a segment stays one.
    return segment.replace("%", "%25").replace("/", "%2F")


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(lambda m: "%" if m.group(1) == "25" else "/", text)


def _normalize(path: str) -> str:
    return "".join("/" + _escape(decode_segment(p)) for p in path.split("/") if p)


def _js_regex(regex: str, *, keep_names: bool) -> str:
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
                regex = None
                if i < len(source) and source[i] == "(":
                    regex, i = self._read_group(source, i)
                i = self._add_param(source, i, name, regex, literal, out)
            elif char == "(":
                regex, i = self._read_group(source, i)
                i = self._add_param(source, i, str(unnamed), regex, literal, out)
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
            else:
                literal.append(char)
                i += 1
        text = _SLASHES.sub("/", "".join(literal))
        self._flush(text[:-1] if text.endswith("/") else text, out)
        return "".join(out)

    def _read_group(self, source: str, start: int) -> tuple[str, int]:
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
        regex = _js_regex(body, keep_names=False)
        try:
            re.compile(regex)
        except re.error as exc:
            raise self._error(
                f"the group ({body}) is not a valid regular expression ({exc.msg})"
            ) from None
        return regex, i

    def _add_param(
        self,
        source: str,
        i: int,
        name: str,
        regex: str | None,
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
        group = f"p{len(self._params)}"
        self._params.append(_Param(name, group, modifier))
        unit = _SEGMENT if regex is None else f"(?:{regex})"
        slash = "/" if prefix else ""
        if modifier == "":
            out.append(f"{slash}(?P<{group}>{unit})")
        elif modifier == "?":
            out.append(f"(?:{slash}(?P<{group}>{unit}))?")
        elif prefix:
            repeated = f"/(?P<{group}>{unit}(?:/{unit})*)"
            out.append(f"(?:{repeated})?" if modifier == "*" else repeated)
        else:
            out.append(f"(?P<{group}>(?:{unit}){modifier})")
        return i

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


def _encode(value: str | list[str] | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return quote(value, safe="")
    return "/".join(quote(segment, safe="") for segment in value)


class Destination:
    r"""A redirect or rewrite destination with ``:name`` params, checked at start-up.

    ``:name`` (also written ``:name*`` or ``:name+``, as in Next.js) is replaced by
    the param of the same name, percent-encoded as a path segment; a list
    of segments is encoded segment by segment and joined with ``/``. Params may be
    used in the path, the query and the fragment; ``\\:`` is a literal colon. An
    empty or absent param after a ``/`` drops that ``/`` (``/docs/:path*`` with no
    segments is ``/docs``)::

        dest = Destination("/api/users/:id?from=:id", PathPattern("/old/:id"))
        dest.fill({"id": "a b"})  # "/api/users/a%20b?from=a%20b"

    A relative destination whose filled value would start with ``//`` or ``/\``
    (which a browser reads as another host) is collapsed to one leading ``/``.

    Differs from Next.js: params may not appear in the scheme or host of an absolute
    destination (``https://:host/``): that lets a request choose where to send its
    user (an open redirect), so it is refused.

    Args:
        destination: ``/path...`` or an absolute ``scheme://host/path...`` URL.
        source_pattern: The source the params come from; every ``:name`` used must be
            one of its params. None skips that check.

    Attributes:
        destination: The destination as written.
        names: The param names the destination uses.
        is_external: Whether the destination is an absolute URL.

    Raises:
        ConfigError: The destination is malformed, contains control characters, puts
            a param in the host, or uses a param the source does not have.
    """

    __slots__ = ("_head", "_path", "_rest", "destination", "is_external", "names")

    def __init__(
        self, destination: str, source_pattern: PathPattern | None = None
    ) -> None:
        self.destination = destination
        if not isinstance(destination, str) or not destination:
            raise ConfigError(f"Invalid destination {destination!r}: it is empty.")
        if _CONTROL.search(destination):
            raise ConfigError(
                f"Invalid destination {destination!r}: it contains a control "
                "character (CR, LF, NUL...), which could split or smuggle headers."
            )
        absolute = _ABSOLUTE.match(destination)
        self.is_external = absolute is not None
        if absolute is not None:
            end = len(absolute.group())
            while end < len(destination) and destination[end] not in "/?#":
                end += 1
            head, rest = destination[:end], destination[end:]
            if re.search(r"(?<!\\):[A-Za-z_]", head[len(absolute.group()) :]):
                raise ConfigError(
                    f"Invalid destination {destination!r}: a param in the host would "
                    "let a request choose which site it is sent to (an open "
                    "redirect). Put params only in the path or query."
                )
        elif destination.startswith("/") and destination[1:2] not in ("/", "\\"):
            head, rest = "", destination
        else:
            raise ConfigError(
                f"Invalid destination {destination!r}: it must start with a single "
                '"/" or be an absolute URL such as "https://example.com/path".'
            )
        self._head = head
        self._path, self._rest = self._split(self._tokens(rest))
        self.names = frozenset(
            str(t) for t in (*self._path, *self._rest) if isinstance(t, _Name)
        )
        if source_pattern is not None:
            unknown = sorted(self.names - set(source_pattern.names))
            if unknown:
                known = ", ".join(f":{n}" for n in source_pattern.names) or "none"
                raise ConfigError(
                    f"Invalid destination {destination!r}: "
                    + ", ".join(f":{n}" for n in unknown)
                    + f" is not a param of the source {source_pattern.source!r} "
                    f"(its params: {known})."
                )

    @staticmethod
    def _tokens(text: str) -> list[str | _Name]:
        tokens: list[str | _Name] = []
        last = 0
        for found in _DEST_TOKEN.finditer(text):
            tokens.append(text[last : found.start()])
            escaped, name = found.group(1), found.group(2)
            tokens.append(escaped if escaped is not None else _Name(name))
            last = found.end()
        tokens.append(text[last:])
        return [t for t in tokens if t]

    @staticmethod
    def _split(
        tokens: list[str | _Name],
    ) -> tuple[list[str | _Name], list[str | _Name]]:
        # As in Next.js, the first "?" starts the query, even right after a ":name".
        for index, token in enumerate(tokens):
            if isinstance(token, _Name):
                continue
            cut = min((token.find(c) for c in "?#" if c in token), default=-1)
            if cut != -1:
                path = [*tokens[:index], token[:cut]]
                rest = [token[cut:], *tokens[index + 1 :]]
                return [t for t in path if t], rest
        return tokens, []

    def fill(self, params: Mapping[str, str | list[str]]) -> str:
        """Return the destination with each ``:name`` replaced by its encoded param."""
        path: list[str] = []
        for token in self._path:
            if isinstance(token, _Name):
                value = _encode(params.get(token))
                if not value and path and path[-1].endswith("/"):
                    path[-1] = path[-1][:-1]
                path.append(value)
            else:
                path.append(token)
        rest = "".join(
            _encode(params.get(t)) if isinstance(t, _Name) else t for t in self._rest
        )
        filled = "".join(path)
        if self.is_external:
            if filled and not filled.startswith("/"):
                filled = "/" + filled
            return self._head + filled + rest
        # "//evil.example" or "/\evil.example" would send the browser to another host.
        return "/" + _LEADING_SLASHES.sub("", filled) + rest

    def __repr__(self) -> str:
        return f"Destination({self.destination!r})"


class _Name(str):
    """A ``:name`` token of a destination (a str subclass to tell it from text)."""

    __slots__ = ()


def fill_destination(destination: str, params: Mapping[str, str | list[str]]) -> str:
    """Fill a destination's ``:name`` params once, without checking names.

    Compile a `Destination` at start-up instead when the destination is reused; this
    helper is for one-off use. A param the mapping lacks is filled with nothing.

    Raises:
        ConfigError: The destination is malformed (see `Destination`).
    """
    return Destination(destination).fill(params)


class RequestView(Protocol):
    """What `Condition` needs to know about a request; the app adapts its Request."""

    def header(self, name: str) -> str | None:
        """Return the value of a request header (case-insensitive name), or None."""

    def cookie(self, name: str) -> str | None:
        """Return the value of a request cookie, or None."""

    def query(self, name: str) -> str | None:
        """Return the first value of a query parameter, or None."""

    def host(self) -> str | None:
        """Return the host the request was sent to (``Host`` header), or None."""


class Condition:
    """One item of a ``has`` or ``missing`` list, as in Next.js.

    ``{type = "header", key = "x-tenant"}`` asks for the header to be present;
    with ``value`` it must also match the regular expression in full
    (``value = "Bearer .+"``). ``type`` is ``"header"`` (name case-insensitive),
    ``"cookie"``, ``"query"`` or ``"host"``; a ``host`` item has no ``key`` and needs
    a ``value``, matched against the host name without its port, lower-cased.

    Differs from Next.js: named groups captured by ``value`` are not made params.

    Args:
        type: What to look at.
        key: The header, cookie or query parameter name.
        value: A regular expression the value must match in full, or None.

    Raises:
        ConfigError: An unknown type, a missing key, or a value that does not compile.
    """

    __slots__ = ("_regex", "key", "type", "value")

    def __init__(
        self, type: ConditionType, key: str | None = None, value: str | None = None
    ) -> None:
        if type not in CONDITION_TYPES:
            raise ConfigError(
                f"Invalid condition type {type!r}: use one of "
                + ", ".join(repr(t) for t in CONDITION_TYPES)
                + "."
            )
        if type == "host":
            if key is not None:
                raise ConfigError(
                    'A "host" condition has no key: put the host name (a regular '
                    "expression) in value."
                )
            if value is None:
                raise ConfigError('A "host" condition needs a value (the host name).')
        elif not isinstance(key, str) or not key:
            raise ConfigError(f'A "{type}" condition needs a key (the {type} name).')
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"A condition value must be a string, not {value!r}.")
        self.type: ConditionType = type
        self.key = key
        self.value = value
        try:
            self._regex = (
                None if value is None else re.compile(_js_regex(value, keep_names=True))
            )
        except re.error as exc:
            raise ConfigError(
                f"Invalid condition value {value!r}: it is not a valid regular "
                f"expression ({exc.msg})."
            ) from None

    @classmethod
    def from_mapping(cls, item: object, where: str) -> Condition:
        """Build a condition from a ``{"type", "key", "value"}`` mapping.

        Raises:
            ConfigError: The item is not such a mapping, or is invalid; ``where``
                names it in the message.
        """
        if not isinstance(item, Mapping) or not set(item) <= {"type", "key", "value"}:
            raise ConfigError(
                f"{where}: {item!r} is not a condition: write "
                '{"type": "header", "key": "x-name", "value": "regex"} with type '
                "header, cookie, query or host (value optional)."
            )
        try:
            return cls(item.get("type"), item.get("key"), item.get("value"))  # type: ignore[arg-type]
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None

    def matches(self, request: RequestView) -> bool:
        """Return whether the request has the item (and its value matches)."""
        if self.type == "host":
            actual = request.host()
            if actual is not None:
                actual = _strip_port(actual).lower()
        elif self.type == "header":
            actual = request.header(self.key or "")
        elif self.type == "cookie":
            actual = request.cookie(self.key or "")
        else:
            actual = request.query(self.key or "")
        if actual is None:
            return False
        return self._regex is None or self._regex.fullmatch(actual) is not None

    def __repr__(self) -> str:
        return f"Condition({self.type!r}, {self.key!r}, {self.value!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Condition):
            return (self.type, self.key, self.value) == (
                other.type,
                other.key,
                other.value,
            )
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.type, self.key, self.value))


def _strip_port(host: str) -> str:
    if host.rfind(":") > host.rfind("]"):
        return host.rpartition(":")[0]
    return host


def check_conditions(
    has: Iterable[Condition], missing: Iterable[Condition], request_view: RequestView
) -> bool:
    """Return whether every ``has`` item matches and no ``missing`` item does."""
    return all(c.matches(request_view) for c in has) and not any(
        c.matches(request_view) for c in missing
    )


@dataclass(frozen=True, slots=True)
class MatcherRule:
    """One entry of a middleware's ``config["matcher"]``, compiled.

    Attributes:
        pattern: The ``source`` path pattern.
        has: Conditions that must all hold.
        missing: Conditions none of which may hold.
    """

    pattern: PathPattern
    has: tuple[Condition, ...] = ()
    missing: tuple[Condition, ...] = ()

    def matches(self, path: str, request_view: RequestView) -> bool:
        """Return whether the middleware runs for this raw path and request."""
        return self.pattern.match(path) is not None and check_conditions(
            self.has, self.missing, request_view
        )


def compile_matcher(config: object, where: str) -> list[MatcherRule]:
    """Compile the value of a middleware file's ``config["matcher"]``.

    Accepts what Next.js accepts: a pattern string, a list of them, or a list of
    ``{"source": ..., "has": [...], "missing": [...]}`` dicts (``"locale"`` is
    accepted and ignored, as routetree has no i18n routing). The middleware runs when
    any rule matches. No matcher at all (None) means "every path"; the caller handles
    that.

    Differs from Next.js: an empty list is refused, since the middleware would then
    never run, which is more likely a mistake than the intent.

    Args:
        config: The value of ``config["matcher"]``.
        where: The middleware file, named in error messages.

    Raises:
        ConfigError: A wrong shape or an invalid pattern or condition; the message
            names ``where`` and the offending entry.
    """
    entries = [config] if isinstance(config, str) else config
    if not isinstance(entries, list | tuple):
        raise ConfigError(
            f'{where}: config["matcher"] = {config!r} is not valid: use a pattern '
            'string such as "/api/:path*", a list of them, or a list of '
            '{"source": ..., "has": [...], "missing": [...]} dicts.'
        )
    if not entries:
        raise ConfigError(
            f'{where}: config["matcher"] is empty, so the middleware would never run. '
            'List the paths it guards, or remove "matcher" to run it for every path.'
        )
    return [_compile_rule(entry, where, index) for index, entry in enumerate(entries)]


def _compile_rule(entry: object, where: str, index: int) -> MatcherRule:
    at = f'{where}: config["matcher"][{index}]'
    try:
        if isinstance(entry, str):
            return MatcherRule(PathPattern(entry))
        if not isinstance(entry, Mapping) or not isinstance(entry.get("source"), str):
            raise ConfigError(
                f'{entry!r} is not a pattern string or a dict with a string "source".'
            )
        unknown = set(entry) - {"source", "has", "missing", "locale"}
        if unknown:
            raise ConfigError(
                f"unknown key(s) {', '.join(sorted(map(repr, unknown)))} in "
                f'{entry!r}; allowed: "source", "has", "missing", "locale".'
            )
        conditions: dict[str, tuple[Condition, ...]] = {}
        for kind in ("has", "missing"):
            items = entry.get(kind, [])
            if not isinstance(items, list | tuple):
                raise ConfigError(f'"{kind}" must be a list of conditions.')
            conditions[kind] = tuple(
                Condition.from_mapping(item, f"{kind}[{i}]")
                for i, item in enumerate(items)
            )
        return MatcherRule(
            PathPattern(entry["source"]), conditions["has"], conditions["missing"]
        )
    except ConfigError as exc:
        raise ConfigError(f"{at}: {exc}") from None
