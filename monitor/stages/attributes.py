"""Attributes read from a sentence: how many officers, which severity, which route."""

from __future__ import annotations

import re

from monitor.stages.literals import best, required_factors

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
}
_NUM = r"(?:\d{1,3}|(?i:" + "|".join(_NUMBER_WORDS) + r"))"
# Words that may sit between a number and "officers": status, unit, force names (capitalised).
_MODIFIER = (
    r"(?:serving|former|current|retired|other|more|further|additional|police|firearms|armed|"
    r"uniformed|specialist|special|response|custody|detention|male|female|junior|senior|"
    r"neighbourhood|off-duty|on-duty|traffic|roads|detective|student|probationary|"
    r"[A-Z][A-Za-z&'’-]+(?:\s+(?:and|&)\s+[A-Z][A-Za-z'’-]+)?)"
)
_OFFICER_NOUN = (
    r"(?:officers|officer|constables|constable|PCs|PC|sergeants|sergeant|inspectors|inspector|"
    r"detectives|detective|members\s+of\s+(?:police\s+)?staff|staff\s+members)"
)
_COUNT = re.compile(rf"\b(?P<n>{_NUM})\s+(?:{_MODIFIER}\s+){{0,4}}{_OFFICER_NOUN}\b")
# "five serving and three former officers": two numbers share one noun.
_COORDINATED = re.compile(
    rf"\b(?P<a>{_NUM})\s+(?:{_MODIFIER}\s+){{1,3}}(?:and|&)\s+(?P<b>{_NUM})\s+"
    rf"(?:{_MODIFIER}\s+){{0,4}}{_OFFICER_NOUN}\b"
)
# "seven officers … and a further ten": an addition to a count already made in the sentence.
_FURTHER = re.compile(
    rf"\b(?i:a\s+further|another|an\s+additional)\s+(?P<n>{_NUM})\b"
    r"(?!\s+(?i:years?|months?|weeks?|days?|hours?|people|members\s+of\s+the\s+public|men|women"
    r"|children|witnesses|complaints|allegations|recommendations))"
)
_SINGLE = re.compile(
    rf"\b(?:(?i:an?|one|the)\s+(?:{_MODIFIER}\s+){{0,3}}(?:officer|constable|sergeant|inspector|"
    r"detective)\b(?!s)|(?<!Chief\s)(?:PC|DC|DS|Sgt|Sergeant|Inspector|Chief\s+Inspector|"
    r"Superintendent|Detective\s+Constable|Detective\s+Sergeant|Police\s+Constable|Constable)"
    # A named senior officer quoted ("Chief Superintendent Jo Lee said") is a spokesperson.
    r"\s+[A-Z][a-z]+(?![^.\n]{0,50}\bsaid\b))"
)
_SINGULAR_NOUN = r"(?:officer|constable|sergeant|inspector|detective)\b(?!s)"
# "four police officers and a detention officer", "two serving officers and the retired
# officer": a count plus one more person named after it (not "including a sergeant").
_PLUS_ONE = re.compile(
    rf"{_OFFICER_NOUN}\b(?P<gap>[^.;:]{{0,80}}?)\band\s+(?i:an?|the)\s+(?:{_MODIFIER}\s+){{0,4}}"
    rf"{_SINGULAR_NOUN}"
)
_SUBSET = re.compile(r"\b(?:including|includes|among|amongst|of\s+whom|one\s+of|such\s+as)\b", re.I)
# "Two officers, a constable who took the report and the sergeant who reviewed it": the words
# after the count list its members, so "and the sergeant" is one of them, not one more.
_MEMBER_LIST = re.compile(
    rf"\s*[,:(\u2013\u2014-]\s*(?i:an?|one|the)\s+(?:{_MODIFIER}\s+){{0,3}}{_SINGULAR_NOUN}"
)
# "a sergeant and two constables"
_ONE_PLUS = re.compile(
    rf"\b(?i:an?)\s+(?:{_MODIFIER}\s+){{0,3}}{_SINGULAR_NOUN}\s+(?:and|&)\s+(?P<n>{_NUM})\s+"
    rf"(?:{_MODIFIER}\s+){{0,4}}{_OFFICER_NOUN}\b"
)
# "An officer has been dismissed and another has been given a final written warning"
_AND_ANOTHER = re.compile(
    rf"\b(?i:an?|one)\s+(?:{_MODIFIER}\s+){{0,3}}{_SINGULAR_NOUN}[^.;]{{0,120}}?\b(?:and|while|whilst)"
    r"\s+(?:another|a\s+colleague|a\s+second)\b(?!\s+(?:man|woman|person|member|time|incident))"
)
# Titles drop articles: "Met officer dismissed for gross misconduct".
_SINGLE_IN_TITLE = re.compile(r"\b(?:officer|constable|sergeant|PC|detective)\b(?!s)", re.I)


