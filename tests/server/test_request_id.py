"""routetree._server._request_id: which client ids are reused, and the new ones."""

from __future__ import annotations

import re

import pytest

from routetree._server._request_id import (
    assign_request_id,
    is_valid_request_id,
    new_request_id,
    with_request_id,
)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(b"a", id="one-char"),
        pytest.param(b"abc.123_DEF-xyz", id="every-class"),
        pytest.param(b"4bf92f3577b34da6a3ce929d0e0e4736", id="hex"),
        pytest.param(b"f47ac10b-58cc-4372-a567-0e02b2c3d479", id="uuid"),
        pytest.param(b"x" * 255, id="255-chars"),
    ],
)
def test_ids_of_1_to_255_safe_characters_are_reused(value: bytes) -> None:
    assert is_valid_request_id(value)
    headers = [(b"host", b"example.com"), (b"x-request-id", value)]
    assert assign_request_id(headers) == (value.decode(), None)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"x" * 256, id="256-chars"),
        pytest.param(b"bad id", id="space"),
        pytest.param(b"id\nGET /admin", id="newline"),
        pytest.param(b"id\x1b[2J", id="escape"),
        pytest.param(b"caf\xc3\xa9", id="non-ascii"),
        pytest.param(b"a/b", id="slash"),
        pytest.param(b'"quoted"', id="quote"),
        pytest.param(b"a,b", id="comma"),
    ],
)
def test_other_ids_are_replaced_by_a_new_one(value: bytes) -> None:
    assert not is_valid_request_id(value)
    headers = [(b"host", b"example.com"), (b"x-request-id", value)]
    request_id, rewritten = assign_request_id(headers)
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert rewritten == [
        (b"host", b"example.com"),
        (b"x-request-id", request_id.encode()),
    ]
    assert headers[1] == (b"x-request-id", value), "the scope's list is not changed"


def test_two_ids_are_replaced_by_one_new_one() -> None:
    headers = [
        (b"x-request-id", b"one"),
        (b"accept", b"*/*"),
        (b"x-request-id", b"two"),
    ]
    request_id, rewritten = assign_request_id(headers)
    assert request_id not in ("one", "two")
    assert rewritten == [(b"accept", b"*/*"), (b"x-request-id", request_id.encode())]


def test_a_request_without_an_id_gets_a_new_one() -> None:
    request_id, rewritten = assign_request_id([(b"host", b"h")])
    assert rewritten == [(b"host", b"h"), (b"x-request-id", request_id.encode())]


def test_new_ids_are_32_random_hex_digits() -> None:
    ids = {new_request_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in ids)


def test_response_headers_get_exactly_one_id() -> None:
    sent = [(b"content-type", b"text/plain"), (b"X-Request-Id", b"theirs")]
    assert with_request_id(sent, b"ours") == [
        (b"content-type", b"text/plain"),
        (b"x-request-id", b"ours"),
    ]
    assert sent[1] == (b"X-Request-Id", b"theirs"), "a response's list is not changed"
