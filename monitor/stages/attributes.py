"""Attributes read from a sentence: how many officers, which severity, which route."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from monitor.stages.features import READ_CHARS
from monitor.stages.index import LiteralIndex
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
    rf"\b(?i:a\s+further|another|an\s+additional|and)\s+(?P<n>{_NUM})\s+(?=(?i:with|were|was|have|had|received|others?|more)\b)"
    rf"|\b(?i:a\s+further|another|an\s+additional)\s+(?P<m>{_NUM})\b"
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
# Titles drop articles: "Met officer dismissed for gross misconduct"; "No officer to face
# misconduct" and "any officer" speak of none or of all, not of one.
_SINGLE_IN_TITLE = re.compile(
    r"(?<!\bno\s)(?<!\bany\s)(?<!\bevery\s)(?<!\beach\s)(?<!\bneither\s)"
    r"\b(?:officer|constable|sergeant|PC|detective)\b(?!s)", re.I)
# "both officers", "neither officer", "the pair": two, without a number.
_PAIR = re.compile(
    rf"\b(?:both|neither|either)\s+(?:of\s+the\s+)?(?:{_MODIFIER}\s+){{0,3}}{_OFFICER_NOUN}\b"
    r"|\b(?:both|neither)\s+of\s+them\b|\bthe\s+pair\b",
    re.I,
)


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


# --- Making the officer regexes cheap, without changing what they find ---------------------
#
# Python's regex engine tries a pattern that starts with `\b` and an alternation at every
# character (~100-200 ns each here: the number words are matched case-insensitively one by
# one), so `_COUNT.finditer` alone cost ~25 us on a 135-character sentence. Every match of
# _COUNT and _COORDINATED starts where a number starts (`\b{_NUM}\s`), so those places are
# found first (`_number_starts`: one automaton pass over the lower-cased sentence) and the
# full patterns are tried only there, with `match`. Sentences without a number skip them.
# Other patterns run only when the literals they require (literals.py) are present.


def _minimal(literals: Iterable[str]) -> tuple[str, ...]:
    """The same test as "one of `literals` occurs", with fewer literals: one that contains
    another can only occur where that other occurs ("officers" holds "officer")."""
    kept = sorted(set(literals), key=len)
    kept = [a for i, a in enumerate(kept) if not any(b in a for b in kept[:i])]
    # Most frequent first (officer nouns in releases), so the usual sentence stops early.
    order = ("officer", "PC", "constable", "sergeant", "detective", "inspector")
    return tuple(sorted(kept, key=lambda a: order.index(a) if a in order else len(order)))


_COUNT_ANY = _minimal(_COUNT_NEEDS)
_SINGLE_ANY = _minimal(_SINGLE_NEEDS)


def _factor_test(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], ...]:
    """All of `pattern`'s required literal sets, most selective first, each made minimal."""
    # Officer nouns are in nearly every sentence that gets here: test them last.
    factors = sorted(
        required_factors(pattern),
        key=lambda f: (any(n in a for a in f for n in _COUNT_ANY), -min(map(len, f)), len(f)),
    )
    return tuple(_minimal(factor) for factor in factors)


def _has_factors(sentence: str, factors: tuple[tuple[str, ...], ...]) -> bool:
    for factor in factors:
        for literal in factor:
            if literal in sentence:
                break
        else:
            return False
    return True


_ONE_PLUS_NEEDS = _factor_test(_ONE_PLUS)
_AND_ANOTHER_NEEDS = _factor_test(_AND_ANOTHER)
assert _ONE_PLUS_NEEDS and _AND_ANOTHER_NEEDS

# For ASCII letters Python's regex engine, under IGNORECASE, matches only the letter's two cases,
# except i (also U+0130, U+0131), k (U+212A) and s (U+017F): checked over every code point,
# CPython 3.11 (`re.fullmatch("(?i)" + letter, chr(code))`).
_CASE_TWINS = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}


# Where a number can start, in the lower-cased sentence: a number word (one that starts no
# longer number word: "four" stands for "fourteen") or an ASCII digit. One automaton pass finds
# them, where `_NUMBER_THEN_SPACE` (a leading `\b` and 25 case-insensitive words) tried at every
# character cost ~15 us per sentence. str.lower keeps every offset except for U+0130, a case
# twin; sentences holding a twin, and non-ASCII digits, are handled without the shortcut.
_NUMBER_PREFIXES = [
    word
    for word in _NUMBER_WORDS
    if not any(word.startswith(w) for w in _NUMBER_WORDS if w != word)
]
_NUMBER_INDEX = LiteralIndex({literal: () for literal in [*_NUMBER_PREFIXES, *"0123456789"]})
_TWINS = "".join(_CASE_TWINS.values())
_DIGIT = re.compile(r"\d")
# Where a count can start: _COUNT and _COORDINATED both begin with this.
_NUMBER_THEN_SPACE = re.compile(rf"\b{_NUM}\s")
# A superset of the places `\b(?i:an?)\s` can match (where _ONE_PLUS starts).
_ARTICLE_CANDIDATE = re.compile(r"[Aa](?<!\w.)(?=[Nn]?\s)", re.S)
_NOUN_AT_END = re.compile(rf"{_OFFICER_NOUN}$")


