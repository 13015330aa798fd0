"""Classify one announcement: which stage it reports, the sentence that says so, and attributes.

How a label is chosen (domain.md a.1):
1. General pages (statistics, blogs, policy, inspections) are `not_a_case_update`.
2. Every cue in the body is found and judged in its clause: negated, hypothetical, future
   (unless the cue is itself a decided next step) and background mentions are dropped.
3. Routing beats wording: a "case to answer" sent to reflective practice is reflective practice.
4. Of the events left, the highest on the ladder wins; the headline is read only when the
   body has none, because headlines are sometimes wrong.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from monitor.stages import attributes, context, genre, scan
from monitor.stages.cues import CIVILIAN_SUBJECT, CRIMINAL_STAGES, CUES, Cue
from monitor.stages.forces import distinct_forces, find_force, forces_in
from monitor.stages.index import LiteralIndex
from monitor.stages.literals import best as best_factor
from monitor.stages.literals import required_factors
from monitor.stages.sentences import Sentence, fold_case, split_sentences
from monitor.stages.vocabulary import ON_HOLD, REPORT_SUBMITTED, label, ladder_rank

NOT_A_CASE_UPDATE = "not_a_case_update"

_OUTSIDE_DISCIPLINE = frozenset(
    {
        "criminal_investigation",
        "cps_file_referred",
        "cps_no_charge",
        "criminal_charge",
        "criminal_trial_outcome",
        "inquest",
    }
)
# Stages where a disciplinary route (meeting, hearing, fast track) is part of the news.
_ROUTED_STAGES = frozenset(
    {
        "case_to_answer",
        "reflective_practice",
        "accelerated_hearing",
        "proceedings_scheduled",
        "outcome_dismissal",
        "outcome_sanction",
        "outcome_not_proven",
    }
)

# Everything after one of these headings is context, not news.
_BACKGROUND_HEADING = re.compile(
    r"^(?:notes?\s+(?:to|for)\s+editors?|background|editor['’]s\s+notes?|ends)\s*:?\s*$", re.I
)
# A decision that sends officers to reflective practice, rather than a passing mention of it.
_ROUTED_TO_RPRP = re.compile(
    r"\b(?:through|via|under|to|into|by|using)\s+(?:the\s+|a\s+)?(?:reflective\s+practice|RPRP)"
    r"|\b(?:reflective\s+practice|RPRP)\b[^.\n]{0,40}\b(?:instead|rather\s+than)",
    re.I,
)
# UK releases name a suspect as "Name, 40, of Town" or "Name, of Town"; officers carry a rank
# or "officer".
_AGE_APPOSITION = re.compile(r"[A-Z][a-z]+,\s+(?:\d{1,2},\s|(?:of|from)\s+[A-Z])")
# A first sentence whose subject is an officer accused of a crime ("A former West Yorkshire
# Police constable … has been jailed"): the "Name, 41, of Town" who follows is that officer,
# not a suspect. Not "Officers investigating … have charged" (no article, number or rank).
_OFFICER_LEDE = re.compile(
    r"[\"'“‘(]?(?:(?:A|An|The|One|Two|Three|Four|Five|Six)\s+(?:(?:former|serving|retired"
    r"|off-duty|senior|police|custody|firearms|response|detention|special|student|probationary|and"
    r"|[A-Z][\w'’&-]*)\s+){0,6}?(?:officers?|constables?|sergeants?|inspectors?|detectives?)"
    r"|(?:Former\s+)?(?:PC|DC|DS|Sgt|Sergeant|Inspector|Detective\s+Constable)\s+[A-Z])\b"
)
_OFFICER_WORD = re.compile(
    r"\b(?:officers?|constables?|PCs?|DCs?|sergeants?|inspectors?|detectives?|Sgt)\b", re.I
)
# A sentence whose subject is a member of the public: "A 31-year-old man from Croydon …".
_CIVILIAN_OPENING = re.compile(
    r"[\"'“‘(]?(?:A|An|The)\s+(?:\d+-year-old\s+)?(?:local\s+|young\s+)?(?:man|woman|boy|girl"
    r"|teenager|youth|driver|motorist|rider|motorcyclist|cyclist|passenger|pedestrian|suspect"
    r"|person)\b(?![’']s)"
)
# Several members of the public opening the sentence: "Three men who ran a drugs line …",
# "Two teenagers from Leeds …", "Drug dealers who …".
_WATCHDOG_WORDS = r"IOPC|IPCC|PIRC|Ombudsman|watchdog|Independent\s+Office"
_CIVILIANS_OPENING = re.compile(
    r"[\"'“‘(]?(?:(?:Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Several|\d+|The|A)\s+)?"
    r"(?:(?:\w+-year-old|local|young|drug|gang|county\s+lines)\s+)?(?:men|women|teenagers|youths"
    r"|boys|girls|people|drivers|dealers|brothers|sisters|burglars|robbers|fraudsters"
    r"|offenders|criminals|suspects|couple|pair|gang)\b(?![’']s)",
    re.I,
)
# A force's own crime investigation ("Detectives have launched an investigation … after a man was
# stabbed"): opened by detectives or the police, and nothing in the sentence about an officer's
# conduct or the watchdog.
_CRIME_INVESTIGATORS = re.compile(
    r"\b(?:detectives?|police|officers|CID|(?:murder|major|serious)\s+(?:crime\s+|investigation\s+)?"
    r"(?:team|unit|squad))\s+(?:have|has|had|were|are)?\s*(?:now\s+|also\s+|today\s+)?$",
    re.I,
)
_ABOUT_CONDUCT = re.compile(
    rf"\b(?:conduct|misconduct|professional\s+standards|anti-corruption|{_WATCHDOG_WORDS}"
    r"|police\s+contact|complaints?)\b"
    r"|\binto\s+(?:\w+\s+){0,4}(?:officers?|constables?|PCs?|sergeants?|inspectors?|staff)\b",
    re.I,
)
_ACCUSED_VERB = re.compile(
    r"\b(?:charged|jailed|imprisoned|convicted|sentenced|guilty|arrested|prosecuted|acquitted"
    r"|cleared|appeared|appear|admitted|admits|pleaded)\b"
)
_PRONOUN_OPENING = re.compile(r"[\"'“‘(]?(?:He|She|They)\b")
_MANAGEMENT_ADVICE = re.compile(r"management\s+advice", re.I)
_MEETING_OR_HEARING = re.compile(
    r"\b(?:misconduct|disciplinary)\s+(?:meeting|hearing)|\bpanel\b|\bchair\b", re.I
)
_FORMAL_PROCEEDINGS = re.compile(r"\bgross\s+misconduct\b|\bhearing\b|\bmeeting\b", re.I)
# A review that stands by a case-to-answer decision is that decision again (Kaba, Apr 2025).
_DECISION_CONFIRMED = re.compile(
    r"\b(?:maintain(?:s|ed)?|confirm(?:s|ed)?|uph(?:o|e)ld(?:s)?|stand(?:s)?\s+by|stood\s+by)\b"
    r"[^.\n]{0,60}\b(?:decision|determination|direction)\b"
)
_CONFIRM_NEEDLES = ("maintain", "confirm", "uphold", "upheld", "stand", "stood")
_REPORT_SUBMITTED = re.compile(
    r"\b(?:sent|passed|submitted|provided|shared|handed|gave|given)\s+(?:our|its|the|a)\s+"
    r"(?:final\s+)?(?:investigation\s+)?(?:report|file|findings)\b"
    r"(?![^.\n]{0,40}\b(?:CPS|Crown\s+Prosecution|prosecutor))"
    r"|\binvestigation\s+(?:has\s+)?(?:now\s+)?(?:concluded|completed|finished|is\s+complete)\b",
    re.I,
)
_ON_HOLD = re.compile(r"\b(?:paused|pausing|pauses|on\s+hold|stayed|held\s+in\s+abeyance)\b", re.I)
_FLAG_PATTERNS = (
    (REPORT_SUBMITTED, _REPORT_SUBMITTED, ("report", "file", "findings", "investigation")),
    (ON_HOLD, _ON_HOLD, ("paus", "hold", "stayed", "abeyance")),
)


@dataclass(frozen=True, slots=True)
class Classification:
    """What an announcement reports, and the sentence it was read from."""

    stage: str
    label: str
    evidence: str | None  # verbatim substring of the title or text
    officers: int | None = None
    severity: str | None = None  # "misconduct" | "gross_misconduct"
    route: str | None = None  # "meeting" | "hearing" | "accelerated" | "rprp"
    force: str | None = None
    flags: frozenset[str] = field(default_factory=frozenset)
    evidence_in: str | None = None  # "text" or "title": where the evidence was found

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; flags sorted so output is stable."""
        return {
            "stage": self.stage,
            "label": self.label,
            "evidence": self.evidence,
            "officers": self.officers,
            "severity": self.severity,
            "route": self.route,
            "force": self.force,
            "flags": sorted(self.flags),
            "evidence_in": self.evidence_in,
        }


