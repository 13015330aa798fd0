"""Recognise pages that are not about one case: statistics, blogs, policy, inspections.

Such pages are full of stage words ("case to answer", "re-opened", "recommendations") that
describe many cases at once or none in particular, so they are set aside before any cue is read.
"""

from __future__ import annotations

import re

from monitor.stages import scan
from monitor.stages.sentences import fold_case

_I = re.IGNORECASE

# A title that names one of these kinds of page settles it on its own.
_GENERAL_TITLE = re.compile(
    r"\b(?:statistics|figures|annual\s+report|outcomes\s+report|impact\s+report|blog|"
    r"consultation|policy|policies|inspection|inspectorate|HMICFRS|HMIC|roundup|round-up|"
    r"newsletter|podcast|strategy|survey|research|guidance|recruit\w*|vacanc\w*|"
    r"corporate|year\s+in\s+review|data\s+(?:shows?|published)|backlog|caseload|week\s+in|FOI|"
    r"freedom\s+of\s+information|disclosure\s+log|at\s+a\s+glance|the\s+year\s+(?:ahead|so\s+far|in)|"
    r"(?:this|last)\s+month|month\s+in|our\s+standards|about\s+us|FAQs?|explained|explainer|opinion"
    r"|column|speech|conference|seminar|webinar|awards?|written\s+(?:question|answer|statement)"
    r"|parliamentary|Hansard|family\s+statement|statement\s+(?:from|on\s+behalf\s+of)\s+(?:the\s+)?"
    r"family|campaign|years\s+on|anniversary)\b"
    # Features and explainers are titled as questions: "Why accountability matters".
    r"|^\s*(?:Why|How|What)\b",
    _I,
)

# One of these in the body is enough: the page says what kind of page it is.
# A sign is (needles, pattern): the pattern runs on case-folded text, only near a needle.
_Sign = tuple[tuple[str, ...], re.Pattern[str]]


def _sign(needles: str, pattern: str) -> _Sign:
    return tuple(needles.split("|")), re.compile(pattern.lower())


_GENERAL_BODY_STRONG: tuple[_Sign, ...] = (
    _sign("blog", r"\bthis\s+blog\b"),
    _sign("inspection report", r"\binspection\s+report\b"),
    _sign("hmicfrs", r"\bHMICFRS\s+(?:has\s+)?(?:published|found|inspected|inspects|recommended)"),
    _sign("statistics", r"\bcomplaints\s+statistics\b"),
    _sign("annual", r"\bpublished\s+(?:its|our|the)\s+annual\b"),
    _sign(
        "today",
        r"\btoday\s+(?:we\s+)?(?:publish|published|launch|launched)\s+(?:a|our|the)\s+"
        r"(?:consultation|policy|report\s+on|review\s+of)\b",
    ),
    _sign("our role is", r"\bour\s+role\s+is\s+to\b"),
    _sign("report", r"\bour\s+(?:annual|outcomes|impact)\s+report\b"),
    # Letters that explain how a decision will be taken (domain.md a.2, stage 0).
    _sign(
        "explain how",
        r"\bexplain\s+how\s+(?:we|it|they|the\s+\w+)\s+(?:intends?|will|plans?|proposes?|would)\s+"
        r"(?:to\s+)?(?:approach|decide|make|consider|reach|take)\b[^.\n]{0,80}\bwhether\b",
    ),
    # Freedom of information disclosures: aggregate answers to a requester's questions.
    _sign(
        "freedom of information|foi|located information|seek access",
        r"\bfreedom\s+of\s+information\s+(?:\(\w+\)\s+)?(?:request|act)\b|\bfoi\s+(?:request|reference)"
        r"|\bdisclose\s+the\s+located\s+information\b|\byou\s+seek\s+access\s+to\b",
    ),
    # Policy calls: "renewed its call for legislation", "calls for new powers".
    _sign(
        "call for|calls for|called for|calling for",
        r"\b(?:renew(?:ed|s)?|repeat(?:ed|s)?|reiterat(?:ed|es)?)\s+(?:its|our|their|his|her|the)\s+"
        r"calls?\s+for\b|\bcall(?:s|ed|ing)?\s+for\s+(?:\w+\s+){0,3}(?:legislation|law\s+change"
        r"|(?:a\s+)?changes?\s+(?:to|in)\s+the\s+law|(?:new|additional|fast-track)\s+powers)\b",
    ),
    # Rebuttals: "we want to set the record straight".
    _sign("record straight", r"\bset\s+the\s+record\s+straight\b"),
)

# "377 investigations", "52 cases": counts of many cases, not one.
_MANY_CASES = (
    r"\b(?:[2-9]\d|\d{3,}|\d{1,3},\d{3})\s+(?:\w+\s+)?(?:investigations|cases|complaints|"
    r"referrals|appeals|reviews)\b"
)
_MANY_CASES_NEEDLES = "investigations|cases|complaints|referrals|appeals|reviews"
# "335 officers awaiting a hearing", "100 officers have been dismissed", "Sixty-three officers
# were charged": corporate caseload figures, in digits or words. One case rarely concerns fifty
# or more officers.
_MANY_OFFICERS = (
    r"\b(?:[5-9]\d|\d{3,}|\d{1,3},\d{3}|(?:fifty|sixty|seventy|eighty|ninety)(?:-[a-z]+)?"
    r"|(?:a|one|two|three|four|five|several)\s+hundred(?:\s+and\s+[a-z-]+)?|hundreds\s+of)"
    r"\s+(?:\w+\s+)?(?:officers|officers\s+and\s+staff"
    r"|members\s+of\s+staff)\b"
)