def _number_starts(sentence: str) -> list[int]:
    """Every offset where `\\b{_NUM}\\s` matches, in order."""
    if sentence.isascii():
        starts = {at for at, _ in _NUMBER_INDEX.occurrences(sentence.lower())}
    elif any(twin in sentence for twin in _TWINS):
        # No match of `\b{_NUM}\s` can start inside another, so finditer sees every start.
        return [found.start() for found in _NUMBER_THEN_SPACE.finditer(sentence)]
    else:
        starts = {at for at, _ in _NUMBER_INDEX.occurrences(sentence.lower())}
        starts.update(found.start() for found in _DIGIT.finditer(sentence))
    if not starts:
        return []
    at_number = _NUMBER_THEN_SPACE.match
    return [at for at in sorted(starts) if at_number(sentence, at)]


def _first_match(
    pattern: re.Pattern[str], text: str, starts: Iterable[int]
) -> re.Match[str] | None:
    """`pattern.search(text)` when every match of it starts at one of `starts` (sorted)."""
    match_at = pattern.match
    for at in starts:
        found = match_at(text, at)
        if found is not None:
            return found
    return None


def _all_matches(pattern: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """`list(pattern.finditer(text))` when every match starts at one of `starts` (sorted) and
    none is empty: each is tried where the previous match ended or later, as finditer does."""
    found: list[re.Match[str]] = []
    searched_to = 0
    match_at = pattern.match
    for at in starts:
        if at >= searched_to:
            match = match_at(text, at)
            if match is not None:
                found.append(match)
                searched_to = match.end()
    return found


# Results per sentence object, for the officer-count helpers that classifier.py calls several
# times on the same sentences of one document. Keyed by identity (the entry holds the string,
# so its id cannot be reused while cached): a new document's sentences are new strings, so
# nothing is carried from one document to the next and benchmarks measure the real work.
_CACHE_SIZE = 512
_counted: dict[int, tuple[str, int | None]] = {}
_single: dict[int, tuple[str, bool]] = {}


def _has_any(sentence: str, literals: tuple[str, ...]) -> bool:
    for literal in literals:
        if literal in sentence:
            return True
    return False


def _noun_length(match: re.Match[str]) -> int:
    """Length of the officer noun that ends a _COUNT match ("officers", "members of staff")."""
    noun = _NOUN_AT_END.search(match.group())
    return len(noun.group()) if noun else 0


def _value(number: str) -> int:
    if number.isdecimal():
        return int(number)
    # Case-insensitive matching lets look-alike letters through ("FıVE", "Fİve"): fold them
    # to plain ASCII before the lookup, and count an unreadable word as no number.
    plain = unicodedata.normalize("NFKD", number).encode("ascii", "ignore").decode().lower()
    return _NUMBER_WORDS.get(plain, 0)


_ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10}
# "… and a fourth officer", "A fifth was given a warning": at least that many officers.
_ORDINAL = re.compile(
    r"\b(?:an?|the)\s+(?P<n>" + "|".join(_ORDINALS) + r")\b"
    r"(?!\s+(?:time|day|year|week|month|incident|occasion|allegation|complaint|report))",
    re.I,
)


def _ordinal(sentence: str) -> int:
    return max((_ORDINALS[m.group("n").lower()] for m in _ORDINAL.finditer(sentence)), default=0)


def officer_count(sentence: str) -> int | None:
    """How many officers a sentence counts, adding coordinated groups; None if it gives none."""
    cached = _counted.get(id(sentence))
    if cached is not None and cached[0] is sentence:
        return cached[1]
    count = _officer_count(sentence) if _has_any(sentence, _COUNT_ANY) else None
    if count is None and _has_any(sentence, ("oth", "either", "pair")) and _PAIR.search(sentence):
        count = 2
    if count and count > 1:
        count = max(count, _ordinal(sentence))
    if len(_counted) >= _CACHE_SIZE:
        _counted.clear()
    _counted[id(sentence)] = (sentence, count)
    return count


