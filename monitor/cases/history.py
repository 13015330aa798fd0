"""A case's timeline from every version of every announcement, with dates in local time.

Nothing is overwritten: each version keeps the reading it had, so an edit shows as its own entry
("edited 2 Dec 2026: was appeal or review, now re-investigation") and a removal as another. The
stage after each entry is derived the way the recorder derives the case's current stage (the
newest dated announcement that reports a case event, as each one read then), so an edit or a
correction that changes the case's stage says so where it happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine as DbEngine
from sqlmodel import Session, col, select

from monitor.cases.hearings import KINDS
from monitor.cases.officers import trails
from monitor.diff import NO_EVENT_STAGE
from monitor.store.tables import (
    Case,
    CaseDocument,
    DocumentRow,
    DocumentVersion,
    Hearing,
    StageUpdate,
)


@dataclass(frozen=True, slots=True)
class _Reading:
    update: StageUpdate
    version: DocumentVersion
    document: DocumentRow
    joined_by: str | None


def find_case(session: Session, ref: str) -> Case | None:
    """A case by id, key or name (any case); a merged case leads to the one it became part of."""
    case = None
    if ref.isdigit():
        case = session.get(Case, int(ref)) if len(ref) < 19 else None
    else:
        case = session.exec(select(Case).where(Case.key == ref)).first()
        if case is None:
            named = session.exec(
                select(Case)
                .where(col(Case.name).ilike(ref))
                .order_by(
                    col(Case.tracked).desc(), col(Case.merged_into).is_not(None), col(Case.id)
                )
            )
            case = named.first()
    seen = set()
    while case is not None and case.merged_into is not None and case.id not in seen:
        seen.add(case.id)
        case = session.get(Case, case.merged_into)
    return case


def case_history(db: DbEngine, ref: str, tz: str) -> dict[str, Any] | None:
    """The case, its timeline oldest first, its officers and its dates; None if no such case."""
    zone = ZoneInfo(tz)
    with Session(db) as session:
        case = find_case(session, ref)
        if case is None:
            return None
        readings = _readings(session, case.id)
        timeline, said = _timeline(readings, zone)
        officer_lines = trails(said)
        hearings = session.exec(
            select(Hearing, DocumentRow)
            .join(DocumentRow, col(DocumentRow.id) == col(Hearing.document_id))
            .where(Hearing.case_id == case.id)
            .order_by(col(Hearing.starts_at))
        ).all()
        from monitor.corrections import by_version, listed

        corrected = by_version(session, [r.version.id for r in readings])
        for entry in timeline:
            entry["correction"] = corrected.get(entry["version_id"])
        return {
            **case_summary(case, zone),
            "timeline": timeline,
            "corrections": listed(session, case_id=case.id),
            "officer_trails": officer_lines,
            "hearings": [hearing_dict(h, case, d, zone) for h, d in hearings],
            "no_announcement": not readings,
        }


def case_summary(case: Case, zone: ZoneInfo) -> dict[str, Any]:
    from monitor.views import label

    return {
        "id": case.id,
        "key": case.key,
        "name": case.name,
        "tracked": case.tracked,
        "force": case.force,
        "stage": case.stage,
        "stage_label": label(case.stage, case.severity),
        "severity": case.severity,
        "officers": case.officers,
        "reported_status": case.reported_status,
        "stage_since": _iso(case.stage_since),
        "stage_since_day": local_day(case.stage_since, zone),
        "updated_at": _iso(case.updated_at),
        "not_a_case": case.not_a_case,
    }


def hearing_dict(h: Hearing, case: Case, doc: DocumentRow, zone: ZoneInfo) -> dict[str, Any]:
    local = h.starts_at.astimezone(zone)
    return {
        "id": h.id,
        "case_id": case.id,
        "case_name": case.name,
        "kind": h.kind,
        "kind_label": KINDS.get(h.kind, h.kind),
        "starts_at": h.starts_at.isoformat(),
        "all_day": h.all_day,
        "when": local.strftime("%a %-d %b %Y") + ("" if h.all_day else local.strftime(" %H:%M")),
        "place": h.place,
        "title": doc.title,
        "url": doc.url,
    }


def local_day(value: datetime | None, zone: ZoneInfo) -> str | None:
    """'05 Jul 2019' for a UTC value, as the clock read where the case is followed."""
    return value.astimezone(zone).strftime("%d %b %Y") if value else None


def _readings(session: Session, case_id: int) -> list[_Reading]:
    rows = session.exec(
        select(StageUpdate, DocumentVersion, DocumentRow, CaseDocument.joined_by)
        .join(DocumentVersion, col(DocumentVersion.id) == col(StageUpdate.version_id))
        .join(DocumentRow, col(DocumentRow.id) == col(StageUpdate.document_id))
        .join(CaseDocument, col(CaseDocument.document_id) == col(DocumentRow.id))
        .where(CaseDocument.case_id == case_id)
        .order_by(col(DocumentVersion.seen_at), col(StageUpdate.id))
    ).all()
    return [_Reading(*row) for row in rows]


def _timeline(
    readings: list[_Reading], zone: ZoneInfo
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Entries oldest first (first versions, edits, removals, each with the stage after it), and
    what each case update said with its stage, in the same order, for the officers' trails."""
    by_document: dict[int, list[_Reading]] = {}
    for r in readings:
        by_document.setdefault(r.document.id, []).append(r)
    happenings: list[tuple[datetime, int, str, _Reading, _Reading | None]] = []
    for versions in by_document.values():
        first = versions[0]
        happenings.append((first.update.effective_at, first.update.id, "announcement", first, None))
        for before, after in zip(versions, versions[1:], strict=False):
            happenings.append((after.version.seen_at, after.update.id, "edit", after, before))
        doc = first.document
        if doc.removed_at is not None:
            happenings.append((doc.removed_at, 2**62, "removal", versions[-1], None))
    happenings.sort(key=lambda h: (h[0], h[1]))

    current: dict[int, _Reading] = {}  # each document's reading at this point in time
    stage: str | None = None
    entries, said = [], []
    for when, _, kind, reading, before in happenings:
        if kind != "removal":
            current[reading.document.id] = reading
            if reading.update.stage != NO_EVENT_STAGE:
                said.append(
                    (f"{reading.version.title}\n{reading.version.text}", _short(reading.update))
                )
        now_stage = _case_stage(current.values())
        moved = now_stage is not None and now_stage != stage
        u, v, d = reading.update, reading.version, reading.document
        entries.append(
            {
                "kind": kind,
                "date": _iso(when),
                "day": local_day(when, zone),
                "date_note": v.date_note if kind == "announcement" else None,
                "stage": u.stage,
                "stage_label": _label(u),
                "case_stage": now_stage,
                "from_stage": stage if moved else None,
                "moved": moved,
                "backwards": moved and stage is not None and _rank(now_stage) < _rank(stage),
                "note": _note(kind, when, reading, before, zone),
                "evidence": u.evidence,
                "officers": u.officers,
                "severity": u.severity,
                "force": u.force,
                "confidence": u.confidence,
                "uncertain": u.uncertain,
                "title": v.title,
                "document_id": d.id,
                "version_id": v.id,
                "url": d.url,
                "source_id": d.source_id,
                "joined_by": reading.joined_by,
                "removed": d.removed_at is not None,
            }
        )
        stage = now_stage or stage
    return entries, said


def _case_stage(readings: Any) -> str | None:
    """The stage of the newest dated reading that reports a case event (as the recorder does)."""
    reporting = [r for r in readings if r.update.stage != NO_EVENT_STAGE]
    if not reporting:
        return None
    return max(reporting, key=lambda r: (r.update.effective_at, r.update.id)).update.stage


def _note(
    kind: str, when: datetime, reading: _Reading, before: _Reading | None, zone: ZoneInfo
) -> str | None:
    day = when.astimezone(zone).strftime("%-d %b %Y")
    if kind == "edit" and before is not None:
        was, now = _short(before.update), _short(reading.update)
        if was == now:
            return f"edited {day}: reworded, still {now}"
        return f"edited {day}: was {was}, now {now}"
    if kind == "removal":
        return f"removed {day}: “{reading.document.title}” taken down; our copy is kept"
    return None


def _label(u: StageUpdate) -> str:
    from monitor.views import label

    return label(u.stage, u.severity)


def _short(u: StageUpdate) -> str:
    from monitor.views import short_label

    return short_label(u.stage, u.severity)


def _rank(stage: str | None) -> int:
    from monitor.views import stage_rank

    return stage_rank(stage) if stage else -1


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