# Families of weaker signs; several distinct ones together mark a general page.
_GENERAL_BODY_SIGNS: tuple[_Sign, ...] = (
    _sign("cent|%", r"\bper\s*cent\b|\d\s?%"),
    _sign(
        "statistic|figures|data", r"\bstatistics\b|\b(?:figures|data)\s+(?:show|published|reveal)"
    ),
    _sign("annual|year", r"\bannual\b|\bthis\s+year['’]s\b|\beach\s+year\b"),
    _sign("consultation", r"\bconsultation\b"),
    _sign("blog", r"\bblog\b"),
    _sign("hmic|inspect", r"\bHMICFRS\b|\bHMIC\b|\binspectorate\b|\binspection\b"),
    _sign("policy|guidance", r"\bpolicy\b|\bguidance\b"),
    _sign("/|-", r"\b20\d\d[/-]\d\d\b"),
    _sign(_MANY_CASES_NEEDLES, _MANY_CASES),
    _sign("welcome|our role", r"\bwe\s+welcome\b|\bour\s+role\b"),
    # A period under review ("over the last twelve months") and case vignettes ("In one case,").
    _sign(
        "last|past",
        r"\b(?:over|in|during)\s+the\s+(?:last|past)\s+(?:\w+\s+)?(?:months|years|decade)\b",
    ),
    _sign(
        "in one|in another|for example|for instance",
        r"(?:^|[.!?]\s+)(?:in\s+(?:one|another)(?:\s+(?:case|instance))?\s*,|for\s+(?:example|instance)\s*,)",
    ),
    _sign(
        "national|across|forces in",
        r"\b(?:nationally|across\s+(?:england|all\s+forces|the\s+country)|forces\s+in\s+england)\b",
    ),
)
_SIGNS_NEEDED = 3

# A sentence that counts or rates many cases is statistics, whatever stage words it uses.
_STATISTIC: tuple[_Sign, ...] = (
    _sign(
        "cent|%|/|proportion|percentage|average",
        r"\bper\s*cent\b|\d\s?%|\b20\d\d/\d\d\b|\bproportion\b|\bpercentage\b|\bon\s+average\b",
    ),
    _sign(_MANY_CASES_NEEDLES, _MANY_CASES),
    _sign("officers|staff", _MANY_OFFICERS),
    # "how many officers were dismissed", "the number of officers charged", "more officers than
    # at any time", "in the past two years 41 officers were dismissed".
    _sign(
        "how many|number of|than|past|last",
        r"\bhow\s+many\b|\bthe\s+number\s+of\s+(?:\w+\s+)?(?:officers|cases|complaints|people)\b"
        r"|\bthan\s+(?:at\s+any|ever|in\s+any)\b|\b(?:past|last)\s+(?:\w+\s+)?(?:years|months|decade)\b"
        r"[^.\n]{0,60}\b(?:\d+|\w+ty(?:-\w+)?)\s+(?:\w+\s+)?officers\b",
    ),
)


def _first(signs: tuple[_Sign, ...], folded: str) -> list[re.Match[str]]:
    found = (scan.search_near(pattern, folded, needles) for needles, pattern in signs)
    return [match for match in found if match]


# All needles of a sign family are found in one pass over the text (scan.SignSet).
_STATISTIC_SET = scan.SignSet(_STATISTIC)
_BODY_SET = scan.SignSet(_GENERAL_BODY_STRONG + _GENERAL_BODY_SIGNS)
_STRONG = range(len(_GENERAL_BODY_STRONG))
_WEAK = range(len(_GENERAL_BODY_STRONG), len(_GENERAL_BODY_STRONG) + len(_GENERAL_BODY_SIGNS))


# Progress and timetable updates on one investigation (domain.md a.2, stage 0: "investigation is
# nearing completion" is progress, not a change). The events such a page names are its history.
_PROGRESS = re.compile(
    r"\b(?:nearing\s+(?:completion|its\s+conclusion|the\s+end)|(?:is|are)\s+(?:still\s+)?"
    r"progressing|(?:providing|give|giving|provide)\s+(?:you\s+)?(?:an?\s+)?(?:update|progress)"
    r"|progress\s+update|(?:we|it|they)\s+(?:now\s+)?(?:expects?|anticipates?|aims?|hopes?)\s+to\s+"
    r"(?:conclude|complete|finish|finalise|finalize|end)|taken\s+longer\s+than"
    r"|timetable\s+for\s+(?:our|the|its)\s+investigation)\b"
)
_PROGRESS_NEEDLES = (
    "nearing", "progressing", "update", "expect", "anticipate", "aim", "hope", "longer than",
    "timetable",
)


def is_progress_update(folded_text: str) -> bool:
    """The page reports how far an investigation has got ("is now nearing completion", "we
    expect to conclude in the spring", "we are providing an update on")."""
    return scan.search_near(_PROGRESS, folded_text, _PROGRESS_NEEDLES) is not None


def is_statistic(sentence: str) -> bool:
    """The sentence counts or rates many cases ("in 44 investigations", "6 per cent")."""
    return bool(_STATISTIC_SET.matches(fold_case(sentence)))


def general_page_sign(title: str, folded_text: str) -> tuple[str, int] | None:
    """Where the page shows it is a general page: ("title", 0) or ("text", offset); else None.

    `folded_text` is the body after `fold_case`, so offsets are offsets in the body.
    """
    if _GENERAL_TITLE.search(title):
        return ("title", 0)
    positions = _BODY_SET.positions(folded_text)
    strong = _BODY_SET.matches(folded_text, positions, _STRONG)
    if strong:
        return ("text", min(match.start() for match in strong))
    hits = _BODY_SET.matches(folded_text, positions, _WEAK)
    if len(hits) >= _SIGNS_NEEDED:
        return ("text", min(match.start() for match in hits))
    return None
