"""Conditional and range decisions, with plain values (no request, no file)."""

from __future__ import annotations

import pytest

from routetree._static._conditional import (
    MAX_RANGES,
    Decision,
    Preconditions,
    Validators,
    decide,
    parse_ranges,
)

SIZE = 1000
CURRENT = Validators.of(SIZE, 1_700_000_000_123_456_789)
LATER = "Wed, 15 Nov 2023 00:00:00 GMT"
EARLIER = "Tue, 14 Nov 2023 00:00:00 GMT"


def test_validators_are_a_strong_tag_and_an_http_date() -> None:
    assert CURRENT.etag == f'"{SIZE:x}-{1_700_000_000_123_456_789:x}"'
    assert CURRENT.last_modified == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert CURRENT.mtime == 1_700_000_000


@pytest.mark.parametrize(
    ("preconditions", "expected"),
    [
        (Preconditions(), Decision(200, 0, SIZE)),
        (Preconditions(if_none_match=CURRENT.etag), Decision(304)),
        (Preconditions(if_none_match=f"W/{CURRENT.etag}"), Decision(304)),
        (Preconditions(if_none_match='"a", "b"'), Decision(200, 0, SIZE)),
        (Preconditions(if_none_match="*"), Decision(304)),
        (Preconditions(if_modified_since=CURRENT.last_modified), Decision(304)),
        (Preconditions(if_modified_since=LATER), Decision(304)),
        (Preconditions(if_modified_since=EARLIER), Decision(200, 0, SIZE)),
        (Preconditions(if_modified_since="yesterday"), Decision(200, 0, SIZE)),
        (
            Preconditions(if_none_match='"a"', if_modified_since=LATER),
            Decision(200, 0, SIZE),
        ),
        (Preconditions(if_match='"a"'), Decision(412)),
        (Preconditions(if_match=f"W/{CURRENT.etag}"), Decision(412)),
        (Preconditions(if_match=CURRENT.etag), Decision(200, 0, SIZE)),
        (Preconditions(if_match="*"), Decision(200, 0, SIZE)),
        (Preconditions(if_unmodified_since=EARLIER), Decision(412)),
        (Preconditions(if_unmodified_since=LATER), Decision(200, 0, SIZE)),
        # If-Match decides; If-Unmodified-Since is then not looked at.
        (
            Preconditions(if_match=CURRENT.etag, if_unmodified_since=EARLIER),
            Decision(200, 0, SIZE),
        ),
        (Preconditions(if_match='"a"', if_none_match=CURRENT.etag), Decision(412)),
        (Preconditions(range="bytes=10-19"), Decision(206, 10, 10)),
        (
            Preconditions(range="bytes=10-19", if_range=CURRENT.etag),
            Decision(206, 10, 10),
        ),
        (
            Preconditions(range="bytes=10-19", if_range=CURRENT.last_modified),
            Decision(206, 10, 10),
        ),
        (Preconditions(range="bytes=10-19", if_range='"old"'), Decision(200, 0, SIZE)),
        (Preconditions(range="bytes=10-19", if_range=EARLIER), Decision(200, 0, SIZE)),
        (Preconditions(range="bytes=5000-"), Decision(416)),
        (Preconditions(range="bytes=0-1,10-11"), Decision(200, 0, SIZE)),
        (Preconditions(range="bytes=5000-", if_none_match=CURRENT.etag), Decision(304)),
    ],
)
def test_decide_in_rfc_9110_order(
    preconditions: Preconditions, expected: Decision
) -> None:
    assert decide(preconditions, CURRENT, SIZE, is_get=True) == expected


def test_head_never_gets_a_range() -> None:
    ranged = Preconditions(range="bytes=10-19")
    assert decide(ranged, CURRENT, SIZE, is_get=False) == Decision(200, 0, SIZE)
    revalidated = Preconditions(if_none_match=CURRENT.etag)
    assert decide(revalidated, CURRENT, SIZE, is_get=False) == Decision(304)


@pytest.mark.parametrize(
    ("value", "size", "expected"),
    [
        ("bytes=0-0", 10, [(0, 0)]),
        ("bytes=0-", 10, [(0, 9)]),
        ("bytes=3-100", 10, [(3, 9)]),
        ("bytes=-4", 10, [(6, 9)]),
        ("bytes=-100", 10, [(0, 9)]),
        ("bytes=9-9", 10, [(9, 9)]),
        (" Bytes = 1-2 , 4-5 ", 10, [(1, 2), (4, 5)]),
        ("bytes=4-5,0-1", 10, [(0, 1), (4, 5)]),
        ("bytes=0-4,3-8", 10, [(0, 8)]),
        ("bytes=0-4,5-8", 10, [(0, 8)]),
        ("bytes=0-1,,3-4", 10, [(0, 1), (3, 4)]),
        ("bytes=10-", 10, []),
        ("bytes=-0", 10, []),
        ("bytes=0-", 0, []),
        ("bytes=-5", 0, []),
        ("bytes=20-30,2-3", 10, [(2, 3)]),
        ("bytes=" + "9" * 5000 + "-", 10, []),
        ("bytes=0-" + "9" * 5000, 10, [(0, 9)]),
        ("bytes=-" + "9" * 5000, 10, [(0, 9)]),
        ("bytes=5-2", 10, None),
        ("bytes=a-", 10, None),
        ("bytes=1-2-3", 10, None),
        ("bytes=-", 10, None),
        ("bytes=1", 10, None),
        ("bytes=", 10, None),
        ("bytes=\u0661-2", 10, None),  # an Arabic-Indic digit is not a DIGIT
        ("bytes 0-1", 10, None),
        ("items=0-1", 10, None),
        ("bytes=" + ",".join(["0-0"] * (MAX_RANGES + 1)), 10, None),
    ],
)
def test_parse_ranges(
    value: str, size: int, expected: list[tuple[int, int]] | None
) -> None:
    assert parse_ranges(value, size) == expected


def test_many_ranges_are_parsed_in_linear_time() -> None:
    value = "bytes=" + ",".join(f"{i}-{i}" for i in range(0, 2 * MAX_RANGES, 2))
    assert len(parse_ranges(value, 10**6) or []) == MAX_RANGES