@dataclass(frozen=True, slots=True)
class _Finding:
    stage: str
    sentence: Sentence
    start: int  # offset of the cue in the document text
    cue_text: str
    prospective: bool

    def as_stage(self, stage: str) -> _Finding:
        return _Finding(stage, self.sentence, self.start, self.cue_text, self.prospective)


def classify(title: str, text: str) -> Classification:
    """Classify one announcement from its headline and body text."""
    title = title or ""
    text = text or ""
    if not text.strip():
        return Classification(NOT_A_CASE_UPDATE, label(NOT_A_CASE_UPDATE), None)
    sentences = split_sentences(text)
    folded = fold_case(text)
    general = genre.general_page_sign(title, folded) or _roundup_sign(text, sentences)
    if general:
        return _general_page(title, text, sentences, general)

    findings = _findings(text, folded, sentences)
    if findings and genre.is_progress_update(folded):
        # A progress update dates what it recalls ("served with notices in 2024"), even when it
        # announces nothing else: its news is how far the investigation has got.
        findings = [f for f in findings if f.prospective or not _is_dated_past(f)]
    source = "text"
    if not findings and title.strip():
        findings = _findings(title, fold_case(title), split_sentences(title))
        source = "title"
    stage = _winner(findings)
    stage_findings = [finding for finding in findings if finding.stage == stage]
    evidence = stage_findings[0].sentence.text if stage_findings else None
    severity = _severity(stage, stage_findings, title, sentences)
    return Classification(
        stage=stage,
        label=label(stage, severity),
        evidence=evidence,
        officers=_officers(stage, stage_findings, title, sentences, findings),
        severity=severity,
        route=_route(stage, stage_findings, title, sentences),
        force=find_force(title, text),
        flags=_flags(text, folded, sentences),
        evidence_in=source if evidence else None,
    )


