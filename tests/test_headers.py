"""Request headers (read-only) and response headers (mutable, validated)."""

from __future__ import annotations

from collections.abc import Hashable

import pytest

from routetree._headers import (
    CONTROL,
    FORBIDDEN_IN_VALUE,
    READ_ONLY_MESSAGE,
    TOKEN,
    Headers,
    MutableHeaders,
)


def _request_headers() -> Headers:
    return Headers(
        [
            (b"host", b"example.com"),
            (b"accept", b"text/html"),
            (b"content-type", b"application/json"),
            (b"accept", b"application/json"),
            (b"x-latin", b"caf\xe9"),
        ]
    )


@pytest.mark.parametrize(
    "name", ["content-type", "Content-Type", "CONTENT-TYPE", "cOnTeNt-TyPe"]
)
def test_lookup_ignores_case(name: str) -> None:
    headers = _request_headers()
    assert headers[name] == "application/json"
    assert headers.get(name) == "application/json"
    assert headers.get_all(name) == ["application/json"]
    assert name in headers


def test_repeated_header_is_joined_with_comma_space() -> None:
    headers = _request_headers()
    assert headers["accept"] == "text/html, application/json"
    assert headers.get("Accept") == "text/html, application/json"
    assert headers.get_all("ACCEPT") == ["text/html", "application/json"]


def test_missing_header() -> None:
    headers = _request_headers()
    assert headers.get("x-missing") is None
    assert headers.get("x-missing", "fallback") == "fallback"
    assert headers.get_all("x-missing") == []
    assert "x-missing" not in headers
    with pytest.raises(KeyError):
        headers["x-missing"]


@pytest.mark.parametrize("key", [1, b"host", None], ids=["int", "bytes", "none"])
def test_non_string_is_never_contained(key: object) -> None:
    assert key not in _request_headers()


def test_lookup_of_a_name_that_cannot_be_a_header_finds_nothing() -> None:
    headers = _request_headers()
    assert headers.get("x-\u2615") is None
    assert "x-\u2615" not in headers


def test_values_are_latin1_text_as_on_the_wire() -> None:
    assert _request_headers()["x-latin"] == "caf\u00e9"


def test_iteration_yields_each_name_once_in_order() -> None:
    headers = _request_headers()
    assert list(headers) == ["host", "accept", "content-type", "x-latin"]
    assert len(headers) == 4
    assert dict(headers) == {
        "host": "example.com",
        "accept": "text/html, application/json",
        "content-type": "application/json",
        "x-latin": "caf\u00e9",
    }


def test_multi_items_keeps_every_line() -> None:
    assert _request_headers().multi_items() == [
        ("host", "example.com"),
        ("accept", "text/html"),
        ("content-type", "application/json"),
        ("accept", "application/json"),
        ("x-latin", "caf\u00e9"),
    ]


def test_raw_is_the_byte_pairs() -> None:
    raw = [(b"host", b"example.com")]
    assert Headers(raw).raw == raw


def test_empty_headers() -> None:
    headers = Headers()
    assert len(headers) == 0
    assert list(headers) == []
    assert headers.get("host") is None


def test_headers_compare_regardless_of_order() -> None:
    one = Headers([(b"a", b"1"), (b"b", b"2")])
    two = Headers([(b"b", b"2"), (b"a", b"1")])
    assert one == two
    assert one != Headers([(b"a", b"1")])
    assert one == {"a": "1", "b": "2"}


def test_repr_lists_the_lines() -> None:
    assert repr(Headers([(b"a", b"1")])) == "Headers([('a', '1')])"
    assert repr(MutableHeaders({"A": "1"})) == "MutableHeaders([('a', '1')])"


def test_read_only_message_says_headers_cannot_be_modified() -> None:
    assert READ_ONLY_MESSAGE.startswith("Headers cannot be modified")


def test_setting_a_request_header_raises() -> None:
    headers = _request_headers()
    with pytest.raises(TypeError) as caught:
        headers["x-new"] = "1"
    assert str(caught.value) == READ_ONLY_MESSAGE
    assert str(caught.value).startswith("Headers cannot be modified")


def test_deleting_a_request_header_raises() -> None:
    headers = _request_headers()
    with pytest.raises(TypeError) as caught:
        del headers["host"]
    assert str(caught.value) == READ_ONLY_MESSAGE


@pytest.mark.parametrize("method", ["set", "append"])
def test_set_and_append_on_request_headers_raise(method: str) -> None:
    headers = _request_headers()
    with pytest.raises(TypeError) as caught:
        getattr(headers, method)("x-new", "1")
    assert str(caught.value) == READ_ONLY_MESSAGE
    assert headers.get("x-new") is None


