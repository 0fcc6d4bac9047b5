r"""Redirect and rewrite destinations, and header templates, filled with params.

A config ``redirects`` or ``rewrites`` rule names a ``destination`` such as
``/api/users/:id``; its ``:name`` params come from the rule's ``source`` match
(`routetree._config._patterns.PathPattern`). `Destination` is compiled once, at
start-up, and fills those params per request, percent-encoded so a param can never
change where the URL points. `HeaderTemplate` does the same for the key and value of a
config ``headers`` entry (``{ key = "x-slug", value = ":slug" }``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote_plus

from .._errors import ConfigError
from .._headers import CONTROL
from ._patterns import PathPattern

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = ["Destination", "HeaderTemplate"]

_DEST_TOKEN = re.compile(r"\\(.)|:(\w+)([*+])?", re.DOTALL)
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_LEADING_SLASHES = re.compile(r"^[/\\]+")


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
        params: The source pattern the params come from, or the names of the
            params available; every ``:name`` used must be one of them. None skips
            that check.

    Attributes:
        destination: The destination as written.
        names: The param names the destination uses.
        path_names: The param names used in its path.
        is_external: Whether the destination is an absolute URL.

    Raises:
        ConfigError: The destination is malformed, contains control characters, puts
            a param in the host, or uses a param the source does not have.
    """

    __slots__ = (
        "_head",
        "_path",
        "_rest",
        "destination",
        "is_external",
        "names",
        "path_names",
    )

    def __init__(
        self, destination: str, params: PathPattern | Iterable[str] | None = None
    ) -> None:
        self.destination = destination
        if not isinstance(destination, str) or not destination:
            raise ConfigError(f"Invalid destination {destination!r}: it is empty.")
        if CONTROL.search(destination):
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
        self.path_names = frozenset(str(t) for t in self._path if isinstance(t, _Name))
        self.names = self.path_names | {
            str(t) for t in self._rest if isinstance(t, _Name)
        }
        if params is not None:
            names = params.names if isinstance(params, PathPattern) else tuple(params)
            unknown = sorted(self.names - set(names))
            if unknown:
                known = ", ".join(f":{n}" for n in names) or "none"
                raise ConfigError(
                    f"Invalid destination {destination!r}: "
                    + ", ".join(f":{n}" for n in unknown)
                    + " is not a param of the source or its has conditions "
                    f"(params: {known})."
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

    def fill_url(
        self,
        params: Mapping[str, str | list[str]],
        request_query: str,
        *,
        append_params: bool = False,
    ) -> str:
        """Fill the destination and merge the request's query string into it.

        As in Next.js, the query of the result is, from lowest priority to highest:
        the request's own parameters, then (with ``append_params``, which rewrites
        use) the source's params when the destination's path uses none of them,
        then the destination's own query. A parameter of a higher level replaces
        every one of the same name below it; the request's parameters keep their
        raw encoding::

            dest = Destination("/search?sort=new", PathPattern("/find/:term"))
            dest.fill_url({"term": "a b"}, "sort=old&page=2", append_params=True)
            # "/search?page=2&term=a%20b&sort=new"
        """
        filled = self.fill(params)
        base, hash_sign, fragment = filled.partition("#")
        path, _, own_query = base.partition("?")
        own = [pair for pair in own_query.split("&") if pair]
        taken = {_query_name(pair) for pair in own}
        appended: list[str] = []
        if append_params and not self.path_names & params.keys():
            for name, value in params.items():
                if name in taken:
                    continue
                for item in [value] if isinstance(value, str) else value:
                    appended.append(f"{quote(name, safe='')}={quote(item, safe='')}")
            taken.update(params.keys())
        kept = [
            pair
            for pair in request_query.split("&")
            if pair and _query_name(pair) not in taken
        ]
        query = "&".join(kept + appended + own)
        return path + ("?" + query if query else "") + hash_sign + fragment

    def __repr__(self) -> str:
        return f"Destination({self.destination!r})"


def _query_name(pair: str) -> str:
    return unquote_plus(pair.partition("=")[0])


class _Name(str):
    """A ``:name`` token of a destination (a str subclass to tell it from text)."""

    __slots__ = ()


_TEMPLATE_PARAM = re.compile(r":(\w+)([*+])?")
# What a filled param may keep literally: a value keeps printable ASCII, a key keeps
# the token characters of RFC 9110. "%" and "/" are always encoded, so a list param
# joined with "/" stays unambiguous; everything else (CR, LF, non-ASCII) becomes %XX
# and can never split a header or reach the wire as anything but ASCII.
_VALUE_SAFE = "".join(
    c for c in map(chr, range(0x20, 0x7F)) if c not in "%/" and not c.isalnum()
)
_KEY_SAFE = "!#$&'*+-.^_`|~"


class HeaderTemplate:
    """The key or value of a config ``headers`` entry, with ``:name`` params.

    As in Next.js, a ``:name`` that is a param of the rule's ``source`` is replaced by
    the value matched for it; any other colon is kept (``https://example.com:8443``
    stays as written)::

        source = "/blog/:slug"
        headers = [{ key = "x-slug-:slug", value = "post :slug" }]
        # GET /blog/hello-world  ->  x-slug-hello-world: post hello-world

    A list param (``:path*``) is joined with ``/`` (``%2F`` in a key). In a value,
    printable ASCII stays as it is (``hello world``), while ``%``, a ``/`` inside one
    segment, control characters and non-ASCII are percent-encoded (``caf%C3%A9``), so
    no request can put CR/LF into a response header; a key keeps only the token
    characters of a header name.

    Args:
        text: The key or value as written.
        names: The params of the rule's source.
        is_key: Whether this is a header name (encoded to token characters).

    Attributes:
        text: The text as written.
        names: The param names the text uses.
    """

    __slots__ = ("_join", "_safe", "_tokens", "names", "text")

    def __init__(self, text: str, names: Iterable[str], *, is_key: bool) -> None:
        self.text = text
        known = set(names)
        self._safe = _KEY_SAFE if is_key else _VALUE_SAFE
        self._join = "%2F" if is_key else "/"  # "/" is not allowed in a header name
        tokens: list[str | _Name] = []
        last = 0
        for found in _TEMPLATE_PARAM.finditer(text):
            if found.group(1) not in known:
                continue
            tokens.append(text[last : found.start()])
            tokens.append(_Name(found.group(1)))
            last = found.end()
        tokens.append(text[last:])
        self._tokens = tuple(t for t in tokens if t)
        self.names = frozenset(t for t in self._tokens if isinstance(t, _Name))

    def fill(self, params: Mapping[str, str | list[str]]) -> str:
        """Return the text with each param replaced by its encoded value."""
        if not self.names:
            return self.text
        out: list[str] = []
        for token in self._tokens:
            if not isinstance(token, _Name):
                out.append(token)
                continue
            value = params.get(token)
            if isinstance(value, str):
                out.append(quote(value, safe=self._safe))
            elif value:
                out.append(self._join.join(quote(v, safe=self._safe) for v in value))
        return "".join(out)

    def __repr__(self) -> str:
        return f"HeaderTemplate({self.text!r})"