def _roundup_sign(text: str, sentences: list[Sentence]) -> tuple[str, int] | None:
    """A roundup of several cases: three sentences that each bring in another force ("A West
    Yorkshire Police officer was dismissed … We referred a file about a Thames Valley Police
    driver … Three Sussex Police officers will face …"). One case across forces names them
    together ("two from the Met and one from South Wales Police")."""
    if distinct_forces(text) < 3:
        return None
    seen: set[str] = set()
    introducing = 0
    for sentence in sentences:
        named = forces_in(sentence.text)
        if named - seen:
            introducing += 1
            if introducing >= 3:
                return ("text", sentence.start)
        seen |= named
    return None


def _general_page(
    title: str, text: str, sentences: list[Sentence], sign: tuple[str, int]
) -> Classification:
    where, offset = sign
    if where == "title":
        evidence = title.strip()
    else:
        evidence = _sentence_at(sentences, offset).text
    return Classification(
        NOT_A_CASE_UPDATE,
        label(NOT_A_CASE_UPDATE),
        evidence,
        force=find_force(title, text),
        evidence_in=where,
    )


def _sentence_at(sentences: list[Sentence], offset: int) -> Sentence:
    starts = [sentence.start for sentence in sentences]
    return sentences[max(0, bisect.bisect_right(starts, offset) - 1)]


def _findings(text: str, folded: str, sentences: list[Sentence]) -> list[_Finding]:
    """Every cue that reports a new event, in text order, after the routing rules."""
    if not sentences:
        return []
    latest = context.latest_year(text)
    starts = [sentence.start for sentence in sentences]
    news = sentences[: _news_end(sentences)]
    found: list[tuple[int, int, _Finding]] = []
    statistic: dict[int, bool] = {}  # sentence start -> genre.is_statistic(sentence)
    recalled: set[tuple[int, str]] = set()  # (sentence index, stage) of dated background cues
    # For each news sentence, which cue conditions its words satisfy (see _plan_cues).
    for index, satisfied in enumerate(_CUE_INDEX.regions(folded, starts, len(news))):
        if not satisfied:
            continue
        sentence = news[index]
        for condition in satisfied:
            for position in _TRIGGERED.get(condition, ()):
                cue, needs = _PLAN[position]
                if not needs <= satisfied:
                    continue
                for match in cue.pattern.finditer(folded, sentence.start, sentence.end):
                    if cue.word_start and _inside_word(folded, match.start()):
                        continue
                    previous = news[index - 1].text if index else ""
                    if _reports_new_event(
                        cue, match, sentence, (previous, news[0].text), latest, statistic
                    ):
                        finding = _Finding(
                            cue.stage, sentence, match.start(), match.group(), cue.prospective
                        )
                        found.append((match.start(), position, finding))
                    elif _recalled_with_date(match, sentence):
                        recalled.add((index, cue.stage))
    # Cue order breaks ties, as when each cue was scanned in turn and the list stably sorted.
    found.sort(key=lambda item: (item[0], item[1]))
    findings = [finding for _, _, finding in found]
    return _apply_routing(_drop_dated_past(findings, sentences, recalled), folded, sentences)


def _inside_word(folded: str, start: int) -> bool:
    return start > 0 and (folded[start - 1].isalnum() or folded[start - 1] == "_")


def _plan_cues() -> tuple[LiteralIndex, dict[int, tuple[int, ...]], list[tuple[Cue, frozenset]]]:
    """Which literals must start in a sentence before each cue's regex is worth running.

    A condition is a set of literals, one of which must start in the sentence's region. A cue's
    needles are a condition unless its regex implies one (then the needle adds nothing); the
    regex's required literals (literals.py) add conditions that only skip sentences where it
    could not match anyway. The cue is tried on a sentence when all its conditions hold; its
    rarest condition is the trigger that puts it on the sentence's list.
    """
    conditions: dict[frozenset[str], int] = {}
    plans: list[tuple[list[int], int]] = []
    for cue in CUES:
        factors = required_factors(cue.pattern)
        implied = any(
            all(any(needle in literal for needle in cue.needles) for literal in factor)
            for factor in factors
        )
        sets = [] if implied else [frozenset(cue.needles)]
        useful = [factor for factor in factors if min(map(len, factor)) >= _MIN_LITERAL]
        if not useful and not sets:
            useful = [best_factor(factors)]
        sets.extend(useful)
        numbers = [conditions.setdefault(condition, len(conditions)) for condition in sets]
        trigger = max(sets, key=_rarity)
        plans.append((numbers, conditions[trigger]))
    literals: dict[str, set[int]] = {}
    for condition, number in conditions.items():
        for literal in condition:
            literals.setdefault(literal, set()).add(number)
    index = LiteralIndex({literal: tuple(sorted(keys)) for literal, keys in literals.items()})
    triggered: dict[int, list[int]] = {}
    plan: list[tuple[Cue, frozenset[int]]] = []
    for position, (cue, (numbers, trigger)) in enumerate(zip(CUES, plans, strict=True)):
        triggered.setdefault(trigger, []).append(position)
        plan.append((cue, frozenset(numbers)))
    return index, {key: tuple(value) for key, value in triggered.items()}, plan


