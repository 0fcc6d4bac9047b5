"""Cookie header parsing, Set-Cookie lines in Next.js's format, and the cookie jars."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest

from routetree._cookies import (
    RequestCookies,
    ResponseCookies,
    parse_cookie_header,
    serialize_cookie,
)
from routetree._headers import MutableHeaders

EPOCH = "Expires=Thu, 01 Jan 1970 00:00:00 GMT"


@pytest.mark.parametrize(
    ("header", "cookies"),
    [
        ("token=t1; other=2", {"token": "t1", "other": "2"}),
        ("a=1;b=2", {"a": "1", "b": "2"}),
        ("  a = 1 ;  b=2  ", {"a": "1", "b": "2"}),
        ("", {}),
        ("a=", {"a": ""}),
        ("a=b=c", {"a": "b=c"}),
        ('q="hello world"', {"q": "hello world"}),
        ('q="', {"q": '"'}),
        ("token=abc%20def; x=1", {"token": "abc def", "x": "1"}),
        ("name=caf%C3%A9", {"name": "caf\u00e9"}),
        ("v=a+b", {"v": "a+b"}),
        ("r=%E0%A4%A", {"r": "%E0%A4%A"}),
        ("r=%FF; ok=1", {"r": "%FF", "ok": "1"}),
        ("a=1; a=2", {"a": "1"}),
        ("a=1; garbage; =x; c=3", {"a": "1", "c": "3"}),
        ("bad name=1; ok=2", {"ok": "2"}),
        ("bad\n=1; ok=2", {"ok": "2"}),
        ("a=1;;b=2", {"a": "1", "b": "2"}),
    ],
    ids=[
        "two-pairs",
        "no-space",
        "extra-spaces",
        "empty-header",
        "empty-value",
        "equals-in-value",
        "quoted",
        "lone-quote",
        "percent-decoded",
        "utf8-decoded",
        "plus-stays",
        "malformed-escape-kept-raw",
        "invalid-utf8-kept-raw",
        "first-duplicate-wins",
        "malformed-pairs-skipped",
        "invalid-name-skipped",
        "name-with-trailing-newline-skipped",
        "empty-pair-skipped",
    ],
)
def test_cookie_header_is_parsed_leniently(
    header: str, cookies: dict[str, str]
) -> None:
    assert parse_cookie_header(header) == cookies


def test_request_cookies_mapping() -> None:
    cookies = RequestCookies(parse_cookie_header("token=abc%20def; x=1"))
    assert cookies.get("token") == "abc def"
    assert cookies.get("missing") is None
    assert "x" in cookies
    assert "missing" not in cookies
    assert list(cookies) == ["token", "x"]
    assert len(cookies) == 2
    assert cookies["x"] == "1"
    assert repr(cookies) == "RequestCookies({'token': 'abc def', 'x': '1'})"


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("plain", "plain"),
        ("x y", "x%20y"),
        ("!~*'()", "!~*'()"),
        ("-_.", "-_."),
        ("a;b", "a%3Bb"),
        ("a,b", "a%2Cb"),
        ("a/b?c=d&e#f+g@h:i$j", "a%2Fb%3Fc%3Dd%26e%23f%2Bg%40h%3Ai%24j"),
        ('"q"', "%22q%22"),
        ("caf\u00e9", "caf%C3%A9"),
        ("\u2615", "%E2%98%95"),
        ("100%", "100%25"),
        ("", ""),
    ],
    ids=[
        "plain",
        "space",
        "uri-component-marks-literal",
        "unreserved",
        "semicolon",
        "comma",
        "reserved",
        "double-quote",
        "utf8",
        "emoji",
        "percent",
        "empty",
    ],
)
def test_value_is_encoded_like_encode_uri_component(value: str, encoded: str) -> None:
    assert serialize_cookie("n", value) == f"n={encoded}; Path=/"


def test_plain_cookie_gets_path_slash() -> None:
    assert serialize_cookie("a", "1") == "a=1; Path=/"


def test_cookie_without_path() -> None:
    assert serialize_cookie("a", "1", path=None) == "a=1"
    assert serialize_cookie("a", "1", path="") == "a=1"


def _split_expires(line: str) -> tuple[str, datetime, str]:
    """Split a Set-Cookie line around its Expires attribute."""
    head, _, rest = line.partition("; Expires=")
    expires, _, tail = rest.partition("; ")
    assert expires.endswith(" GMT")
    return head, parsedate_to_datetime(expires), tail


def test_max_age_also_writes_expires_in_nextjs_order() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    line = serialize_cookie(
        "b",
        "x y",
        max_age=60,
        path="/api",
        secure=True,
        httponly=True,
        samesite="lax",
    )
    after = datetime.now(UTC)
    head, expires, tail = _split_expires(line)
    assert head == "b=x%20y; Path=/api"
    assert tail == "Max-Age=60; Secure; HttpOnly; SameSite=lax"
    assert before + timedelta(seconds=60) <= expires <= after + timedelta(seconds=60)


def test_every_attribute_in_nextjs_order() -> None:
    line = serialize_cookie(
        "n",
        "v",
        max_age=60,
        expires=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
        path="/p",
        domain="example.com",
        secure=True,
        httponly=True,
        samesite="strict",
        partitioned=True,
    )
    assert line == (
        "n=v; Path=/p; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Max-Age=60; "
        "Domain=example.com; Secure; HttpOnly; SameSite=strict; Partitioned"
    )


def test_expires_is_written_in_gmt() -> None:
    plus_two = timezone(timedelta(hours=2))
    line = serialize_cookie(
        "n", "v", expires=datetime(2030, 1, 2, 3, 4, 5, tzinfo=plus_two)
    )
    assert line == "n=v; Path=/; Expires=Wed, 02 Jan 2030 01:04:05 GMT"


def test_max_age_zero_expires_now() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    line = serialize_cookie("n", "v", max_age=0)
    after = datetime.now(UTC)
    head, expires, tail = _split_expires(line)
    assert (head, tail) == ("n=v; Path=/", "Max-Age=0")
    assert before <= expires <= after


@pytest.mark.parametrize(
    ("samesite", "attribute"),
    [("lax", "SameSite=lax"), ("strict", "SameSite=strict"), ("none", "SameSite=none")],
)
def test_samesite_values(samesite: str, attribute: str) -> None:
    line = serialize_cookie("n", "v", samesite=samesite)  # type: ignore[arg-type]
    assert line == f"n=v; Path=/; {attribute}"


def test_samesite_is_lowercased() -> None:
    assert serialize_cookie("n", "v", samesite="Lax") == "n=v; Path=/; SameSite=lax"  # type: ignore[arg-type]


def test_unknown_samesite_raises() -> None:
    with pytest.raises(ValueError) as caught:
        serialize_cookie("n", "v", samesite="sometimes")  # type: ignore[arg-type]
    assert (
        str(caught.value)
        == "samesite must be 'lax', 'strict' or 'none', not 'sometimes'."
    )


@pytest.mark.parametrize(
    "name",
    ["", "a b", "a;b", "a=b", "a,b", "caf\u00e9", "a\nb", "a\n", '"a"'],
    ids=[
        "empty",
        "space",
        "semicolon",
        "equals",
        "comma",
        "non-ascii",
        "newline",
        "trailing-newline",
        "quoted",
    ],
)
def test_invalid_cookie_name_raises(name: str) -> None:
    with pytest.raises(ValueError) as caught:
        serialize_cookie(name, "v")
    assert str(caught.value) == (
        f"Invalid cookie name {name!r}: use letters, digits and !#$%&'*+-.^_`|~ only."
    )


@pytest.mark.parametrize(
    ("what", "value"),
    [
        ("domain", "example.com; Secure"),
        ("domain", "example.com\r\nX: y"),
        ("path", "/api; HttpOnly"),
        ("path", "/a\nb"),
        ("path", "/a\x00"),
    ],
    ids=[
        "domain-semicolon",
        "domain-crlf",
        "path-semicolon",
        "path-newline",
        "path-nul",
    ],
)
def test_attribute_injection_raises(what: str, value: str) -> None:
    with pytest.raises(ValueError) as caught:
        if what == "domain":
            serialize_cookie("n", "v", domain=value)
        else:
            serialize_cookie("n", "v", path=value)
    assert str(caught.value) == (
        f"Invalid cookie {what} {value!r}: it contains ';' or a control character."
    )


def _jar() -> tuple[MutableHeaders, ResponseCookies]:
    headers = MutableHeaders()
    return headers, ResponseCookies(headers)


def test_each_cookie_is_its_own_set_cookie_line() -> None:
    headers, cookies = _jar()
    cookies.set("a", "1")
    cookies.set("session", "abc", httponly=True)
    assert headers.get_all("set-cookie") == [
        "a=1; Path=/",
        "session=abc; Path=/; HttpOnly",
    ]


def test_setting_a_name_again_replaces_its_line() -> None:
    headers, cookies = _jar()
    cookies.set("a", "1")
    cookies.set("b", "2")
    cookies.set("a", "3", path="/x")
    lines = headers.get_all("set-cookie")
    assert sorted(lines) == ["a=3; Path=/x", "b=2; Path=/"]


def test_replacing_keeps_cookies_whose_name_shares_a_prefix() -> None:
    headers, cookies = _jar()
    cookies.set("ab", "1")
    cookies.set("a", "2")
    cookies.set("a", "3")
    assert headers.get_all("set-cookie") == ["ab=1; Path=/", "a=3; Path=/"]


def test_delete_expires_the_cookie() -> None:
    headers, cookies = _jar()
    cookies.delete("c")
    assert headers.get_all("set-cookie") == [f"c=; Path=/; {EPOCH}"]


def test_delete_replaces_a_cookie_set_earlier() -> None:
    headers, cookies = _jar()
    cookies.set("c", "1", max_age=60)
    cookies.delete("c")
    assert headers.get_all("set-cookie") == [f"c=; Path=/; {EPOCH}"]


def test_delete_without_path() -> None:
    headers, cookies = _jar()
    cookies.delete("c", path=None)
    assert headers.get_all("set-cookie") == [f"c=; {EPOCH}"]


def test_delete_with_domain_keeps_nextjs_attribute_order() -> None:
    headers, cookies = _jar()
    cookies.delete("c", domain="example.com")
    assert headers.get_all("set-cookie") == [f"c=; Path=/; {EPOCH}; Domain=example.com"]


def test_cookies_jar_reads_back_its_lines() -> None:
    _, cookies = _jar()
    cookies.set("a", "x y", secure=True)
    assert cookies.get("a") == "a=x%20y; Path=/; Secure"
    assert cookies.get("b") is None
    assert "a" in cookies
    assert "b" not in cookies
    assert 1 not in cookies


def test_cookie_set_through_headers_is_replaced_by_the_jar() -> None:
    headers = MutableHeaders([("set-cookie", "a=old; Path=/"), ("x-keep", "1")])
    cookies = ResponseCookies(headers)
    cookies.set("a", "new")
    assert headers.get_all("set-cookie") == ["a=new; Path=/"]
    assert headers["x-keep"] == "1"


def test_invalid_name_through_the_jar_raises_and_sets_nothing() -> None:
    headers, cookies = _jar()
    with pytest.raises(ValueError):
        cookies.set("bad name", "1")
    assert headers.get_all("set-cookie") == []
