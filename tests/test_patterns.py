"""Next.js path patterns: matching, destinations, has/missing conditions, matchers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from routetree._errors import ConfigError
from routetree._patterns import (
    Condition,
    Destination,
    MatcherRule,
    Params,
    PathPattern,
    check_conditions,
    compile_matcher,
    fill_destination,
)

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


MATCHES: list[tuple[str, str, Params | None]] = [
    # literal segments
    ("/api/users", "/api/users", {}),
    ("/api/users", "/api/users/1", None),
    ("/api/users", "/api", None),
    ("/", "/", {}),
    ("/", "/x", None),
    ("/about", "/blog/about", None),
    # :name
    ("/api/users/:id", "/api/users/42", {"id": "42"}),
    ("/api/users/:id", "/api/users", None),
    ("/api/users/:id", "/api/users/1/2", None),
    ("/api/:a/:b", "/api/1/2", {"a": "1", "b": "2"}),
    ("/files/:name-:ext", "/files/a-b", {"name": "a", "ext": "b"}),
    ("/foo-:id", "/foo-42", {"id": "42"}),
    # :name*
    ("/api/:path*", "/api", {"path": []}),
    ("/api/:path*", "/api/a", {"path": ["a"]}),
    ("/api/:path*", "/api/a/b/c", {"path": ["a", "b", "c"]}),
    ("/api/:path*", "/apix", None),
    ("/:path*", "/", {"path": []}),
    ("/api/:path*/edit", "/api/edit", {"path": []}),
    ("/api/:path*/edit", "/api/a/b/edit", {"path": ["a", "b"]}),
    # :name+
    ("/api/:path+", "/api", None),
    ("/api/:path+", "/api/a/b", {"path": ["a", "b"]}),
    # :name?
    ("/api/:lang?", "/api", {}),
    ("/api/:lang?", "/api/en", {"lang": "en"}),
    ("/api/:lang?", "/api/en/x", None),
    ("/api/:lang?/docs", "/api/docs", {}),
    ("/api/:lang?/docs", "/api/en/docs", {"lang": "en"}),
    # custom regex on a named param
    ("/api/:id(\\d+)", "/api/42", {"id": "42"}),
    ("/api/:id(\\d+)", "/api/abc", None),
    ("/api/:id(\\d+)*", "/api/1/2", {"id": ["1", "2"]}),
    ("/api/:id(\\d+)?", "/api", {}),
    ("/api/:path((?!public).*)", "/api/private/x", {"path": "private/x"}),
    ("/api/:path((?!public).*)", "/api/public/x", None),
    ("/api/:path((?!public).*)", "/api/publicx", None),
    ("/api/:v(a|b)", "/api/b", {"v": "b"}),
    ("/api/:v(a|b)", "/api/c", None),
    # bare (unnamed) groups, numbered
    ("/api/(.*)", "/api/a/b", {"0": "a/b"}),
    ("/api/(.*)", "/api/", {"0": ""}),
    ("/api/(.*)", "/api", None),
    ("/(a|b)/(\\d+)", "/b/7", {"0": "b", "1": "7"}),
    ("/((?!public).*)", "/", {"0": ""}),
    ("/((?!public).*)", "/public/x", None),
    ("/((?!api|_next/static).*)", "/_next/static/x", None),
    ("/((?!api|_next/static).*)", "/users/1", {"0": "users/1"}),
    ("/((?!health$).*)", "/health", None),
    ("/((?!health$).*)", "/health/x", {"0": "health/x"}),
    ("/((?!.*\\.png$).*)", "/logo.png", None),
    ("/((?!.*\\.png$).*)", "/logo.png%0A", {"0": "logo.png\n"}),
    ("/([^]*)", "/a/b", {"0": "a/b"}),
    ("/api/:id([^/]+)", "/api/a%2Fb", {"id": "a/b"}),
    # decoded matching
    ("/api/x", "/api/%78", {}),
    ("/api/%78", "/api/x", {}),
    ("/api/users/:id", "/api/users/a%2Fb", {"id": "a/b"}),
    ("/api/users/:id", "/api/users/a%252Fb", {"id": "a%2Fb"}),
    ("/api/users/:id", "/api/users/a+b", {"id": "a+b"}),
    ("/api/users/:id", "/api/users/caf%C3%A9", {"id": "café"}),
    ("/api/:path*", "/api/a%2Fb/c", {"path": ["a/b", "c"]}),
    ("/api/:path*", "/api/%25/%2525", {"path": ["%", "%25"]}),
    ("/a%2Fb", "/a%2Fb", {}),
    ("/a%2Fb", "/a/b", None),
    ("/café", "/caf%C3%A9", {}),
    # letter case
    ("/api/users/:id", "/API/Users/42", {"id": "42"}),
    ("/api/users/:id", "/api/users/ABC", {"id": "ABC"}),
    ("/API/x", "/api/X", {}),
    ("/api/:path((?!public).*)", "/api/PUBLIC/x", {"path": "PUBLIC/x"}),
    # doubled and trailing slashes
    ("/api/x", "//api/x", {}),
    ("/api/x", "/api//x", {}),
    ("/api/x", "/api/x/", {}),
    ("/api/x", "/api/x//", {}),
    ("/api/x/", "/api/x", {}),
    ("/api//x", "/api/x", {}),
    ("/api/x{/}?", "/api/x/", {}),
    ("/api/:path*", "//api///a//b/", {"path": ["a", "b"]}),
    ("/api/users/:id", "/api/users//", None),
    # escapes
    ("/a\\:b", "/a:b", {}),
    ("/a\\(b\\)", "/a(b)", {}),
]


@pytest.mark.parametrize(
    ("source", "path", "expected"),
    MATCHES,
    ids=[f"{source} {path}" for source, path, _ in MATCHES],
)
def test_pattern_matches(source: str, path: str, expected: Params | None) -> None:
    assert PathPattern(source).match(path) == expected


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("/api", ()),
        ("/api/:id/:path*", ("id", "path")),
        ("/(a)/:x/(b)", ("0", "x", "1")),
    ],
    ids=["none", "named", "unnamed-numbered"],
)
def test_pattern_names(source: str, names: tuple[str, ...]) -> None:
    pattern = PathPattern(source)
    assert pattern.names == names
    assert pattern.source == source


INVALID = [
    ("api/x", 'must start with "/"'),
    ("", 'must start with "/"'),
    ("/x(", 'unbalanced parentheses: "(" at position 2 is never closed'),
    ("/x/((?:a)", "never closed"),
    ("/x)", 'unbalanced parentheses: ")" at position 2 closes nothing'),
    ("/x/([)", "never closed"),
    ("/x/()", "empty group"),
    ("/feedback/(?!general)", 'starts with "?"'),
    ("/x/((a))", "capturing group at position 4"),
    ("/x/:", "not followed by a parameter name"),
    ("/x/*", '"*" at position 3 must follow a :name'),
    ("/x/:a/:a", "'a' is used twice"),
    ("/x/(a{2,1})", "not a valid regular expression"),
    ("/x{a}", "not supported"),
    ("/x\\", "lone backslash"),
]


@pytest.mark.parametrize(
    ("source", "problem"), INVALID, ids=[problem for _, problem in INVALID]
)
def test_invalid_pattern_is_a_config_error(source: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        PathPattern(source)
    assert f"Invalid path pattern {source!r}" in str(info.value)
    assert problem in str(info.value)


def test_patterns_compare_by_source() -> None:
    assert PathPattern("/a/:b") == PathPattern("/a/:b")
    assert PathPattern("/a/:b") != PathPattern("/a/:c")
    assert len({PathPattern("/a"), PathPattern("/a")}) == 1
    assert repr(PathPattern("/a")) == "PathPattern('/a')"


FILLS: list[tuple[str, str, Params, str]] = [
    ("/old/:id", "/api/users/:id", {"id": "42"}, "/api/users/42"),
    ("/old/:id", "/api/users/:id", {"id": "a b"}, "/api/users/a%20b"),
    ("/old/:id", "/api/users/:id", {"id": "a/b"}, "/api/users/a%2Fb"),
    ("/old/:id", "/api/users/:id", {"id": "café"}, "/api/users/caf%C3%A9"),
    ("/old/:id", "/api/users/:id", {"id": "?#&"}, "/api/users/%3F%23%26"),
    ("/old/:p*", "/new/:p*", {"p": ["a b", "c/d"]}, "/new/a%20b/c%2Fd"),
    ("/old/:p*", "/new/:p*", {"p": []}, "/new"),
    ("/old/:p*", "/new/:p*/edit", {"p": []}, "/new/edit"),
    ("/old/:p*", "/new/:p", {"p": ["x"]}, "/new/x"),
    ("/old/:p?", "/new/:p", {}, "/new"),
    ("/old/:p?", "/new/:p?x=1", {"p": "a"}, "/new/a?x=1"),
    ("/old/:id", "/new?id=:id&x=1", {"id": "a&b"}, "/new?id=a%26b&x=1"),
    ("/old/:id", "/new/:id#:id", {"id": "1"}, "/new/1#1"),
    (
        "/old/:p*",
        "https://example.com/:p*",
        {"p": ["a", "b"]},
        "https://example.com/a/b",
    ),
    ("/old/:p*", "https://example.com/:p*", {"p": []}, "https://example.com"),
    (
        "/old/:id",
        "http://localhost:3000/u/:id",
        {"id": "1"},
        "http://localhost:3000/u/1",
    ),
    ("/old/:id", "https://x.test?q=:id", {"id": "a b"}, "https://x.test?q=a%20b"),
    ("/old/(.*)", "/new/:0", {"0": "x"}, "/new/x"),
    ("/old", "/a\\:b", {}, "/a:b"),
    # open-redirect defence: never a leading "//" or "/\"
    ("/:p*", "/:p*", {"p": ["", "evil.example"]}, "/evil.example"),
    ("/:p*", "/:p*", {"p": ["\\", "evil.example"]}, "/%5C/evil.example"),
    ("/:a", "/:a", {"a": "/evil.example"}, "/%2Fevil.example"),
    ("/:a", "/:a", {"a": "\\evil.example"}, "/%5Cevil.example"),
    ("/:a/:b", "/:a/:b", {"a": "", "b": "x"}, "/x"),
    ("/:p*", "/:p*", {"p": []}, "/"),
    ("/:p*", "/:p*?x=1", {"p": []}, "/?x=1"),
]


@pytest.mark.parametrize(
    ("source", "destination", "params", "expected"),
    FILLS,
    ids=[f"{d} {p}" for _, d, p, _ in FILLS],
)
def test_destination_fill(
    source: str, destination: str, params: Params, expected: str
) -> None:
    assert Destination(destination, PathPattern(source)).fill(params) == expected


def test_fill_destination_without_a_source() -> None:
    assert fill_destination("/u/:id?x=:id", {"id": "1 2"}) == "/u/1%202?x=1%202"
    assert fill_destination("/u/:missing", {}) == "/u"


def test_destination_reports_its_names_and_kind() -> None:
    dest = Destination("https://a.test/:x/:y", PathPattern("/:x/:y/:z"))
    assert dest.names == {"x", "y"}
    assert dest.is_external
    assert not Destination("/:x", None).is_external
    assert repr(dest) == "Destination('https://a.test/:x/:y')"


INVALID_DESTINATIONS = [
    ("/u/:nope", "is not a param of the source '/old/:id' (its params: :id)"),
    ("", "it is empty"),
    ("u/:id", 'must start with a single "/"'),
    ("//evil.example/:id", 'must start with a single "/"'),
    ("/\\evil.example", 'must start with a single "/"'),
    ("https://:id.example.com/", "open redirect"),
    ("https://example.com:id/", "open redirect"),
    ("/u/:id\r\nSet-Cookie: a=b", "control character"),
    ("/u/\x00", "control character"),
]


@pytest.mark.parametrize(
    ("destination", "problem"),
    INVALID_DESTINATIONS,
    ids=[problem for _, problem in INVALID_DESTINATIONS],
)
def test_invalid_destination_is_a_config_error(destination: str, problem: str) -> None:
    with pytest.raises(ConfigError, match="Invalid destination") as info:
        Destination(destination, PathPattern("/old/:id"))
    assert problem in str(info.value)


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
    ],
    ids=["type", "header-key", "cookie-key", "host-key", "host-value", "regex"],
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


WHERE = "middleware.py"


@pytest.mark.parametrize(
    ("config", "sources"),
    [
        ("/api/:path*", ["/api/:path*"]),
        (["/a", "/b/:id"], ["/a", "/b/:id"]),
        (("/a",), ["/a"]),
        ([{"source": "/a", "locale": False}], ["/a"]),
        (["/a", {"source": "/b", "has": [], "missing": []}], ["/a", "/b"]),
    ],
    ids=["string", "list", "tuple", "dict-with-locale", "mixed"],
)
def test_compile_matcher_shapes(config: object, sources: list[str]) -> None:
    rules = compile_matcher(config, WHERE)
    assert [rule.pattern.source for rule in rules] == sources
    assert all(isinstance(rule, MatcherRule) for rule in rules)


def test_compile_matcher_conditions() -> None:
    [rule] = compile_matcher(
        [
            {
                "source": "/api/:path*",
                "has": [
                    {"type": "header", "key": "authorization", "value": "Bearer .+"}
                ],
                "missing": [{"type": "cookie", "key": "skip"}],
            }
        ],
        WHERE,
    )
    assert rule.has == (Condition("header", "authorization", "Bearer .+"),)
    assert rule.missing == (Condition("cookie", "skip"),)
    authorized = FakeRequest(headers={"Authorization": "Bearer t"})
    assert rule.matches("/api/x", authorized)
    assert rule.matches("//API/x/", authorized)
    assert not rule.matches("/other", authorized)
    assert not rule.matches("/api/x", FakeRequest())
    skipped = FakeRequest(headers={"authorization": "Bearer t"}, cookies={"skip": "1"})
    assert not rule.matches("/api/x", skipped)


INVALID_MATCHERS: list[tuple[object, str]] = [
    (42, 'config["matcher"] = 42 is not valid'),
    ({"source": "/a"}, "is not valid"),
    ([], "is empty, so the middleware would never run"),
    ([42], 'config["matcher"][0]: 42 is not a pattern string'),
    (["/a", "api"], "config[\"matcher\"][1]: Invalid path pattern 'api'"),
    ([{"has": []}], 'with a string "source"'),
    ([{"source": "/a", "extra": 1}], "unknown key(s) 'extra'"),
    ([{"source": "/a", "has": "x"}], '"has" must be a list'),
    ([{"source": "/a", "has": [{"type": "header"}]}], 'has[0]: A "header" condition'),
    ([{"source": "/a", "missing": ["x"]}], "missing[0]: 'x' is not a condition"),
    (
        [{"source": "/a", "has": [{"type": "x", "key": "k", "bad": 1}]}],
        "not a condition",
    ),
]


@pytest.mark.parametrize(
    ("config", "problem"),
    INVALID_MATCHERS,
    ids=[
        "int",
        "bare-dict",
        "empty",
        "int-entry",
        "bad-pattern",
        "no-source",
        "unknown-key",
        "has-not-list",
        "bad-condition",
        "condition-not-dict",
        "condition-extra-key",
    ],
)
def test_invalid_matcher_is_a_config_error(config: object, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        compile_matcher(config, WHERE)
    assert str(info.value).startswith(f"{WHERE}: ")
    assert problem in str(info.value)