def _rarity(condition: frozenset[str]) -> tuple[int, int, int]:
    common = len(condition & _COMMON_LITERALS)
    return (-common, min(map(len, condition)), -len(condition))


# Shorter required literals ("the", "was") would rarely rule a sentence out and cost a hit each.
# With 4, a 3 KB announcement has ~170 literal hits and ~35 cue regex runs (5: ~130 and ~65).
_MIN_LITERAL = 4
# The required literals found most often in announcements (measured on the development set):
# they make poor triggers. Speed only; never changes output.
_COMMON_LITERALS = frozenset(
    "officer officers police conduct investigation misconduct force public found under "
    "further independent hearing information death interest standard".split()
)
_CUE_INDEX, _TRIGGERED, _PLAN = _plan_cues()


def _news_end(sentences: list[Sentence]) -> int:
    for index, sentence in enumerate(sentences):
        if _BACKGROUND_HEADING.match(sentence.text):
            return index
    return len(sentences)


def _reports_new_event(
    cue: Cue,
    match: re.Match[str],
    sentence: Sentence,
    neighbours: tuple[str, str],  # the sentence before, and the first sentence
    latest: int | None,
    statistic: dict[int, bool],
) -> bool:
    # Every test is a veto and none has side effects, so the cheap ones go first and the
    # sentence-wide statistics test runs last, once per sentence.
    if _is_question(sentence.text) and not _form_field_before_question(sentence, match):
        # "How many officers were dismissed?" (FOI requests, campaign statements, Q&A pages).
        return False
    words = context.surroundings(
        sentence.text, match.start() - sentence.start, match.end() - sentence.start
    )
    if cue.stage in CRIMINAL_STAGES and _about_a_civilian(sentence.text, words.lead, *neighbours):
        return False
    if cue.stage == "investigation_opened" and _crime_investigation(sentence.text, words.lead):
        return False
    if cue.reject_before and cue.reject_before.search(words.lead):
        return False
    if cue.reject_after and cue.reject_after.search(words.after):
        return False
    if context.is_negated(words) or context.is_hypothetical(words) or context.is_infinitive(words):
        return False
    if not cue.prospective and context.is_future(words):
        return False
    if context.is_claimed(words):
        return False
    if context.is_continuing(words):
        return False
    if context.is_pending(words) and cue.stage != "case_to_answer":
        return False
    if context.is_background(words, latest):
        return False
    is_statistic = statistic.get(sentence.start)
    if is_statistic is None:
        is_statistic = statistic[sentence.start] = genre.is_statistic(sentence.text)
    return not is_statistic


def _form_field_before_question(sentence: Sentence, match: re.Match[str]) -> bool:
    """A form's fields run together into the question that ends them ("Date response due: 29
    October 2025 Do you accept the recommendation?"): a cue followed by 'Label:' is a field,
    not part of the question."""
    return ":" in sentence.text[match.end() - sentence.start :]


def _is_question(sentence: str) -> bool:
    return sentence.rstrip(_CLOSING).endswith("?")


_CLOSING = " \t\n\"'”’)"


def _about_a_civilian(sentence: str, lead: str, previous: str = "", lede: str = "") -> bool:
    """Crime news about the suspect ("Stephen Port, 40, of Barking, has been charged…").

    The subject is a member of the public when a civilian noun ends the words before the cue,
    when the sentence opens with one ("A 31-year-old man from Croydon who was a passenger …
    has been arrested") or with "Name, 19, of Town", or when it opens with "He"/"She" and the
    sentence before it was about such a person ("He will appear at Luton Magistrates' Court").
    A named person is the officer the first sentence is about when it opens with one.
    """
    if CIVILIAN_SUBJECT.search(lead):
        return True
    if _OFFICER_WORD.search(lead):
        return False
    officer_lede = _OFFICER_LEDE.match(lede) is not None and bool(_ACCUSED_VERB.search(lede))
    if _civilian_opening(sentence, officer_lede):
        return True
    return bool(previous) and _PRONOUN_OPENING.match(sentence) is not None and (
        _civilian_opening(previous, officer_lede)
    )


def _crime_investigation(sentence: str, lead: str) -> bool:
    """Detectives or the police opening an investigation into a crime, not into officers."""
    return _CRIME_INVESTIGATORS.search(lead) is not None and not _ABOUT_CONDUCT.search(sentence)


def _civilian_opening(sentence: str, officer_lede: bool = False) -> bool:
    if _CIVILIAN_OPENING.match(sentence) or _CIVILIANS_OPENING.match(sentence):
        return True
    if officer_lede:
        return False
    return _AGE_APPOSITION.search(sentence) is not None and not _OFFICER_WORD.search(sentence)


