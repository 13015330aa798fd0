"""Judge the words around a cue: is it negated, hypothetical, future or background?

Each check looks only at the clause the cue sits in, and mostly at the few words just before it,
because announcements routinely pack an old event and a new one into one sentence ("after the
CPS decided not to charge, the IOPC directed a gross misconduct hearing").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.stages import scan
from monitor.stages.attributes import _has_factors, _lowered, _minimal
from monitor.stages.index import LiteralIndex
from monitor.stages.literals import required_factors

# Commas, brackets, dashes and contrastive words start a new clause.
_CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014]|\s-\s|\b(?:but|however|whereas|while|although)\b")
_WORD = re.compile(r"[\w'’-]+")
_WINDOW_WORDS = 6

_NEGATION = re.compile(
    r"\b(?:no|not|never|none|neither|nor|cannot|nothing|rather than|instead of)\b"
    r"|n[’']t\b"
    # "released without (being) charged", "without a hearing": 'without' governs only the words
    # right after it, so "a sergeant who was dismissed without notice has appealed" is an appeal.
    r"|\bwithout(?:\s+(?:being|been|having|a|an|any|further|formal))*\s*$",
    re.IGNORECASE,
)
# Conditions, possibilities, requests and demands: the event has not been decided.
_HYPOTHETICAL = re.compile(
    r"\b(?:if|whether|could|can|may|might|would|unless|potential(?:ly)?|possibl[ey]|consider"
    r"|considering|await(?:s|ing)?|seek(?:s|ing)?|ask(?:s|ed|ing)?|call(?:s|ed|ing)? for"
    r"|urg(?:e|es|ed|ing)|demand(?:s|ed|ing)?|want(?:s|ed)?|must|should|ought\s+to)\b",
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
_DAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# Time phrases that pin an event to an earlier moment than the release itself.
_TIME_PHRASE = (
    rf"\b(?:in|during|since|by)\s+(?:(?:early|late|mid-?)\s*)?(?:{_MONTHS}\s+)?(?:19|20)\d\d\b"
    rf"|\b[Ii]n\s+(?-i:{_MONTHS})\b|\bon\s+(?:{_DAYS},?\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\b"
    r"|\blast\s+(?:year|month|summer|spring|autumn|winter)\b"
    r"|\bin\s+the\s+(?:spring|summer|autumn|winter)\b"
    r"|\bearlier\s+this\s+(?:year|month)\b|\bpreviously\b|\boriginally\b"
    r"|\bat\s+th(?:e|at)\s+time\b|\bat\s+the\s+(?:start|outset|beginning)\s+of\b"
    r"|\b(?:early|earlier)\s+(?:on\s+)?in\s+(?:our|the|this|its)\s+(?:investigation|inquiry)\b"
    r"|\b(?:our|the|its|an?)\s+(?:original|initial|first|earlier|previous)\s+"
    r"(?:investigation|inquiry|report|decision|determination|review)\b"
)
_DATED_PAST = re.compile(_TIME_PHRASE, re.IGNORECASE)
# The time phrases that say outright that an event is being recalled, not announced.
_RECALL = re.compile(
    r"\b(?:previously|originally|at\s+th(?:e|at)\s+time|at\s+the\s+(?:start|outset|beginning)"
    r"|(?:early|earlier)\s+(?:on\s+)?in|original|initial|first|earlier|previous)\b",
    re.IGNORECASE,
)
# In the words after a cue, these start a phrase about something else (the incident: "over the
# shooting of a man in 2017", "into the death … in 2019"), so a date beyond them dates that.
_OTHER_PHRASE = re.compile(
    r"\b(?:over|into|concerning|regarding|relating|involving|about|when|where|who|whom|which"
    r"|(?<!\bat\s)that|whose)\b|[,;:()\u2013\u2014]",
    re.IGNORECASE,
)
# "Our investigation, which finished last year, found …": the subject's relative clause dates
# the verb that follows it.
_SUBJECT_RELATIVE = re.compile(r",\s*(?:which|who)\b[^,;]*$", re.IGNORECASE)
# … or the verb's reported finding: "Our investigation, which concluded in 2023, found that two
# officers had a case to answer".
_VERB_AFTER_RELATIVE = re.compile(
    r"[^,;]*,\s*(?:(?:\w+\s*){0,3}$|(?:\w+\s+){0,2}(?:found|decided|concluded|determined|ruled"
    r"|established)\s+that\b[^,;]*$)",
    re.IGNORECASE,
)
_AFTER_REACH = 70  # characters after a cue in which a time phrase still dates it
_LEAD_REACH = 25  # a time phrase ending this close before the cue dates it
_NOW = re.compile(r"\b(?:today|this\s+(?:week|morning|afternoon)|now)\b", re.I)


@dataclass(frozen=True, slots=True)
class Surroundings:
    """The words around one cue inside its sentence."""

    lead: str  # the whole clause before the cue
    near: str  # the last few words of `lead`
    after: str  # the rest of the clause after the cue (bounded)
    clause: str  # lead + cue + after
    head: str = ""  # the whole sentence before the cue
    # Where the cue starts and ends in its sentence, and what was worked out once for that
    # sentence (None when built by hand: every test then takes the plain path).
    start: int = 0
    end: int = 0
    facts: _SentenceFacts | None = None


class _SentenceFacts:
    """What the judge needs of one sentence, worked out once for all its cue matches.

    `breaks`: the clause breaks (`_CLAUSE_BREAK`) of the whole sentence; `dating`: the spans of
    the literals one of which every `_DATED_PAST` match contains (None when a case twin makes
    the lower-cased sentence unfit to search, see `attributes._lowered`).
    """

    __slots__ = ("text", "breaks", "_dating")

    def __init__(self, text: str) -> None:
        self.text = text
        self.breaks = _clause_breaks(text)
        self._dating: list[tuple[int, int]] | None | bool = False  # worked out when first asked

    @property
    def dating(self) -> list[tuple[int, int]] | None:
        if self._dating is False:
            low = _lowered(self.text)
            self._dating = (
                None
                if low is None
                else [(at, at + keys[0]) for at, keys in _DATING_INDEX.occurrences(low)]
            )
        return self._dating

    def breaks_before(self, start: int) -> list[re.Match[str]]:
        """`list(_CLAUSE_BREAK.finditer(text[:start]))`, from the breaks of the whole text.

        The scan of text[:start] finds the same matches as the scan of the whole text as long
        as they end before `start`; beyond them it can find only one more, ending at `start`
        (a contrast word the cut ends, whose closing `\b` holds at the end of the string). No
        alternative of `_CLAUSE_BREAK` ends in a suffix of another, so at most one match ends
        there; the leftmost that does is the one.
        """
        found = []
        for match in self.breaks:
            if match.end() >= start:
                break
            found.append(match)
        resume = found[-1].end() if found else 0
        text = self.text
        for length in _BREAK_LENGTHS:
            at = start - length
            if at < resume:
                continue
            # What a match of this length ending at `start` must end with.
            if not text.endswith(_BREAK_ENDINGS[length], 0, start) and not (
                length == 3 and start > 0 and text[start - 1].isspace()
            ):
                continue
            match = _CLAUSE_BREAK.match(text, at, start)
            if match is not None and match.end() == start:
                found.append(match)
                break
        return found

    def may_date(self, begin: int, end: int) -> bool:
        """False only when no `_DATED_PAST` match can lie inside text[begin:end]."""
        dating = self.dating
        if dating is None:
            return True
        for at, stop in dating:  # overlapping ones included, in no particular order
            if at < end and stop > begin:
                return True
        return False


# Every `_DATED_PAST` match holds one of these (lower-cased; "earl" for early/earlier,
# "previous" for previously, "original" for originally); checked against the pattern by fuzzing
# when this gate was added (benchmarks/CLASSIFIER.md, "Context pass").
_DATING_LITERALS = (
    "19 20 january february march april may june july august september october november"
    " december last spring summer autumn winter earl previous original initial first time"
    " start outset beginning"
).split()
_DATING_INDEX = LiteralIndex({literal: (len(literal),) for literal in _DATING_LITERALS})
# Lengths of the `_CLAUSE_BREAK` matches, longest first (so the leftmost start is tried first),
# and what a match of that length ends with (length 3 also: `\s-\s`, ending in whitespace).
_BREAK_LENGTHS = (8, 7, 5, 3, 1)
_BREAK_ENDINGS = {
    8: "although",
    7: ("however", "whereas"),
    5: "while",
    3: "but",
    1: (",", ";", ":", "(", ")", "\u2013", "\u2014"),
}
_BREAK_CHARS = re.compile(r"[,;:()\u2013\u2014]")
_BREAK_WORDS = ("but", "however", "whereas", "while", "although")


def _clause_breaks(text: str) -> list[re.Match[str]]:
    """`list(_CLAUSE_BREAK.finditer(text))`, without trying the pattern at every character.

    A match can start only at a break character, at the character before a hyphen, or where
    one of the contrast words starts; the pattern is tried at those places in order, resuming
    after each match, as `finditer` does.
    """
    starts = [m.start() for m in _BREAK_CHARS.finditer(text)]
    at = text.find("-", 1)
    while at != -1:
        starts.append(at - 1)
        at = text.find("-", at + 1)
    for word in _BREAK_WORDS:
        at = text.find(word)
        while at != -1:
            starts.append(at)
            at = text.find(word, at + 1)
    if not starts:
        return []
    starts.sort()
    found = []
    resume = 0
    for at in starts:
        if at < resume:
            continue
        match = _CLAUSE_BREAK.match(text, at)
        if match is not None:
            found.append(match)
            resume = match.end()
    return found


_FACTS: dict[int, _SentenceFacts] = {}


def _facts(sentence: str) -> _SentenceFacts:
    """The facts of this sentence object, kept while the document is judged (by identity, with
    the string held, so an id is never reused for another string while cached)."""
    facts = _FACTS.get(id(sentence))
    if facts is not None and facts.text is sentence:
        return facts
    if len(_FACTS) > 256:
        _FACTS.clear()
    facts = _FACTS[id(sentence)] = _SentenceFacts(sentence)
    return facts


def surroundings(sentence: str, start: int, end: int) -> Surroundings:
    """Cut the clause around sentence[start:end] at commas, brackets and contrast words."""
    facts = _facts(sentence)
    lead = sentence[:start]
    breaks = facts.breaks_before(start)
    if breaks:
        lead = lead[breaks[-1].end() :]
    near = " ".join(_WORD.findall(lead)[-_WINDOW_WORDS:])
    tail = sentence[end : end + 100]
    found = _CLAUSE_BREAK.search(tail)
    after = tail[: found.start()] if found else tail
    return Surroundings(
        lead,
        near,
        after,
        f"{lead}{sentence[start:end]}{after}",
        sentence[:start],
        start,
        end,
        facts,
    )


def is_negated(words: Surroundings) -> bool:
    """'not', 'no', … just before the cue, or 'none of the officers' opening the clause."""
    return bool(_NEGATION.search(words.near) or _NEGATED_SUBJECT.search(words.lead))


def is_hypothetical(words: Surroundings) -> bool:
    """'could', 'may', … just before the cue, or 'whether'/'if' anywhere before it; also what
    happens as a rule ('usually', 'every week') and examples ('In one case, …')."""
    return bool(
        _HYPOTHETICAL.search(words.near)
        or _may_search(_CONDITION, words.lead)
        or _may_search(_GENERIC, words.clause)
        or _EXAMPLE.match(words.head)
    )


# What happens as a rule, not what happened: "Every week officers are dismissed …", "Officers
# who are charged with a criminal offence will usually be suspended".
_GENERIC = re.compile(
    r"\b(?:usually|generally|normally|typically|routinely|often|always|whenever|as\s+a\s+rule"
    r"|(?:every|each)\s+(?:day|week|month|year))\b"
    # "When we find that an officer has a case to answer, …": when + present simple.
    r"|^\s*[\"'“‘(]?when\s+[^,;.]{0,80}?\b(?:find|finds|decide|decides|is|are)\b",
    re.IGNORECASE,
)
# Case vignettes in reports and speeches: "In one case, …", "In another, …", "For example, …".
_EXAMPLE = re.compile(
    r"[\"'“‘(]?(?:In\s+(?:one|another|a\s+(?:further|second|third|similar))(?:\s+(?:case|instance"
    r"|example))?\s*,|For\s+(?:example|instance)\b|One\s+example\b|Take\s+the\s+case\b)",
    re.IGNORECASE,
)


# Someone's position rather than a decision: "the force's view was that … reflective practice",
# "an application by counsel that the proceedings should be stayed as an abuse of process".
_CLAIM = re.compile(
    r"\b(?:argued|argues|arguing|contended|contends|claimed|claims|submitted|suggested|suggests"
    r"|proposed|proposes|felt|believed|thought|suggesting|claiming|alleging)(?:\s+[\w-]+){0,5}?"
    r"\s+that\b"
    r"|\b(?:media|press|newspaper|social\s+media)\s+(?:reports?|coverage|speculation)\s+"
    r"(?:suggesting|claiming|alleging|saying|that)\b"
    r"|\b(?:it|the\s+force|the\s+constabulary|they)\s+(?:felt|feels|believed|believes|thought"
    r"|thinks)\b"
    r"|\b(?:view|opinion|position|belief|submission|argument|contention|proposal)\s+"
    r"(?:was|is|had\s+been|has\s+been)\s+that\b"
    r"|\bapplications?\s+(?:by|from|for|that|to)\b|\bapplied\s+(?:for|to)\b"
    # A family's or campaigner's account: "We were told the officers have no case to answer".
    r"|\b(?:we|I)\s+(?:were|was|have\s+been|had\s+been)\s+told\b",
    re.IGNORECASE,
)
# Verbs of a decision taken on such a claim ("the chair ruled", "the IOPC disagreed").
_DECIDED = re.compile(
    r"\b(?:found|finds|ruled|rules|decided|decides|concluded|concludes|determined|determines"
    r"|directed|directs|agreed|disagreed|upheld|rejected|refused|granted|dismissed)\b",
    re.IGNORECASE,
)


_MAIN_VERB_RESUMES = re.compile(r",\s*(?:and\s+)?(?:has|have|was|were|is|are|will)\b", re.I)


# A story told by a speaker: "A chair described a hearing in which an officer was dismissed".
_NARRATED = re.compile(
    r"\b(?:described|recounted|recalled|told\s+(?:the\s+)?(?:conference|audience|delegates|story))\b"
    r"\s+(?:a|an|how|one|the\s+story)\b",
    re.IGNORECASE,
)


def is_claimed(words: Surroundings) -> bool:
    """The cue states a party's view or application, and no decision on it comes after."""
    if _may_search(_NARRATED, words.head):
        return True
    claims = list(_CLAIM.finditer(words.head)) if _may_hold(_CLAIM, words.head) else []
    if not claims:
        return False
    end = claims[-1].end()
    # "The officer, who believed that the man was armed, has been served with …": the main
    # verb resumes after the relative clause.
    return not (_DECIDED.search(words.head, end) or _MAIN_VERB_RESUMES.search(words.head, end))


