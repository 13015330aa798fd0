"""The controlled stage vocabulary: identifiers, lifecycle order, precedence ladder and labels.

Source of truth: shared/reference/domain.md section a. Identifiers are stored in the database and
sent to subscribers' tools, so they never change spelling; labels may be reworded freely.
"""

from __future__ import annotations

# Lifecycle order (domain.md a.2). Criminal and disciplinary tracks interleave, so this order is
# for display and timelines only; which label wins inside one text is decided by LADDER.
STAGES: tuple[str, ...] = (
    "not_a_case_update",
    "referral",
    "investigation_opened",
    "misconduct_notices_served",
    "criminal_investigation",
    "cps_file_referred",
    "cps_no_charge",
    "criminal_charge",
    "criminal_trial_outcome",
    "case_to_answer",
    "no_case_to_answer",
    "reflective_practice",
    "accelerated_hearing",
    "proceedings_scheduled",
    "outcome_dismissal",
    "outcome_sanction",
    "outcome_not_proven",
    "appeal_or_review",
    "reinvestigation",
    "inquest",
    "learning_recommendations",
)

# Precedence ladder (domain.md a.1 rule 2), highest first: when one text announces several new
# events, the headline label is the highest; per-officer detail lives in the attributes.
LADDER: tuple[str, ...] = (
    "outcome_dismissal",
    "outcome_sanction",
    "outcome_not_proven",
    "criminal_trial_outcome",
    "criminal_charge",
    "cps_no_charge",
    "cps_file_referred",
    "reinvestigation",
    "appeal_or_review",
    "accelerated_hearing",
    "proceedings_scheduled",
    "case_to_answer",
    "reflective_practice",
    "no_case_to_answer",
    "inquest",
    "criminal_investigation",
    "misconduct_notices_served",
    "investigation_opened",
    "referral",
    "learning_recommendations",
    "not_a_case_update",
)

# Status flags that travel with any stage (kept out of the stage list, domain.md a.1).
REPORT_SUBMITTED = "report_submitted"
ON_HOLD = "on_hold"
FLAGS: tuple[str, ...] = (REPORT_SUBMITTED, ON_HOLD)

SEVERITIES: tuple[str, ...] = ("misconduct", "gross_misconduct")
ROUTES: tuple[str, ...] = ("meeting", "hearing", "accelerated", "rprp")

_LADDER_RANK = {stage: rank for rank, stage in enumerate(reversed(LADDER))}

# Sentences a bereaved family or a campaigner understands without knowing the regulations.
# "{conduct}" becomes "misconduct" or "gross misconduct" when the severity is known.
_LABELS: dict[str, str] = {
    "not_a_case_update": "No change in any case (general news, statistics or commentary)",
    "referral": "The matter has been referred to the police watchdog, which is deciding what to do",
    "investigation_opened": "An investigation into the police has started",
    "misconduct_notices_served": "Officers told they are under investigation for {conduct}",
    "criminal_investigation": "Officers are under criminal investigation",
    "cps_file_referred": "Evidence sent to prosecutors to decide on criminal charges",
    "cps_no_charge": "Prosecutors decided not to bring criminal charges",
    "criminal_charge": "An officer has been charged with a crime and will go to court",
    "criminal_trial_outcome": "A criminal court has reached a verdict or sentence",
    "case_to_answer": "Officers have a case to answer for {conduct} and face disciplinary action",
    "no_case_to_answer": "The investigation found no case for officers to answer",
    "reflective_practice": "Officers sent to a learning process instead of discipline",
    "accelerated_hearing": "Officers face a fast-track disciplinary hearing",
    "proceedings_scheduled": "A disciplinary hearing or meeting has been set or is under way",
    "outcome_dismissal": "An officer has been dismissed, or would have been if still serving",
    "outcome_sanction": "An officer was given a disciplinary warning or demotion",
    "outcome_not_proven": "The disciplinary panel found the allegations not proven",
    "appeal_or_review": "A decision is being appealed or reviewed",
    "reinvestigation": "The case has been reopened for a new investigation",
    "inquest": "The coroner's inquest has reached findings or is under way",
    "learning_recommendations": "The watchdog made recommendations for police to learn from",
}

# Noun phrases for subject lines: "Stephen Port: gross misconduct notices served".
_SHORT_LABELS: dict[str, str] = {
    "not_a_case_update": "no case update",
    "referral": "referred to the watchdog",
    "investigation_opened": "investigation opened",
    "misconduct_notices_served": "{conduct} notices served",
    "criminal_investigation": "criminal investigation",
    "cps_file_referred": "file sent to prosecutors",
    "cps_no_charge": "no criminal charge",
    "criminal_charge": "criminal charge",
    "criminal_trial_outcome": "court verdict or sentence",
    "case_to_answer": "case to answer for {conduct}",
    "no_case_to_answer": "no case to answer",
    "reflective_practice": "reflective practice instead of discipline",
    "accelerated_hearing": "fast-track hearing",
    "proceedings_scheduled": "disciplinary hearing scheduled",
    "outcome_dismissal": "officer dismissed",
    "outcome_sanction": "disciplinary sanction",
    "outcome_not_proven": "allegations not proven",
    "appeal_or_review": "appeal or review",
    "reinvestigation": "re-investigation",
    "inquest": "inquest findings",
    "learning_recommendations": "learning recommendations",
}


def _conduct(severity: str | None) -> str:
    return "gross misconduct" if severity == "gross_misconduct" else "misconduct"


def _check(stage: str) -> None:
    if stage not in _LADDER_RANK:
        raise ValueError(f"unknown stage {stage!r}; expected one of {', '.join(STAGES)}")


def label(stage: str, severity: str | None = None) -> str:
    """A plain-English sentence for a stage, worded by severity where that matters."""
    _check(stage)
    return _LABELS[stage].format(conduct=_conduct(severity))


def short_label(stage: str, severity: str | None = None) -> str:
    """A short noun phrase for a stage, for subject lines and timelines."""
    _check(stage)
    return _SHORT_LABELS[stage].format(conduct=_conduct(severity))


def ladder_rank(stage: str) -> int:
    """Higher wins when one text announces several events (0 = not_a_case_update)."""
    _check(stage)
    return _LADDER_RANK[stage]
