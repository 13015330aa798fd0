"""A document the site took down, or put back: keep our copy, mark it, tell its followers.

A page can go, come back and go again; each removal and each return is its own event (the
dedupe key counts the earlier ones), so the second removal is not silent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from monitor.diff import dedupe_key
from monitor.recorder import add_event, event_payload
from monitor.store.tables import Case, CaseDocument, DocumentRow, Event

REMOVED, RESTORED = "document_removed", "document_restored"


def record_removal(
    session: Session,
    document_id: int,
    *,
    source_name: str,
    now: datetime,
    status: str,  # live, held (mass-change guard) or baseline (first run, not sent)
    enqueue: Callable[[Session, Event], Any],
) -> list[Event]:
    row = session.get(DocumentRow, document_id)
    if row is None or row.removed_at is not None:
        return []
    row.removed_at = now
    session.add(row)
    cases = session.exec(
        select(Case).join(CaseDocument).where(CaseDocument.document_id == document_id)
    ).all()
    return _tell(session, REMOVED, row, cases, source_name, now, status, enqueue)


def record_restoration(
    session: Session,
    row: DocumentRow,
    cases: Sequence[Case],
    *,
    source_name: str,
    now: datetime,
    status: str,
    enqueue: Callable[[Session, Event], Any],
) -> list[Event]:
    """A removed document is back on the site (the caller has cleared `removed_at`)."""
    return _tell(session, RESTORED, row, cases, source_name, now, status, enqueue)


def _tell(
    session: Session,
    kind: str,
    row: DocumentRow,
    cases: Sequence[Case],
    source_name: str,
    now: datetime,
    status: str,
    enqueue: Callable[[Session, Event], Any],
) -> list[Event]:
    # The how-many-th removal (or return) of this document: stable if a cycle is re-run.
    earlier = session.exec(
        select(func.count()).select_from(Event)
        .where(Event.document_id == row.id, Event.kind == kind)
    ).one()
    events = []
    for case in cases:
        payload = event_payload(
            case,
            title=row.title,
            url=row.url,
            source_id=row.source_id,
            source_name=source_name,
            from_stage=case.stage,
            to_stage=case.stage,
            force=case.force,
        )
        key = dedupe_key(kind, case.key, row.source_id, row.external_id, row.content_hash)
        event = add_event(
            session,
            Event(
                dedupe_key=key if kind == REMOVED and not earlier else f"{key}:{earlier}",
                kind=kind,
                source_id=row.source_id,
                case_id=case.id,
                document_id=row.id,
                from_stage=case.stage,
                to_stage=case.stage,
                payload_json=json.dumps(payload),
                status=status,
                created_at=now,
            ),
        )
        if event is not None:
            events.append(event)
            if event.status == "live":
                enqueue(session, event)
    return events
