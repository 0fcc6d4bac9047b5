"""Render counters shared by the test routes: how often each handler ran per key."""

from collections import Counter

renders: Counter[str] = Counter()


def count(key: str) -> int:
    renders[key] += 1
    return renders[key]
