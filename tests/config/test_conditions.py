"""``has``/``missing`` conditions against a request."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from routetree._config._conditions import (
    Condition,
    capture_conditions,
    check_conditions,
)
from routetree._errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Mapping


class FakeRequest:
    """A `RequestView` over plain dicts."""

    def __init__(
        self,
        headers: Mapping[str, str] | None = None,
        cookies: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        host: str | None = None,
    ) -> None:
        self.headers = {k.lower(): v for k, v in (headers or {}).items()}
        self.cookies = dict(cookies or {})
        self.queries = dict(query or {})
        self.host_header = host

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def cookie(self, name: str) -> str | None:
        return self.cookies.get(name)

    def query(self, name: str) -> str | None:
        return self.queries.get(name)

    def host(self) -> str | None:
        return self.host_header


CONDITIONS: list[tuple[Condition, FakeRequest, bool]] = [
    (Condition("header", "x-a"), FakeRequest(headers={"X-A": ""}), True),
    (Condition("header", "X-A"), FakeRequest(headers={"x-a": "1"}), True),
    (Condition("header", "x-a"), FakeRequest(), False),
    (
        Condition("header", "auth", "Bearer .+"),
        FakeRequest(headers={"auth": "Bearer t"}),
        True,
    ),
    (
        Condition("header", "auth", "Bearer"),
        FakeRequest(headers={"auth": "Bearer t"}),
        False,
    ),
    (
        Condition("header", "auth", "bearer .+"),
        FakeRequest(headers={"auth": "Bearer t"}),
        False,
    ),
    (Condition("cookie", "session"), FakeRequest(cookies={"session": "1"}), True),
    (
        Condition("cookie", "session", "active"),
        FakeRequest(cookies={"session": "no"}),
        False,
    ),
    (Condition("query", "id", "\\d+"), FakeRequest(query={"id": "123"}), True),
    (Condition("query", "id", "\\d+"), FakeRequest(query={"id": "12a"}), False),
    (Condition("query", "id"), FakeRequest(query={"other": "1"}), False),
    (
        Condition("host", value="example\\.com"),
        FakeRequest(host="Example.com:8080"),
        True,
    ),
    (Condition("host", value="example\\.com"), FakeRequest(host="evil.com"), False),
    (Condition("host", value="::1|\\[::1\\]"), FakeRequest(host="[::1]:3000"), True),
    (Condition("host", value="example\\.com"), FakeRequest(), False),
    (Condition("header", "x", "(?<v>a)b"), FakeRequest(headers={"x": "ab"}), True),
    (Condition("header", "x", "a$"), FakeRequest(headers={"x": "a\n"}), False),
]


@pytest.mark.parametrize(
    ("condition", "request_view", "expected"),
    CONDITIONS,
    ids=[f"{c.type}-{c.key}-{c.value}-{i}" for i, (c, _, _) in enumerate(CONDITIONS)],
)
def test_condition_matches(
    condition: Condition, request_view: FakeRequest, expected: bool
) -> None:
    assert condition.matches(request_view) is expected


@pytest.mark.parametrize(
    ("has", "missing", "expected"),
    [
        ((), (), True),
        ((Condition("header", "x-a"),), (), True),
        ((Condition("header", "x-a"), Condition("header", "x-b")), (), False),
        ((), (Condition("cookie", "session"),), True),
        ((), (Condition("header", "x-a"),), False),
        ((Condition("header", "x-a"),), (Condition("query", "q"),), True),
    ],
    ids=["empty", "has", "has-all", "missing-absent", "missing-present", "both"],
)
def test_check_conditions(
    has: tuple[Condition, ...], missing: tuple[Condition, ...], expected: bool
) -> None:
    request_view = FakeRequest(headers={"x-a": "1"})
    assert check_conditions(has, missing, request_view) is expected


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("nope", "x"), "Invalid condition type 'nope'"),
        (("header", None), 'A "header" condition needs a key'),
        (("cookie", ""), 'A "cookie" condition needs a key'),
        (("host", "example.com"), 'A "host" condition has no key'),
        (("host", None), 'A "host" condition needs a value'),
        (("query", "q", "("), "is not a valid regular expression"),
        (("header", "x-a", "(a+)+"), r"catastrophic backtracking"),
        (("host", None, r"(?:a|aa)+\.example"), r"catastrophic backtracking"),
    ],
    ids=[
        "type",
        "header-key",
        "cookie-key",
        "host-key",
        "host-value",
        "regex",
        "nested-repeat",
        "overlapping-alternatives",
    ],
)
def test_invalid_condition_is_a_config_error(
    args: tuple[str, str | None, str | None] | tuple[str, str | None], problem: str
) -> None:
    with pytest.raises(ConfigError, match=problem):
        Condition(*args)


def test_conditions_compare_by_value() -> None:
    assert Condition("header", "a", "b") == Condition("header", "a", "b")
    assert Condition("header", "a") != Condition("cookie", "a")
    assert len({Condition("query", "q"), Condition("query", "q")}) == 1


CAPTURES: list[tuple[Condition, FakeRequest, dict[str, str] | None]] = [
    (
        Condition("header", "x-tenant", "(?<tenant>[a-z]+)-(?<region>eu|us)"),
        FakeRequest(headers={"x-tenant": "acme-eu"}),
        {"tenant": "acme", "region": "eu"},
    ),
    (
        Condition("header", "x-tenant", "(?<tenant>[a-z]+)(-(?<region>eu))?"),
        FakeRequest(headers={"x-tenant": "acme"}),
        {"tenant": "acme"},
    ),
    (
        Condition("header", "x-tenant"),
        FakeRequest(headers={"x-tenant": "a"}),
        {"xtenant": "a"},
    ),
    (
        Condition("cookie", "session_id"),
        FakeRequest(cookies={"session_id": "s"}),
        {"sessionid": "s"},
    ),
    (Condition("query", "page", "\\d+"), FakeRequest(query={"page": "2"}), {}),
    (
        Condition("host", value="[a-z]+\\.test"),
        FakeRequest(host="a.test:80"),
        {"host": "a.test"},
    ),
    (
        Condition("header", "x-tenant", "(?<t>[a-z]+)"),
        FakeRequest(headers={"x-tenant": "A"}),
        None,
    ),
    (Condition("header", "x-tenant"), FakeRequest(), None),
]


@pytest.mark.parametrize(
    ("condition", "request_view", "expected"),
    CAPTURES,
    ids=[f"{c.type}-{c.key}-{c.value}-{i}" for i, (c, _, _) in enumerate(CAPTURES)],
)
def test_condition_captures_params(
    condition: Condition, request_view: FakeRequest, expected: dict[str, str] | None
) -> None:
    assert condition.capture(request_view) == expected
    if expected is not None:
        assert set(expected) <= condition.param_names


def test_capture_conditions_merges_has_params() -> None:
    has = (Condition("header", "a", "(?<x>.+)"), Condition("query", "b", "(?<y>.+)"))
    missing = (Condition("cookie", "skip"),)
    view = FakeRequest(headers={"a": "1"}, query={"b": "2"})
    assert capture_conditions(has, missing, view) == {"x": "1", "y": "2"}
    skipped = FakeRequest(headers={"a": "1"}, query={"b": "2"}, cookies={"skip": "1"})
    assert capture_conditions(has, missing, skipped) is None
    assert capture_conditions(has, (), FakeRequest(headers={"a": "1"})) is None
