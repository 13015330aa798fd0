"""Word-level differences between two versions of an announcement, for people to read.

difflib on words (and the spaces between them), so a changed word shows as that word struck
through and its replacement, not a whole changed line. Long unchanged stretches are shortened
to a few words either side of each change.
"""

from __future__ import annotations

import difflib
import re
from typing import Literal

Op = Literal["same", "gone", "new", "skip"]
_WORDS = re.compile(r"\s+|[^\s]+")
CONTEXT = 12  # unchanged words kept either side of a change


def word_diff(before: str, after: str) -> list[tuple[Op, str]]:
    """Runs of (op, text): 'same', 'gone' (only before), 'new' (only after), 'skip' (…)."""
    a, b = _WORDS.findall(before), _WORDS.findall(after)
    runs: list[tuple[Op, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(("same", "".join(a[i1:i2])))
            continue
        if tag in ("replace", "delete"):
            runs.append(("gone", "".join(a[i1:i2])))
        if tag in ("replace", "insert"):
            runs.append(("new", "".join(b[j1:j2])))
    return _shorten(runs)


def changed(runs: list[tuple[Op, str]]) -> bool:
    return any(op in ("gone", "new") for op, _ in runs)


def _shorten(runs: list[tuple[Op, str]]) -> list[tuple[Op, str]]:
    out: list[tuple[Op, str]] = []
    for n, (op, text) in enumerate(runs):
        words = _WORDS.findall(text)
        if op != "same" or len(words) <= 4 * CONTEXT:
            out.append((op, text))
            continue
        keep = 2 * CONTEXT  # words and spaces alternate
        head = "".join(words[:keep]) if n > 0 else ""
        tail = "".join(words[-keep:]) if n < len(runs) - 1 else ""
        if head:
            out.append(("same", head))
        out.append(("skip", "…"))
        if tail:
            out.append(("same", tail))
    return out
