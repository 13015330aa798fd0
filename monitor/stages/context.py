"""Judge the words around a cue: is it negated, hypothetical, future or background?

Each check looks only at the clause the cue sits in, and mostly at the few words just before it,
because announcements routinely pack an old event and a new one into one sentence ("after the
CPS decided not to charge, the IOPC directed a gross misconduct hearing").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.stages import scan

# Commas, brackets, dashes and contrastive words start a new clause.
_CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014]|\s-\s|\b(?:but|however|whereas|while|although)\b")
_WORD = re.compile(r"[\w'’-]+")
_WINDOW_WORDS = 6
_DATE_REACH = 50  # characters after a cue in which a time phrase still dates it

_NEGATION = re.compile(
    r"\b(?:no|not|never|none|neither|nor|without|cannot|nothing|rather than|instead of)\b"
    r"|n[’']t\b",
    re.IGNORECASE,
)
# Conditions, possibilities, requests and demands: the event has not been decided.
_HYPOTHETICAL = re.compile(
    r"\b(?:if|whether|could|can|may|might|would|unless|potential(?:ly)?|possibl[ey]|consider"
    r"|considering|await(?:s|ing)?|seek(?:s|ing)?|ask(?:s|ed|ing)?|call(?:s|ed|ing)? for"
    r"|urg(?:e|es|ed|ing)|demand(?:s|ed|ing)?|want(?:s|ed)?)\b",
    re.IGNORECASE,
)
# Intentions. Cues phrased as a decided future step ("will face a gross misconduct hearing")
# are marked prospective and skip this check.
_FUTURE = re.compile(
    r"\b(?:will|shall|going to|expected to|due to|set to|plans? to|intends? to|aims? to"
    r"|hopes? to|next steps?)\b",
    re.IGNORECASE,
)
_PENDING_AFTER = re.compile(
    r"\b(?:in due course|at a later date|yet to be (?:set|fixed|arranged|confirmed|decided)"
    r"|to be (?:set|confirmed|arranged|fixed))\b",
    re.IGNORECASE,
)
_BACKGROUND = re.compile(
    r"\b(?:previously|earlier|originally|initially|formerly|already|at the time|had been"
    r"|had previously|had already|after|following|since|prior to|before|who was|who were"
    r"|who had|which was|which had|last year|in the past|historic(?:al)?|was first)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19[89]\d|20[0-4]\d)\b")
# "none of the three officers … has a case to answer": the negation opens the clause.
_NEGATED_SUBJECT = re.compile(
    r"\b(?:none|neither)\s+of\b|\bno\s+(?:\w+\s+){0,2}(?:officers?|one|individual)\b", re.I
)
# "whether"/"if" govern the whole clause that follows them.
_CONDITION = re.compile(r"\b(?:whether|if|unless)\b", re.I)
# A relative pronoun right before the cue ("the constable who was dismissed in 2022") or a
# pluperfect ("had found", "had been served") marks the cue as recalled, not announced.
_RELATIVE_LEAD = re.compile(
    r"\b(?:who|which|whom)\s*$|\bhad\s+(?:already\s+|previously\s+|earlier\s+|also\s+)?"
    r"(?:been|found|decided|concluded|determined|made|served|directed|referred|charged|"
    r"issued|given|received|ruled)\b",
    re.I,
)
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_DATED_PAST = re.compile(
    rf"\b(?:in|during|since)\s+(?:(?:early|late|mid-?)\s*)?(?:{_MONTHS}\s+)?(?:19|20)\d\d\b"
    rf"|\b[Ii]n\s+{_MONTHS}\b|\blast\s+(?:year|month|summer|spring|autumn|winter)\b"
    r"|\bearlier\s+this\s+(?:year|month)\b|\bpreviously\b|\boriginally\b|\bat\s+the\s+time\b"
)
_NOW = re.compile(r"\b(?:today|this\s+(?:week|morning|afternoon)|now)\b", re.I)


@dataclass(frozen=True, slots=True)
class Surroundings:
    """The words around one cue inside its sentence."""

    lead: str  # the whole clause before the cue
    near: str  # the last few words of `lead`
    after: str  # the rest of the clause after the cue (bounded)
    clause: str  # lead + cue + after


def surroundings(sentence: str, start: int, end: int) -> Surroundings:
    """Cut the clause around sentence[start:end] at commas, brackets and contrast words."""
    lead = sentence[:start]
    breaks = list(_CLAUSE_BREAK.finditer(lead))
    if breaks:
        lead = lead[breaks[-1].end() :]
    near = " ".join(_WORD.findall(lead)[-_WINDOW_WORDS:])
    tail = sentence[end : end + 100]
    found = _CLAUSE_BREAK.search(tail)
    after = tail[: found.start()] if found else tail
    return Surroundings(lead, near, after, f"{lead}{sentence[start:end]}{after}")


def is_negated(words: Surroundings) -> bool:
    """'not', 'no', … just before the cue, or 'none of the officers' opening the clause."""
    return bool(_NEGATION.search(words.near) or _NEGATED_SUBJECT.search(words.lead))


def is_hypothetical(words: Surroundings) -> bool:
    """'could', 'may', … just before the cue, or 'whether'/'if' anywhere before it."""
    return bool(_HYPOTHETICAL.search(words.near) or _CONDITION.search(words.lead))


def is_future(words: Surroundings) -> bool:
    return _FUTURE.search(words.near) is not None


def is_pending(words: Surroundings) -> bool:
    """A step said to happen 'in due course' or on a date 'yet to be set' has not happened."""
    return _PENDING_AFTER.search(words.after) is not None


def is_background(words: Surroundings, latest_year: int | None) -> bool:
    """Past events recalled for context: 'previously', 'following…', or an older year."""
    if _BACKGROUND.search(words.near) or _RELATIVE_LEAD.search(words.lead):
        return True
    if latest_year is None:
        return False
    years = [int(year) for year in _YEAR.findall(words.clause)]
    return bool(years) and max(years) < latest_year


def is_dated_past(sentence: str, start: int, end: int) -> bool:
    """The cue is pinned to an earlier time ('in June 2022 we decided', 'found … in 2020').

    Time phrases attach to the verb they date, so only the words before the cue and the few
    just after it are read; a date at the far end of a long sentence dates something else.
    """
    near = sentence[:start] + " " + sentence[end : end + _DATE_REACH]
    return bool(_DATED_PAST.search(near)) and not _NOW.search(near)


def latest_year(text: str) -> int | None:
    """The most recent year a text mentions: the best guess of when it was written."""
    latest = None
    # Substring search instead of a regex over the whole text (see scan.py).
    for at in scan.needle_positions(text, ("19", "20")):
        digits = text[at : at + 4]
        if len(digits) < 4 or not digits.isdigit() or _digit_at(text, at - 1):
            continue
        if _digit_at(text, at + 4):
            continue
        year = int(digits)
        if 1980 <= year < 2050 and (latest is None or year > latest):
            latest = year
    return latest


def _digit_at(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index].isdigit()