# "it took four years for an officer to be dismissed", "calls for them to be charged": an
# infinitive names an event without reporting it.
_INFINITIVE_LEAD = re.compile(r"\bto\s*$", re.IGNORECASE)
_BE_CUE = re.compile(r"be\b", re.IGNORECASE)


def is_infinitive(words: Surroundings) -> bool:
    """The cue is a bare infinitive ('to be dismissed'): named, not reported."""
    cue = words.clause[len(words.lead) : len(words.clause) - len(words.after)]
    return bool(_INFINITIVE_LEAD.search(words.lead) and _BE_CUE.match(cue))


def is_future(words: Surroundings) -> bool:
    return _FUTURE.search(words.near) is not None


# "Three officers remain under investigation", "continue to be investigated": a state that
# goes on, reported in progress updates, not a step taken now.
_CONTINUING = re.compile(
    r"\b(?:remains?|remained|continues?\s+to\s+be|(?:is|are)\s+still|still\s+(?:being|under))\s*$",
    re.IGNORECASE,
)


def is_continuing(words: Surroundings) -> bool:
    """The cue names a state that carries on ('remain under investigation')."""
    return _may_search(_CONTINUING, words.lead)


def is_pending(words: Surroundings) -> bool:
    """A step said to happen 'in due course' or on a date 'yet to be set' has not happened."""
    return _may_search(_PENDING_AFTER, words.after)


