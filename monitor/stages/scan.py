"""Run regular expressions only near places a cheap substring search has already found.

Python's regex engine scans about 70 ns per character when a pattern starts with `\\b` or an
alternation, so sweeping a 3 KB announcement costs ~0.2 ms per pattern. `str.find` is about a
hundred times faster, so every document-wide search first finds a needle and then runs the
pattern on a short window around it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator


def needle_positions(folded: str, needles: Iterable[str]) -> Iterator[int]:
    """Every offset in `folded` (case-folded text) where one of `needles` starts."""
    for needle in needles:
        found = folded.find(needle)
        while found != -1:
            yield found
            found = folded.find(needle, found + 1)


def search_near(
    pattern: re.Pattern[str],
    folded: str,
    needles: Iterable[str],
    *,
    before: int = 80,
    after: int = 80,
) -> re.Match[str] | None:
    """The earliest match of `pattern` within reach of a needle, or None."""
    best: re.Match[str] | None = None
    for position in sorted(set(needle_positions(folded, needles))):
        if best is not None and position - before > best.start():
            break
        # Start the window at a word boundary so a cut never creates a false word start.
        start = folded.rfind(" ", 0, max(0, position - before)) + 1
        match = pattern.search(folded, start, position + after)
        if match and (best is None or match.start() < best.start()):
            best = match
    return best