def _officer_count(sentence: str) -> int | None:
    numbers = _number_starts(sentence)
    if numbers:
        coordinated = _first_match(_COORDINATED, sentence, numbers)
        if coordinated:
            return _value(coordinated.group("a")) + _value(coordinated.group("b"))
        if _has_factors(sentence, _ONE_PLUS_NEEDS):
            one_plus = _first_match(
                _ONE_PLUS, sentence, (a.start() for a in _ARTICLE_CANDIDATE.finditer(sentence))
            )
            if one_plus:
                return 1 + _value(one_plus.group("n"))
        matches = [
            match
            for match in _all_matches(_COUNT, sentence, numbers)
            if _value(match.group("n")) > 0
        ]
    else:  # no number: no coordinated group, no "a sergeant and two constables", no count
        matches = []
    counts = [_value(match.group("n")) for match in matches]
    if not counts or counts == [1]:
        if _has_factors(sentence, _AND_ANOTHER_NEEDS) and _AND_ANOTHER.search(sentence):
            return 2
        if not counts:
            return None
    further = _FURTHER.search(sentence)
    if further:
        return counts[0] + _value(further.group("n") or further.group("m"))
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
    if _mentions_single(sentence):
        return True
    return is_title and _SINGLE_IN_TITLE.search(sentence) is not None


def _mentions_single(sentence: str) -> bool:
    cached = _single.get(id(sentence))
    if cached is not None and cached[0] is sentence:
        return cached[1]
    found = _has_any(sentence, _SINGLE_ANY) and _SINGLE.search(sentence) is not None
    if len(_single) >= _CACHE_SIZE:
        _single.clear()
    _single[id(sentence)] = (sentence, found)
    return found


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
    low = _lowered(sentence)
    if low is not None and "misconduct" not in low:  # both patterns need it
        return None
    if any(not _denied(sentence, m.start()) for m in _gross(sentence, low)):
        return "gross_misconduct"
    if any(not _denied(sentence, m.start()) for m in _plain_misconduct(sentence, low)):
        return "misconduct"
    return None


def _lowered(sentence: str) -> str | None:
    """`sentence.lower()`, in which an IGNORECASE match of ASCII letters is found as the lower-
    case letters at the same offsets; None when a case twin makes that untrue."""
    if not sentence.isascii():
        for twin in _TWINS:
            if twin in sentence:
                return None
    return sentence.lower()


def _starts_of(low: str, literal: str) -> list[int]:
    found = []
    at = low.find(literal)
    while at != -1:
        found.append(at)
        at = low.find(literal, at + 1)
    return found


def _gross(sentence: str, low: str | None) -> list[re.Match[str]]:
    """`list(_GROSS.finditer(sentence))`: every match starts with "gross"."""
    if low is None:
        return list(_GROSS.finditer(sentence))
    return _all_matches(_GROSS, sentence, _starts_of(low, "gross"))


def _plain_misconduct(sentence: str, low: str | None) -> list[re.Match[str]]:
    """`list(_PLAIN_MISCONDUCT.finditer(sentence))`: every match starts with "misconduct"."""
    if low is None:
        return list(_PLAIN_MISCONDUCT.finditer(sentence))
    return _all_matches(_PLAIN_MISCONDUCT, sentence, _starts_of(low, "misconduct"))


_NUMBER = re.compile(rf"\b{_NUM}\b")


def mixed_severity(sentence: str) -> bool:
    """Both levels, each for its own group: "Seven officers have been served with gross
    misconduct notices and ten with misconduct notices"."""
    if len(_NUMBER.findall(sentence)) < 2:
        return False
    low = _lowered(sentence)
    gross = any(not _denied(sentence, m.start()) for m in _gross(sentence, low))
    plain = any(not _denied(sentence, m.start()) for m in _plain_misconduct(sentence, low))
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


# Literal sets each route pattern needs (in lower case), read off the patterns as for the
# officer patterns: `(?i:x)` matches only where lower-case x is in the lower-cased sentence.
_ROUTE_NEEDS = tuple(
    tuple(
        _minimal(literal.lower() for literal in factor)
        for factor in required_factors(re.compile(pattern.pattern, pattern.flags & ~re.I))
    )
    for _, pattern in _ROUTES
)
assert all(_ROUTE_NEEDS)


def route(sentence: str) -> str | None:
    """'accelerated', 'hearing', 'meeting' or 'rprp', as the sentence states it."""
    low = _lowered(sentence)
    for (name, pattern), needs in zip(_ROUTES, _ROUTE_NEEDS, strict=True):
        if low is not None and not _has_factors(low, needs):
            continue
        if pattern.search(sentence):
            return name
    return None


