"""Cue phrases for each stage, written from the cue lists and traps in domain.md a.2.

A cue is a regular expression (written in any case, matched against case-folded text) plus
how to read it: `needles` are lower-case fragments, one of which
must occur in the text before the regex is even tried (keeps classification fast); `prospective`
marks phrasings that announce a decided next step ("will face a gross misconduct hearing") and
so survive the future-tense filter; `reject_before` / `reject_after` veto a match from the
words around it, for traps a bare phrase cannot express (disciplinary "charged with breaching
the standards" is not a criminal charge).

Gaps are written `[^.\n]{0,N}` (bounded, no nested quantifiers) so no pattern can backtrack
catastrophically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class Cue:
    stage: str
    pattern: re.Pattern[str]
    needles: tuple[str, ...]
    word_start: bool = False  # the pattern began with \b; checked after matching, for speed
    prospective: bool = False
    reject_before: re.Pattern[str] | None = None
    reject_after: re.Pattern[str] | None = None


def _gap(n: int) -> str:
    return rf"[^.\n]{{0,{n}}}"


_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DATE = (
    rf"(?:{_DAY}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}\b"
    r"|tomorrow|today|next week|this week|next month)"
)
_WATCHDOG = (
    r"(?:IOPC|IPCC|Independent Office for Police Conduct|Independent Police Complaints"
    r" Commission|police watchdog|watchdog|PIRC|Police Investigations and Review Commissioner"
    r"|Police Ombudsman|Ombudsman)"
)
_PROSECUTOR = (
    r"(?:CPS|Crown Prosecution Service|PPS|Public Prosecution Service|Procurator Fiscal|COPFS"
    r"|Crown Office|Crown Counsel|prosecutors?|Director of Public Prosecutions|DPP)"
)
_CONDUCT = r"(?:gross\s+)?misconduct(?!\s+in\s+(?:a\s+)?public\s+office)"
_DISCIPLINARY_CHARGE = re.compile(
    r"\bbreach(?:ing|es|ed)?\b|standards of professional behaviour|discreditable"
    rf"|\b{_CONDUCT}\s+(?:hearing|meeting|proceedings)|\bgross misconduct\b",
    _I,
)
_NOT_AN_OFFENCE = re.compile(r"^\s*(?:of|for)\s+(?:gross\s+)?misconduct\b(?!\s+in\s+public)", _I)
_WITNESS_APPEAL = re.compile(r"^\s*(?:for|to)\s+(?:witnesses|information|anyone|the public)", _I)
# "The misconduct case against three officers was dismissed": the case, not a person.
_NOT_A_PERSON_DISMISSED = re.compile(
    r"\b(?:case|appeal|application|claim|challenge|review|allegations?|complaints?|charges?"
    r"|proceedings|request|bid)\b(?:\s+(?:against|of|by|brought\s+by)\b[^,;]{0,80})?\s*$",
    _I,
)
# Criminal cues about a member of the public ("a man has been charged with murder"), not an
# officer: a civilian noun shortly before the cue and no officer noun in the clause.
CIVILIAN_SUBJECT = re.compile(
    r"^(?![^\n]*\b(?:officers?|constables?|PCs?|sergeants?|detectives?|inspectors?)\b)"
    r"[^\n]*\b(?:man|woman|men|women|teenagers?|boy|girl|youths?|driver|motorist|suspects?|"
    r"\d+-year-old|member\s+of\s+the\s+public)\s+(?:\w+\s+){0,3}$",
    _I,
)
# The officer is the victim, not the accused: "charged with assaulting an emergency worker".
_OFFICER_VICTIM = (
    r"\b(?:assault(?:ing)?|attack(?:ing)?|wounding|injuring|(?:attempt(?:ed|ing)?\s+(?:to\s+)?)?"
    r"murder(?:ing)?|(?:grievous|actual)\s+bodily\s+harm|obstruct(?:ing)?|resisting)\s+"
    r"(?:(?:on|of|against|to)\s+)?(?:an?\s+|the\s+|two\s+|three\s+)?(?:emergency\s+workers?"
    r"|(?:police\s+)?officers?|constables?|PCs?)\b"
)
_CHARGE_VETO = re.compile(rf"{_DISCIPLINARY_CHARGE.pattern}|{_OFFICER_VICTIM}", _I)
# "a separate decision to prosecute a member of the public": the accused is a civilian.
_CIVILIAN_OBJECT = re.compile(
    r"^\s*(?:an?|the|two|three)\s+(?:\d+-year-old\s+)?(?:member\s+of\s+the\s+public|man|woman"
    r"|men|women|teenagers?|boy|girl|youths?|driver|motorist|suspects?|civilians?|people)\b",
    _I,
)
# The object of an active "arrested": a member of the public arrested by officers.
_ARRESTEE_NOT_CIVILIAN = (
    r"(?!(?:an?|the|two|three|four|several)\s+(?:\w+\s+)?(?:\d+-year-old\s+)?(?:member\s+of\s+the"
    r"\s+public|man|woman|men|women|teenagers?|boys?|girls?|youths?|drivers?|motorists?|suspects?"
    r"|people|person|passengers?|pedestrians?|cyclists?|civilians?)\b)"
)
# What a court quashes when it reviews a tribunal, a panel or a court ("quashed the tribunal's
# orders on back pay", "quashed his conviction"): not an investigation to be done again.
_NOT_REINVESTIGATED = re.compile(
    r"^\s*(?:the\s+|his\s+|her\s+|their\s+|its\s+)?(?:\w+['’]s?\s+)?(?:(?:police\s+)?appeals?\s+)?"
    r"(?:tribunal|panel|orders?|costs|back\s+pay|convictions?|sentences?|sanctions?|warnings?"
    r"|dismissal|award|fine|finding\s+of\s+(?:gross\s+)?misconduct)",
    _I,
)
_COURT_FINDING = re.compile(r"\b(?:inquest|jury|coroner|sheriff|fatal\s+accident\s+inquiry)\b", _I)
CRIMINAL_STAGES = frozenset({"criminal_investigation", "criminal_charge", "criminal_trial_outcome"})
_HYPOTHETICAL_SANCTION = re.compile(
    r"\b(?:maximum|up to|live|existing|current|already|previous|outcomes? such as|range)\b", _I
)


def _cue(
    stage: str,
    pattern: str,
    needle: str,
    *,
    prospective: bool = False,
    reject_before: re.Pattern[str] | None = None,
    reject_after: re.Pattern[str] | None = None,
) -> Cue:
    needles = tuple(needle.split("|"))
    if not all(needles):
        raise ValueError(f"cue for {stage} needs a non-empty needle: {pattern}")
    # Patterns run case-sensitively on case-folded text: with re.IGNORECASE, Python's regex
    # engine loses its fast scan for the first character and runs several times slower.
    # A leading \b also disables the engine's literal-prefix scan, so it is checked afterwards.
    word_start = pattern.startswith(r"\b")
    folded = re.compile(pattern.lower().removeprefix(r"\b"))
    return Cue(stage, folded, needles, word_start, prospective, reject_before, reject_after)


CUES: tuple[Cue, ...] = (
    # --- referral -----------------------------------------------------------------------
    _cue("referral", r"\b(?:mandatory|voluntary|formal) referral\b", "referral"),
    _cue(
        "referral",
        rf"\b(?:referred|refers|referring)\s+(?:itself|themselves|the\s+\w+|this\s+\w+|a\s+\w+"
        rf"|it|the matter|the case)?\s*to\s+(?:the\s+)?{_WATCHDOG}",
        "referr",
    ),
    _cue(
        "referral",
        rf"\breferral\s+(?:was\s+|has been\s+)?made\s+to\s+(?:the\s+)?{_WATCHDOG}",
        "referral",
    ),
    _cue("referral", rf"\bmade\s+a\s+referral\s+to\s+(?:the\s+)?{_WATCHDOG}", "referral"),
    _cue("referral", r"\breferred\s+back\s+to\s+the\s+(?:force|constabulary)", "referred back"),
    _cue(
        "referral",
        r"\b(?:sent|passed|returned|referred|handed|gave)\s+(?:it|them|the\s+(?:matter|case|complaint"
        r"|referral|investigation))\s+back\s+to\b",
        "back to",
    ),
    _cue(
        "referral",
        r"\b(?:investigated|investigate|dealt\s+with|handled|looked\s+at)\s+locally\b",
        "locally",
        prospective=True,
    ),
    _cue(
        "referral",
        r"\b(?:assess(?:ing)?|consider(?:ing)?)\s+(?:the|this|that)\s+referral\b",
        "referral",
        prospective=True,
    ),
    _cue(
        "referral",
        r"\bdetermine whether an investigation is (?:necessary|required|needed)",
        "determine whether",
        prospective=True,
    ),
    # --- investigation_opened -----------------------------------------------------------
    _cue(
        "investigation_opened",
        r"\b(?:launched|begun|began|begin|opened|started|commenced|declared|beginning)\s+"
        r"(?:an?\s+|its\s+|our\s+)?(?:independent|directed|supervised|managed)\s+investigation",
        "investigation",
    ),
    _cue(
        "investigation_opened",
        r"\b(?:launched|begun|began|opened|started|commenced)\s+(?:an?|its|our)\s+(?:own\s+)?"
        r"(?:investigation|inquiry)(?!\s+into\s+(?:the\s+)?(?:allegations\s+of\s+)?(?:criminal|crime))",
        "investigation|inquiry",
    ),
    _cue(
        "investigation_opened",
        rf"\b(?:{_WATCHDOG}|we|it)\s+(?:will|is\s+to|are\s+to|has\s+decided\s+to|have\s+decided\s+to"
        r"|decided\s+to)\s+(?:now\s+)?(?:carry\s+out|conduct|undertake|lead|run)\s+(?:its|an?|our)\s+"
        r"(?:own\s+)?(?:independent\s+)?(?:investigation|inquiry)",
        "investigation|inquiry",
        prospective=True,
    ),
    _cue(
        "investigation_opened",
        r"\b(?:independent|directed|supervised)\s+investigation\s+(?:is|has been|was)\s+"
        r"(?:now\s+)?(?:under\s*way|launched|opened|begun|started)",
        "investigation",
    ),
    _cue(
        "investigation_opened",
        rf"\b(?:{_WATCHDOG}|we)(?:\s+\((?:IOPC|PIRC|PONI)\))?\s+(?:is|are|has|have)\s+(?:now\s+)?"
        r"(?:been\s+)?(?:independently\s+)?investigating\b",
        "investigating",
    ),
    _cue(
        "investigation_opened",
        rf"\b(?:{_WATCHDOG}|we)\s+(?:will|has decided to|have decided to|decided to)\s+"
        r"(?:now\s+)?(?:independently\s+)?investigate\b",
        "investigate",
        prospective=True,
    ),
    # Scotland and Northern Ireland: the prosecutor directs the watchdog ("the Crown Office has
    # directed the Commissioner to carry out an independent investigation").
    _cue(
        "investigation_opened",
        rf"\bdirected\s+(?:the\s+)?(?:{_WATCHDOG}|Commissioner)(?:\s+\((?:PIRC|PONI)\))?\s+to\s+"
        r"(?:carry\s+out|conduct|undertake|investigate)\b",
        "directed",
    ),
    _cue("investigation_opened", r"\bsent\s+investigators\s+to\b", "investigators"),
    _cue("investigation_opened", r"\bpost[- ]incident\s+(?:procedures?|process)\b", "incident"),
    _cue("investigation_opened", r"\btaken\s+primacy\b", "primacy"),
    _cue(
        "investigation_opened",
        rf"\bunder\s+(?:the\s+)?(?:{_WATCHDOG}|our)(?:'s)?\s+direction\b",
        "direction",
    ),
    # --- misconduct_notices_served --------------------------------------------------------
    _cue(
        "misconduct_notices_served",
        rf"\b(?:served|issued|given|received|handed)\s+(?:with\s+)?(?:\w+\s+)?{_CONDUCT}\s+"
        r"notices?",
        "notice",
    ),
    _cue(
        "misconduct_notices_served",
        rf"\b{_CONDUCT}\s+notices?\s+(?:have|has)\s+been\s+"
        r"(?:served|issued)",
        "notice",
    ),
    _cue(
        "misconduct_notices_served",
        rf"\bnotices?\s+(?:of|for)\s+(?:investigation|{_CONDUCT})",
        "notice",
    ),
    _cue(
        "misconduct_notices_served",
        rf"\b(?:under|subject\s+to)\s+(?:an?\s+)?(?:criminal\s+and\s+)?{_CONDUCT}\s+investigation",
        "investigation",
    ),
    _cue(
        "misconduct_notices_served",
        rf"\b(?:under\s+investigation|being\s+investigated)\s+for\s+(?:potential\s+|possible\s+"
        rf"|alleged\s+)?{_CONDUCT}",
        "investigat",
    ),
    _cue("misconduct_notices_served", r"\binterviewed\s+under\s+misconduct\s+caution", "caution"),
    # "Notices to that effect were served on all three officers."
    _cue(
        "misconduct_notices_served",
        r"\bnotices?\b(?:(?!hearing|meeting)[^.\n]){0,40}\b(?:were|was|have\s+been|has\s+been)\s+"
        r"(?:now\s+)?(?:served|issued)\b",
        "notice",
    ),
    # "have now been given formal notice setting out the allegations"
    _cue(
        "misconduct_notices_served",
        r"\b(?:given|served\s+with|issued\s+with|received)\s+(?:a\s+)?(?:formal\s+|written\s+)?"
        r"notices?\b(?!\s+(?:of|for)\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,2}(?:hearing|meeting))",
        "notice",
    ),
    # "advised that their conduct is being investigated", "told they are under investigation"
    _cue(
        "misconduct_notices_served",
        r"\b(?:advised|told|informed|notified)\s+(?:that\s+)?(?:they|he|she|(?:their|his|her)\s+"
        r"conduct)\s+(?:are|is|were|was)\s+(?:now\s+)?(?:being\s+investigated|under\s+investigation"
        r"|subject\s+to\s+(?:an?\s+)?investigation)",
        "advised|told|informed|notified",
    ),
    # IOPC/IPCC releases often drop the level: "served with notices telling them …".
    _cue("misconduct_notices_served", r"\bserved\s+(?:with\s+)?notices\b", "notices"),
    _cue("misconduct_notices_served", r"\bregulation\s+1[567]\s+notices?", "regulation"),
    _cue("misconduct_notices_served", r"\bnotices?\s+under\s+regulation\s+1[567]", "regulation"),
    # --- criminal_investigation ----------------------------------------------------------
    # "arrested at his home on Wednesday on suspicion of …"; not officers arresting a member of
    # the public ("officers … arrested a man nearby on suspicion of assault").
    _cue(
        "criminal_investigation",
        rf"\barrested\s+{_ARRESTEE_NOT_CIVILIAN}(?:[^.\n]{{0,60}}?\s)?on\s+suspicion\s+of\b",
        "arrested",
    ),
    _cue(
        "criminal_investigation",
        rf"\barrested\s+{_ARRESTEE_NOT_CIVILIAN}(?:\w+\s+){{0,3}}(?:for|over)\s+(?:alleged|an?\s)",
        "arrested",
    ),
    _cue(
        "criminal_investigation",
        r"\b(?:interviewed|questioned)\s+under\s+(?:criminal\s+)?caution\b"
        r"(?!\s+for\s+(?:gross\s+)?misconduct)",
        "caution",
    ),
    _cue(
        "criminal_investigation",
        r"\b(?:under|subject\s+to|launched|begun|began|opened|started)\s+(?:an?\s+)?"
        r"criminal\s+(?:(?:and|as\s+well\s+as)\s+(?:gross\s+)?(?:misconduct|disciplinary)\s+)?"
        r"investigation",
        "criminal",
    ),
    # "we are also investigating whether they may have committed a criminal offence"
    _cue(
        "criminal_investigation",
        r"\binvestigating\s+whether\s+(?:\w+\s+){1,4}?(?:may\s+have\s+|might\s+have\s+|have\s+|had\s+)?"
        r"committed\s+(?:a\s+|any\s+)?(?:criminal\s+)?offences?",
        "investigating whether",
    ),
    _cue("criminal_investigation", r"\breleased\s+under\s+investigation\b", "released under"),
    _cue("criminal_investigation", r"\bcriminal\s+(?:and\s+misconduct\s+)?notices?\b", "notice"),
    _cue(
        "criminal_investigation",
        r"\b(?:under\s+investigation|being\s+investigated)\s+for\s+(?:potential\s+|possible\s+)?"
        r"(?:criminal\s+offences?|the\s+offence|misconduct\s+in\s+public\s+office|assault"
        r"|manslaughter|murder|perverting)",
        "investigat",
    ),
    # --- cps_file_referred ----------------------------------------------------------------
    _cue(
        "cps_file_referred",
        rf"\b(?:referred|sent|passed|submitted|forwarded|handed)\s+(?:a|our|the|its|their)\s+"
        rf"(?:\w+\s+)?(?:files?|report)\b{_gap(40)}\bto\s+(?:the\s+)?{_PROSECUTOR}",
        "file|report",
        reject_after=re.compile(r"\badvice\b", _I),
    ),
    _cue(
        "cps_file_referred",
        rf"\b(?:referred|sent)\s+(?:the\s+)?(?:case|matter|evidence|findings|officers?|\w+)\s+"
        rf"(?:\w+\s+)?to\s+the\s+{_PROSECUTOR}",
        "to the",
        reject_after=re.compile(r"\badvice\b", _I),
    ),
    _cue("cps_file_referred", rf"\bmakes?\s+referral\s+to\s+(?:the\s+)?{_PROSECUTOR}", "referral"),
    _cue(
        "cps_file_referred",
        rf"\bit\s+is\s+(?:now\s+)?for\s+(?:the\s+)?{_PROSECUTOR}\s+to\s+(?:decide|determine|consider)",
        "for",
    ),
    _cue(
        "cps_file_referred",
        rf"\b(?:file|report)\s+(?:of\s+evidence\s+)?(?:has|have)\s+(?:now\s+)?been\s+(?:passed|sent"
        rf"|submitted|referred|forwarded|handed)\s+to\s+(?:the\s+)?{_PROSECUTOR}",
        "been",
    ),
    _cue(
        "cps_file_referred",
        r"\bmay\s+have\s+committed\s+(?:a\s+)?criminal\s+offences?",
        "committed",
    ),
    # --- cps_no_charge --------------------------------------------------------------------
    _cue(
        "cps_no_charge",
        r"\b(?:decided|decision|determined|concluded|agreed)\s+(?:that\s+)?(?:it\s+is\s+)?"
        r"not\s+(?:to\s+)?(?:bring\s+|authorise\s+)?(?:any\s+)?(?:criminal\s+)?"
        r"(?:charges?|prosecut\w*)",
        "not",
    ),
    _cue(
        "cps_no_charge",
        r"\bno\s+(?:criminal\s+)?charges?\s+(?:will|would|should)\s+be\s+"
        r"(?:brought|authorised|laid)",
        "no",
    ),
    _cue(
        "cps_no_charge",
        r"\b(?:evidential|legal)\s+(?:test|threshold)\b[^.\n]{0,40}\bnot\s+"
        r"(?:been\s+)?met\b",
        "test",
    ),
    _cue(
        "cps_no_charge",
        r"\bno\s+(?:realistic|reasonable)\s+prospect\s+of\s+(?:securing\s+)?(?:a\s+)?conviction",
        "prospect",
    ),
    # "the evidence does not give a realistic prospect of securing a conviction"
    _cue(
        "cps_no_charge",
        r"\b(?:(?:does|did|do|would)\s+not|insufficient\s+to|not\s+sufficient\s+to)\s+(?:give|provide"
        r"|offer|afford|create)\s+(?:a\s+)?(?:realistic|reasonable)\s+prospect\s+of\s+(?:securing\s+)?"
        r"(?:a\s+)?conviction",
        "prospect",
    ),
    _cue(
        "cps_no_charge",
        rf"\b(?:did|does|do)\s+not\s+(?:meet|reach|pass|satisfy)\s+(?:the\s+)?(?:\w+\s+){{0,2}}"
        rf"(?:threshold|test)\b{_gap(40)}\b(?:prosecution|charge|charging)",
        "not",
    ),
    _cue(
        "cps_no_charge",
        rf"\b{_PROSECUTOR}\b{_gap(60)}\bno\s+further\s+action\b",
        "no further action",
    ),
    _cue(
        "cps_no_charge",
        r"\b(?:will|should)\s+not\s+(?:face\s+(?:any\s+)?(?:criminal\s+)?(?:charges?"
        r"|prosecution)|face\s+(?:any\s+)?criminal\s+proceedings|be\s+(?:charged|prosecuted))",
        "not",
    ),
    # Scotland: "there should be no criminal proceedings against the officers", "no criminal
    # proceedings should be taken".
    _cue(
        "cps_no_charge",
        r"\b(?:(?:should|will|would)\s+be\s+no\s+criminal\s+proceedings|no\s+criminal\s+proceedings"
        r"\s+(?:should|will|would|are\s+to|is\s+to)\s+be\s+(?:taken|brought|raised|instituted))",
        "criminal proceedings",
    ),
    # --- criminal_charge ------------------------------------------------------------------
    _cue(
        "criminal_charge",
        r"\bauthori[sz]ed\s+(?:a\s+|the\s+)?(?:criminal\s+)?charges?\b",
        "authori",
    ),
    _cue(
        "criminal_charge",
        r"\b(?:has|have|was|were|been|being|is|are)\s+(?:now\s+|today\s+|also\s+|formally\s+)?"
        r"charged\b",
        "charged",
        reject_after=_CHARGE_VETO,
    ),
    _cue("criminal_charge", r"\bcharged\s+with\b", "charged with", reject_after=_CHARGE_VETO),
    # Prosecutors outside England phrase the charge as a decision (PPS NI "decision to prosecute",
    # COPFS "instructed proceedings"): "concluded there is sufficient evidence to prosecute".
    _cue(
        "criminal_charge",
        r"\b(?:decision|decided|decides|directed|direction|instructed|authori[sz]ed)\s+to\s+"
        r"(?:prosecute|charge)\b",
        "to prosecute|to charge",
        reject_after=_CIVILIAN_OBJECT,
    ),
    _cue(
        "criminal_charge",
        r"\bsufficient\s+evidence\s+(?:\w+\s+){0,3}?to\s+(?:prosecute|charge|bring\s+(?:criminal\s+)?"
        r"(?:charges|proceedings))\b",
        "sufficient",
        reject_after=_CIVILIAN_OBJECT,
    ),
    _cue(
        "criminal_charge",
        r"\bcriminal\s+proceedings\s+(?:have|has)\s+(?:now\s+)?been\s+(?:raised|instituted"
        r"|commenced|brought|issued)\b",
        "criminal proceedings",
    ),
    _cue("criminal_charge", r"\bpostal\s+(?:charge\s+)?requisition", "requisition"),
    _cue(
        "criminal_charge",
        rf"\b(?:will|is\s+due\s+to|are\s+due\s+to|to)\s+appear\s+(?:at|before)\s{_gap(50)}"
        r"(?:Magistrates|Crown\s+Court)",
        "appear",
        prospective=True,
    ),
    _cue("criminal_charge", r"\bappeared\s+(?:at|before)\s[^.\n]{0,50}Magistrates", "appeared"),
    # --- criminal_trial_outcome -----------------------------------------------------------
    _cue("criminal_trial_outcome", r"\b(?:pleaded|pled|admitted)\s+guilty\b", "guilty"),
    _cue(
        "criminal_trial_outcome",
        r"\b(?:found|was|were)\s+(?:not\s+)?guilty\s+of\b",
        "guilty",
        reject_after=_NOT_AN_OFFENCE,
    ),
    _cue("criminal_trial_outcome", r"\bconvicted\b", "convicted"),
    _cue("criminal_trial_outcome", r"\bacquitted\b", "acquitted"),
    _cue(
        "criminal_trial_outcome",
        r"\bcleared\s+(?:by\s+a\s+jury|of\s+(?:all\s+charges|murder|manslaughter|assault|rape"
        r"|causing|misconduct\s+in\s+public\s+office|perverting|dangerous))",
        "cleared",
    ),
    _cue(
        "criminal_trial_outcome",
        r"\bjury\b[^.\n]{0,60}\b(?:could\s+not|was\s+unable\s+to|were\s+unable\s+to|"
        r"failed\s+to)\s+(?:reach|agree)",
        "jury",
    ),
    _cue("criminal_trial_outcome", r"\bjury\s+(?:was|were|has\s+been)\s+discharged\b", "jury"),
    _cue("criminal_trial_outcome", r"\bhung\s+jury\b", "hung"),
    _cue("criminal_trial_outcome", r"\bsentenced\s+to\b", "sentenced"),
    _cue(
        "criminal_trial_outcome",
        r"\b(?:was|were|has\s+been|have\s+been)\s+(?:jailed|"
        r"imprisoned)\b",
        "jailed|prisoned",
    ),
    # "He was sentenced at the same court today", "admitted three counts of misconduct in public
    # office": the plea and the sentence, phrased without "guilty" or "sentenced to".
    _cue(
        "criminal_trial_outcome",
        r"\b(?:was|were|has\s+been|have\s+been)\s+(?:formally\s+)?sentenced\b",
        "sentenced",
    ),
    _cue(
        "criminal_trial_outcome",
        r"\b(?:admitted|admits)\s+(?:\w+\s+){0,2}(?:counts?|charges?|offences?)\s+of\b",
        "admit",
        reject_after=_DISCIPLINARY_CHARGE,
    ),
    _cue("criminal_trial_outcome", r"\boffered\s+no\s+evidence\b", "offered no evidence"),
    _cue(
        "criminal_trial_outcome",
        r"\b(?:prosecution|case|charges?)\s+(?:was|were|has\s+been"
        r"|have\s+been)\s+(?:discontinued|dropped)\b",
        "discontinued|dropped",
    ),
    # --- case_to_answer -------------------------------------------------------------------
    _cue("case_to_answer", r"(?<!\bno )\bcase\s+to\s+answer\b", "case to answer"),
    _cue(
        "case_to_answer",
        rf"\b(?:will|would\s+now|are\s+to|is\s+to|set\s+to|due\s+to|must|should)\s+face\s+"
        rf"(?:an?\s+)?(?:{_CONDUCT}\s+|disciplinary\s+|fast[- ]track(?:ed)?\s+(?:misconduct\s+)?)"
        r"(?:hearings?|meetings?|proceedings|process|action)",
        "face",
        prospective=True,
    ),
    _cue(
        "case_to_answer",
        r"\bdirected\s+(?:the\s+)?(?:force|constabulary|Met|[A-Z][a-z]+\s+(?:Police|"
        r"Constabulary)|them|it)?\s*to\s+(?:hold|bring|instigate|arrange)",
        "directed",
    ),
    # "decided to direct that misconduct proceedings be brought", "has directed that both
    # officers attend a misconduct meeting"
    _cue(
        "case_to_answer",
        rf"\bdirect(?:ed|s|ing)?\s+that\b{_gap(60)}\b(?:misconduct|disciplinary)\s+"
        r"(?:proceedings|meetings?|hearings?)\b",
        "direct",
    ),
    _cue(
        "case_to_answer",
        rf"\b(?:decided|agreed)\s+to\s+(?:instigate|bring|hold)\s+"
        rf"(?:{_CONDUCT}\s+|disciplinary\s+)?(?:proceedings|hearing|meeting)",
        "decided",
    ),
    _cue(
        "case_to_answer",
        r"\backnowledge[sd]?\s+(?:the\s+)?(?:IOPC|IPCC|watchdog)['’]?s?\s+"
        r"direction",
        "direction",
        prospective=True,
    ),
    _cue(
        "case_to_answer",
        r"\b(?:arranging|arrange|arrangements\s+for)\s+(?:an?|the)\s+(?:independently[- ]led\s+)?"
        r"(?:gross\s+)?(?:misconduct\s+)?(?:hearing|meeting)",
        "arrang",
        prospective=True,
    ),
    # "will answer allegations at a misconduct hearing", "should face allegations of gross
    # misconduct": the decision that proceedings follow, phrased through the allegations.
    _cue(
        "case_to_answer",
        r"\b(?:will|would\s+now|are\s+to|is\s+to|set\s+to|must|should)\s+(?:answer|face)\s+"
        r"(?:\w+\s+){0,2}allegations?\b",
        "allegation",
        prospective=True,
    ),
    # "The hearing will therefore go ahead" (a decision maintained after a review).
    _cue(
        "case_to_answer",
        r"\b(?:hearing|proceedings|meeting)\s+(?:will|should|must|can)\s+(?:therefore\s+|now\s+"
        r"|still\s+)?(?:go\s+ahead|proceed)\b",
        "ahead|proceed",
        prospective=True,
    ),
    _cue(
        "case_to_answer",
        rf"\b(?:will|to|has\s+decided\s+to|have\s+decided\s+to|agreed\s+to)\s+(?:now\s+)?"
        rf"(?:hold|bring|instigate)\s+(?:an?\s+)?(?:{_CONDUCT}\s+|disciplinary\s+)"
        r"(?:hearing|meeting|proceedings)",
        "hold|bring|instigate",
        prospective=True,
    ),
    _cue(
        "case_to_answer",
        rf"\b(?:{_CONDUCT}|disciplinary)\s+(?:proceedings|hearing)s?\s+"
        r"(?:will|should|must)\s+(?:be\s+)?(?:brought|follow|held|arranged)",
        "will",
        prospective=True,
    ),
    # --- no_case_to_answer ----------------------------------------------------------------
    _cue(
        "no_case_to_answer",
        r"\b(?:(?:none|neither)\s+of\s+(?:the|them|these|those|their)|neither\s+(?:\w+\s+)?"
        r"(?:officer|constable|sergeant|inspector|PC|member\s+of\s+staff))\b[^.\n]{0,80}"
        r"\bcase\s+to\s+answer",
        "case to answer",
    ),
    _cue("no_case_to_answer", r"\bno\s+case\s+to\s+answer\b", "no case to answer"),
    _cue(
        "no_case_to_answer",
        r"\bno\s+(?:officer|officers|one|individual)\b[^.\n]{0,40}\bcase\s+"
        r"to\s+answer",
        "case to answer",
    ),
    _cue(
        "no_case_to_answer",
        r"\b(?:do|does|did)\s+not\s+have\s+(?:a|any)\s+case\s+to\s+answer",
        "case to answer",
    ),
    _cue(
        "no_case_to_answer",
        r"\bdid\s+not\s+(?:find|identify)\s+(?:a|any)\s+case\s+to\s+answer",
        "case to answer",
    ),
    _cue(
        "no_case_to_answer",
        r"\bno\s+indication\s+that\b[^.\n]{0,100}\b(?:disciplinary|criminal\s+offence|misconduct)",
        "no indication",
    ),
    _cue(
        "no_case_to_answer",
        r"\bno\s+evidence\s+(?:that\s+)?(?:the\s+)?(?:police|any\s+officer"
        r"|officers?)\b[^.\n]{0,40}\b(?:caused|contributed|behaved)",
        "no evidence",
    ),
    # "found nothing to suggest that the officers' actions had any bearing on his death"
    _cue(
        "no_case_to_answer",
        r"\b(?:found|was|is|there\s+was|identified)\s+(?:nothing|no\s+evidence|no\s+indication)\s+to\s+"
        r"(?:suggest|indicate|show)\s+(?:that\s+)?(?:any\s+of\s+)?(?:the\s+)?(?:\w+\s+)?(?:officers?"
        r"|police|any\s+officer|they|he|she)\b",
        "to suggest|to indicate|to show",
    ),
    # PIRC / Ombudsman causation findings: "the death was not attributable to any act or omission
    # by the officers"; an inquest or sheriff saying so is the inquest's conclusion.
    _cue(
        "no_case_to_answer",
        r"\b(?:was|were|is|are|been)\s+not\s+(?:\w+\s+)?attributable\s+to\s+(?:any|an)\s+"
        r"(?:act|action|omission|failure|failing)",
        "attributable",
        reject_before=_COURT_FINDING,
    ),
    _cue(
        "no_case_to_answer",
        r"\b(?:nothing|no\s+evidence)\s+to\s+(?:suggest|indicate|show)\b[^.\n]{0,80}\battributable\s+to"
        r"\s+(?:an?|any)\s+(?:act|action|omission|failure|failing)",
        "attributable",
        reject_before=_COURT_FINDING,
    ),
    _cue(
        "no_case_to_answer",
        rf"\bcleared\s+by\s+(?:the\s+)?(?:{_WATCHDOG}|(?:an?\s+)?(?:independent\s+)?investigation)",
        "cleared",
    ),
    _cue(
        "no_case_to_answer",
        r"\b(?:will|would|should)\s+not\s+face\s+(?:any\s+)?(?:disciplinary|misconduct)\s+"
        r"(?:action|proceedings|hearing)",
        "not face",
    ),
    _cue(
        "no_case_to_answer",
        r"\b(?:no|neither)\s+(?:officer|one)\s+(?:will|would|is\s+to)\s+face\s+"
        r"(?:any\s+)?(?:disciplinary|misconduct)",
        "face",
    ),
    _cue(
        "no_case_to_answer",
        r"\bno\s+(?:further\s+)?(?:disciplinary|misconduct)\s+(?:action|"
        r"proceedings)\s+(?:will|would|should)",
        "no",
    ),
    # --- reflective_practice --------------------------------------------------------------
    _cue("reflective_practice", r"\breflective\s+practice\b", "reflective", prospective=True),
    _cue("reflective_practice", r"\bRPRP\b", "rprp", prospective=True),
    _cue("reflective_practice", r"\bpractice\s+requiring\s+improvement\b", "requiring"),
    _cue(
        "reflective_practice",
        r"\b(?:performance|conduct)\s+(?:fell|falls|had\s+fallen)\s+"
        r"below\s+the\s+(?:standard|level)",
        "below",
    ),
    _cue(
        "reflective_practice",
        r"\b(?:required\s+to|must|need\s+to|needs\s+to|should)\s+improve"
        r"\s+(?:their|his|her)\s+performance",
        "improve",
        prospective=True,
    ),
    _cue("reflective_practice", r"\bunsatisfactory\s+performance\s+procedures?", "unsatisfactory"),
    _cue(
        "reflective_practice", r"\bmanagement\s+(?:action|advice)\b", "management", prospective=True
    ),
    # --- accelerated_hearing --------------------------------------------------------------
    _cue(
        "accelerated_hearing",
        r"\baccelerated\s+(?:gross\s+)?(?:misconduct\s+)?(?:hearing|"
        r"proceedings|process)\b(?!s)",
        "accelerated",
        prospective=True,
    ),
    _cue(
        "accelerated_hearing",
        r"\bfast[- ]?track(?:ed)?\s+(?:disciplinary\s+|misconduct\s+)?"
        r"(?:proceedings|hearing|process)",
        "track",
        prospective=True,
    ),
    _cue("accelerated_hearing", r"\bspecial\s+case\s+hearing", "special case", prospective=True),
    _cue(
        "accelerated_hearing",
        r"\bspecial\s+conditions\b[^.\n]{0,60}?\b(?:were|are|had\s+been|have\s+been)"
        r"\s+(?:met|satisfied|fulfilled)",
        "special conditions",
    ),
    # --- proceedings_scheduled ------------------------------------------------------------
    _cue(
        "proceedings_scheduled",
        r"\b(?:hearing|meeting|proceedings)\s+(?:has\s+|have\s+)?"
        r"(?:began|begun|begins|opened|opens|started|starts|commenced|resumed|resumes|got\s+"
        r"under\s*way|is\s+under\s*way)\b",
        "hearing",
    ),
    _cue(
        "proceedings_scheduled",
        r"\b(?:was|were|has\s+been|have\s+been|is|are)\s+adjourned\b",
        "adjourned",
    ),
    _cue(
        "proceedings_scheduled",
        rf"\b(?:hearing|meeting)\b{_gap(50)}\b(?:will|is\s+due\s+to|is\s+set\s+to|is\s+scheduled"
        rf"\s+to|is\s+listed\s+to)\s+(?:be\s+held|begin|start|take\s+place|commence|open|run)"
        rf"\b{_gap(60)}\b(?:on|from|starting|between|in)\s+{_DATE}",
        "will",
        prospective=True,
    ),
    _cue(
        "proceedings_scheduled",
        rf"\b(?:will|are\s+due\s+to|is\s+due\s+to|are\s+set\s+to|is\s+set\s+to|are\s+to|is\s+to)"
        rf"\s+(?:face|attend|answer|appear\s+(?:before|at))\s+(?:an?\s+)?{_gap(40)}"
        rf"\b(?:hearing|meeting|allegations?|panel)\b{_gap(60)}"
        rf"\b(?:on|from|starting|commencing|beginning|between)\s+{_DATE}",
        "face|attend|answer|appear",
        prospective=True,
    ),
    _cue(
        "proceedings_scheduled",
        rf"\b(?:hearing|meeting)\s+(?:is|has\s+been|was|have\s+been)\s+"
        rf"(?:listed|scheduled|arranged|set)\s+(?:for|to)\s+{_gap(20)}{_DATE}",
        "hearing",
        prospective=True,
    ),
    _cue(
        "proceedings_scheduled",
        r"\bwill\s+be\s+held\s+in\s+(?:public|private)\b",
        "held in",
        prospective=True,
    ),
    _cue(
        "proceedings_scheduled",
        r"\bregister\s+(?:to\s+attend|your\s+interest|interest)\b",
        "register",
        prospective=True,
    ),
    _cue(
        "proceedings_scheduled",
        r"\bnotice\s+of\s+(?:a\s+)?(?:gross\s+)?(?:misconduct\s+)?"
        r"(?:hearing|meeting)",
        "notice",
    ),
    _cue(
        "proceedings_scheduled",
        r"\bcharged\s+with\s+(?:breach(?:ing|es)?|a\s+breach)\s+"
        r"(?:of\s+)?(?:the\s+)?standards",
        "charged",
    ),
    _cue(
        "proceedings_scheduled",
        r"\bhearing\s+(?:is|was|has\s+been)\s+(?:taking|being)\s+"
        r"(?:place|held)",
        "hearing",
    ),
    # --- outcome_dismissal ----------------------------------------------------------------
    _cue("outcome_dismissal", r"\bdismissed\s+without\s+notice\b", "without notice"),
    # "would have been dismissed / removed from the force had he still been serving", "the only
    # appropriate outcome would have been to end his service without notice"
    _cue(
        "outcome_dismissal",
        r"\bwould\s+have\s+been\s+(?:to\s+)?(?:dismissed|dismissal|removed|sacked"
        r"|(?:to\s+)?end\s+(?:his|her|their)\s+service)\b",
        "would have been",
    ),
    _cue(
        "outcome_dismissal",
        r"\b(?:ended|terminated)\s+(?:his|her|their)\s+service\s+without\s+notice",
        "service without notice",
    ),
    _cue(
        "outcome_dismissal",
        r"\b(?:placed|added|included|put)\s+on\s+the\s+(?:\w+\s+){0,3}barred"
        r"\s+list",
        "barred",
        prospective=True,
    ),
    _cue(
        "outcome_dismissal",
        r"\b(?:was|were|has\s+been|have\s+been|had\s+been|be)\s+"
        r"(?:summarily\s+)?dismissed\b(?!\s+(?:the|an?|his|her|their)\s+(?:appeal|claim|case))",
        "dismissed",
        reject_before=_NOT_A_PERSON_DISMISSED,
    ),
    _cue(
        "outcome_dismissal",
        r"\bdismissed\s+from\s+(?:the\s+)?(?:force|service|police|"
        r"constabulary|Met|[A-Z])",
        "dismissed from",
    ),
    _cue("outcome_dismissal", r"\bsacked\b", "sacked"),
    # --- outcome_sanction ----------------------------------------------------------------
    _cue(
        "outcome_sanction",
        r"\b(?:final\s+)?written\s+warnings?\b",
        "written warning",
        reject_before=_HYPOTHETICAL_SANCTION,
    ),
    _cue(
        "outcome_sanction",
        r"\breduc(?:ed|tion)\s+(?:in|to\s+the)\s+rank\b",
        "reduc",
        reject_before=_HYPOTHETICAL_SANCTION,
    ),
    # Whether management advice is a sanction depends on who gave it (see classifier).
    _cue(
        "outcome_sanction",
        r"\b(?:given|received|issued|handed)\s+management\s+advice\b",
        "management advice",
    ),
    # --- outcome_not_proven ---------------------------------------------------------------
    _cue("outcome_not_proven", r"\bnot\s+(?:been\s+)?(?:found\s+)?proven\b", "proven"),
    _cue("outcome_not_proven", r"\bunproven\b", "unproven"),
    _cue(
        "outcome_not_proven",
        r"\b(?:panel|chair|tribunal)\b[^.\n]{0,80}\bno\s+case\s+to\s+answer",
        "no case to answer",
    ),
    _cue(
        "outcome_not_proven",
        r"\b(?:end|close|conclusion)\s+of\s+(?:the|a)\s+(?:\w+\s+){0,2}"
        r"hearing\b[^.\n]{0,80}\bno\s+case\s+to\s+answer",
        "no case to answer",
    ),
    _cue(
        "outcome_not_proven",
        rf"\bcleared\s+(?:of\s+|at\s+|by\s+)(?:an?\s+|the\s+)?{_CONDUCT}",
        "cleared",
    ),
    _cue("outcome_not_proven", r"\b(?:panel|chair|tribunal)\b[^.\n]{0,60}\bcleared\b", "cleared"),
    _cue("outcome_not_proven", r"\babuse\s+of\s+process\b", "abuse of process"),
    # "the proceedings concluded without any finding against either officer"
    _cue(
        "outcome_not_proven",
        r"\b(?:hearing|proceedings|meeting)\b[^.\n]{0,60}?\b(?:concluded|ended|closed|finished)"
        r"\s+without\s+(?:any\s+|a\s+)?(?:adverse\s+)?findings?\b",
        "without",
    ),
    # A panel's stay ends misconduct proceedings without a finding (an abuse-of-process ruling);
    # a stay "pending the trial" is a pause (appeal_or_review, flag on_hold).
    _cue(
        "outcome_not_proven",
        r"\b(?:proceedings|case|hearing|allegations?)\s+(?:against\s+(?:\w+\s+){1,5})?"
        r"(?:were|was|have\s+been|has\s+been)\s+(?:permanently\s+)?stayed\b",
        "stayed",
        reject_after=re.compile(r"\b(?:pending|until|while|whilst|awaiting|for\s+now)\b", _I),
    ),
    # "the panel ruled that continuing them would be an abuse of process": the ruling is the
    # event, whatever mood its content is in.
    _cue(
        "outcome_not_proven",
        rf"\b(?:ruled|found|decided|concluded|determined|held)\s+that\b{_gap(60)}\babuse\s+of\s+"
        r"process\b",
        "abuse of process",
    ),
    _cue(
        "outcome_not_proven",
        r"\b(?:misconduct\s+)?(?:case|proceedings|allegations?)\s+"
        r"(?:against\s+(?:\w+\s+){1,4})?(?:was|were|has\s+been|have\s+been)\s+dismissed\b",
        "dismissed",
    ),
    # --- appeal_or_review -----------------------------------------------------------------
    _cue("appeal_or_review", r"\bPolice\s+Appeals?\s+Tribunal\b", "appeals"),
    _cue("appeal_or_review", r"\bjudicial\s+review\b", "judicial review"),
    _cue(
        "appeal_or_review",
        r"\bquashed\s+(?:the\s+)?(?:\w+['’]s?\s+)?(?:(?:police\s+)?appeals?\s+)?(?:tribunal|panel)"
        r"(?:['’]s)?\s+(?:decision|orders?|findings?|ruling)",
        "quashed",
    ),
    _cue(
        "appeal_or_review",
        r"\b(?:lodged|submitted|launched|won|lost|upheld|dismissed|allowed|"
        r"rejected|granted)\s+(?:an?\s+|the\s+|his\s+|her\s+|their\s+)?appeals?\b",
        "appeal",
        reject_after=_WITNESS_APPEAL,
    ),
    _cue(
        "appeal_or_review",
        r"\bappeals?\s+(?:was|were|has\s+been|have\s+been|is)\s+(?:upheld|"
        r"allowed|dismissed|rejected|lodged|successful|unsuccessful|granted)",
        "appeal",
    ),
    _cue(
        "appeal_or_review",
        r"\b(?:has|have|had)\s+appealed\b",
        "appealed",
        reject_after=_WITNESS_APPEAL,
    ),
    _cue("appeal_or_review", r"\bfresh\s+representations\b", "representations"),
    _cue(
        "appeal_or_review",
        r"\b(?:reviewing|reconsidering|reconsidered|reviewed|review|"
        r"reconsider)\s+(?:its|our|the|their)\s+(?:original\s+)?(?:decision|determination|"
        r"direction|findings)",
        "review|reconsider",
        prospective=True,
    ),
    _cue("appeal_or_review", r"\bwithdr[ae]wn?\s+(?:its|our|the)\s+direction", "withdr"),
    _cue(
        "appeal_or_review",
        r"\b(?:paused|pausing|pauses|put\s+on\s+hold|placed\s+on\s+hold|"
        r"stayed)\b",
        "paus|hold|stayed",
    ),
    _cue("appeal_or_review", r"\bVictims['’]?\s+Right\s+to\s+Review\b", "right to review"),
    _cue(
        "appeal_or_review", r"\b(?:complaint\s+)?review\s+(?:was|has\s+been)\s+upheld\b", "review"
    ),
    _cue(
        "appeal_or_review",
        r"\bupheld\s+(?:the|a|an|his|her|their)\s+(?:\w+['’]s\s+)?(?:complaint\s+)?(?:review|appeal)",
        "review",
    ),
    # --- reinvestigation ------------------------------------------------------------------
    _cue(
        "reinvestigation",
        r"\b(?:decided|decision|agreed)\s+to\s+(?:re-?investigate|re-?open)",
        "decided",
    ),
    _cue(
        "reinvestigation",
        r"\b(?:begun|began|launched|opened|started|commenced|announced|"
        r"ordered|begin|launch|start)\s+(?:an?\s+|its\s+|our\s+|the\s+)?(?:independent\s+)?"
        r"re-?investigation",
        "investigation",
    ),
    _cue(
        "reinvestigation",
        r"\bwill\s+(?:now\s+)?(?:be\s+)?re-?investigat(?:e|ed)\b",
        "investigat",
        prospective=True,
    ),
    _cue(
        "reinvestigation",
        r"\b(?:is|are|was|were|been|being)\s+(?:now\s+)?(?:being\s+)?"
        r"re-?(?:opened|investigated)\b",
        "re",
    ),
    _cue(
        "reinvestigation",
        r"\bre-?open(?:ed|ing|s)?\s+(?:the|its|our|an|a|their|this)\s+"
        r"(?:original\s+)?(?:investigation|case|inquiry|complaint)",
        "open",
    ),
    _cue("reinvestigation", r"\bmaterially\s+flawed\b", "flawed"),
    _cue("reinvestigation", r"\bsignificant\s+new\s+(?:information|evidence)\b", "significant"),
    _cue("reinvestigation", r"\bquashed\b", "quashed", reject_after=_NOT_REINVESTIGATED),
    # --- inquest --------------------------------------------------------------------------
    _cue(
        "inquest",
        r"\binquest\s+jur(?:y|ies)\b[^.\n]{0,80}\b(?:concluded|found|returned|ruled|"
        r"determined|recorded)",
        "inquest",
    ),
    _cue(
        "inquest",
        r"\binquests?\b[^.\n]{0,60}\b(?:concluded|opened|resumed|closed|began|"
        r"heard|found|ended)\b",
        "inquest",
    ),
    _cue("inquest", r"\b(?:narrative|open)\s+(?:conclusion|verdict)\b", "narrative|open"),
    _cue("inquest", r"\bunlawful(?:ly)?\s+kill(?:ed|ing)\b", "unlawful"),
    _cue(
        "inquest",
        r"\bfailings\s+(?:that\s+|which\s+)?(?:probably|possibly|more\s+than\s+"
        r"minimally|may\s+have)\s+(?:contributed|caused)",
        "failings",
    ),
    _cue(
        "inquest",
        r"\bcoroner['’]?s?\s+(?:findings|concluded|found|ruled|recorded|issued)",
        "coroner",
    ),
    _cue(
        "inquest", r"\binquests?\b[^.\n]{0,80}\b(?:recorded|returned|determined|ruled)\b", "inquest"
    ),
    _cue(
        "inquest",
        r"\b(?:probably|possibly|more\s+than\s+minimally)\s+contributed\s+to\s+(?:his|her|their|the)\s+deaths?",
        "contributed",
    ),
    _cue("inquest", r"\bRegulation\s+28\b", "regulation 28"),
    _cue("inquest", r"\bprevention\s+of\s+future\s+deaths\b", "future deaths"),
    _cue(
        "inquest",
        r"\b(?:jury|coroner)\b[^.\n]{0,60}\b(?:recorded|returned|reached)\s+(?:an?\s+)?"
        r"(?:\w+\s+)?(?:conclusion|verdict)",
        "conclusion",
    ),
    # --- learning_recommendations ---------------------------------------------------------
    _cue(
        "learning_recommendations",
        r"\b(?:made|issued|making|published|make|makes)\s+"
        r"(?:\w+\s+){0,2}(?:learning\s+)?recommendations?\b",
        "recommendation",
        prospective=True,
    ),
    _cue("learning_recommendations", r"\blearning\s+recommendations?\b", "learning"),
    _cue("learning_recommendations", r"\blearning\s+(?:points?|opportunities)\b", "learning"),
    _cue("learning_recommendations", r"\bidentified\s+(?:\w+\s+){0,2}learning\b", "learning"),
    _cue(
        "learning_recommendations",
        r"\b(?:accepted|responded\s+to)\s+(?:\w+\s+){1,3}"
        r"(?:of\s+(?:the|our)\s+)?recommendations?",
        "recommendation",
    ),
    _cue("learning_recommendations", r"\bDate\s+response\s+due\b", "response due"),
    # A force's published response: "Response: accepted", "The force has accepted all three".
    _cue(
        "learning_recommendations",
        r"\bresponse\s*:\s*(?:accepted|partially\s+accepted|not\s+accepted|rejected)\b",
        "response",
    ),
    _cue(
        "learning_recommendations",
        r"\b(?:accepted|accepts)\s+(?:all|both|each)\s+(?:of\s+(?:the|our|its)\s+)?"
        r"(?:\w+\s+)?(?:recommendations?|two|three|four|five|six|seven|eight|nine|ten)\b",
        "accept",
    ),
    # "We have written to the force with two urgent recommendations", "interim learning"
    _cue(
        "learning_recommendations",
        rf"\b(?:written|wrote|write)\s+to\s+{_gap(50)}\bwith\s+{_gap(30)}\b(?:recommendations?|learning)\b",
        "recommendation|learning",
    ),
    _cue(
        "learning_recommendations",
        r"\b(?:urgent|interim)\s+(?:learning|recommendations?)\b"
        r"|\b(?:learning|recommendations?)\s+(?:was\s+|were\s+|has\s+been\s+|have\s+been\s+)?"
        r"(?:issued|sent)\s+to\b",
        "recommendation|learning",
    ),
    _cue(
        "learning_recommendations",
        r"\bwe\s+(?:have\s+)?(?:also\s+)?recommended\s+(?:that|to)\b",
        "recommended",
    ),
    _cue("learning_recommendations", r"\bDo\s+you\s+accept\s+the\s+recommendation", "accept"),
)
