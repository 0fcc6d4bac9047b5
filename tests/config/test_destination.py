"""Destinations and header templates filled with the params of a source match."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from routetree._config._destination import Destination, HeaderTemplate
from routetree._config._patterns import PathPattern
from routetree._errors import ConfigError

if TYPE_CHECKING:
    from routetree._types import Params

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
    assert Destination("/u/:id?x=:id").fill({"id": "1 2"}) == "/u/1%202?x=1%202"
    assert Destination("/u/:missing").fill({}) == "/u"


def test_destination_reports_its_names_and_kind() -> None:
    dest = Destination("https://a.test/:x/:y", PathPattern("/:x/:y/:z"))
    assert dest.names == {"x", "y"}
    assert dest.is_external
    assert not Destination("/:x", None).is_external
    assert repr(dest) == "Destination('https://a.test/:x/:y')"


INVALID_DESTINATIONS = [
    (
        "/u/:nope",
        ":nope is not a param of the source or its has conditions (params: :id)",
    ),
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


FILL_URLS: list[tuple[str, str, str, Params, bool, str]] = [
    # (source, destination, request query, params, append_params, expected)
    ("/old/:id", "/api/users/:id", "x=1", {"id": "4"}, False, "/api/users/4?x=1"),
    ("/old/:id", "/api/users/:id", "", {"id": "4"}, False, "/api/users/4"),
    ("/old", "/new?a=dest", "a=req&b=2", {}, False, "/new?b=2&a=dest"),
    ("/old", "/new?a=1&a=2", "a=req", {}, False, "/new?a=1&a=2"),
    ("/old", "/new?a%20b=1", "a+b=req&c=3", {}, False, "/new?c=3&a%20b=1"),
    ("/old", "/new#top", "x=1", {}, False, "/new?x=1#top"),
    # rewrites: params the destination's path does not use join the query...
    ("/old/:slug", "/new", "x=1", {"slug": "a b"}, True, "/new?x=1&slug=a%20b"),
    ("/old/:slug", "/new", "slug=req", {"slug": "p"}, True, "/new?slug=p"),
    ("/old/:slug", "/new?slug=d", "", {"slug": "p"}, True, "/new?slug=d"),
    ("/old/:p*", "/new", "", {"p": ["a", "b"]}, True, "/new?p=a&p=b"),
    ("/old/(.*)", "/new", "", {"0": "a/b"}, True, "/new?0=a%2Fb"),
    # ... unless it uses any of them, as in Next.js
    ("/old/:a/:b", "/new/:a", "x=1", {"a": "1", "b": "2"}, True, "/new/1?x=1"),
    ("/old/:a", "/new?q=:a", "", {"a": "1"}, True, "/new?a=1&q=1"),
    # redirects never append params
    ("/old/:slug", "/new", "", {"slug": "p"}, False, "/new"),
]


@pytest.mark.parametrize(
    ("source", "destination", "query", "params", "append", "expected"),
    FILL_URLS,
    ids=[f"{d} {q} {p} {a}" for _, d, q, p, a, _ in FILL_URLS],
)
def test_destination_fill_url_merges_queries(
    source: str,
    destination: str,
    query: str,
    params: Params,
    append: bool,
    expected: str,
) -> None:
    dest = Destination(destination, PathPattern(source))
    assert dest.fill_url(params, query, append_params=append) == expected


def test_destination_path_names() -> None:
    dest = Destination("/u/:id?from=:src", PathPattern("/:id/:src"))
    assert dest.path_names == {"id"}
    assert dest.names == {"id", "src"}


TEMPLATES: list[tuple[str, bool, Params, str]] = [
    # (text, is_key, params of source "/blog/:slug/:rest*", expected)
    (":slug", False, {"slug": "hello-world"}, "hello-world"),
    ("post :slug!", False, {"slug": "a b"}, "post a b!"),
    (":slug", False, {"slug": "café"}, "caf%C3%A9"),
    (":slug", False, {"slug": "a\r\nSet-Cookie: x=1"}, "a%0D%0ASet-Cookie: x=1"),
    (":slug", False, {"slug": "100%/x"}, "100%25%2Fx"),
    (":rest*", False, {"rest": ["a", "b c"]}, "a/b c"),
    (":rest", False, {"rest": []}, ""),
    (
        "https://example.com:8443/:slug",
        False,
        {"slug": "x"},
        "https://example.com:8443/x",
    ),
    (":unknown :slug", False, {"slug": "x"}, ":unknown x"),
    (":slug", False, {}, ""),
    ("x-slug-:slug", True, {"slug": "Hello World"}, "x-slug-Hello%20World"),
    ("x-:rest*", True, {"rest": ["a", "b"]}, "x-a%2Fb"),
    ("x-:slug", True, {"slug": "a:b"}, "x-a%3Ab"),
]


@pytest.mark.parametrize(
    ("text", "is_key", "params", "expected"),
    TEMPLATES,
    ids=[f"{t} {p}" for t, _, p, _ in TEMPLATES],
)
def test_header_template_fill(
    text: str, is_key: bool, params: Params, expected: str
) -> None:
    names = PathPattern("/blog/:slug/:rest*").names
    template = HeaderTemplate(text, names, is_key=is_key)
    assert template.fill(params) == expected


def test_header_template_without_params_is_the_text() -> None:
    template = HeaderTemplate("max-age=60, s-maxage=:slug", (), is_key=False)
    assert template.names == frozenset()
    assert template.fill({"slug": "x"}) == "max-age=60, s-maxage=:slug"
    assert repr(template) == "HeaderTemplate('max-age=60, s-maxage=:slug')"