def is_background(words: Surroundings, latest_year: int | None) -> bool:
    """Past events recalled for context: 'previously', 'following…', or an older year.

    'after', 'following', 'before' and 'since' often start the phrase that names the incident
    ("officers who attended shortly before a man's death will not face action"), so they mark
    background only when the cue itself is not in the tense of news (has/will/is …).
    """
    if _RELATIVE_LEAD.search(words.lead) or _PARTICIPLE_LEAD.search(words.near):
        return True
    for background in _BACKGROUND.finditer(words.near):
        word = background.group().lower()
        if word in _PREPOSITIONS and _in_news_tense(words):
            continue
        # "The IOPC has since confirmed": 'since' as an adverb of a present perfect is news.
        if word == "since" and _HAS_BEFORE.search(words.near, 0, background.start()):
            continue
        return True
    # "At that time we found…", "Our original investigation found…": recalled, whatever else
    # the release announces.
    facts, start, end = words.facts, words.start, words.end
    head_phrases = _attached_phrases(words.head, words.after, True, facts, 0, end)
    if any(_RECALL.search(phrase) for phrase in head_phrases):
        return True
    if latest_year is None:
        return False
    years = [
        int(year)
        for phrase in _attached_phrases(
            words.lead, words.after, True, facts, start - len(words.lead), end
        )
        for year in _YEAR.findall(phrase)
    ]
    return bool(years) and max(years) < latest_year


