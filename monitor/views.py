"""Read-only views of the store, shared by the CLI and the web pages. Plain dicts out."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Engine as DbEngine
from sqlmodel import Session, col, select

from monitor.config import Config
from monitor.store.tables import (
    Case,
    CaseDocument,
    DocumentRow,
    DocumentVersion,
    Event,
    SourceState,
    StageUpdate,
)


def _label(stage: str, severity: str | None = None) -> str:
    from monitor.stages.vocabulary import label

    return label(stage, severity)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def case_list(db: DbEngine, *, tracked_only: bool = False) -> list[dict[str, Any]]:
    with Session(db) as session:
        query = select(Case).order_by(col(Case.tracked).desc(), col(Case.updated_at).desc())
        if tracked_only:
            query = query.where(Case.tracked == True)  # noqa: E712 - SQL expression
        return [_case_dict(c) for c in session.exec(query)]


def _case_dict(c: Case) -> dict[str, Any]:
    return {
        "id": c.id, "key": c.key, "name": c.name, "tracked": c.tracked, "force": c.force,
        "stage": c.stage, "stage_label": _label(c.stage, c.severity), "severity": c.severity,
        "officers": c.officers, "reported_status": c.reported_status,
        "stage_since": _iso(c.stage_since), "updated_at": _iso(c.updated_at),
    }


def find_case(session: Session, ref: str) -> Case | None:
    """A case by id, key, or name (case-insensitive)."""
    if ref.isdigit():
        return session.get(Case, int(ref))
    found = session.exec(select(Case).where(Case.key == ref)).first()
    if found:
        return found
    for case in session.exec(select(Case).where(Case.tracked == True)):  # noqa: E712
        if case.name.casefold() == ref.casefold():
            return case
    return session.exec(select(Case).where(col(Case.name).ilike(ref))).first()


def case_history(db: DbEngine, ref: str) -> dict[str, Any] | None:
    """The case and its timeline, oldest first; each entry says whether the stage moved."""
    with Session(db) as session:
        case = find_case(session, ref)
        if case is None:
            return None
        rows = session.exec(
            select(StageUpdate, DocumentVersion, DocumentRow)
            .join(DocumentVersion, col(DocumentVersion.id) == col(StageUpdate.version_id))
            .join(DocumentRow, col(DocumentRow.id) == col(StageUpdate.document_id))
            .join(CaseDocument, col(CaseDocument.document_id) == col(DocumentRow.id))
            .where(CaseDocument.case_id == case.id)
            .where(col(DocumentRow.current_version_id) == col(StageUpdate.version_id))
            .order_by(col(StageUpdate.effective_at), col(StageUpdate.id))
        ).all()
        timeline, stage = [], None
        for update, version, doc in rows:
            moved = update.stage != "not_a_case_update" and update.stage != stage
            timeline.append({
                "date": _iso(update.effective_at), "date_note": version.date_note,
                "stage": update.stage, "stage_label": _label(update.stage, update.severity),
                "from_stage": stage if moved else None, "moved": moved,
                "backwards": moved and stage is not None and _order(update.stage) < _order(stage),
                "evidence": update.evidence, "officers": update.officers,
                "severity": update.severity, "force": update.force, "title": version.title,
                "url": doc.url, "source_id": doc.source_id, "removed": doc.removed_at is not None,
            })
            if update.stage != "not_a_case_update":
                stage = update.stage
        return {**_case_dict(case), "timeline": timeline}


def _order(stage: str) -> int:
    from monitor.stages.vocabulary import STAGES

    return STAGES.index(stage) if stage in STAGES else -1


def source_health(db: DbEngine, config: Config) -> list[dict[str, Any]]:
    with Session(db) as session:
        states = {s.source_id: s for s in session.exec(select(SourceState))}
    rows = []
    for sc in config.sources:
        s = states.get(sc.id)
        if s is None:
            status = "new"
        elif s.consecutive_failures >= config.health.after_failures:
            status = "FAILING"
        elif s.consecutive_failures:
            status = "retrying"
        else:
            status = "ok" if s.last_success_at else "new"
        rows.append({
            "source_id": sc.id, "plugin": sc.plugin_id, "enabled": sc.enabled, "status": status,
            "last_run_at": _iso(s.last_run_at) if s else None,
            "last_success_at": _iso(s.last_success_at) if s else None,
            "last_error_at": _iso(s.last_error_at) if s else None,
            "last_error_kind": s.last_error_kind if s else None,
            "last_error_message": s.last_error_message if s else None,
            "consecutive_failures": s.consecutive_failures if s else 0,
            "next_run_at": _iso(s.next_run_at) if s else None,
        })
    return rows


def plugin_list() -> list[dict[str, Any]]:
    from sources.registry import installed

    return [
        {"id": cls.id, "name": cls.name, "hosts": list(cls.hosts),
         "interval": _duration(cls.default_interval.total_seconds()),
         "module": cls.__module__}
        for cls in sorted(installed().values(), key=lambda c: c.id)
    ]


def _duration(seconds: float) -> str:
    return f"{seconds / 3600:g}h" if seconds >= 3600 else f"{seconds / 60:g}min"


def held_events(db: DbEngine) -> list[dict[str, Any]]:
    with Session(db) as session:
        events = session.exec(select(Event).where(Event.status == "held").order_by(col(Event.id)))
        return [
            {"id": e.id, "source_id": e.source_id, "kind": e.kind,
             "case": json.loads(e.payload_json).get("case_name")}
            for e in events
        ]


def settle_held(db: DbEngine, config: Config, source_id: str | None, *, release: bool) -> int:
    """Release (send) or discard the alerts the mass-change guard held for a source."""
    from notifications.outbox import enqueue
    from monitor.store.types import utcnow

    now = utcnow()
    with Session(db) as session:
        events = session.exec(
            select(Event).where(Event.status == "held", Event.source_id == source_id)
        ).all()
        for event in events:
            event.status = "live" if release else "discarded"
            session.add(event)
            if release:
                enqueue(session, event, config, text="", now=now)
        session.commit()
        return len(events)
