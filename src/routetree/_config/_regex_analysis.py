r"""What a regular expression from the project's config can do, from its parse tree.

Path patterns (`routetree._config._patterns`) and ``has``/``missing`` condition values
hold regular expressions that are matched against what a request sends. Python's ``re``
backtracks: a regex that can match one text in exponentially many ways (``(a+)+``,
``(a|a)+``, ``(a|aa)+``) takes exponential time on a text that *almost* matches, so a
path of 30 characters can block the event loop for minutes. `find_backtracking` finds
such a regex at start-up, so it is refused before the first request; `find_anchors`
tells where a regex uses ``^`` and ``$``.

Both read the tree that ``re`` itself compiles (``re._parser``), so they see the
alternatives and repetitions the engine will try (it rewrites ``a|ab`` as ``a(?:|b)``,
which is safe to repeat, and ``a|a`` as ``a(?:|)``, which is not).

How `find_backtracking` decides: for each repetition (``*``, ``+``, ``{m,n}``), the
repeated body becomes a position automaton (Glushkov's construction: one state per
character class in the body, and an edge for each way one position can follow
another, counted, so ``(a+)+`` has two edges from ``a`` back to itself). The
repetition is refused when some position has two different paths back to itself that
read the same text: ``n`` repetitions of that text can then be matched in ``2**n``
ways, and the engine tries each before it gives up (exponential ambiguity, Weber and
Seidl's criterion). The check walks the automaton's product with itself and looks for
a strongly connected component holding a diagonal state ``(p, p)`` and either a state
``(p, q)`` with ``p != q`` or a doubled edge.

The check errs towards refusing. Character classes are exact for ASCII; beyond it,
only ``\w`` characters, ``\s`` characters and the others are told apart (``\d`` may
match any ``\w`` character there, a case-insensitive letter any letter). Lookarounds
and anchors count as always holding. ``{m,n}`` is expanded copy by copy up to 32
copies and read as ``*`` or ``+`` beyond. A repetition with a minimum count of
something that can match nothing (``(a?){20}``) is refused too, since Python then
tries every choice of which required repetitions stay empty.

Not refused: a regex that is only *polynomially* ambiguous, such as ``.*a.*a``. Its
cost grows as a power of the length of the text rather than exponentially, so it
is slow only on long texts.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    # typeshed describes re._parser and re._constants under their old names.
    import sre_constants as _constants
    import sre_parse as _parser
    from collections.abc import Iterable, Iterator
else:
    from re import _constants, _parser

__all__ = ["Anchors", "find_anchors", "find_backtracking"]

_Ranges = tuple[tuple[int, int], ...]

_MAX_CHAR = 0x10FFFF
_EXPAND = 32  # {m,n} up to this count is expanded copy by copy
_MAX_POSITIONS = 2_000
_MAX_PAIRS = 200_000
_START = 0  # the automaton's start state; it reads no character


class _TooComplexError(Exception):
    """The regex is too large to check in reasonable time."""


class _UnsupportedError(Exception):
    """The regex uses a construct the check cannot reason about."""


def _merge(ranges: Iterable[tuple[int, int]]) -> _Ranges:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def _ranges_overlap(a: _Ranges, b: _Ranges) -> bool:
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i][1] < b[j][0]:
            i += 1
        elif b[j][1] < a[i][0]:
            j += 1
        else:
            return True
    return False


def _bits(*ranges: tuple[int, int]) -> int:
    return sum(1 << code for lo, hi in ranges for code in range(lo, hi + 1))


# Beyond ASCII, characters are told apart only by kind: \w characters, \s
# characters (Python's \w and \s never share one), and all others.
_WORD, _SPACE, _OTHER = 1, 2, 4
_ALL_KINDS = _WORD | _SPACE | _OTHER
_ALL_ASCII = (1 << 128) - 1
_ASCII_LETTERS = _bits((0x41, 0x5A), (0x61, 0x7A))


@dataclass(frozen=True, slots=True)
class _Chars:
    """The characters one position can read, exact for ASCII and coarse beyond."""

    ascii: int = 0  # bit n: chr(n) is in the set
    kinds: int = 0  # _WORD | _SPACE | _OTHER: characters of that kind beyond ASCII
    ranges: _Ranges = ()  # and these characters beyond ASCII

    def __or__(self, other: _Chars) -> _Chars:
        return _Chars(
            self.ascii | other.ascii,
            self.kinds | other.kinds,
            _merge([*self.ranges, *other.ranges]),
        )

    def complement(self) -> _Chars:
        """Every character not in the set, and (beyond ASCII) maybe a few more."""
        return _Chars(~self.ascii & _ALL_ASCII, _ALL_KINDS & ~self.kinds)

    def ignoring_case(self) -> _Chars:
        """Widen to what the set may match case-insensitively."""
        ascii, kinds = self.ascii, self.kinds
        letters = ascii & _ASCII_LETTERS
        if letters:
            # "k" also matches the Kelvin sign, a \w character beyond ASCII.
            ascii |= ((letters >> 32) | (letters << 32)) & _ASCII_LETTERS
            kinds |= _WORD
        if self.kinds & (_WORD | _OTHER) or self.ranges:
            ascii |= _ASCII_LETTERS
            kinds |= _WORD | _OTHER
        return _Chars(ascii, kinds, self.ranges)


@functools.lru_cache(maxsize=4096)
def _overlaps(a: _Chars, b: _Chars) -> bool:
    return bool(
        a.ascii & b.ascii
        or a.kinds & b.kinds
        or (a.ranges and (b.kinds or _ranges_overlap(a.ranges, b.ranges)))
        or (b.ranges and a.kinds)
    )


def _literal(lo: int, hi: int) -> _Chars:
    return _Chars(
        _bits((lo, min(hi, 0x7F))) if lo < 0x80 else 0,
        0,
        ((max(lo, 0x80), hi),) if hi >= 0x80 else (),
    )


_ANY = _Chars(_ALL_ASCII, _ALL_KINDS)
_DIGITS = _bits((0x30, 0x39))
_WORDS = _DIGITS | _bits((0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
_SPACES = _bits((0x09, 0x0D), (0x1C, 0x20))
_ASCII_SPACES = _bits((0x09, 0x0D), (0x20, 0x20))


def _unicode_categories() -> dict[object, tuple[_Chars, _Chars]]:
    # (widest, narrowest) set of each category: a negated class is the complement
    # of the narrowest, so it is never narrower than what Python matches.
    digit = (_Chars(_DIGITS, _WORD), _Chars(_DIGITS))
    word = _Chars(_WORDS, _WORD)
    space = _Chars(_SPACES, _SPACE)
    return {
        _constants.CATEGORY_DIGIT: digit,
        _constants.CATEGORY_NOT_DIGIT: (digit[1].complement(), digit[0].complement()),
        _constants.CATEGORY_WORD: (word, word),
        _constants.CATEGORY_NOT_WORD: (word.complement(), word.complement()),
        _constants.CATEGORY_SPACE: (space, space),
        _constants.CATEGORY_NOT_SPACE: (space.complement(), space.complement()),
    }


def _ascii_categories() -> dict[object, tuple[_Chars, _Chars]]:
    out: dict[object, tuple[_Chars, _Chars]] = {}
    for positive, negative, ascii in (
        (_constants.CATEGORY_DIGIT, _constants.CATEGORY_NOT_DIGIT, _DIGITS),
        (_constants.CATEGORY_WORD, _constants.CATEGORY_NOT_WORD, _WORDS),
        (_constants.CATEGORY_SPACE, _constants.CATEGORY_NOT_SPACE, _ASCII_SPACES),
    ):
        out[positive] = (_Chars(ascii),) * 2
        out[negative] = (_Chars(ascii).complement(),) * 2
    return out


_CATEGORIES = {False: _unicode_categories(), True: _ascii_categories()}
_REPEATS = (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT)
_START_ANCHORS = (
    _constants.AT_BEGINNING,
    _constants.AT_BEGINNING_STRING,
    _constants.AT_BEGINNING_LINE,
)
_END_ANCHORS = (_constants.AT_END, _constants.AT_END_STRING, _constants.AT_END_LINE)


def _class(items: list[tuple[object, object]], flags: int) -> _Chars:
    categories = _CATEGORIES[bool(flags & re.ASCII)]
    widest = narrowest = _Chars()
    negate = False
    for op, av in items:
        if op is _constants.NEGATE:
            negate = True
            continue
        if op is _constants.LITERAL:
            code = cast("int", av)
            wide = narrow = _literal(code, code)
        elif op is _constants.RANGE:
            wide = narrow = _literal(*cast("tuple[int, int]", av))
        elif op is _constants.CATEGORY and av in categories:
            wide, narrow = categories[av]
        else:
            raise _UnsupportedError(f"the character class item {op}")
        widest, narrowest = widest | wide, narrowest | narrow
    if negate:
        return narrowest.complement()
    return widest.ignoring_case() if flags & re.IGNORECASE else widest


def _flags(av: object, flags: int) -> tuple[int, _parser.SubPattern]:
    _, add_flags, del_flags, body = cast(
        "tuple[int | None, int, int, _parser.SubPattern]", av
    )
    return (flags | add_flags) & ~del_flags, body


@dataclass
class _Fragment:
    """A piece of a regex in the automaton: where it starts and ends, and ``""``."""

    first: dict[int, int] = field(default_factory=dict)  # position -> ways in
    last: dict[int, int] = field(default_factory=dict)  # position -> ways out
    empty: int = 1  # ways to match "" (0: it cannot); counts stop at 2


def _add(into: dict[int, int], ways: dict[int, int], times: int = 1) -> None:
    if times:
        for position, count in ways.items():
            into[position] = min(2, into.get(position, 0) + count * times)


class _Automaton:
    """Glushkov's position automaton, with the number of ways along each edge."""

    def __init__(self) -> None:
        self.classes: list[_Chars] = [_Chars()]  # _START reads nothing
        self.edges: list[dict[int, int]] = [{}]

    def connect(self, sources: dict[int, int], targets: dict[int, int]) -> None:
        """Add the edges from each of ``sources`` to each of ``targets``."""
        for source, ways_out in sources.items():
            edges = self.edges[source]
            for target, ways_in in targets.items():
                edges[target] = min(2, edges.get(target, 0) + ways_out * ways_in)

    def build(self, pattern: _parser.SubPattern, flags: int) -> _Fragment:
        """Add the positions of ``pattern``, a sequence, and return its fragment."""
        whole = _Fragment()
        for op, av in pattern.data:
            whole = self._concat(whole, self._item(op, av, flags))
        return whole

    def _item(self, op: object, av: object, flags: int) -> _Fragment:
        if op is _constants.LITERAL or op is _constants.NOT_LITERAL:
            code = cast("int", av)
            chars = _literal(code, code)
            if op is _constants.NOT_LITERAL:
                return self._position(chars.complement())
            return self._position(
                chars.ignoring_case() if flags & re.IGNORECASE else chars
            )
        if op is _constants.ANY:
            return self._position(_ANY)
        if op is _constants.IN:
            return self._position(
                _class(cast("list[tuple[object, object]]", av), flags)
            )
        if op is _constants.SUBPATTERN:
            inner, body = _flags(av, flags)
            return self.build(body, inner)
        if op is _constants.ATOMIC_GROUP:
            return self.build(cast("_parser.SubPattern", av), flags)
        if op is _constants.BRANCH:
            _, branches = cast("tuple[None, list[_parser.SubPattern]]", av)
            result = _Fragment(empty=0)
            for branch in branches:
                piece = self.build(branch, flags)
                _add(result.first, piece.first)
                _add(result.last, piece.last)
                result.empty = min(2, result.empty + piece.empty)
            return result
        if op in _REPEATS:
            low, high, body = cast("tuple[int, int, _parser.SubPattern]", av)
            return self._repeat(low, high, body, flags)
        if op in (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT):
            # Zero-width: read as always holding, which only adds paths.
            return _Fragment()
        if op in (_constants.GROUPREF, _constants.GROUPREF_EXISTS):
            raise _UnsupportedError("a backreference")
        raise _UnsupportedError(str(op))

    def _position(self, chars: _Chars) -> _Fragment:
        if len(self.classes) > _MAX_POSITIONS:
            raise _TooComplexError
        index = len(self.classes)
        self.classes.append(chars)
        self.edges.append({})
        return _Fragment({index: 1}, {index: 1}, 0)

    def _repeat(
        self, low: int, high: int, body: _parser.SubPattern, flags: int
    ) -> _Fragment:
        unbounded = high == _constants.MAXREPEAT
        if high == 0:
            return _Fragment()
        if (low if unbounded else high) > _EXPAND:
            return self._loop(body, flags, optional=low == 0)
        # a{2,} is a a+, and a{1,3} is a (a (a)?)?: nested, so that each count of
        # copies is matched one way only.
        whole = _Fragment()
        for _ in range(low - 1 if unbounded and low else low):
            whole = self._concat(whole, self.build(body, flags))
        if unbounded:
            return self._concat(whole, self._loop(body, flags, optional=low == 0))
        tail: _Fragment | None = None
        for _ in range(high - low):
            piece = self.build(body, flags)
            if tail is not None:
                piece = self._concat(piece, tail)
            piece.empty = min(2, piece.empty + 1)
            tail = piece
        return whole if tail is None else self._concat(whole, tail)

    def _loop(
        self, body: _parser.SubPattern, flags: int, *, optional: bool
    ) -> _Fragment:
        piece = self.build(body, flags)
        self.connect(piece.last, piece.first)
        if optional:
            piece.empty = min(2, piece.empty + 1)
        return piece

    def _concat(self, left: _Fragment, right: _Fragment) -> _Fragment:
        self.connect(left.last, right.first)
        first = dict(left.first)
        _add(first, right.first, left.empty)
        last = dict(right.last)
        _add(last, left.last, right.empty)
        return _Fragment(first, last, min(2, left.empty * right.empty))

    def is_exponentially_ambiguous(self) -> bool:
        """Whether two different paths lead from a position back to it on one text."""
        index: dict[tuple[int, int], int] = {(_START, _START): 0}
        pairs = [(_START, _START)]
        successors: list[list[tuple[int, bool]]] = []
        classes, edges = self.classes, self.edges
        for p, q in pairs:  # grows while it is walked: a breadth-first search
            out: list[tuple[int, bool]] = []
            for p2, ways_p in edges[p].items():
                for q2, ways_q in edges[q].items():
                    if p2 != q2 and not _overlaps(classes[p2], classes[q2]):
                        continue
                    target = index.get((p2, q2))
                    if target is None:
                        if len(pairs) >= _MAX_PAIRS:
                            raise _TooComplexError
                        target = index[(p2, q2)] = len(pairs)
                        pairs.append((p2, q2))
                    # Two distinct edges between the same two positions.
                    doubled = p == q and p2 == q2 and min(ways_p, ways_q) > 1
                    out.append((target, doubled))
            successors.append(out)
        for component in _components(successors):
            if not any(pairs[n][0] == pairs[n][1] for n in component):
                continue
            members = set(component)
            if any(pairs[n][0] != pairs[n][1] for n in component) or any(
                doubled and target in members
                for n in component
                for target, doubled in successors[n]
            ):
                return True
        return False