def is_sequel(words: Surroundings) -> bool:
    """'Following his guilty plea he was dismissed': an event told as the sequel of another,
    not in the tense of news."""
    return _SEQUEL.search(words.near) is not None and not _in_news_tense(words)


_SEQUEL = re.compile(r"\b(?:following|after)\b", re.IGNORECASE)


# "Having reviewed our findings, the force has determined …": a perfect participle sets the
# scene for the main verb; its own verb is not the news.
_PARTICIPLE_LEAD = re.compile(r"\bhaving\s*$", re.IGNORECASE)
_HAS_BEFORE = re.compile(r"\b(?:has|have)\s+$", re.IGNORECASE)
_PREPOSITIONS = frozenset({"after", "following", "since", "before", "prior to"})
# The verb group of a reported event in the tense of news: "has been", "will not", "are now".
_NEWS_TENSE = re.compile(
    r"\b(?:has|have|will|is|are|has\s+today|have\s+today)"
    r"(?:\s+(?:now|also|today|not|been|being|formally|this\s+week))*\s*$",
    re.IGNORECASE,
)
_NEWS_TENSE_CUE = re.compile(r"^(?:has|have|will|is|are)\b", re.IGNORECASE)


def _in_news_tense(words: Surroundings) -> bool:
    cue = words.clause[len(words.lead) : len(words.clause) - len(words.after)]
    return bool(_NEWS_TENSE.search(words.lead) or _NEWS_TENSE_CUE.match(cue))