def _recalled_with_date(match: re.Match[str], sentence: Sentence) -> bool:
    """A cue recalled in a relative clause or the pluperfect that also carries its date ("a
    constable who was dismissed without notice in November 2024"): a past event of that stage."""
    start, end = match.start() - sentence.start, match.end() - sentence.start
    words = context.surroundings(sentence.text, start, end)
    if context.is_negated(words) or context.is_hypothetical(words):
        return False
    # "Following his guilty plea he was dismissed … in September": background by its lead words
    # and dated, so a recalled event of that stage too.
    recalled = context.is_recalled(words) or context.is_sequel(words)
    return recalled and context.is_dated_past(sentence.text, start, end)


def _drop_dated_past(
    findings: list[_Finding],
    sentences: list[Sentence] | None = None,
    recalled_cues: set[tuple[int, str]] | frozenset = frozenset(),
) -> list[_Finding]:
    """Releases date what they recall ('in June 2022 we decided…') and not what they announce.

    So when some events are undated, events in sentences pinned to an earlier time are
    background. Prospective cues are about the future and keep their dates.
    """
    dated = [not finding.prospective and _is_dated_past(finding) for finding in findings]
    if all(dated):
        return findings
    # One sentence, one stage, one event: "X was dismissed at a hearing held in October … and
    # has been placed on the barred list" dates the barred-list clause as well.
    recalled = {
        (id(finding.sentence), finding.stage)
        for finding, is_dated in zip(findings, dated, strict=True)
        if is_dated
    }
    # One phrase, one event: "received management advice" dated as a sanction also dates the
    # "management advice" read as reflective practice inside it.
    spans = [
        (finding.start, finding.start + len(finding.cue_text))
        for finding, is_dated in zip(findings, dated, strict=True)
        if is_dated
    ]
    dated = [
        is_dated
        or (
            (id(finding.sentence), finding.stage) in recalled
            and not context.says_now(finding.sentence.text)
        )
        or any(
            start <= finding.start and finding.start + len(finding.cue_text) <= end
            for start, end in spans
        )
        for finding, is_dated in zip(findings, dated, strict=True)
    ]
    if sentences:
        recalled_too = _recalled_elsewhere(findings, dated, sentences, recalled_cues)
        if not all(recalled_too):
            dated = recalled_too
    return [finding for finding, is_dated in zip(findings, dated, strict=True) if not is_dated]


def _recalled_elsewhere(
    findings: list[_Finding],
    dated: list[bool],
    sentences: list[Sentence],
    recalled_cues: set[tuple[int, str]] | frozenset,
) -> list[bool]:
    """Past events the text dates in another sentence than the one that names them.

    - one stage, one event: once a stage is recalled with its date ("a constable who was
      dismissed in November 2024 has lodged an appeal"), its undated mentions in the past
      tense ("The officer was dismissed after a panel found …") are that event;
    - a recap goes on: "A misconduct meeting later found …" right after a dated sentence;
    - a sentence dates the one before it: "Its findings were published in January 2025."
    A mention in the tense of news ("has been", "today", "now") stays news.
    """
    index = {id(sentence): number for number, sentence in enumerate(sentences)}
    dated_sentences = {number for number, _ in recalled_cues}
    dated_sentences.update(
        index[id(finding.sentence)]
        for finding, is_dated in zip(findings, dated, strict=True)
        if is_dated
    )
    stages = {stage for _, stage in recalled_cues}
    result = []
    for finding, is_dated in zip(findings, dated, strict=True):
        text = finding.sentence.text
        start = finding.start - finding.sentence.start
        end = start + len(finding.cue_text)
        if (
            not is_dated
            and not context.says_now(text)
            and not context.in_news_tense(text, start, end)
            # "will be placed on the barred list" is still to come; "He was placed on" is not.
            and not (
                finding.prospective and context.is_future(context.surroundings(text, start, end))
            )
        ):
            number = index.get(id(finding.sentence), -1)
            following = sentences[number + 1].text if 0 <= number < len(sentences) - 1 else ""
            previous = sentences[number - 1].text if number > 0 else ""
            is_dated = (
                finding.stage in stages
                or (number - 1 in dated_sentences and context.continues_recap(text, start))
                or context.dates_the_sentence_before(following)
                or context.findings_of_dated_conclusion(text, previous)
            )
        result.append(is_dated)
    return result


def _is_dated_past(finding: _Finding) -> bool:
    start = finding.start - finding.sentence.start
    return context.is_dated_past(finding.sentence.text, start, start + len(finding.cue_text))


