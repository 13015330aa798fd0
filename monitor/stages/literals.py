"""Literal strings a regular expression cannot match without: cheap, exact pre-filters.

`required_factors(pattern)` reads the parsed pattern and returns sets of strings such that every
match of the pattern contains at least one string of each set. Checking a text for those strings
(a substring search, or one Aho-Corasick pass for many patterns at once) rules a pattern out
without running the regex engine, and never rules out a text the pattern would match: the sets
are derived from the pattern's structure, not guessed.
"""

from __future__ import annotations

import re
from itertools import product
from re import _constants as C  # type: ignore[attr-defined]  # noqa: N812
from re import _parser  # type: ignore[attr-defined]

_MAX_SET = 64  # more alternatives than this and a run is cut into shorter runs
_MAX_CHARS = 8  # a character class wider than this is not spelled out

Factor = frozenset[str]


def required_factors(pattern: re.Pattern[str]) -> list[Factor]:
    """Sets of literals, each of which must contribute one substring to every match."""
    if pattern.flags & re.IGNORECASE:
        return []
    tree = _parser.parse(pattern.pattern, pattern.flags)
    factors = _sequence_factors(list(tree))
    return [factor for factor in factors if factor and "" not in factor]


def best(factors: list[Factor]) -> Factor | None:
    """The most selective set: longest shortest string, then fewest strings."""
    if not factors:
        return None
    return max(factors, key=lambda factor: (min(map(len, factor)), -len(factor)))


def _exact(items: list) -> set[str] | None:
    """Every string a sequence can consume, when that set is small; else None."""
    strings = {""}
    for item in items:
        options = _exact_item(item)
        if options is None:
            return None
        strings = {a + b for a, b in product(strings, options)}
        if len(strings) > _MAX_SET:
            return None
    return strings


def _exact_item(item) -> set[str] | None:
    op, av = item
    if op is C.LITERAL:
        return {chr(av)}
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return {""}  # zero width: consumes nothing
    if op is C.IN:
        return _chars(av)
    if op is C.SUBPATTERN:
        _group, add_flags, del_flags, body = av
        if add_flags or del_flags:
            return None
        return _exact(list(body))
    if op is C.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            options = _exact(list(alternative))
            if options is None:
                return None
            union |= options
            if len(union) > _MAX_SET:
                return None
        return union
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, high, body = av
        if high is C.MAXREPEAT or high > 2:
            return None
        options = _exact(list(body))
        if options is None:
            return None
        strings: set[str] = set()
        for count in range(low, high + 1):
            for parts in product(options, repeat=count):
                strings.add("".join(parts))
                if len(strings) > _MAX_SET:
                    return None
        return strings
    return None


def _chars(av) -> set[str] | None:
    chars: set[str] = set()
    for op, value in av:
        if op is C.LITERAL:
            chars.add(chr(value))
        elif op is C.RANGE and value[1] - value[0] < _MAX_CHARS:
            chars.update(chr(code) for code in range(value[0], value[1] + 1))
        else:  # NEGATE, CATEGORY, wide ranges
            return None
        if len(chars) > _MAX_CHARS:
            return None
    return chars


def _sequence_factors(items: list) -> list[Factor]:
    """Factor sets of a sequence: its exact runs, plus those required inside other items."""
    factors: list[Factor] = []
    run: set[str] = {""}
    for item in items:
        options = _exact_item(item)
        if options is not None:
            grown = {a + b for a, b in product(run, options)}
            if len(grown) <= _MAX_SET:
                run = grown
                continue
            factors.append(frozenset(run))
            run = options
            continue
        factors.append(frozenset(run))
        run = {""}
        factors.extend(_inner_factors(item))
    factors.append(frozenset(run))
    return [factor for factor in factors if "" not in factor]


def _inner_factors(item) -> list[Factor]:
    """Factor sets every match of a non-exact item must contain."""
    op, av = item
    if op is C.SUBPATTERN:
        _group, add_flags, del_flags, body = av
        if add_flags or del_flags:
            return []
        return _sequence_factors(list(body))
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _high, body = av
        return _sequence_factors(list(body)) if low >= 1 else []
    if op is C.BRANCH:
        # One set per alternative; their union is required of the branch.
        union: set[str] = set()
        for alternative in av[1]:
            chosen = best(_sequence_factors(list(alternative)))
            if chosen is None:
                return []
            union |= chosen
        return [frozenset(union)]
    return []
