"""``has`` and ``missing`` conditions: which requests a rule applies to.

A condition looks at a header, a cookie, a query parameter or the host, and checks
it is present (and, with a ``value``, that it matches a regular expression in full).
Config ``headers``, ``redirects`` and ``rewrites`` rules and the middleware's
``config["matcher"]`` entries carry lists of them, as in Next.js.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Literal, Protocol, get_args

from .._errors import ConfigError
from ._patterns import js_regex
from ._regex_analysis import find_backtracking

__all__ = [
    "CONDITION_TYPES",
    "Condition",
    "ConditionType",
    "RequestView",
    "capture_conditions",
    "check_conditions",
]

ConditionType = Literal["header", "cookie", "query", "host"]
CONDITION_TYPES: tuple[ConditionType, ...] = get_args(ConditionType)


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

    A ``has`` item also gives params that a rule's destination or header values may
    use, as in Next.js (see `capture`).

    Args:
        type: What to look at.
        key: The header, cookie or query parameter name.
        value: A regular expression the value must match in full, or None.

    Attributes:
        param_names: The params `capture` gives when the item matches.

    Raises:
        ConfigError: An unknown type, a missing key, or a value that does not compile.
    """

    __slots__ = ("_key_param", "_regex", "key", "param_names", "type", "value")

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
                None if value is None else re.compile(js_regex(value, keep_names=True))
            )
        except re.error as exc:
            raise ConfigError(
                f"Invalid condition value {value!r}: it is not a valid regular "
                f"expression ({exc.msg})."
            ) from None
        problem = (
            None if self._regex is None else find_backtracking(self._regex.pattern)
        )
        if problem is not None:
            raise ConfigError(
                f"Invalid condition value {value!r}: the regular expression {problem}: "
                f"a request whose {type} almost matches would keep the server busy "
                "for minutes (catastrophic backtracking). Rewrite it so that each "
                "character can be matched in only one way, for example a+ rather "
                "than (?:a+)+."
            )
        # Next.js's getSafeParamName: only the letters of the key.
        self._key_param = "".join(c for c in key or "" if c.isascii() and c.isalpha())
        names: set[str] = set()
        if self._regex is None:
            names.add(self._key_param)
        elif self._regex.groupindex:
            names.update(self._regex.groupindex)
        elif type == "host":
            names.add("host")
        self.param_names = frozenset(n for n in names if n)

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
        return self.capture(request) is not None

    def capture(self, request: RequestView) -> dict[str, str] | None:
        """Return the params the item gives, or None when the request lacks it.

        As in Next.js: the named groups of ``value`` (``(?<tenant>[a-z]+)``); for a
        ``host`` item without named groups, ``host`` (the whole host name); for an
        item without ``value``, the value present under the key's letters
        (``x-tenant`` gives ``:xtenant``). See `param_names`.
        """
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
            return None
        if self._regex is None:
            return {self._key_param: actual} if self._key_param else {}
        found = self._regex.fullmatch(actual)
        if found is None:
            return None
        if self._regex.groupindex:
            return {k: v for k, v in found.groupdict().items() if v is not None}
        return {"host": found.group()} if self.type == "host" else {}

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
    return capture_conditions(has, missing, request_view) is not None


def capture_conditions(
    has: Iterable[Condition], missing: Iterable[Condition], request_view: RequestView
) -> dict[str, str] | None:
    """Check the conditions like `check_conditions`; return the ``has`` params.

    Returns:
        The params every ``has`` item captured (see `Condition.capture`), or None
        when an item of ``has`` is absent or one of ``missing`` is present.
    """
    params: dict[str, str] = {}
    for condition in has:
        captured = condition.capture(request_view)
        if captured is None:
            return None
        params.update(captured)
    if any(c.matches(request_view) for c in missing):
        return None
    return params
