"""Find many literal strings in one pass, and say which sentence each one starts in.

The classifier needs to know, for ~150 cue patterns, which sentences could hold a match. Each
cue has needles (fragments that must start in the sentence, part of its rule) and required
literals derived from its regex (see literals.py). All of them go into one Aho-Corasick
automaton (pyahocorasick), so a document is scanned once, in C, instead of ~450 `str.find`
sweeps. Without pyahocorasick the same answer is computed with `str.find`, only slower.
"""

from __future__ import annotations

import bisect

try:
    import ahocorasick
except ImportError:  # pragma: no cover - exercised only without the optional wheel
    ahocorasick = None


class LiteralIndex:
    """A fixed set of literals, each carrying a tuple of keys (what finding it tells you)."""

    def __init__(self, literals: dict[str, tuple[int, ...]]) -> None:
        if not all(literals):
            raise ValueError("empty literal")
        self._literals = dict(literals)
        if ahocorasick is not None:
            automaton = ahocorasick.Automaton()
            for literal, keys in self._literals.items():
                automaton.add_word(literal, (len(literal) - 1, keys))
            automaton.make_automaton()
            self._automaton = automaton
        else:
            self._automaton = None

    def occurrences(self, text: str) -> list[tuple[int, tuple[int, ...]]]:
        """(start, keys) for every occurrence, overlapping ones included; unordered."""
        if self._automaton is not None:
            return [(end - back, keys) for end, (back, keys) in self._automaton.iter(text)]
        found: list[tuple[int, tuple[int, ...]]] = []
        for literal, keys in self._literals.items():
            at = text.find(literal)
            while at != -1:
                found.append((at, keys))
                at = text.find(literal, at + 1)
        return found

    def regions(self, text: str, starts: list[int], count: int) -> list[set[int]]:
        """For sentences 0..count-1: keys of the literals that start in each one's region.

        A sentence's region runs from its start to the next sentence's start, so a literal is
        placed exactly as `bisect_right(starts, position) - 1` places it.
        """
        found: list[set[int]] = [set() for _ in range(count)]
        if count == 0:
            return found
        first = starts[0]
        bisect_right = bisect.bisect_right
        if self._automaton is not None:  # the hot loop, without building the list first
            for end, (back, keys) in self._automaton.iter(text):
                at = end - back
                if at < first:
                    continue
                index = bisect_right(starts, at) - 1
                if index < count:
                    found[index].update(keys)
            return found
        for at, keys in self.occurrences(text):
            if at < first:
                continue
            index = bisect_right(starts, at) - 1
            if index < count:
                found[index].update(keys)
        return found