def is_recalled(words: Surroundings) -> bool:
    """A relative clause or pluperfect right before the cue ("who was dismissed", "had found")."""
    return bool(_RELATIVE_LEAD.search(words.lead) or _RELATIVE_PAST.search(words.lead))


_RELATIVE_PAST = re.compile(r"\b(?:who|which)\s+(?:was|were|had)\b(?:\s+\w+)?\s*$", re.I)


def in_news_tense(sentence: str, start: int, end: int) -> bool:
    """The cue at sentence[start:end] is in the tense of news ("has been", "will", "are now")."""
    lead_tense = _NEWS_TENSE.search(sentence, 0, start)
    return bool(lead_tense or _NEWS_TENSE_CUE.match(sentence, start, end))


# "A misconduct meeting later found …": an adverb that carries on a story already being told
# (not "later this year", "at a later date", "later that day").
_RECAP_ADVERB = re.compile(
    r"\b(?:later|subsequently)\b(?!\s+(?:this|that|in|today|on|date|stage|the|than))", re.I
)
_RECAP_LEAD = re.compile(r"\b(?:at\s+a|a)\s+$", re.I)


def continues_recap(sentence: str, start: int) -> bool:
    """The cue's clause carries on the story the sentence before it dated."""
    lead = sentence[:start]
    breaks = _facts(sentence).breaks_before(start)
    clause_start = breaks[-1].end() if breaks else 0
    for match in _RECAP_ADVERB.finditer(lead, clause_start):
        if not _RECAP_LEAD.search(lead, 0, match.start()):
            return True
    return False