def _apply_routing(
    findings: list[_Finding], text: str, sentences: list[Sentence]
) -> list[_Finding]:
    """Rules that re-read one finding in the light of another (domain.md a.1 rule 3, a.2)."""
    position = {id(sentence): index for index, sentence in enumerate(sentences)}
    confirmed = scan.search_near(_DECISION_CONFIRMED, text, _CONFIRM_NEEDLES) is not None
    has_case_to_answer = any(finding.stage == "case_to_answer" for finding in findings)
    routed: list[_Finding] = []
    for finding in findings:
        if finding.stage == "case_to_answer" and _sent_to_rprp(finding, sentences, position):
            finding = finding.as_stage("reflective_practice")
        if finding.stage == "outcome_sanction" and _MANAGEMENT_ADVICE.search(finding.cue_text):
            if not _at_formal_proceedings(finding, sentences, position):
                finding = finding.as_stage("reflective_practice")
        if finding.stage == "appeal_or_review" and confirmed and has_case_to_answer:
            continue
        if finding.stage in _APPEALABLE and _substituted_on_appeal(finding, sentences, position):
            finding = finding.as_stage("appeal_or_review")
        routed.append(finding)
    accepted = _accepted_submissions(sentences[: _news_end(sentences)])
    if accepted:
        routed = sorted(routed + accepted, key=lambda finding: finding.start)
    return routed


_APPEALABLE = frozenset({"outcome_sanction", "outcome_dismissal"})
# A sanction a tribunal or court puts in place of the one appealed ("It ordered his
# reinstatement with a final written warning", "The tribunal substituted a written warning").
_ON_APPEAL = re.compile(
    r"\breinstat\w*|\bsubstitut\w*|\bon\s+appeal\b|\bappeals?\s+tribunal\b|\bPAT\b", re.I
)
_PRONOUN_SUBJECT = re.compile(r"[\"'“‘(]?(?:It|They|The\s+(?:tribunal|court|judge))\b")


def _substituted_on_appeal(
    finding: _Finding, sentences: list[Sentence], position: dict[int, int]
) -> bool:
    """A sanction ordered on appeal: the appeal's outcome, not a new misconduct outcome."""
    text = finding.sentence.text
    if _ON_APPEAL.search(text):
        return True
    return _PRONOUN_SUBJECT.match(text) is not None and bool(
        _ON_APPEAL.search(_neighbours(finding, sentences, position, -1))
    )


# A submission of no case to answer (or abuse of process) at a hearing, and the panel accepting
# it: the hearing ends without a finding (domain.md a.1 rule 3).
_SUBMISSION_OF_NO_CASE = re.compile(
    r"\b(?:submitted|submission|argued|contended|application)\b[^.\n]{0,80}\b(?:no\s+case\s+to\s+"
    r"answer|abuse\s+of\s+process)\b",
    re.I,
)
_SUBMISSION_ACCEPTED = re.compile(
    r"\b(?:panel|chair|chairs?|tribunal)\b[^.\n]{0,60}?\b(?:accepted|upheld|granted|allowed"
    r"|agreed\s+with)\s+(?:the|this|that|their|these|those|both)\s+(?:\w+\s+){0,2}?"
    r"(?:submissions?|applications?|arguments?)\b",
    re.I,
)


def _accepted_submissions(sentences: list[Sentence]) -> list[_Finding]:
    found: list[_Finding] = []
    for number, sentence in enumerate(sentences):
        text = sentence.text
        if not any(verb in text for verb in _ACCEPTING_VERBS):
            continue
        match = _SUBMISSION_ACCEPTED.search(text)
        if match is None:
            continue
        words = context.surroundings(text, match.start(), match.end())
        if context.is_negated(words) or _NEGATED_DECISION.search(match.group()):
            continue
        before = sentences[number - 1].text if number else ""
        if _SUBMISSION_OF_NO_CASE.search(text) or _SUBMISSION_OF_NO_CASE.search(before):
            at = sentence.start + match.start()
            found.append(_Finding("outcome_not_proven", sentence, at, match.group(), False))
    return found


_ACCEPTING_VERBS = ("accept", "uphe", "grant", "allow", "agreed")
_NEGATED_DECISION = re.compile(r"\b(?:not|never|refused|declined|rejected)\b|n[’']t\b", re.I)


def _neighbours(
    finding: _Finding, sentences: list[Sentence], position: dict[int, int], step: int
) -> str:
    index = position.get(id(finding.sentence))
    if index is None or not 0 <= index + step < len(sentences):
        return ""
    return sentences[index + step].text


def _sent_to_rprp(finding: _Finding, sentences: list[Sentence], position: dict[int, int]) -> bool:
    """A case to answer for misconduct handled by reflective practice, not proceedings."""
    if _FORMAL_PROCEEDINGS.search(finding.sentence.text):
        return False
    if _routes_to_rprp(finding.sentence.text):
        return True
    # The routing decision often follows a sentence or two later ("Having considered his
    # account, we agreed the matter should be dealt with through the reflective practice
    # review process rather than at a misconduct meeting").
    return any(
        _routes_to_rprp(_neighbours(finding, sentences, position, step)) for step in (1, 2)
    )


def _routes_to_rprp(sentence: str) -> bool:
    """A routing decision, not someone's view that RPRP would do ("the force's view was …")."""
    match = _ROUTED_TO_RPRP.search(sentence)
    return match is not None and not context.is_claimed(
        context.surroundings(sentence, match.start(), match.end())
    )