def _components(successors: list[list[tuple[int, bool]]]) -> Iterator[list[int]]:
    """Tarjan's strongly connected components, without recursion."""
    order = [-1] * len(successors)
    low = [0] * len(successors)
    on_stack = [False] * len(successors)
    stack: list[int] = []
    counter = 0
    for root in range(len(successors)):
        if order[root] != -1:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                order[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack[node] = True
            if child < len(successors[node]):
                work.append((node, child + 1))
                target = successors[node][child][0]
                if order[target] == -1:
                    work.append((target, 0))
                elif on_stack[target]:
                    low[node] = min(low[node], order[target])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == order[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    component.append(member)
                    if member == node:
                        break
                yield component


def _walk(
    pattern: _parser.SubPattern, flags: int
) -> Iterator[tuple[object, object, int]]:
    """Every node of the tree, lookaround bodies included, with its flags."""
    for op, av in pattern.data:
        yield op, av, flags
        if op is _constants.SUBPATTERN:
            inner, body = _flags(av, flags)
            yield from _walk(body, inner)
        elif op is _constants.ATOMIC_GROUP:
            yield from _walk(cast("_parser.SubPattern", av), flags)
        elif op is _constants.BRANCH:
            for branch in cast("tuple[None, list[_parser.SubPattern]]", av)[1]:
                yield from _walk(branch, flags)
        elif op in _REPEATS:
            yield from _walk(cast("tuple[int, int, _parser.SubPattern]", av)[2], flags)
        elif op in (_constants.ASSERT, _constants.ASSERT_NOT):
            yield from _walk(cast("tuple[int, _parser.SubPattern]", av)[1], flags)
        elif op is _constants.GROUPREF_EXISTS:
            _, yes, no = cast(
                "tuple[int, _parser.SubPattern, _parser.SubPattern | None]", av
            )
            yield from _walk(yes, flags)
            if no is not None:
                yield from _walk(no, flags)


def _has_repeat(pattern: _parser.SubPattern) -> bool:
    return any(
        op in _REPEATS and cast("tuple[int, int, object]", av)[1] > 1
        for op, av, _ in _walk(pattern, 0)
    )


def _has_branch(pattern: _parser.SubPattern) -> bool:
    return any(op is _constants.BRANCH for op, _, _ in _walk(pattern, 0))


def _problem(low: int, high: int, body: _parser.SubPattern, flags: int) -> str | None:
    """Why repeating ``body`` ``{low,high}`` times (``high > 1``) is exponential."""
    automaton = _Automaton()
    piece = automaton.build(body, flags)
    if piece.empty and piece.first and low > 1:
        # Python must try every choice of which of the low required repetitions
        # stay empty; optional repetitions stop at the first empty one.
        return (
            f"repeats at least {low} times something that can also match nothing, "
            "as (a?){20} does, so one text can be matched in exponentially many "
            "ways"
        )
    automaton.connect(piece.last, piece.first)
    automaton.connect({_START: 1}, piece.first)
    if not automaton.is_exponentially_ambiguous():
        return None
    if _has_repeat(body):
        return (
            "repeats something that itself repeats, as (a+)+ does, so one text "
            "can be split in exponentially many ways"
        )
    if _has_branch(body):
        return (
            "repeats alternatives that can match the same text, as (a|a)+ and "
            "(a|aa)+ do, so one text can be matched in exponentially many ways"
        )
    return (
        "repeats something that can match one text in more than one way, so "
        "one text can be matched in exponentially many ways"
    )


def find_backtracking(regex: str, flags: int = 0) -> str | None:
    """Return why matching ``regex`` can take exponential time, or None when it cannot.

    Args:
        regex: A Python regular expression that compiles.
        flags: The flags it is compiled with.

    Returns:
        A phrase that completes "the regular expression ...", such as ``"repeats
        something that itself repeats, as (a+)+ does, ..."``.
    """
    tree = _parser.parse(regex, flags)
    try:
        for op, av, inner in _walk(tree, tree.state.flags):
            if op in _REPEATS:
                low, high, body = cast("tuple[int, int, _parser.SubPattern]", av)
                problem = _problem(low, high, body, inner) if high > 1 else None
                if problem is not None:
                    return problem
    except _TooComplexError:
        return (
            "is too large to check for catastrophic backtracking; split it into "
            "simpler patterns"
        )
    except _UnsupportedError as exc:
        return f"uses {exc}, which cannot be checked for catastrophic backtracking"
    return None


@dataclass(frozen=True, slots=True)
class Anchors:
    r"""Where a regex uses ``^``/``\A`` (start) and ``$``/``\Z`` (end) anchors.

    Attributes:
        leading_start: The regex begins with a start anchor, outside any group.
        trailing_end: The regex ends with an end anchor, outside any group.
        other_start: A start anchor anywhere else (in a group, lookaround, branch).
        other_end: An end anchor anywhere else.
    """

    leading_start: bool
    trailing_end: bool
    other_start: bool
    other_end: bool


def _is_anchor(item: tuple[object, object], kinds: tuple[object, ...]) -> bool:
    return item[0] is _constants.AT and item[1] in kinds


def find_anchors(regex: str, flags: int = 0) -> Anchors:
    """Return where ``regex`` (which must compile) uses start and end anchors."""
    tree = _parser.parse(regex, flags)
    data = tree.data
    leading = bool(data) and _is_anchor(data[0], _START_ANCHORS)
    trailing = len(data) > leading and _is_anchor(data[-1], _END_ANCHORS)
    starts = ends = 0
    for op, av, _ in _walk(tree, 0):
        starts += _is_anchor((op, av), _START_ANCHORS)
        ends += _is_anchor((op, av), _END_ANCHORS)
    return Anchors(leading, trailing, starts > leading, ends > trailing)