# "Its findings were published in January 2025.", "This was announced in 2023."
_ANAPHORIC_DATING = re.compile(
    r"[\"'“‘(]?(?:It|Its|This|These|That|Those|Their|The\s+(?:findings|decision|decisions|report"
    r"|outcome|outcomes))\b[^.\n]{0,40}?\b(?:was|were)\s+(?:first\s+)?(?:published|announced|made"
    r"|issued|reported|shared|released|given|reached|taken)\b"
)


def dates_the_sentence_before(sentence: str) -> bool:
    """The sentence only dates what the one before it said ("Its findings were published in
    January 2025")."""
    match = _ANAPHORIC_DATING.match(sentence)
    if match is None:
        return False
    found = _DATED_PAST.search(sentence, match.end())
    return found is not None and not _NOW.search(sentence)


_AUXILIARY = re.compile(r"\b(?:has|have|is|are|will)\b", re.IGNORECASE)


def _attached_phrases(
    lead: str,
    after: str,
    relative: bool = True,
    facts: _SentenceFacts | None = None,
    lead_at: int = 0,
    after_at: int = 0,
) -> list[str]:
    """Time phrases that date the cue rather than something named near it.

    Before the cue: a phrase opening the text given (the sentence or clause: "In June 2022 we
    decided", "At that time we found", "Our original investigation found") or ending just
    before the cue with no clause break between. After it: a phrase within reach, before any
    word that starts a phrase about something else ("over the shooting … in 2017").

    With `facts`, `lead` and `after` are the sentence's text at `lead_at` and `after_at`, and
    a part holding none of the literals every time phrase needs is not searched.
    """
    found: list[str] = []
    stripped = len(lead) - len(lead.lstrip())
    lead_matches = (
        _DATED_PAST.finditer(lead)
        if facts is None or facts.may_date(lead_at, lead_at + len(lead))
        else ()
    )
    for match in lead_matches:
        if (
            match.start() - stripped <= 4
            or (
                len(lead) - match.end() <= _LEAD_REACH
                and not _CLAUSE_BREAK.search(lead, match.end())
                # "who was dismissed in March 2025 has appealed": the date is the clause's.
                and not _AUXILIARY.search(lead, match.end())
            )
            or (
                relative
                and _SUBJECT_RELATIVE.search(lead, 0, match.start())
                and _VERB_AFTER_RELATIVE.match(lead, match.end())
            )
        ):
            found.append(match.group())
    tail = after[:_AFTER_REACH]
    if facts is not None and not facts.may_date(after_at, after_at + len(tail)):
        return found
    other = _OTHER_PHRASE.search(tail)
    if other:
        tail = tail[: other.start()]
    found.extend(match.group() for match in _DATED_PAST.finditer(tail))
    return found


def is_dated_past(sentence: str, start: int, end: int) -> bool:
    """The cue is pinned to an earlier time ('in June 2022 we decided', 'found … in 2020').

    Time phrases attach to the verb they date, so only a phrase opening the sentence or its
    clause, one just before the cue, or one in the few words after it counts; a date inside
    the phrase naming the incident ("over the death of a man in 2019") dates something else.
    """
    facts = _facts(sentence)
    lead = sentence[:start]
    breaks = facts.breaks_before(start)
    clause = lead[breaks[-1].end() :] if breaks else lead
    after = sentence[end : end + _AFTER_REACH]
    # "A hearing, which began on 3 February, has been adjourned": the relative clause dates
    # the beginning; a main verb in the tense of news is today's event.
    auxiliary = _NEWS_TENSE_CUE.match(sentence[start:end])
    news_tense = bool(_NEWS_TENSE.search(lead) or auxiliary)
    # A cue that opens with its auxiliary ("has appealed") is read with it, so "who was
    # dismissed in March 2025 has appealed" dates the relative clause, not the appeal.
    read_lead = lead + auxiliary.group() if auxiliary else lead
    phrases = _attached_phrases(read_lead, after, not news_tense, facts, 0, end)
    if clause is not lead:
        phrases += _attached_phrases(clause, "", True, facts, start - len(clause), start)
        if not news_tense and _continues_dated_clause(lead, breaks, facts):
            phrases.append(clause)
    if not phrases:
        return False
    return not _NOW.search(lead + " " + after)


