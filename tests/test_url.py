"""Percent escapes, request paths, URLs, search params and Location encoding."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from routetree._url import (
    URL,
    SearchParams,
    check_percent_escapes,
    decode_segment,
    encode_location,
    request_path,
)

if TYPE_CHECKING:
    from routetree._types import Scope


@pytest.mark.parametrize(
    "path",
    ["/api/users/1", "/", "/%20", "/a%2Fb", "/caf%C3%A9", "/a%252Fb", "/%e2%98%95"],
    ids=[
        "no-escape",
        "root",
        "space",
        "encoded-slash",
        "utf8",
        "double-encoded",
        "lower-hex",
    ],
)
def test_valid_percent_escapes_pass(path: str) -> None:
    assert check_percent_escapes(path) is None


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/api/users/%ZZ", "malformed percent escape '%ZZ' in the path"),
        ("/api/users/%E0%A4%A", "malformed percent escape '%A' in the path"),
        ("/a%2", "malformed percent escape '%2' in the path"),
        ("/100%", "malformed percent escape '%' in the path"),
        ("/%G1/x", "malformed percent escape '%G1' in the path"),
        ("/api/users/%C3%28", "percent escapes in the path do not decode to UTF-8"),
        ("/%FF", "percent escapes in the path do not decode to UTF-8"),
        ("/%C3", "percent escapes in the path do not decode to UTF-8"),
        ("/%ED%A0%80", "percent escapes in the path do not decode to UTF-8"),
    ],
    ids=[
        "not-hex",
        "truncated-utf8-and-escape",
        "one-hex-digit",
        "lone-percent",
        "non-hex-first-digit",
        "invalid-utf8-continuation",
        "invalid-utf8-byte",
        "truncated-utf8",
        "encoded-surrogate",
    ],
)
def test_malformed_percent_escapes_are_reported(path: str, problem: str) -> None:
    assert check_percent_escapes(path) == problem


@pytest.mark.parametrize(
    ("segment", "value"),
    [
        ("plain", "plain"),
        ("john%20doe", "john doe"),
        ("caf%C3%A9", "caf\u00e9"),
        ("a%2Fb", "a/b"),
        ("a%252Fb", "a%2Fb"),
        ("a+b", "a+b"),
        ("%5Funder", "_under"),
    ],
    ids=["plain", "space", "utf8", "slash", "decoded-once", "plus-stays", "underscore"],
)
def test_segment_is_decoded_exactly_once(segment: str, value: str) -> None:
    assert decode_segment(segment) == value


@pytest.mark.parametrize(
    ("scope", "path"),
    [
        (
            {"path": "/api/users/a/b", "raw_path": b"/api/users/a%2Fb"},
            "/api/users/a%2Fb",
        ),
        ({"path": "/api/caf\u00e9", "raw_path": b"/api/caf%C3%A9"}, "/api/caf%C3%A9"),
        ({"path": "/api/caf\u00e9", "raw_path": b"/api/caf\xc3\xa9"}, "/api/caf%C3%A9"),
        ({"path": "/a b", "raw_path": b"/a b"}, "/a b"),
        ({"path": "/x", "raw_path": b"/x?y=1"}, "/x"),
        ({"path": "/caf\u00e9", "raw_path": b"/caf\xc3\xa9?q=1"}, "/caf%C3%A9"),
        ({"path": "/api/users/a/b"}, "/api/users/a/b"),
        ({"path": "/api/caf\u00e9 x"}, "/api/caf%C3%A9%20x"),
        ({"path": "/100%"}, "/100%25"),
        ({"path": "/a/b", "raw_path": b""}, "/a/b"),
        ({"path": "/a/b", "raw_path": None}, "/a/b"),
        ({"path": "/", "raw_path": b"/"}, "/"),
    ],
    ids=[
        "raw-keeps-encoded-slash",
        "raw-ascii-escapes-kept",
        "raw-non-ascii-bytes-escaped",
        "raw-space-kept-as-sent",
        "raw-query-dropped",
        "raw-non-ascii-with-query-dropped",
        "fallback-plain",
        "fallback-non-ascii-escaped",
        "fallback-percent-escaped",
        "empty-raw-falls-back",
        "none-raw-falls-back",
        "root",
    ],
)
def test_request_path_is_the_path_as_sent(scope: Scope, path: str) -> None:
    assert request_path(scope) == path


@pytest.mark.parametrize(
    ("scope", "path"),
    [
        ({"path": "/v1/api/x", "raw_path": b"/v1/api/x", "root_path": "/v1"}, "/api/x"),
        ({"path": "/v1", "raw_path": b"/v1", "root_path": "/v1"}, "/"),
        ({"path": "/v1/api/x", "root_path": "/v1"}, "/api/x"),
        ({"path": "/api/x", "raw_path": b"/api/x", "root_path": ""}, "/api/x"),
        ({"path": "/other/x", "raw_path": b"/other/x", "root_path": "/v1"}, "/other/x"),
        ({"path": "/v10/x", "raw_path": b"/v10/x", "root_path": "/v1"}, "/v10/x"),
    ],
    ids=[
        "below-root",
        "root-itself",
        "fallback-below-root",
        "empty-root",
        "outside-root",
        "root-is-only-a-string-prefix",
    ],
)
def test_request_path_strips_root_path(scope: Scope, path: str) -> None:
    assert request_path(scope) == path


@pytest.mark.parametrize(
    ("scheme", "host_header", "server", "host", "port", "text"),
    [
        ("http", "example.com", None, "example.com", None, "http://example.com/p?q=1"),
        (
            "http",
            "example.com:8000",
            None,
            "example.com",
            8000,
            "http://example.com:8000/p?q=1",
        ),
        (
            "http",
            "example.com:80",
            None,
            "example.com",
            None,
            "http://example.com/p?q=1",
        ),
        (
            "https",
            "example.com:443",
            None,
            "example.com",
            None,
            "https://example.com/p?q=1",
        ),
        (
            "https",
            "example.com:80",
            None,
            "example.com",
            80,
            "https://example.com:80/p?q=1",
        ),
        ("http", "[::1]:8000", None, "[::1]", 8000, "http://[::1]:8000/p?q=1"),
        ("http", "[::1]", None, "[::1]", None, "http://[::1]/p?q=1"),
        ("http", "[::1]:80", None, "[::1]", None, "http://[::1]/p?q=1"),
        (
            "http",
            "example.com",
            ("10.0.0.1", 9000),
            "example.com",
            None,
            "http://example.com/p?q=1",
        ),
        (
            "http",
            None,
            ("127.0.0.1", 8000),
            "127.0.0.1",
            8000,
            "http://127.0.0.1:8000/p?q=1",
        ),
        ("http", None, ("127.0.0.1", 80), "127.0.0.1", None, "http://127.0.0.1/p?q=1"),
        (
            "http",
            "",
            ("127.0.0.1", 8000),
            "127.0.0.1",
            8000,
            "http://127.0.0.1:8000/p?q=1",
        ),
        ("http", None, None, "localhost", None, "http://localhost/p?q=1"),
        ("ws", "example.com:80", None, "example.com", None, "ws://example.com/p?q=1"),
        (
            "wss",
            "example.com:443",
            None,
            "example.com",
            None,
            "wss://example.com/p?q=1",
        ),
    ],
    ids=[
        "host-without-port",
        "host-with-port",
        "http-default-port-dropped",
        "https-default-port-dropped",
        "http-port-on-https-kept",
        "ipv6-with-port",
        "ipv6-without-port",
        "ipv6-default-port-dropped",
        "host-header-beats-server",
        "server-when-no-host-header",
        "server-default-port-dropped",
        "empty-host-header-uses-server",
        "nothing-gives-localhost",
        "ws-default-port",
        "wss-default-port",
    ],
)
def test_url_from_parts(
    scheme: str,
    host_header: str | None,
    server: tuple[str, int | None] | None,
    host: str,
    port: int | None,
    text: str,
) -> None:
    url = URL.from_parts(scheme, host_header, server, "/p", "q=1")
    assert (url.scheme, url.host, url.port) == (scheme, host, port)
    assert str(url) == text
    assert url.origin == text.removesuffix("/p?q=1")


def test_url_from_ipv6_server_address_is_bracketed() -> None:
    url = URL.from_parts("http", None, ("::1", 8000), "/p", "")
    assert url.origin == "http://[::1]:8000"
    assert str(url) == "http://[::1]:8000/p"


def test_url_parts_and_search() -> None:
    url = URL.from_parts(
        "https", "api.example.com:8443", None, "/api/users/a%2Fb", "q=x+y&n=1"
    )
    assert url.path == "/api/users/a%2Fb"
    assert url.query == "q=x+y&n=1"
    assert url.search == "?q=x+y&n=1"
    assert url.netloc == "api.example.com:8443"
    assert url.origin == "https://api.example.com:8443"
    assert str(url) == "https://api.example.com:8443/api/users/a%2Fb?q=x+y&n=1"
    assert url.search_params["q"] == "x y"
    assert repr(url) == "URL('https://api.example.com:8443/api/users/a%2Fb?q=x+y&n=1')"


def test_url_without_query_has_no_question_mark() -> None:
    url = URL.from_parts("http", "example.com", None, "/p", "")
    assert url.search == ""
    assert str(url) == "http://example.com/p"
    assert len(url.search_params) == 0


def test_urls_compare_by_text() -> None:
    url = URL.from_parts("http", "example.com:80", None, "/p", "a=1")
    assert url == "http://example.com/p?a=1"
    assert url == URL("http", "example.com", None, "/p", "a=1")
    assert url != URL("http", "example.com", 8080, "/p", "a=1")
    assert hash(url) == hash(URL("http", "example.com", None, "/p", "a=1"))


def test_host_header_with_non_numeric_port_has_no_port() -> None:
    url = URL.from_parts("http", "example.com:abc", None, "/", "")
    assert (url.host, url.port) == ("example.com", None)


def test_search_params_follow_url_search_params() -> None:
    params = SearchParams("a=1&a=2&b=x+y&c&d=&e=%2B%20%C3%A9&f=a%26b%3Dc")
    assert params["a"] == "1"
    assert params.get("a") == "1"
    assert params.get_all("a") == ["1", "2"]
    assert params["b"] == "x y"
    assert params["c"] == ""
    assert params["d"] == ""
    assert params["e"] == "+ \u00e9"
    assert params["f"] == "a&b=c"
    assert list(params) == ["a", "b", "c", "d", "e", "f"]
    assert len(params) == 6
    assert params.multi_items() == [
        ("a", "1"),
        ("a", "2"),
        ("b", "x y"),
        ("c", ""),
        ("d", ""),
        ("e", "+ \u00e9"),
        ("f", "a&b=c"),
    ]


def test_search_params_missing_key() -> None:
    params = SearchParams("a=1")
    assert params.get("zz") is None
    assert params.get_all("zz") == []
    assert "zz" not in params
    assert "a" in params
    with pytest.raises(KeyError):
        params["zz"]


def test_search_params_empty_query() -> None:
    params = SearchParams("")
    assert len(params) == 0
    assert params.multi_items() == []
    assert dict(params) == {}


def test_search_params_semicolon_is_not_a_separator() -> None:
    assert SearchParams("a=1;b=2").multi_items() == [("a", "1;b=2")]


def test_search_params_keys_are_decoded_too() -> None:
    assert SearchParams("first+name=Ada&a%5B%5D=1").multi_items() == [
        ("first name", "Ada"),
        ("a[]", "1"),
    ]


def test_search_params_repr_lists_every_pair() -> None:
    assert repr(SearchParams("a=1&a=2")) == "SearchParams([('a', '1'), ('a', '2')])"


LOCATIONS = [
    ("/api/hello", "/api/hello"),
    ("/café?q=ü", "/caf%C3%A9?q=%C3%BC"),
    ("/日本", "/%E6%97%A5%E6%9C%AC"),
    ("/a b", "/a%20b"),
    ("/☕#café", "/%E2%98%95#caf%C3%A9"),
    ("/\u2028", "/%E2%80%A8"),
    ("https://bücher.example/x", "https://b%C3%BCcher.example/x"),
    ("http://[::1]:8000/x?a=1&b=2", "http://[::1]:8000/x?a=1&b=2"),
    ("/a%2Fb?x=%C3%A9", "/a%2Fb?x=%C3%A9"),
    ("/100%", "/100%25"),
    ("/a%zz%4", "/a%25zz%254"),
    ("../x?a=1", "../x?a=1"),
    ("login", "login"),
    ("/\\evil.example", "/%5Cevil.example"),
    ('/a<b>"c"{d}|^`', "/a%3Cb%3E%22c%22%7Bd%7D%7C%5E%60"),
    ("/;,/?:@&=+$-_.!~*'()#", "/;,/?:@&=+$-_.!~*'()#"),
]


@pytest.mark.parametrize(
    ("url", "location"), LOCATIONS, ids=[url for url, _ in LOCATIONS]
)
def test_encode_location_percent_encodes_like_encode_uri(
    url: str, location: str
) -> None:
    assert encode_location(url) == location
    assert location.isascii()
    assert encode_location(location) == location


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("/x\r\nSet-Cookie: a=1", "the control character '\\r' at index 2"),
        ("/x\ry", "the control character '\\r'"),
        ("/x\ny", "the control character '\\n'"),
        ("/x\x00", "the control character '\\x00'"),
        ("/x\ty", "the control character '\\t'"),
        ("/x\x7f", "the control character '\\x7f'"),
        ("/x\x85", "the control character '\\x85'"),
        ("/x\ud800", "a lone surrogate ('\\ud800' at index 2)"),
    ],
    ids=["crlf", "cr", "lf", "nul", "tab", "del", "c1-next-line", "lone-surrogate"],
)
def test_encode_location_refuses_what_could_split_the_header(
    url: str, problem: str
) -> None:
    with pytest.raises(ValueError, match="Invalid redirect URL") as info:
        encode_location(url)
    assert problem in str(info.value)
