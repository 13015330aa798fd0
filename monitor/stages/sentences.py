"""Split announcement text into sentences without changing a character of it.

Evidence must be a verbatim substring of what the body published, so sentences are spans into
the original string rather than cleaned-up copies.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from typing import NamedTuple

# A boundary is end punctuation (optionally closing quotes/brackets) followed by whitespace and
# something that can start a sentence, or a line break. Bullets and headings end at line breaks.
# Group 1 is the punctuation: the sentence ends after it (or where the whitespace begins).
_BOUNDARY = re.compile(r"([.!?][\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9£])|\s*\n\s*")
# Every boundary starts at end punctuation or in whitespace that holds a line break. Python's
# regex engine would try _BOUNDARY at every character (~40 ns each); this finds the few places
# worth trying, skipping other characters in C.
_CANDIDATE = re.compile(r"[.!?\n]")


# Abbreviations that end in a full stop but rarely end a sentence in police releases.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st no sgt det insp supt ch pc dc ds di dci dsi supt rt hon co ltd "
    "jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e etc vs v gov".split()
)
_WORD_CHARACTERS = string.ascii_letters + "."


class Sentence(NamedTuple):
    """One sentence: its position in the text and the verbatim text itself.

    A named tuple because documents have dozens and a frozen dataclass is slow to build.
    """

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of `text`, in order, each a verbatim slice with outer spaces trimmed."""
    # The loop of the plain version below (`_split_plainly`, kept as the reference), with the
    # boundary search of `_boundaries` and the trimming of `_append` written inline: this runs
    # on every text and the calls and generator steps were a third of its time.
    sentences: list[Sentence] = []
    start = 0
    searched_to = 0  # where _BOUNDARY.finditer would resume
    match_at = _BOUNDARY.match
    for at in _candidates(text):
        if at < searched_to:
            continue
        if text[at] == "\n":
            # The whitespace run holding this line break starts here or a little earlier.
            while at > searched_to and text[at - 1].isspace():
                at -= 1
        boundary = match_at(text, at)
        if boundary is None:
            continue
        searched_to = boundary.end()
        # Punctuation ends the sentence; a line break ends it where the whitespace begins.
        punctuation_start, stop = boundary.span(1)
        if punctuation_start == -1:
            stop = boundary.start()
        if text[stop - 1] == "." and _ends_in_abbreviation(text, start, stop):
            continue
        if start < stop:
            if text[start].isspace() or text[stop - 1].isspace():
                _append(sentences, text, start, stop)
            else:
                sentences.append(_new_sentence(Sentence, (start, stop, text[start:stop])))
        start = searched_to
    _append(sentences, text, start, len(text))
    return sentences


_new_sentence = tuple.__new__  # what Sentence(start, end, text) does, without its Python frame


def _candidates(text: str) -> list[int]:
    """Offsets of every [.!?] and line break, in order (what `_CANDIDATE.finditer` finds).

    `str.find` per character is faster than the regex engine's class scan on these texts.
    """
    found: list[int] = []
    for char in ".!?\n":
        at = text.find(char)
        while at != -1:
            found.append(at)
            at = text.find(char, at + 1)
    found.sort()
    return found


def _split_plainly(text: str) -> list[Sentence]:
    """The reference version of `split_sentences` (same result, slower)."""
    sentences: list[Sentence] = []
    start = 0
    for boundary in _boundaries(text):
        stop = boundary.end(1) if boundary.start(1) != -1 else boundary.start()
        if text[stop - 1] == "." and _ends_in_abbreviation(text, start, stop):
            continue
        _append(sentences, text, start, stop)
        start = boundary.end()
    _append(sentences, text, start, len(text))
    return sentences


def _boundaries(text: str) -> Iterator[re.Match[str]]:
    """Exactly the matches of `_BOUNDARY.finditer(text)`, found faster.

    finditer tries each position from the end of the last match. A match can only start at
    [.!?] (first alternative) or at the start of a whitespace run holding a line break (the
    second): every other position fails. So only those positions are tried, in order.
    """
    searched_to = 0  # where finditer would resume
    match_at = _BOUNDARY.match
    for candidate in _CANDIDATE.finditer(text):
        at = candidate.start()
        if at < searched_to:
            continue
        if text[at] == "\n":
            # The whitespace run holding this line break starts here or a little earlier.
            while at > searched_to and text[at - 1].isspace():
                at -= 1
        found = match_at(text, at)
        if found is not None:
            yield found
            searched_to = found.end()


def _ends_in_abbreviation(text: str, start: int, stop: int) -> bool:
    if stop == 0 or text[stop - 1] != ".":
        return False
    # Usually five ASCII letters precede the stop ("dismissed."): then the word below is at
    # least five letters long, longer than any abbreviation.
    if stop - 6 >= start:
        last = text[stop - 6 : stop - 1]
        if last.isalpha() and last.isascii():
            return False
    # The run of letters and dots before the final stop, within 12 characters: what
    # `([A-Za-z.]+)\.$` finds searching text[max(start, stop - 12):stop].
    before = text[max(start, stop - 12) : stop - 1]
    word = before[len(before.rstrip(_WORD_CHARACTERS)) :]
    return bool(word) and word.lower().rstrip(".") in _ABBREVIATIONS


def _append(sentences: list[Sentence], text: str, start: int, stop: int) -> None:
    if start < stop and text[start].isspace():
        while start < stop and text[start].isspace():
            start += 1
    if stop > start and text[stop - 1].isspace():
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