def _at_formal_proceedings(
    finding: _Finding, sentences: list[Sentence], position: dict[int, int]
) -> bool:
    """Management advice given by a misconduct meeting or hearing is a sanction (pre-2020)."""
    previous = _neighbours(finding, sentences, position, -1)
    return bool(
        _MEETING_OR_HEARING.search(finding.sentence.text) or _MEETING_OR_HEARING.search(previous)
    )


def _winner(findings: list[_Finding]) -> str:
    if not findings:
        return NOT_A_CASE_UPDATE
    return max((finding.stage for finding in findings), key=ladder_rank)


def _scopes(
    stage_findings: list[_Finding], title: str, sentences: list[Sentence]
) -> list[tuple[str, bool]]:
    """Where to look for attributes, nearest the evidence first: (text, is_title)."""
    scopes = [(finding.sentence.text, False) for finding in stage_findings]
    scopes.append((title, True))
    scopes.extend((sentence.text, False) for sentence in sentences)
    return scopes


def _officers(
    stage: str,
    stage_findings: list[_Finding],
    title: str,
    sentences: list[Sentence],
    findings: list[_Finding] = (),
) -> int | None:
    """How many officers the announcement concerns (domain.md a.1 rule 7).

    The group is named where the news is: the evidence, the headline or the opening sentence
    ("four officers … one was dismissed, two were given warnings"), so the largest count there
    wins; a single officer is 1; otherwise the first count anywhere in the body.
    """
    if stage == NOT_A_CASE_UPDATE:
        return None
    lede = sentences[:1]
    nearest = [finding.sentence.text for finding in stage_findings] + [title]
    nearest += [sentence.text for sentence in lede]
    counts = [count for count in map(attributes.officer_count, nearest) if count]
    # Sentences holding another new disciplinary decision: their officers are subjects too.
    decided = {
        id(finding.sentence) for finding in findings if finding.stage in _DECISION_STAGES
    }
    evidence = nearest[: len(stage_findings)]
    if (
        counts
        and not any(map(attributes.officer_count, evidence))
        and any(map(attributes.mentions_one_officer, evidence))
    ):
        # "Sergeant has case to answer; four officers for reflective practice": when the news
        # is about one officer, a headline count that the body gives to "four other officers"
        # is that other group, not the whole.
        others = {
            attributes.officer_count(sentence.text)
            for sentence in sentences
            if sentence.text not in nearest
            and _ANOTHER_GROUP.search(sentence.text)
            and _DECIDED_ABOUT.search(sentence.text)
        }
        counts = [count for count in counts if count not in others]
    if counts:
        return max(counts) + _other_subjects(sentences, nearest, counts, decided)
    if any(attributes.mentions_one_officer(text) for text in nearest[:-1]) or (
        attributes.mentions_one_officer(title, is_title=True)
    ):
        return 1 + _other_subjects(sentences, nearest, [], decided)
    body = [sentence.text for sentence in sentences]
    count = _first_count(body)
    if count:
        return count
    return 1 if any(attributes.mentions_one_officer(text) for text in body) else None


# "The IOPC also found that four constables …", "A separate allegation against a sergeant
# was found not proven", "The two other officers have no case to answer": more subjects of a
# decision beside the ones the evidence names.
_ANOTHER_GROUP = re.compile(r"\b(?:also|other|another|separate|second|remaining)\b", re.I)
_DECIDED_ABOUT = re.compile(
    r"\b(?:found|finds|decided|determined|concluded|case\s+to\s+answer|proven|warnings?|dismissed"
    r"|reflective\s+practice|management\s+(?:action|advice)|notices?)\b",
    re.I,
)
_NOT_A_SUBJECT = re.compile(r"\bwitness", re.I)
_WHOLE_GROUP = re.compile(r"\b(?:of\s+the|all)\s+(?:\d+|[a-z]+)\s+(?:\w+\s+){0,3}officers\b", re.I)


_DECISION_STAGES = frozenset(
    {
        "misconduct_notices_served",
        "case_to_answer",
        "no_case_to_answer",
        "reflective_practice",
        "outcome_dismissal",
        "outcome_sanction",
        "outcome_not_proven",
    }
)
# "PC Oduya", "Sergeant Jo Hale": an officer named by rank, to tell whether a sentence is about
# someone the text has already named.
_RANKED_NAME = re.compile(
    r"\b(?:PC|DC|DS|Sgt|Sergeant|Inspector|Constable|Officer)\s+(?:[A-Z][a-z]+\s+)?([A-Z][a-z]+)"
)


