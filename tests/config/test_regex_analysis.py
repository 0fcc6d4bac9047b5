"""Which regular expressions can backtrack catastrophically, and where anchors are."""

from __future__ import annotations

import re
import time

import pytest

from routetree._config._regex_analysis import Anchors, find_anchors, find_backtracking

# Each of these takes exponential time in Python on a text that almost matches.
EXPONENTIAL: list[tuple[str, str]] = [
    ("(?:a+)+", "itself repeats"),
    ("(?:a*)*", "itself repeats"),
    ("(?:a+)*b", "itself repeats"),
    ("(?:.*)+", "itself repeats"),
    (r"(?:\d+)+", "itself repeats"),
    (r"(?:\w+\s?)+", "itself repeats"),
    ("(?:a{1,100})+", "itself repeats"),
    ("(?:.*)(?:/(?:.*))*", "itself repeats"),  # :path(.*)* once compiled
    ("(?:a|a)+", "alternatives that can match the same text"),
    ("(?:a|aa)+", "alternatives that can match the same text"),
    ("(?:(?:a|b)c|ac)+", "alternatives that can match the same text"),
    ("(?:[^a]|b)+", "alternatives that can match the same text"),
    ("(?:é|é)+", "alternatives that can match the same text"),
    ("(?i)(?:ab|Ab)+", "alternatives that can match the same text"),
    ("(?:a?a?)+", "more than one way"),
    ("(?:a?){24}a{24}", "at least 24 times something that can also match nothing"),
    ("x(?!(?:a+)+b)", "itself repeats"),  # inside a lookahead too
    (r"(a)(?:\1)+", "a backreference"),
]


@pytest.mark.parametrize(
    ("regex", "problem"), EXPONENTIAL, ids=[regex for regex, _ in EXPONENTIAL]
)
def test_exponential_regexes_are_found(regex: str, problem: str) -> None:
    found = find_backtracking(regex)
    assert found is not None
    assert problem in found


# Safe: each character of a text can be matched in one way only, or a bounded number.
SAFE = [
    ".*",
    r"\d+",
    "[^/]+",
    "en|fr",
    "(?!api|_next/static|_next/image|favicon.ico).*",
    "(?!internal).*",
    "(?!.*\\.png\\Z).*",
    "[^/]+?(?:/[^/]+?)*",  # :path* once compiled
    r"\d+(?:/\d+)*",  # :id(\d+)* once compiled
    "(?:/[^/]+)*",
    "(?:a|ab)+",  # read by Python as a(?:|b): one way
    "(?:a|b)+",
    "(?:ab|Ab)+",  # the same alternatives, case-sensitive
    "(?i)(?:a|A)+",  # read by Python as one character class
    r"(?:\d|[0-5])+",  # read by Python as one character class
    "(?:a?)+",
    "(?:[0-9a-f]{2})+",
    "(?:[a-z0-9]+-)*[a-z0-9]+",
    r"(?:\w+\s)+",  # \w and \s never share a character
    r"[a-z]{2}(?:-[A-Z]{2})?",
    "(?:(?!x).)*",
    "(?:a+b)+",
    ".*.*",  # only polynomial
]


@pytest.mark.parametrize("regex", SAFE)
def test_safe_regexes_are_accepted(regex: str) -> None:
    assert find_backtracking(regex) is None


@pytest.mark.parametrize("regex", SAFE)
def test_accepted_regexes_fail_fast_on_texts_that_almost_match(regex: str) -> None:
    compiled = re.compile(regex, re.DOTALL)
    texts = [
        word * 30 + end
        for word in ("a", "b", "ab", "Ab", "a-", "a1", "0", "a/", "/a", "aab", "a ")
        for end in ("", "!", "/")
    ]
    started = time.perf_counter()
    for text in texts:
        compiled.fullmatch(text)
    assert time.perf_counter() - started < 0.1


def test_a_huge_regex_is_too_large_to_check() -> None:
    problem = find_backtracking("(?:" + "|".join(f"a{i}" for i in range(3000)) + ")+")
    assert problem is not None
    assert "too large to check" in problem


@pytest.mark.parametrize(
    ("regex", "anchors"),
    [
        ("a", Anchors(False, False, False, False)),
        ("^a$", Anchors(True, True, False, False)),
        (r"\Aa\Z", Anchors(True, True, False, False)),
        ("$", Anchors(False, True, False, False)),
        ("(?!x$).*", Anchors(False, False, False, True)),
        ("a|^b", Anchors(False, False, True, False)),
        ("a$b", Anchors(False, False, False, True)),
        ("^a^", Anchors(True, False, True, False)),
        ("[$^]", Anchors(False, False, False, False)),
        (r"\$", Anchors(False, False, False, False)),
    ],
)
def test_find_anchors(regex: str, anchors: Anchors) -> None:
    assert find_anchors(regex) == anchors
