"""Judge the words around a cue: is it negated, hypothetical, future or background?

Each check looks only at the clause the cue sits in, and mostly at the few words just before it,
because announcements routinely pack an old event and a new one into one sentence ("after the
CPS decided not to charge, the IOPC directed a gross misconduct hearing").
"""

from __future__ import annotations

import re

# Commas, brackets, dashes and contrastive words start a new clause.
_CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014]|\s-\s|\b(?:but|however|whereas|while|although)\b")
_WORD = re.compile(r"[\w'’-]+")
_WINDOW_WORDS = 6

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


def clause_before(sentence: str, offset: int) -> str:
    """The last few words of the clause that leads up to `offset` in the sentence."""
    lead = sentence[:offset]
    breaks = list(_CLAUSE_BREAK.finditer(lead))
    if breaks:
        lead = lead[breaks[-1].end() :]
    words = _WORD.findall(lead)
    return " ".join(words[-_WINDOW_WORDS:])


def clause_after(sentence: str, offset: int, limit: int = 100) -> str:
    """The rest of the clause that follows `offset` in the sentence (at most `limit` chars)."""
    tail = sentence[offset : offset + limit]
    found = _CLAUSE_BREAK.search(tail)
    return tail[: found.start()] if found else tail


def is_negated(before: str) -> bool:
    return _NEGATION.search(before) is not None


def is_hypothetical(before: str) -> bool:
    return _HYPOTHETICAL.search(before) is not None


def is_future(before: str) -> bool:
    return _FUTURE.search(before) is not None


def is_pending(after: str) -> bool:
    """A step said to happen 'in due course' or on a date 'yet to be set' has not happened."""
    return _PENDING_AFTER.search(after) is not None


def is_background(before: str, clause: str, latest_year: int | None) -> bool:
    """Past events recalled for context: 'previously', 'following…', or an older year."""
    if _BACKGROUND.search(before):
        return True
    if latest_year is None:
        return False
    years = [int(year) for year in _YEAR.findall(clause)]
    return bool(years) and max(years) < latest_year


def latest_year(text: str) -> int | None:
    """The most recent year a text mentions: the best guess of when it was written."""
    years = [int(year) for year in _YEAR.findall(text)]
    return max(years) if years else None
