"""Recognise pages that are not about one case: statistics, blogs, policy, inspections.

Such pages are full of stage words ("case to answer", "re-opened", "recommendations") that
describe many cases at once or none in particular, so they are set aside before any cue is read.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

# A title that names one of these kinds of page settles it on its own.
_GENERAL_TITLE = re.compile(
    r"\b(?:statistics|figures|annual\s+report|outcomes\s+report|impact\s+report|blog|"
    r"consultation|policy|policies|inspection|inspectorate|HMICFRS|HMIC|roundup|round-up|"
    r"newsletter|podcast|strategy|survey|research|guidance|recruit\w*|vacanc\w*|"
    r"corporate|year\s+in\s+review|data\s+(?:shows?|published)|backlog|week\s+in)\b",
    _I,
)

# One of these in the body is enough: the page says what kind of page it is.
_GENERAL_BODY_STRONG = re.compile(
    r"\b(?:(?:in\s+)?this\s+blog|inspection\s+report|HMICFRS\s+(?:has\s+)?(?:published|found|"
    r"inspected|inspects|recommended)|(?:police\s+)?complaints\s+statistics|published\s+"
    r"(?:its|our|the)\s+annual|today\s+(?:we\s+)?(?:publish|published|launch|launched)\s+"
    r"(?:a|our|the)\s+(?:consultation|policy|report\s+on|review\s+of)|"
    r"our\s+role\s+is\s+to|(?:this\s+section\s+of\s+)?our\s+(?:annual|outcomes|impact)\s+"
    r"report)\b",
    _I,
)

# "377 investigations", "52 cases": counts of many cases, not one.
_MANY_CASES = (
    r"\b(?:[2-9]\d|\d{3,}|\d{1,3},\d{3})\s+(?:\w+\s+)?(?:investigations|cases|complaints|"
    r"referrals|appeals|reviews|complaint\s+cases)\b"
)

# Families of weaker signs; several distinct ones together mark a general page.
_GENERAL_BODY_SIGNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\bper\s*cent\b|\d\s?%", _I),
    re.compile(r"\bstatistics\b|\b(?:figures|data)\s+(?:show|shows|published|reveal)", _I),
    re.compile(r"\bannual\b|\bthis\s+year['’]s\b|\beach\s+year\b", _I),
    re.compile(r"\bconsultation\b", _I),
    re.compile(r"\bblog\b", _I),
    re.compile(r"\bHMICFRS\b|\bHMIC\b|\binspectorate\b|\binspection\b", _I),
    re.compile(r"\bpolicy\b|\bguidance\b", _I),
    re.compile(r"\b20\d\d/\d\d\b|\b20\d\d-\d\d\b"),
    re.compile(_MANY_CASES, _I),
    re.compile(r"\bwe\s+welcome\b|\bour\s+role\b", _I),
    re.compile(
        r"\b(?:nationally|across\s+(?:England|all\s+forces|the\s+country)|forces\s+in"
        r"\s+England)\b",
        _I,
    ),
)
_SIGNS_NEEDED = 3

# A sentence that counts or rates many cases is statistics, whatever stage words it uses.
STATISTIC_SENTENCE = re.compile(
    r"\bper\s*cent\b|\d\s?%|\b20\d\d/\d\d\b|\bproportion\b|\bpercentage\b|\bon\s+average\b|"
    + _MANY_CASES,
    _I,
)


def general_page_sign(title: str, text: str) -> tuple[str, int] | None:
    """Where the page shows it is a general page: ("title", 0) or ("text", offset); else None."""
    if _GENERAL_TITLE.search(title):
        return ("title", 0)
    strong = _GENERAL_BODY_STRONG.search(text)
    if strong:
        return ("text", strong.start())
    hits = [match for match in (sign.search(text) for sign in _GENERAL_BODY_SIGNS) if match]
    if len(hits) >= _SIGNS_NEEDED:
        return ("text", min(match.start() for match in hits))
    return None