def officers(
    evidence: str | None, title: str, sentences: list, stage: str | None = None
) -> int | None:
    """How many officers the news concerns (domain.md a.1 rule 7), or None when not stated.

    The group is named where the news is: the evidence, the headline or the opening sentence,
    so the largest count there wins; a single officer named there is 1; otherwise the first
    count, or a single officer, in the opening sentences. A plural without a number
    ("officers") is None, not 1. The stage says whose news it is: an inquest's findings or a
    learning recommendation have no officer as their subject (None); an opened investigation,
    a referral or a re-investigation counts officers only where the news itself does; a
    decision about officers (notices, charges, outcomes) concerns at least one, so a text that
    names no number and no plural concerns one. (Measured on the corpus: docs/stages.md.)
    """
    if stage in _NO_OFFICER_SUBJECT:
        return None
    nearest = [text for text in (evidence, title, sentences[0].text if sentences else None) if text]
    counts = [count for count in map(officer_count, nearest) if count]
    if counts:
        total = max(counts) + _further_group(evidence, sentences)
        return _with_ordinals(total, evidence, sentences)
    if (evidence and mentions_one_officer(evidence)) or mentions_one_officer(title, is_title=True):
        return 1
    if stage in _OFFICERS_ONLY_IN_THE_NEWS:
        return None
    opening = [sentence.text for sentence in sentences[:_OPENING]]
    for text in opening:
        count = officer_count(text)
        if count:
            return count
    if any(map(mentions_one_officer, opening)):
        return 1
    if stage in _ABOUT_SOMEONE and not any(_PLURAL.search(text) for text in nearest):
        return 1
    return None


_NO_OFFICER_SUBJECT = frozenset({"inquest", "learning_recommendations"})
_OFFICERS_ONLY_IN_THE_NEWS = frozenset({"investigation_opened", "referral", "reinvestigation"})
# Decisions that are always about an officer (never an unnamed "the police").
_ABOUT_SOMEONE = frozenset({
    "misconduct_notices_served", "criminal_investigation", "criminal_charge",
    "criminal_trial_outcome", "case_to_answer", "reflective_practice", "accelerated_hearing",
    "proceedings_scheduled", "outcome_dismissal", "outcome_sanction", "outcome_not_proven",
})
_PLURAL = re.compile(r"\b(?:officers|constables|PCs|sergeants|inspectors|detectives)\b", re.I)
_OPENING = 6  # sentences; further on, counts are mostly about other people or other cases


# "Seven officers were served … A further ten were served …": the sentence after the news adds
# a group of its own.
_FURTHER_OPENING = re.compile(
    rf"^(?i:a\s+further|another|an\s+additional|and\s+a\s+further)\s+(?P<n>{_NUM})\b"
)


def _further_group(evidence: str | None, sentences: list) -> int:
    texts = [sentence.text for sentence in sentences]
    if evidence not in texts:
        return 0
    following = texts[texts.index(evidence) + 1 : texts.index(evidence) + 2]
    if not following:
        return 0
    match = _FURTHER_OPENING.match(following[0])
    return _value(match.group("n")) if match else 0


def _with_ordinals(count: int, evidence: str | None, sentences: list) -> int:
    """A group of three and "a fourth" in the sentence after the news: four officers."""
    texts = [sentence.text for sentence in sentences]
    if evidence not in texts:
        return count
    following = texts[texts.index(evidence) + 1 : texts.index(evidence) + 2]
    return max([count] + [_ordinal(text) for text in following if count > 1])


_REPORT_SUBMITTED = re.compile(
    r"\b(?:sent|passed|submitted|provided|shared|handed|gave|given)\s+(?:our|its|the|a)\s+"
    r"(?:final\s+)?(?:investigation\s+)?(?:report|file|findings)\b"
    r"(?![^.\n]{0,40}\b(?:CPS|Crown\s+Prosecution|prosecutor))"
    r"|\binvestigation\s+(?:has\s+)?(?:now\s+)?(?:concluded|completed|finished|is\s+complete)\b",
    re.I,
)
_ON_HOLD = re.compile(r"\b(?:paused|pausing|pauses|on\s+hold|held\s+in\s+abeyance)\b", re.I)
_NOT_NOW = re.compile(r"\b(?:not|never|no\s+longer|will|would|could|may|if)\b[^.]{0,30}$", re.I)


_FLAGS = (
    ("report_submitted", _REPORT_SUBMITTED, ("report", "file", "findings", "concluded", "complete",
                                             "finished")),
    ("on_hold", _ON_HOLD, ("paus", "hold", "abeyance")),
)


def flags(text: str) -> frozenset[str]:
    """Status flags the text states as current: report_submitted and on_hold."""
    found = set()
    low = text[:READ_CHARS].lower()
    plain = low.isascii()  # else case twins (dotless i …) could match where `low` does not
    for flag, pattern, needs in _FLAGS:
        # Many texts hold none of the words a flag's pattern needs: skip its regex then.
        if plain and not any(word in low for word in needs):
            continue
        for match in pattern.finditer(text[:READ_CHARS]):
            if not _NOT_NOW.search(text, max(0, match.start() - 40), match.start()):
                found.add(flag)
                break
    return frozenset(found)
