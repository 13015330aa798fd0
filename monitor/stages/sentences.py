"""Split announcement text into sentences without changing a character of it.

Evidence must be a verbatim substring of what the body published, so sentences are spans into
the original string rather than cleaned-up copies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A boundary is end punctuation (optionally closing quotes/brackets) followed by whitespace and
# something that can start a sentence, or a line break. Bullets and headings end at line breaks.
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9£])|\s*\n\s*")

# Abbreviations that end in a full stop but rarely end a sentence in police releases.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st no sgt det insp supt ch pc dc ds di dci dsi supt rt hon co ltd "
    "jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e etc vs v gov".split()
)
_LAST_WORD = re.compile(r"([A-Za-z.]+)\.$")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its position in the text and the verbatim text itself."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of `text`, in order, each a verbatim slice with outer spaces trimmed."""
    sentences: list[Sentence] = []
    start = 0
    for boundary in _BOUNDARY.finditer(text):
        stop = boundary.start() + _punctuation_length(boundary.group())
        if _ends_in_abbreviation(text, start, stop):
            continue
        _append(sentences, text, start, stop)
        start = boundary.end()
    _append(sentences, text, start, len(text))
    return sentences


def _punctuation_length(boundary: str) -> int:
    return len(boundary) - len(boundary.lstrip(".!?\"'”’)]"))


def _ends_in_abbreviation(text: str, start: int, stop: int) -> bool:
    if stop == 0 or text[stop - 1] != ".":
        return False
    word = _LAST_WORD.search(text, max(start, stop - 12), stop)
    return bool(word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS)


def _append(sentences: list[Sentence], text: str, start: int, stop: int) -> None:
    while start < stop and text[start].isspace():
        start += 1
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    if stop > start:
        sentences.append(Sentence(start, stop, text[start:stop]))


def fold_case(text: str) -> str:
    """Lower-case `text` without moving any character, so offsets stay valid in the original."""
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    # A few characters ("İ") lower-case to two; keep those as they are.
    return "".join(char.lower() if len(char.lower()) == 1 else char for char in text)
