"""What an announcement says that identifies its matter. Pure: text in, clues out.

A clue is a key two announcements about one matter share, and the words that explain it:

- `ref:`      an oversight reference (IOPC/IPCC, PIRC, Police Ombudsman) or the source's own
- `person:`   the person who died, was hurt or complained, by full name
- `officer:`  an officer named in full with a rank, in a sentence about conduct or charges
- `incident:` the force, the place and the date of the incident, all three
- `url:`      the announcement's own address, and every address it links to

People and officers are only clues together with the force (see linking.py): two men called
John Smith who died in two forces are two matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from monitor.text import fold

# English calendar words: names the patterns below must not take for people or places.
MONTHS = tuple(
    "january february march april may june july august september october november december".split()
)
WEEKDAYS = tuple("monday tuesday wednesday thursday friday saturday sunday".split())

_NAME_WORD = r"(?:Mc|Mac|O')?[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?"
_NAME = rf"{_NAME_WORD}(?: {_NAME_WORD}){{1,2}}"
_TITLE = r"(?:(?:Mr|Mrs|Ms|Miss|Dr)\.? )?"
# The person the matter is about: the one who died, was hurt, was arrested or complained.
# Cue first ("the death of Amara Osei"), or the name before what happened to them ("Amara Osei,
# 32, died"); the second kind is found by its verb and the name read just before it, because a
# pattern opening with a name would be tried at every capital letter of the page.
_CUE_THEN_NAME = re.compile(
    r"\b(?:(?:death|deaths|shooting|killing|murder|murders|injury|injuries|arrest|detention|"
    r"restraint|treatment|search|strip-search|stop) of|(?:family|families|mother|father|sister|"
    r"brother|partner|son|daughter) of|complaints? (?:from|by|made by)) "
    rf"{_TITLE}({_NAME})"
)
# Every match of _CUE_THEN_NAME holds one of these (its title or name opens with a capital).
# Each is searched for by its literal start, much faster than the pattern is run.
_OF_CAPITAL = re.compile(r" of [A-Z]")
_COMPLAINT_BY = re.compile(r"complaints? (?:from|by|made by) [A-Z]")
_THEN_WHAT = re.compile(
    r",? (?:aged )?\d{1,3},? (?:died|was|had|who|from)\b|"
    r" (?:died|was (?:fatally |seriously )?(?:shot|injured|hurt|restrained|tasered|bitten|"
    r"struck|arrested|found))\b"
)
# Every match of _THEN_WHAT holds one of "died", these (found fast: no leading space or \b).
_WAS_WHAT = re.compile(
    r"was (?:fatally |seriously )?"
    r"(?:shot|injured|hurt|restrained|tasered|bitten|struck|arrested|found)"
)
_AGE_WHAT = re.compile(r"\d,? (?:died|was|had|who|from)")
_NAME_BEFORE = re.compile(rf"(?<![A-Za-z] )\b({_NAME})$")
# Ranks of officers whose conduct is at issue; chiefs and commanders are quoted, not accused.
_RANK = (
    r"(?:PC|DC|PS|DS|Sgt|Police Constable|Detective Constable|Police Sergeant|Sergeant|"
    r"Detective Sergeant|Inspector|Detective Inspector|Acting Sergeant|Special Constable|"
    r"Officer)"
)
_OFFICER = re.compile(rf"\b{_RANK}\.? ({_NAME})\b")
_RANK_THEN_CAPITAL = re.compile(rf"{_RANK}\.? [A-Z]")
_CONDUCT = re.compile(
    r"\b(?i:misconduct|charged|charge|trial|court|hearing|dismissed|acquitted|convicted|"
    r"guilty|notice|investigat\w*|suspended|sacked|barred|prosecut\w*|sentenced|jailed|"
    r"tribunal|case to answer|warning)\b"
)
_NOT_A_NAME = {
    *"independent office police conduct commission crown prosecution service".split(),
    *"metropolitan court coroner inquest the a an and director regional chief".split(),
    *"commander superintendent".split(),
    *MONTHS,
    *WEEKDAYS,
}
_BODIES = ("IOPC", "IPCC", "PIRC", "Police Ombudsman", "PONI")
_REFERENCE = re.compile(
    r"\b(?:IOPC|IPCC|PIRC|Police Ombudsman|PONI)(?: [a-z]+){0,3}[ ,(]*"
    r"(?i:ref(?:erence)?|case number|case|investigation number)[.:]?\s*(?:no\.?\s*)?"
    r"([A-Z]{0,5}/?\d[\dA-Z/-]{3,}\d)"
)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_MONTHS = {m: i for i, m in enumerate(MONTHS, start=1)}
_DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)? (" + "|".join(m.title() for m in MONTHS) + r")(?:,? (\d{4}))?\b"
)
_INCIDENT = re.compile(
    r"\b(?i:died|death|shot|injured|hurt|arrested|restrained|collision|crash|incident|found|"
    r"tasered|fell|contact)\b"
)
_PLACE = re.compile(r"\b(?:in|at|near) ([A-Z][a-z]+(?: (?:upon |under )?[A-Z][a-z]+)*)")
_FORCE_NOISE = {"the", "of", "police", "service", "constabulary", "force", "and"}


@dataclass(frozen=True, slots=True)
class Clue:
    key: str  # shared by announcements about one matter, e.g. "person:chris kaba"
    says: str  # why it joins, for people: "Chris Kaba named"

    @property
    def kind(self) -> str:
        return self.key.split(":", 1)[0]


# What identifies a matter is at the top of an announcement: the reader's corpus (3,206
# announcements, monitor/stages/corpus) has none longer than 5,190 characters, and cutting the 32
# longer than 4,000 at 4,000 changes none of their clues or hearing dates. Longer pages (a case
# page with years of updates, ~70 KB in the benchmark) are read this far, which keeps a first
# run of thousands of them linear and cheap.
READ_CHARS = 8000


def force_key(force: str | None) -> str | None:
    """'Metropolitan Police Service' and 'the Metropolitan Police' both give 'metropolitan'."""
    if not force:
        return None
    words = [w for w in re.split(r"[^\w]+", fold(force)) if w and w not in _FORCE_NOISE]
    return " ".join(words) or None


def find_clues(
    *,
    title: str,
    text: str,
    fields: dict[str, str],
    force: str | None,
    case_key: str | None,
    url: str,
    published_at: datetime | None,
) -> list[Clue]:
    """Every clue in one announcement, strongest kinds first, without repeats."""
    found: dict[str, Clue] = {}

    def add(key: str, says: str) -> None:
        found.setdefault(key, Clue(key, says))

    if case_key and case_key.strip():
        add(f"ref:{fold(case_key).strip()}", f"reference {case_key.strip()}")
    body = f"{title}.\n{text[:READ_CHARS]}\n" + "\n".join(fields.values())
    if any(name in body for name in _BODIES):
        for match in _REFERENCE.finditer(body):
            add(f"ref:{fold(match.group(1))}", f"reference {match.group(1)}")
    for link in [url, *(_URL.findall(body) if "://" in body else ())]:
        says = "links to an announcement in the case" if link != url else "linked from the case"
        add(f"url:{_plain_url(link)}", says)
    officers = _officer_names(body)
    for name in people(body):
        if fold(name) not in officers:
            add(f"person:{fold(name)}", f"{name} named")
    for name, shown in officers.items():
        add(f"officer:{name}", f"{shown} named")
    place_key = force_key(force)
    if place_key:
        for when in _DATE.finditer(body):
            incident = _incident(_sentence_at(body, when.start()), when, published_at)
            if incident:
                place, day = incident
                add(
                    f"incident:{place_key}|{fold(place)}|{day.isoformat()}",
                    f"same force, {place}, {day:%-d %b %Y}",
                )
    return sorted(found.values(), key=lambda c: _ORDER.index(c.kind))


_ORDER = ("ref", "person", "officer", "incident", "url")


def people(text: str) -> list[str]:
    """Full names of people a matter is about ('the death of Chris Kaba' → 'Chris Kaba')."""
    cued = _OF_CAPITAL.search(text) or _COMPLAINT_BY.search(text)  # else no cue can match
    found = [m.group(1) for m in _CUE_THEN_NAME.finditer(text)] if cued else []
    told = "died" in text or _WAS_WHAT.search(text) or _AGE_WHAT.search(text)
    for what in _THEN_WHAT.finditer(text) if told else ():
        before = _NAME_BEFORE.search(text, max(0, what.start() - 60), what.start())
        if before:
            found.append(before.group(1))
    names: dict[str, str] = {}
    for raw in found:
        name = _clean_name(raw)
        if name:
            names.setdefault(fold(name), name)
    return list(names.values())


def _officer_names(text: str) -> dict[str, str]:
    """Officers named in full with a rank, in a sentence about conduct or charges."""
    names: dict[str, str] = {}
    if not _RANK_THEN_CAPITAL.search(text):  # in every match; found fast (no leading \b)
        return names
    for match in _OFFICER.finditer(text):
        name = _clean_name(match.group(1))
        if name and _CONDUCT.search(_sentence_at(text, match.start())):
            names.setdefault(fold(name), match.group(0).replace(match.group(1), name))
    return names


def _sentence_at(text: str, at: int) -> str:
    """The sentence around position `at` (bounded by '. ', line breaks or 400 characters)."""
    start = max(text.rfind(". ", max(0, at - 400), at), text.rfind("\n", max(0, at - 400), at))
    start = max(start + 1, at - 400)
    ends = [i for i in (text.find(". ", at, at + 400), text.find("\n", at, at + 400)) if i >= 0]
    return text[start : min(ends) + 1 if ends else at + 400]


def _clean_name(raw: str) -> str | None:
    words = raw.split()
    while words and words[-1].casefold() in _NOT_A_NAME:
        words.pop()
    if len(words) < 2 or any(w.casefold() in _NOT_A_NAME for w in words):
        return None
    return " ".join(words)


def _incident(
    sentence: str, when: re.Match[str], published_at: datetime | None
) -> tuple[str, date] | None:
    """(place, date) when the sentence of a date also tells where the incident happened."""
    if not _INCIDENT.search(sentence):
        return None
    place = next(
        (
            m.group(1)
            for m in _PLACE.finditer(sentence)
            if m.group(1).split()[0].casefold() not in _NOT_A_NAME
        ),
        None,
    )
    if not place:
        return None
    month = _MONTHS[when.group(2).casefold()]
    if when.group(3):
        year = int(when.group(3))
    elif published_at is not None:  # "on 5 March", published in April 2024: March 2024
        year = published_at.year - (1 if month > published_at.month else 0)
    else:
        return None
    try:
        return place, date(year, month, int(when.group(1)))
    except ValueError:
        return None


def _plain_url(url: str) -> str:
    """An address as two pages would both write it: no scheme, no 'www.', no trailing slash."""
    url = re.sub(r"^https?://(?:www\.)?", "", url.strip().rstrip(".,;"))
    return url.split("#", 1)[0].rstrip("/").casefold()