def test_delete_on_request_headers_raises() -> None:
    headers = _request_headers()
    with pytest.raises(TypeError) as caught:
        headers.delete("host")
    assert str(caught.value) == READ_ONLY_MESSAGE
    assert headers["host"] == "example.com"


def test_request_headers_are_unhashable() -> None:
    with pytest.raises(TypeError):
        hash(_request_headers())


@pytest.mark.parametrize("headers", [Headers(), MutableHeaders()], ids=repr)
def test_no_headers_are_hashable(headers: Headers) -> None:
    assert not isinstance(headers, Hashable)
    with pytest.raises(TypeError, match="unhashable type"):
        hash(headers)


def test_mutable_headers_are_a_headers_that_writes() -> None:
    # A MutableHeaders passed where a Headers is expected writes; a Headers refuses.
    def write(headers: Headers) -> None:
        headers.set("x-a", "1")
        headers["x-b"] = "2"
        headers.append("x-c", "3")
        headers.delete("x-d")
        del headers["x-e"]

    mutable = MutableHeaders({"x-d": "4", "x-e": "5"})
    write(mutable)
    assert mutable.multi_items() == [("x-a", "1"), ("x-b", "2"), ("x-c", "3")]
    with pytest.raises(TypeError) as caught:
        write(Headers())
    assert str(caught.value) == READ_ONLY_MESSAGE


def test_mutable_headers_from_mapping_lowercase_names() -> None:
    headers = MutableHeaders({"Content-Type": "text/plain", "X-Id": "1"})
    assert headers.raw == [(b"content-type", b"text/plain"), (b"x-id", b"1")]


def test_mutable_headers_from_pairs_keep_repeats() -> None:
    headers = MutableHeaders([("Set-Cookie", "a=1"), ("set-cookie", "b=2")])
    assert headers.get_all("set-cookie") == ["a=1", "b=2"]


def test_set_replaces_every_value_of_a_name() -> None:
    headers = MutableHeaders([("X-A", "1"), ("x-b", "keep"), ("x-a", "2")])
    headers.set("x-A", "3")
    assert headers.multi_items() == [("x-b", "keep"), ("x-a", "3")]


def test_item_assignment_sets() -> None:
    headers = MutableHeaders({"x-a": "1"})
    headers["X-A"] = "2"
    headers["x-new"] = "3"
    assert headers.multi_items() == [("x-a", "2"), ("x-new", "3")]


def test_append_adds_a_line() -> None:
    headers = MutableHeaders({"vary": "accept"})
    headers.append("Vary", "accept-encoding")
    assert headers.get_all("vary") == ["accept", "accept-encoding"]
    assert headers["vary"] == "accept, accept-encoding"


def test_delete_removes_every_line_and_ignores_missing() -> None:
    headers = MutableHeaders([("x-a", "1"), ("x-b", "2"), ("X-A", "3")])
    headers.delete("X-a")
    headers.delete("x-missing")
    assert headers.multi_items() == [("x-b", "2")]


def test_del_removes_and_raises_for_missing() -> None:
    headers = MutableHeaders({"x-a": "1"})
    del headers["X-A"]
    assert "x-a" not in headers
    with pytest.raises(KeyError):
        del headers["x-a"]


def test_update_replaces_from_mapping_and_pairs() -> None:
    headers = MutableHeaders([("x-a", "1"), ("x-a", "2"), ("x-b", "keep")])
    headers.update({"X-A": "3"})
    headers.update([("x-c", "4"), ("x-c", "5")])
    assert headers.multi_items() == [("x-b", "keep"), ("x-a", "3"), ("x-c", "5")]


def test_setdefault_sets_only_when_absent() -> None:
    headers = MutableHeaders({"content-type": "text/html"})
    assert headers.setdefault("Content-Type", "text/plain") == "text/html"
    assert headers.setdefault("x-new", "1") == "1"
    assert headers.multi_items() == [("content-type", "text/html"), ("x-new", "1")]


def test_mutable_headers_are_still_headers() -> None:
    headers = MutableHeaders({"x-a": "1"})
    assert isinstance(headers, Headers)
    assert headers == Headers([(b"x-a", b"1")])


def test_tab_is_allowed_in_a_value() -> None:
    headers = MutableHeaders()
    headers["x-a"] = "a\tb"
    assert headers["x-a"] == "a\tb"


