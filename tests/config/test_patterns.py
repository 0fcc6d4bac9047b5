"""Next.js path patterns: what each source matches and the params it yields."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from routetree._config._patterns import PathPattern
from routetree._errors import ConfigError

if TYPE_CHECKING:
    from routetree._types import Params

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
    ("/a\\$", "/a$", {}),
    ("/a$b", "/a$b", {}),
    # ^ opening a group and $ closing it: the group's own start and end
    ("/api/:id(^\\d+$)", "/api/42", {"id": "42"}),
    ("/api/:id(^\\d+$)", "/api/4a", None),
    ("/(^a)/b", "/a/b", {"0": "a"}),
    ("/(a$)/b", "/a/b", {"0": "a"}),
    ("/:x(a$)*", "/a/a", {"x": ["a", "a"]}),
    # $ inside a group that ends the pattern: the end of the path
    ("/((?!a$|b$).*)", "/a", None),
    ("/((?!a$|b$).*)", "/ab", {"0": "ab"}),
    # * and + right after text (no "/" before): within one segment
    ("/x-:path*", "/x-", {"path": []}),
    ("/x-:path*", "/x-abc", {"path": ["abc"]}),
    ("/x-:path*", "/x-a/b", None),
    ("/x-:path+", "/x-", None),
    ("/x-:path+/y", "/x-ab/y", {"path": ["ab"]}),
    ("/x-:n(\\d)*", "/x-123", {"n": ["123"]}),
    # a group repeated after "/": once per segment
    ("/(a+)+", "/a/aa", {"0": ["a", "aa"]}),
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
    ("^/api", 'it must start with "/", not "^"'),
    ("/api$", '"$" outside a group is a literal dollar sign'),
    ("/(a+)+$", '"$" outside a group is a literal dollar sign'),
    ("/api$/", '"$" outside a group is a literal dollar sign'),
    ("/((?!^x).*)", 'uses "^" after its first character'),
    ("/(a|^b)", 'uses "^" after its first character'),
    ("/((?!x$).*)/y", "where the path goes on ('/y' follows)"),
    ("/(a$|b)/c", "where the path goes on ('/c' follows)"),
    ("/:p((?!x$)[^/]+)*", "where the path goes on (the group repeats)"),
    ("/:x((?:a+)+)", "the group ((?:a+)+) repeats something that itself repeats"),
    ("/:x((?:a*)*)", "repeats something that itself repeats"),
    ("/x/:v((?:a|a)+)", "repeats alternatives that can match the same text"),
    ("/x/:v((?:a|aa)+)", "repeats alternatives that can match the same text"),
    ("/x/:v((?:a?a?)+)", "in more than one way"),
    ("/x/:v((?:a?){30}a{30})", "at least 30 times something that can also match"),
    ("/:v(a|a)+", 'repeats the group once per path segment, so it must not match "/"'),
    ("/:p(.*)*", 'so it must not match "/" either (use [^/] rather than .)'),
    ("/:p(.*)+", "the group (.*)+ repeats something that itself repeats"),
    ("/x-:id(\\d+)+", 'drop the "+" after the group'),
    ("/x-:id(\\d+)*", 'drop the "*" after the group'),
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


@pytest.mark.parametrize(
    "source",
    [
        "/((?!api|_next/static|_next/image|favicon.ico).*)",
        "/:path*",
        "/:id(\\d+)",
        "/(.*)",
        "/api/:path((?!internal).*)",
        "/:locale(en|fr)/:rest*",
        "/((?!.*\\.png$).*)",
        "/blog/:slug((?:[a-z0-9]+-)*[a-z0-9]+)",
        "/files/:hash((?:[0-9a-f]{2})+)",
    ],
)
def test_common_regex_groups_are_accepted(source: str) -> None:
    assert PathPattern(source).source == source


def test_catastrophic_backtracking_error_explains_the_fix() -> None:
    with pytest.raises(ConfigError) as info:
        PathPattern("/:x((?:a+)+)")
    assert str(info.value) == (
        "Invalid path pattern '/:x((?:a+)+)': the group ((?:a+)+) repeats something "
        "that itself repeats, as (a+)+ does, so one text can be split in "
        "exponentially many ways: a path that almost matches would keep the server "
        "busy for minutes (catastrophic backtracking); rewrite it so that each "
        "character can be matched in only one way, for example a+ rather than "
        "(?:a+)+."
    )


# Long paths that almost match: each is refused in linear time. The first two took
# over 3 s with 24 "a"s when ":path*" after text compiled to (?:[^/]+?)*.
ALMOST_MATCHING = [
    ("/x-:path*/y", "/x-" + "a" * 40 + "!"),
    ("/x-:path+/y", "/x-" + "a" * 40 + "!"),
    ("/:path*/edit", "/a" * 30_000 + "/x"),
    ("/api/:path+/edit", "/api" + "/ab" * 20_000 + "/x"),
    ("/:id(\\d+)*/edit", "/1" * 30_000 + "/x"),
    ("/:id(\\d+)+", "/" + "1" * 60_000 + "!"),
    ("/((?!api|_next/static|_next/image|favicon.ico).*)", "/api" + "a" * 60_000),
    ("/:x(a+)", "/" + "a" * 60_000 + "!"),
    ("/blog/:slug((?:[a-z0-9]+-)*[a-z0-9]+)", "/blog/" + "a-" * 30_000 + "!"),
    ("/files/:hash((?:[0-9a-f]{2})+)", "/files/" + "ab" * 30_000 + "a"),
]


@pytest.mark.parametrize(
    ("source", "path"), ALMOST_MATCHING, ids=[source for source, _ in ALMOST_MATCHING]
)
def test_accepted_patterns_refuse_long_near_misses_quickly(
    source: str, path: str
) -> None:
    pattern = PathPattern(source)
    started = time.perf_counter()
    assert pattern.match(path) is None
    # Backtracking would take seconds to hours here; a linear match takes milliseconds,
    # or about a tenth of a second for 30,000 segments under coverage on a busy CI
    # machine, hence the margin.
    assert time.perf_counter() - started < 1.0
