"""Decide which events a recorded document version produces for one case. Pure: no I/O."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

NO_EVENT_STAGE = "not_a_case_update"


@dataclass(frozen=True, slots=True)
class CaseChange:
    """A case before and after one document version was recorded."""

    case_key: str
    is_new_case: bool
    stage_before: str
    stage_after: str
    status_before: str | None  # the status the source itself printed ("Status: …"), if any
    status_after: str | None
    document_is_new: bool  # first time we see this document (not an edit)
    document_is_newest: bool  # its update is now the case's newest dated one
    update_stage: str  # this version's own classification
    previous_version_stage: str | None  # the same document's classification before an edit
    tracked: bool = False  # a case from [[cases]]: its followers hear of every announcement


@dataclass(frozen=True, slots=True)
class PlannedEvent:
    kind: str
    from_stage: str | None
    to_stage: str | None
    edited: bool = False  # made by an edit of a document already seen


def plan_events(change: CaseChange) -> list[PlannedEvent]:
    """At most one event per case per document version, the most specific that applies.

    A tracked case is never silent: a new or changed announcement naming it that moves
    nothing is an `announcement` event, so its followers still see it.
    """
    planned = _specific_events(change)
    if planned or not change.tracked:
        return planned
    stage = change.stage_after
    return [PlannedEvent("announcement", stage, stage, edited=not change.document_is_new)]


def _specific_events(change: CaseChange) -> list[PlannedEvent]:
    c = change
    if c.is_new_case:
        if c.stage_after != NO_EVENT_STAGE:
            return [PlannedEvent("new_case", None, c.stage_after)]
        return []
    if c.stage_after != c.stage_before:
        return [PlannedEvent("stage_changed", c.stage_before, c.stage_after)]
    if c.status_before and c.status_after and c.status_before != c.status_after:
        # The site's own status field moved even though our reading of the stage did not.
        return [PlannedEvent("stage_changed", c.stage_before, c.stage_after)]
    if not c.document_is_new:
        if c.previous_version_stage is not None and c.previous_version_stage != c.update_stage:
            return [PlannedEvent(
                "document_changed", c.previous_version_stage, c.update_stage, edited=True
            )]
        return []
    if c.document_is_newest and c.update_stage != NO_EVENT_STAGE:
        return [PlannedEvent("case_update", c.stage_after, c.stage_after)]
    return []


def dedupe_key(kind: str, *parts: object) -> str:
    """Stable across restarts and instances: the same facts always give the same key."""
    material = "|".join([kind, *("" if p is None else str(p) for p in parts)])
    return f"{kind}:{hashlib.sha256(material.encode()).hexdigest()[:40]}"
