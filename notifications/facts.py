"""What an alert may say about a reading: only facts that belong to the news it reports.

The reader counts officers wherever it finds them; an alert repeats a count only when the
sentence it quotes or the headline states it, so a count from an earlier investigation told as
background ("In 2016, 17 officers were investigated…") is not attached to a new event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from monitor.stages.reader import Classification


def reading_facts(cls: Classification, title: str) -> dict[str, Any]:
    """The payload fields an event takes from its document's classification."""
    return {
        "reading": cls.stage,  # this announcement's own reading, whatever the case's stage
        "evidence": cls.evidence,
        "officers": cls.officers if _stated_in_news(cls, title) else None,
        "severity": cls.severity,
        "route": cls.route,
        "flags": sorted(cls.flags),
        "confidence": round(cls.confidence, 3),
        "runner_up": cls.runner_up,
        "uncertain": cls.uncertain,
    }


def _stated_in_news(cls: Classification, title: str) -> bool:
    from monitor.stages.attributes import mentions_one_officer, officer_count

    if not cls.officers:
        return False
    evidence = cls.evidence or ""
    return bool(
        officer_count(evidence)
        or officer_count(title)
        or (cls.officers == 1
            and (mentions_one_officer(evidence) or mentions_one_officer(title, is_title=True)))
    )