# "Both attended misconduct meetings in 2023; the allegations were found proven …", "held
# misconduct proceedings last year, at which one officer was dismissed": a clause that goes
# on from one ending in a month or year is part of that dated event.
_CONTINUING_CLAUSE = re.compile(
    r"\s*(?:and\s+(?:then\s+)?|(?:at|in|during|after|following)\s+which\b|where\b)", re.I
)
_DAY_DATE = re.compile(r"^on\b", re.I)


def _continues_dated_clause(
    lead: str, breaks: list[re.Match[str]], facts: _SentenceFacts | None = None
) -> bool:
    last = breaks[-1]
    joined_by = last.group()
    if joined_by != ";" and not (joined_by == "," and _CONTINUING_CLAUSE.match(lead, last.end())):
        return False
    before = lead[: last.start()].rstrip()
    opening = breaks[-2].end() if len(breaks) > 1 else 0
    if facts is not None and not facts.may_date(opening, len(before)):
        return False
    for match in _DATED_PAST.finditer(before, opening):
        # Month or year, ending the clause: releases date their own news to the day.
        if match.end() >= len(before) - 1 and not _DAY_DATE.match(match.group()):
            return True
    return False


# "Our investigation concluded in 2022. We found that two officers had a case to answer …": the
# findings of an investigation the sentence before dated.
_DATED_CONCLUSION = re.compile(
    r"\b(?:investigation|inquiry|review|report)\b[^.\n]{0,120}?\b(?:concluded|completed|finished"
    r"|ended|closed)\b",
    re.I,
)
_FINDINGS_OPENING = re.compile(
    r"[\"'“‘(]?(?:We|It|They|(?:The|Our|Its|This)\s+(?:\w+\s+)?(?:investigation|inquiry|report"
    r"|review|investigators?))\s+(?:also\s+)?(?:found|concluded|decided|determined|identified)\b"
)


def findings_of_dated_conclusion(sentence: str, previous: str) -> bool:
    """The sentence reports the findings of an investigation the sentence before dated."""
    if _FINDINGS_OPENING.match(sentence) is None:
        return False
    match = _DATED_CONCLUSION.search(previous)
    if match is None or _NOW.search(previous):
        return False
    dated = _DATED_PAST.search(previous, match.end(), match.end() + 40)
    return dated is not None and not _DAY_DATE.match(dated.group())


def says_now(sentence: str) -> bool:
    """The sentence marks something as happening now ('today', 'this week', 'now')."""
    return _NOW.search(sentence) is not None


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


# The literal sets every match of these patterns needs (read off each pattern without its
# IGNORECASE flag, lower-cased, as `attributes.route` does): a text whose lower-cased form
# lacks one is not searched. Only for patterns whose literals are rare in releases.
_GATED = (_CONDITION, _GENERIC, _NARRATED, _CLAIM, _CONTINUING, _PENDING_AFTER)
_NEEDS = {
    pattern: tuple(
        _minimal(literal.lower() for literal in factor)
        for factor in required_factors(re.compile(pattern.pattern, pattern.flags & ~re.I))
    )
    for pattern in _GATED
}
assert all(_NEEDS.values())


def _may_hold(pattern: re.Pattern[str], text: str) -> bool:
    """False only when `pattern` cannot match anywhere in `text`."""
    low = _lowered(text)
    return low is None or _has_factors(low, _NEEDS[pattern])


def _may_search(pattern: re.Pattern[str], text: str) -> bool:
    """`pattern.search(text) is not None`, skipping the search when it cannot match."""
    return _may_hold(pattern, text) and pattern.search(text) is not None