# Literals (case-sensitive) without which _COUNT, _COORDINATED or _SINGLE cannot match, read off
# the patterns themselves (literals.py): a sentence without one is answered without a regex.
_COUNT_NEEDS = tuple(sorted(best(required_factors(_COUNT)) or ()))
_SINGLE_NEEDS = tuple(sorted(best(required_factors(_SINGLE)) or ()))
assert _COUNT_NEEDS and _SINGLE_NEEDS
# Every _COORDINATED match holds one of _COUNT_NEEDS too (it ends in the same officer noun).
assert any(
    all(any(need in literal for need in _COUNT_NEEDS) for literal in factor)
    for factor in required_factors(_COORDINATED)
)


def _has_any(sentence: str, literals: tuple[str, ...]) -> bool:
    for literal in literals:
        if literal in sentence:
            return True
    return False


def _noun_length(match: re.Match[str]) -> int:
    """Length of the officer noun that ends a _COUNT match ("officers", "members of staff")."""
    noun = re.search(rf"{_OFFICER_NOUN}$", match.group())
    return len(noun.group()) if noun else 0


def _value(number: str) -> int:
    return int(number) if number.isdigit() else _NUMBER_WORDS[number.lower()]


def officer_count(sentence: str) -> int | None:
    """How many officers a sentence counts, adding coordinated groups; None if it gives none."""
    if not _has_any(sentence, _COUNT_NEEDS):
        return None
    coordinated = _COORDINATED.search(sentence)
    if coordinated:
        return _value(coordinated.group("a")) + _value(coordinated.group("b"))
    one_plus = _ONE_PLUS.search(sentence)
    if one_plus:
        return 1 + _value(one_plus.group("n"))
    matches = [match for match in _COUNT.finditer(sentence) if _value(match.group("n")) > 0]
    counts = [_value(match.group("n")) for match in matches]
    if not counts or counts == [1]:
        if _AND_ANOTHER.search(sentence):
            return 2
        if not counts:
            return None
    further = _FURTHER.search(sentence)
    if further:
        return counts[0] + _value(further.group("n"))
    plus_one = _PLUS_ONE.match(sentence, matches[0].end() - _noun_length(matches[0]))
    if (
        len(counts) == 1
        and plus_one
        and not _SUBSET.search(plus_one.group("gap"))
        and not _MEMBER_LIST.match(plus_one.group("gap"))
    ):
        return counts[0] + 1
    # "Of the eight officers, five were…": the largest number is the group the text concerns.
    return max(counts)


def mentions_one_officer(sentence: str, *, is_title: bool = False) -> bool:
    """True when the sentence is about a single, unnamed or named, officer."""
    if _has_any(sentence, _SINGLE_NEEDS) and _SINGLE.search(sentence):
        return True
    return is_title and _SINGLE_IN_TITLE.search(sentence) is not None


_GROSS = re.compile(r"\bgross\s+misconduct\b", re.I)
_DENIAL = re.compile(
    r"\b(?:not|no|rather\s+than|instead\s+of|downgraded\s+from)\b(?:\s+\w+){0,3}\s*$", re.I
)
# Plain "misconduct" that states a level, not "misconduct hearing" (which hears either level).
_PLAIN_MISCONDUCT = re.compile(
    r"(?<!gross\s)\bmisconduct\b(?!\s+(?:in\s+(?:a\s+)?public\s+office|hearings?|proceedings|panels?|"
    r"process|investigations?|regulations|allegations?|outcomes?|cases?|caution|system))",
    re.I,
)


def severity(sentence: str) -> str | None:
    """'gross_misconduct', 'misconduct' or None, as the sentence states it.

    Denied levels ("did not amount to misconduct", "rather than gross misconduct") don't count.
    """
    if any(not _denied(sentence, m.start()) for m in _GROSS.finditer(sentence)):
        return "gross_misconduct"
    if any(not _denied(sentence, m.start()) for m in _PLAIN_MISCONDUCT.finditer(sentence)):
        return "misconduct"
    return None


_NUMBER = re.compile(rf"\b{_NUM}\b")


def mixed_severity(sentence: str) -> bool:
    """Both levels, each for its own group: "Seven officers have been served with gross
    misconduct notices and ten with misconduct notices"."""
    if len(_NUMBER.findall(sentence)) < 2:
        return False
    gross = any(not _denied(sentence, m.start()) for m in _GROSS.finditer(sentence))
    plain = any(not _denied(sentence, m.start()) for m in _PLAIN_MISCONDUCT.finditer(sentence))
    return gross and plain


def _denied(sentence: str, start: int) -> bool:
    return _DENIAL.search(sentence, max(0, start - 30), start) is not None


_ROUTES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "accelerated",
        re.compile(r"\baccelerated\b|\bfast[- ]?track|\bspecial\s+case\s+hearing", re.I),
    ),
    ("hearing", re.compile(r"\b(?:misconduct|disciplinary)\s+hearings?\b|\bhearing\s+panel", re.I)),
    ("meeting", re.compile(r"\bmisconduct\s+meetings?\b", re.I)),
    (
        "rprp",
        re.compile(r"\breflective\s+practice\b|\bRPRP\b|practice\s+requiring\s+improvement", re.I),
    ),
)


def route(sentence: str) -> str | None:
    """'accelerated', 'hearing', 'meeting' or 'rprp', as the sentence states it."""
    for name, pattern in _ROUTES:
        if pattern.search(sentence):
            return name
    return None
