"""Who an event happens to, and what kind of page tells it: the reader's second block of columns.

The n-grams see "jailed" in "Man jailed for making false allegations against officers" and in
"PC jailed for assault" alike. These columns say, for every event word in the headline and the
opening statements, whether the nearest person before it is police ("PC", "officer",
"constable", a rank) or a civilian ("man", "driver", "protesters", "a 47-year-old"), and whether
police are only the object ("assaulting a PC", "against officers"). Page-kind columns mark
explainers, glossaries, round-ups, statistics, statements about media reports and decisions
still pending ("considering whether to reopen"). Cheap regex windows, no parser.
The tokens are hashed into a small block of their own (BLOCK columns) beside the n-grams, each
document's row scaled to a fixed length, so a handful of tokens is not drowned by thousands of
n-grams (docs/stages.md, "How the model was chosen").
"""

from __future__ import annotations

import re
import zlib

import numpy as np

from monitor.stages.features import mix

_EVENT = re.compile(
    r"\b(?:charged|convicted|jailed|sentenced|found\s+(?:not\s+)?guilty|acquitted|cleared"
    r"|arrested|dismissed|sacked|pleaded|appeared|will\s+appear|faces?|facing|investigat\w*"
    r"|referred|served|warning|case\s+to\s+answer|suspended|reinstated|accused|denied"
    r"|admitted|prosecut\w*|reopen\w*|re-?investigat\w*|inquest)\b")
_POLICE = re.compile(
    r"\b(?:pcs?|dcs?|ds|sgt|sergeants?|constables?|officers?|detectives?|inspectors?"
    r"|superintendents?|chief|police(?:man|woman|men|women)?|forces?|met)\b")
_CIVILIAN = re.compile(
    r"\b(?:man|woman|men|women|boys?|girls?|teenagers?|youths?|drivers?|motorists?|cyclists?"
    r"|protesters?|demonstrators?|people|person|father|mother|residents?|suspects?"
    r"|defendants?|prisoners?|\d+-year-old|nine|several)\b")
# Police as the object of someone else's act: "assaulting a PC", "against Lincoln officers".
_POLICE_OBJECT = re.compile(
    r"\b(?:assault\w*|against|impersonat\w*|attack\w*|injur\w*|spat\s+at|bit|threaten\w*)"
    r"\s+(?:(?:a|an|the|two|three|\w+shire|[a-z]\w+)\s+){0,3}(?:police\s+)?"
    r"(?:officers?|pcs?|constables?|police)\b")
_PAGE_KINDS = {
    "explainer": r"\b(?:what\s+(?:is|are|happens)|how\s+(?:do|does|to|we)|guide|glossary|faqs?"
                 r"|frequently\s+asked|explain\w*|blog|our\s+(?:standards|role|policy)|policy"
                 r"|conference|guidance|reminds?)\b",
    "roundup": r"\b(?:round-?up|newsletter|this\s+month|in\s+brief|weekly|monthly|this\s+week"
               r"|in\s+this\s+edition|past\s+month)\b",
    "statistics": r"\b(?:statistics|figures|data|referrals\s+made|foi|freedom\s+of\s+information"
                  r"|annual|received|review\s+of|published\s+(?:a|its|our)\s+(?:review|report))\b",
    "statement": r"\b(?:statement|clarif\w*|media\s+reports?|reports\s+(?:today|about)"
                 r"|we\s+are\s+aware|social\s+media)\b",
    "pending": r"\b(?:whether|considering|still\s+(?:deciding|assessing|waiting)|awaiting"
               r"|waiting|expected\s+to|calls?\s+for|delayed|put\s+back|in\s+limbo|not\s+yet"
               r"|yet\s+to|to\s+decide|will\s+(?:decide|consider|assess|publish|send|give)"
               r"|decision\s+(?:is\s+)?(?:expected|due|awaited)|awaited|to\s+follow)\b",
    "recap": r"\b(?:as\s+(?:reported|announced|published)\s+(?:at\s+the\s+time|earlier"
             r"|previously|last)|icymi|in\s+case\s+you\s+missed|timeline|looks?\s+back"
             r"|years?\s+on|anniversary|corrections?|clarifications?|year\s+in\s+review)\b",
}
_PAGE_RE = [(kind, re.compile(pattern)) for kind, pattern in _PAGE_KINDS.items()]
# Police by name, not any "officer": prison, probation and immigration officers are not police.
_POLICE_NAMED = re.compile(
    r"\b(?:police|policing|constab\w*|pcs?|sergeants?|detectives?|iopc|ipcc|pirc|psni|met"
    r"|(?<!prison )(?<!probation )(?<!immigration )(?<!detention )officers?|arrest\w*)\b")
# A death's inquiry: an inquest into a death no police officer had a part in is not a case.
_DEATH_INQUIRY = re.compile(r"\b(?:inquests?|coroners?|fatal\s+accident\s+inquiry|fai|jury)\b")
_WINDOW = 60  # characters before an event word searched for its subject
_SALT = 0x91
BLOCK = 2**12


def tokens(title: str, statements: list[str]) -> list[str]:
    """The subject and page-kind tokens of a headline and the opening statements."""
    # Matched on lower-cased text by lower-case patterns: twice as fast as re.IGNORECASE.
    title, statements = title.lower(), [s.lower() for s in statements]
    found = []
    for where, sentence in [("head", title)] + [("lede", s) for s in statements]:
        for match in _EVENT.finditer(sentence):
            before = sentence[max(0, match.start() - _WINDOW) : match.start()]
            people = [(m.end(), "police") for m in _POLICE.finditer(before)]
            people += [(m.end(), "civilian") for m in _CIVILIAN.finditer(before)]
            # The grammatical subject is mostly the first person named ("A man who claimed
            # officers assaulted him was jailed"); the nearest one catches "..., PC X was".
            first = min(people)[1] if people else "unnamed"
            nearest = max(people)[1] if people else "unnamed"
            event = match.group(0).split()[0].lower()[:8]
            found += [f"who {first} {where}", f"who {first} {event}",
                      f"near {nearest} {where}"]
    # Police as object and page kinds once per part: no pattern matches across the NUL that
    # joins the statements, so this finds what searching them one by one finds.
    for where, part in (("head", title), ("lede", "\0".join(statements))):
        if _POLICE_OBJECT.search(part):
            found.append(f"police object {where}")
        found += [f"page {kind} {where}" for kind, pattern in _PAGE_RE if pattern.search(part)]
    opening = " ".join([title, *statements])
    police = "police" if _POLICE_NAMED.search(opening) else "no police"
    found.append(f"opening {police}")
    if _DEATH_INQUIRY.search(opening):
        found.append(f"inquiry {police}")
    return found


def columns(title: str, statements: list[str]) -> np.ndarray:
    """The distinct block columns a headline and its opening statements touch (CRC32 and a
    fixed finaliser: stable between releases)."""
    found = set(tokens(title, statements))
    if not found:
        return np.zeros(0, dtype=np.int64)
    hashes = np.array([zlib.crc32(t.encode()) for t in found], dtype=np.uint64)
    return np.unique(mix(hashes, _SALT).astype(np.int64) % BLOCK)