def test_latin1_value_is_stored_as_latin1_bytes() -> None:
    headers = MutableHeaders({"x-name": "caf\u00e9"})
    assert headers.raw == [(b"x-name", b"caf\xe9")]
    assert headers["x-name"] == "caf\u00e9"


@pytest.mark.parametrize(
    "value",
    ["a\rb", "a\nb", "a\r\nSet-Cookie: x=1", "a\x00b", "a\x7fb", "a\x1bb"],
    ids=["cr", "lf", "crlf-injection", "nul", "del", "escape"],
)
@pytest.mark.parametrize("how", ["set", "append", "item", "init", "update"])
def test_control_character_in_value_raises(value: str, how: str) -> None:
    headers = MutableHeaders()
    with pytest.raises(ValueError) as caught:
        if how == "set":
            headers.set("x-a", value)
        elif how == "append":
            headers.append("x-a", value)
        elif how == "item":
            headers["x-a"] = value
        elif how == "init":
            MutableHeaders({"x-a": value})
        else:
            headers.update({"x-a": value})
    assert str(caught.value) == (
        "Invalid value for header 'x-a': it contains a control character (CR, LF or "
        "NUL), which could split the response. Remove it."
    )
    assert headers.raw == []


@pytest.mark.parametrize(
    "name",
    [
        "",
        "bad name",
        "x:y",
        "x\r\ny",
        "x-a\n",
        "caf\u00e9",
        "a/b",
        "(x)",
        "x-\u2615",
        "a,b",
    ],
    ids=[
        "empty",
        "space",
        "colon",
        "crlf",
        "trailing-newline",
        "non-ascii",
        "slash",
        "parentheses",
        "emoji",
        "comma",
    ],
)
def test_invalid_header_name_raises(name: str) -> None:
    headers = MutableHeaders()
    with pytest.raises(ValueError) as caught:
        headers[name] = "1"
    assert str(caught.value) == (
        f"Invalid header name {name!r}: use letters, digits and -_.!#$%&'*+^`|~"
    )
    assert headers.raw == []


@pytest.mark.parametrize(
    "name",
    ["x-a", "X_Custom.Header", "!#$%&'*+-.^_`|~09AZaz"],
    ids=["plain", "mixed", "all-token"],
)
def test_token_names_are_accepted(name: str) -> None:
    headers = MutableHeaders()
    headers[name] = "1"
    assert headers.raw == [(name.lower().encode(), b"1")]


@pytest.mark.parametrize(
    "value", ["\u2615", "\u0100", "caf\u00e9 \u20ac"], ids=["emoji", "a-macron", "euro"]
)
def test_non_latin1_value_raises(value: str) -> None:
    headers = MutableHeaders()
    with pytest.raises(ValueError) as caught:
        headers["x-a"] = value
    assert str(caught.value) == (
        "Invalid value for header 'x-a': header values must be Latin-1 text; "
        "percent-encode other characters."
    )
    assert headers.raw == []


@pytest.mark.parametrize("name", ["location", "Location"])
def test_location_is_percent_encoded_however_it_is_set(name: str) -> None:
    headers = MutableHeaders({name: "/café"})
    headers.append(name, "/日本")
    assert headers.raw == [
        (b"location", b"/caf%C3%A9"),
        (b"location", b"/%E6%97%A5%E6%9C%AC"),
    ]
    headers[name] = "/a b"
    assert headers.raw == [(b"location", b"/a%20b")]
    with pytest.raises(ValueError, match="control character"):
        headers[name] = "/x\r\nSet-Cookie: a=1"


def test_other_latin_1_values_are_not_encoded() -> None:
    assert MutableHeaders({"x-name": "café"}).raw == [(b"x-name", b"caf\xe9")]


# --- the grammar regexes other modules share ---

TCHAR = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def test_token_is_rfc9110_tchar() -> None:
    assert TOKEN.fullmatch(TCHAR)
    others = [chr(c) for c in range(0x100) if chr(c) not in TCHAR]
    assert [c for c in others if TOKEN.fullmatch(f"a{c}")] == []


@pytest.mark.parametrize("text", ["", "x-a\n", "\nx-a", "x a"])
def test_token_refuses_anything_but_token_characters(text: str) -> None:
    assert TOKEN.fullmatch(text) is None


def test_control_is_c0_and_del() -> None:
    found = [c for c in range(0x100) if CONTROL.search(chr(c))]
    assert found == [*range(0x20), 0x7F]


def test_forbidden_in_value_is_control_except_tab() -> None:
    found = [c for c in range(0x100) if FORBIDDEN_IN_VALUE.search(chr(c))]
    assert found == [c for c in (*range(0x20), 0x7F) if c != 0x09]