def _other_subjects(
    sentences: list[Sentence],
    nearest: list[str],
    counts: list[int],
    decided: set[int] | frozenset = frozenset(),
) -> int:
    """Officers in other decision sentences marked as further subjects, not already counted.

    A sentence is about further subjects when it says so ("also", "the other", "remaining") or
    holds a new disciplinary decision of its own ("Four constables will go through reflective
    practice"). None when the news already names the whole group ("two of the five
    officers"); an officer named by rank who was named before is the same person, and so is
    "the officer". Groups found only by their decision are parts of a headline count that is
    at least their sum ("Three officers … two constables … a third officer").
    """
    if any(_may_match(text, _WHOLE_GROUP) for text in nearest):
        return 0
    extra = 0
    parts = 0
    for number, sentence in enumerate(sentences):
        text = sentence.text
        if text in nearest:
            continue
        # The tests are pure, so the cheapest go first; each regex runs only when the literals
        # it needs are in the sentence.
        low = attributes._lowered(text)
        marked = _may_match(text, _ANOTHER_GROUP, low)
        if not (marked or id(sentence) in decided):
            continue
        if not _may_match(text, _DECIDED_ABOUT, low):
            continue
        if _may_match(text, _NOT_A_SUBJECT, low):
            continue
        if _named_before(text, sentences[:number]):
            continue
        count = attributes.officer_count(text)
        if not count and attributes.mentions_one_officer(text):
            count = 1 if marked or not _DEFINITE_ONE.search(text) else 0
        if not count or count in counts:
            continue
        if _ONE_OF_GROUP.search(text):
            # "He is one of nine officers who …": the one already counted is in the nine.
            count -= 1
        if marked:
            extra += count
        else:
            parts += count
    if parts and counts and parts <= max(counts):
        parts = 0
    return extra + parts


# Lower-case literals one of which every match of each pattern holds ("other" covers
# "another", "warning" "warnings", "notice" "notices", "case" "case to answer").
_NEEDS = {
    _ANOTHER_GROUP: ("also", "other", "separate", "second", "remaining"),
    _DECIDED_ABOUT: (
        "found", "finds", "decided", "determined", "concluded", "case", "proven", "warning",
        "dismissed", "reflective", "management", "notice",
    ),
    _NOT_A_SUBJECT: ("witness",),
    _WHOLE_GROUP: ("officers",),
}


def _may_match(text: str, pattern: re.Pattern[str], low: str | None | bool = False) -> bool:
    """`pattern.search(text) is not None`, skipping the search when `text` (lower-cased, see
    `attributes._lowered`) holds none of the literals the pattern needs."""
    if low is False:
        low = attributes._lowered(text)
    if low is not None and not any(literal in low for literal in _NEEDS[pattern]):
        return False
    return pattern.search(text) is not None


_ONE_OF_GROUP = re.compile(r"\b(?:he|she|who)\s+(?:is|was)\s+one\s+of\b", re.I)
# "The officer failed to …": the one already counted.
_DEFINITE_ONE = re.compile(
    r"\b(?:the|this|that)\s+(?:officer|constable|sergeant|inspector|detective)\b(?!s)", re.I
)


def _named_before(text: str, earlier: list[Sentence]) -> bool:
    names = _RANKED_NAME.findall(text)
    return bool(names) and all(
        any(name in sentence.text for sentence in earlier) for name in names
    )


def _first_count(texts: list[str]) -> int | None:
    for text in texts:
        count = attributes.officer_count(text)
        if count:
            return count
    return None


def _severity(
    stage: str, stage_findings: list[_Finding], title: str, sentences: list[Sentence]
) -> str | None:
    """The disciplinary level the news is about, nearest the evidence first."""
    if stage == NOT_A_CASE_UPDATE:
        return None
    if stage in _OUTSIDE_DISCIPLINE:
        # A court or coroner story names a level only in passing; trust only its evidence.
        scopes = [(finding.sentence.text, False) for finding in stage_findings]
    else:
        scopes = _scopes(stage_findings, title, sentences)
    for text, _ in scopes:
        found = attributes.severity(text)
        if found:
            # Different officers at different levels (Port 2016: seven gross misconduct
            # notices, ten misconduct): no single level is true of the announcement, so none
            # is reported rather than the higher one.
            return None if attributes.mixed_severity(text) else found
    # The accelerated route exists only for gross misconduct (CR 2020 reg 49).
    accelerated = any(attributes.route(text) == "accelerated" for text, _ in scopes[:2])
    if stage == "accelerated_hearing" or accelerated:
        return "gross_misconduct"
    return None


def _route(
    stage: str, stage_findings: list[_Finding], title: str, sentences: list[Sentence]
) -> str | None:
    if stage == "reflective_practice":
        return "rprp"
    if stage == "accelerated_hearing":
        return "accelerated"
    if stage not in _ROUTED_STAGES:
        return None
    for text, _ in _scopes(stage_findings, title, sentences):
        found = attributes.route(text)
        if found and found != "rprp":
            return found
    return None


def _flags(text: str, folded: str, sentences: list[Sentence]) -> frozenset[str]:
    """Status flags the body states as current (not negated, planned or past)."""
    latest = context.latest_year(text)
    starts = [sentence.start for sentence in sentences]
    flags: set[str] = set()
    for flag, pattern, needles in _FLAG_PATTERNS:
        hits = {
            bisect.bisect_right(starts, at) - 1 for at in scan.needle_positions(folded, needles)
        }
        for index in sorted(hits):
            sentence = sentences[index].text
            match = pattern.search(sentence)
            if match and _stated_as_current(match, sentence, latest):
                flags.add(flag)
                break
    return frozenset(flags)


def _stated_as_current(match: re.Match[str], sentence: str, latest: int | None) -> bool:
    words = context.surroundings(sentence, match.start(), match.end())
    if context.is_negated(words) or context.is_hypothetical(words) or context.is_future(words):
        return False
    return not context.is_background(words, latest)
