"""Tell a misspelled name from another one: ``onRequestError`` is ``on_request_error``.

Used where a project names something routetree looks up by name (the hooks of
``instrumentation.py``, the keys of ``middleware.py``'s ``config``), to say "did you
mean" only when the name is close: the same letters in another casing or with other
underscores, or one letter added, missing, changed or swapped. ``registry`` is not
``register``: a helper of that name is not a mistake.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["close_match"]


def close_match(name: str, known: Iterable[str]) -> str | None:
    """The name in ``known`` that ``name`` is a misspelling of, or None."""
    squashed = _squash(name)
    for candidate in sorted(known):
        if candidate != name and _distance(squashed, _squash(candidate)) <= 1:
            return candidate
    return None


def _squash(name: str) -> str:
    return name.replace("_", "").lower()


def _distance(a: str, b: str) -> int:
    """Edits from ``a`` to ``b``: insertions, deletions, changes, adjacent swaps."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                best = min(best, previous2[j - 2] + 1)
            current.append(best)
        previous2, previous = previous, current
    return previous[-1]
